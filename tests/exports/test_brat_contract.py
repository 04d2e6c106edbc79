"""brat as brat reads it: a folder in brat's full dialect (tests/fixtures/formats/brat_full,
written for these tests) goes in through the CLI and comes back out equal: every .ann line,
IDs aside, and annotation.conf byte for byte. Errors in the conf name the file and line."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from desktop.cli.main import main
from exports import brat
from models.brat_conf import parse_brat_conf

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "brat_full"


def ann_lines(path: Path) -> Counter:
    """Each line of a .ann with its IDs replaced by what they point at (brat renumbers)."""
    rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln]
    by_id = {r[0]: r for r in rows if r[0] != "*"}

    def what(i: str):
        r = by_id[i]
        body = r[1].split(" ")
        if i[0] == "T":
            return ("T", r[1], r[2])
        if i[0] == "E":
            typ, trig = body[0].split(":")
            return ("E", typ, what(trig), tuple(sorted(
                (a.split(":")[0], what(a.split(":")[1])) for a in body[1:])))
        if i[0] == "R":
            return ("R", body[0], tuple((a.split(":")[0], what(a.split(":")[1]))
                                        for a in body[1:]))
        if i[0] in "AMN#":
            return (i[0], body[0], what(body[1]), tuple(body[2:]), tuple(r[2:]))
        raise AssertionError(i)

    out = Counter()
    for r in rows:
        if r[0] == "*":
            typ, *members = r[1].split(" ")
            out[("*", typ, frozenset(what(m) for m in members))] += 1
        else:
            out[what(r[0])] += 1
    return out


def test_every_construct_comes_back_as_it_was(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["--db", db, "--user", "ana", "import", "--project", "p", "--format",
                 "brat", str(FIX)]) == 0
    out = tmp_path / "out"
    assert main(["--db", db, "--user", "ana", "export", "--project", "p", "--format",
                 "brat", "--status", "all", "--out", str(out)]) == 0
    want = ann_lines(FIX / "doc1.ann")
    assert sum(want.values()) == 26
    assert ann_lines(out / "doc1.ann") == want
    assert (out / "doc1.txt").read_bytes() == (FIX / "doc1.txt").read_bytes()
    assert (out / "annotation.conf").read_text(encoding="utf-8") == \
        (FIX / "annotation.conf").read_text(encoding="utf-8")
    written = (out / "doc1.ann").read_text(encoding="utf-8")
    # the lines themselves, not only their meaning
    assert "\tMarry:T2 Spouse:T1 Spouse2:T3 Place:T4\n" in written
    assert "\tBinding:T8 Theme:T7 Theme2:T9 Site2:T10\n" in written
    assert "*\tEquiv T7 T10\n" in written and "\tNegation E3\n" in written
    assert "M1\tNegation E3\n" in written


def test_the_reader_keeps_what_each_line_says():
    (doc,) = list(brat.read(FIX))
    spans = {s.id: s for s in doc.spans}
    events = {e.id: e for e in doc.events}
    assert [a.role for a in events["E3"].arguments] == ["Theme", "Theme2", "Site2"]
    assert spans["T10"].fragments == [(61, 64), (65, 70)]
    assert spans["T1"].note == "the bride"
    assert spans["T7"].kb_id == "UniProt:P04637"
    assert spans["T7"].extra["norms"] == [
        ["Reference", "UniProt:P04637", "Cellular tumor antigen p53", "N1"],
        ["Reference", "HGNC:11998", "TP53", "N2"]]
    assert spans["T2"].extra["notes"] == [["Lemma", "marry", "", "#4"]]
    assert spans["T1"].extra["notes"] == [["AnnotatorNotes", "the bride", "", "#1"],
                                          ["AnnotatorNotes", "first mention", "A:Mention", "#5"]]
    assert events["E2"].extra["notes"] == [["AnnotatorNotes", "hearsay", "", "#3"]]
    assert events["E3"].extra["brat_attribute_ids"] == {"Negation": "M1"}
    assert spans["T1"].extra["brat_id"] == "T1"
    works, equiv = doc.relations
    assert works.extra["notes"] == [["AnnotatorNotes", "since 2020", "", "#2"]]
    assert (equiv.head, equiv.tail, equiv.label) == ("T7", "T10", "Equiv")


def test_the_conf_is_read_with_brats_rules():
    schema = brat.read_schema(FIX)
    assert schema.entity_names == ["Person", "Organization", "City", "Country", "Protein"]
    assert [e.name for e in schema.events] == ["Marry", "Meet", "Binding", "Report"]
    marry = schema.event("Marry")
    assert [(r.name, r.count, r.multiple) for r in marry.roles] == [
        ("Spouse", "{2}", True), ("Place", "?", False)]
    meet = schema.event("Meet")
    assert meet.role("Participant").labels == ["Person", "Organization"]  # the macro
    report = schema.event("Report")
    assert report.role("Event").takes("Marry", event=True)
    assert not report.role("Event").takes("Person")
    assert schema.event("Binding").role("Theme2").name == "Theme"  # brat's numbering
    located = schema.relation("Located")
    assert located.allows("Person", "City") and located.allows("Organization", "Country")
    assert not located.allows("Person", "Country")
    equiv = schema.relation("Equiv")
    assert equiv.symmetric and equiv.transitive
    assert schema.attribute("Negation").applies("Marry", event=True)
    assert not schema.attribute("Negation").applies("Person")


@pytest.mark.parametrize("conf, line, message", [
    ("[events]\n\tChild\tTheme:X\n", 2, "indented with no type above"),
    ("[events]\nE\tTheme:<NOPE>\n", 2, "undefined macro <NOPE>"),
    ("[events]\nE\tTheme{0}:X\n", 2, "cannot be exactly 0"),
    ("[events]\nE\tTheme{3-1}:X\n", 2, "the range is empty"),
    ("[events]\nE\tArg1+:X\n", 2, "cannot repeat"),
    ("[entities]\nX\n[events]\nE\tTheme:X, Theme?:X\n", 4, "appears twice"),
    ("[events]\nE\tTheme\n", 2, "expected Key:Type"),
    ("[entities]\nX\n\nX\n", 4, "defined twice"),
    ("[relations]\nR\tArg1:X\n", 2, "takes two arguments"),
    ("[events]\n<ENTITY>=A|B\n", 2, "reserved"),
])
def test_conf_errors_name_the_file_and_line(tmp_path, capsys, conf, line, message):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "annotation.conf").write_text(conf, encoding="utf-8")
    (folder / "a.txt").write_text("some text", encoding="utf-8")
    (folder / "a.ann").write_text("", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["--db", db, "import", "--project", "p", "--format", "brat",
                 str(folder)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"annotation.conf:{line}:" in err and message in err


def test_separators_and_several_lines_per_relation_are_not_labels():
    schema = parse_brat_conf("[relations]\nEquiv\tArg1:A, Arg2:A\nEquiv\tArg1:B, Arg2:B\n"
                             "[events]\nX\n-----\n--\nY\n")
    assert [e.name for e in schema.events] == ["X", "Y"]
    assert [r.name for r in schema.relations] == ["Equiv"]
    schema.validate()


@pytest.mark.parametrize("ann, message", [
    ("T1\tPerson 0 3\tBob\n", "differs from the .txt"),
    ("T1\tPerson 0 99\tAna\n", "outside the text"),
    ("T1\tPerson 0 3;x 5\tAna\n", "are not START END"),
    ("T1\tPerson 0 3\tAna\nR1\tKnows Arg1:T1 Arg2:T9\n", "T9, which is not defined"),
    ("T1\tPerson 0 3\tAna\nT1\tPerson 0 3\tAna\n", "defined twice"),
    ("Q1\tPerson 0 3\tAna\n", "unknown annotation"),
    ("Tx\tPerson 0 3\tAna\n", "is not a brat ID"),
    ("T1\tPer son 0 3\tAna\n", "are not START END"),
])
def test_ann_errors_name_the_file_and_line(tmp_path, capsys, ann, message):
    folder = tmp_path / "d"
    shutil.copytree(FIX, folder)
    (folder / "doc1.ann").write_text(ann, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["--db", db, "import", "--project", "p", "--format", "brat",
                 str(folder)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "doc1.ann:" in err and message in err
    assert main(["--db", db, "project", "list"]) == 0
    assert "p" not in capsys.readouterr().out.split()
