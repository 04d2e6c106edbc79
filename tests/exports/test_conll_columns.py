"""CoNLL as the file had it: every column between token and tag, the -DOCSTART- lines (or
their absence), two-column files and the IOB1 scheme all come back line for line."""

from __future__ import annotations

from pathlib import Path

from exports import conll
from exports.base import ExportOptions
from models.records import SpanRecord


def roundtrip(tmp_path: Path, text: str, records_edit=None, **opts) -> tuple[str, object]:
    src = tmp_path / "in.conll"
    src.write_text(text, encoding="utf-8")
    recs = list(conll.read(src))
    if records_edit:
        records_edit(recs)
    report = conll.write(recs, tmp_path / "out.conll", None, ExportOptions(**opts))
    return (tmp_path / "out.conll").read_text(encoding="utf-8"), report


def rows(text: str) -> list[str]:
    return [" ".join(ln.split()) for ln in text.strip().split("\n")]


def test_a_file_without_docstart_and_with_two_columns_stays_so(tmp_path):
    text = "AL-AIN B-LOC\nwon O\n\nThen O\nRome B-LOC\n"
    out, _ = roundtrip(tmp_path, text)
    assert rows(out) == rows(text)


def test_extra_columns_of_any_number_are_kept_per_token(tmp_path):
    text = ("-DOCSTART- -X- -X- -X- O\n\nEU NNP B-NP x1 B-ORG\nrejects VBZ B-VP x2 O\n\n"
            "-DOCSTART- -X- -X- -X- O\n\nPeter NNP B-NP x3 B-PER\n")
    out, _ = roundtrip(tmp_path, text)
    assert rows(out) == rows(text)


def test_an_iob1_file_comes_back_in_iob1_unless_another_scheme_is_asked(tmp_path):
    # IOB1: I- opens an entity, B- only between two touching entities of one type
    text = "Rome I-LOC\nParis B-LOC\nand O\nUnited I-LOC\nStates I-LOC\n"
    out, _ = roundtrip(tmp_path, text)
    assert rows(out) == rows(text)
    out2, _ = roundtrip(tmp_path, text, conll_scheme="iob2")
    assert [r.split()[-1] for r in rows(out2)] == ["B-LOC", "B-LOC", "O", "B-LOC", "I-LOC"]


def test_two_entities_apart_only_by_white_space_stay_two_in_iob1(tmp_path):
    """The white space between them is not written, so in the file they touch: the second
    needs its B- (found by the round-trip fuzz: "Angela, 👍🏽  Angela" came back as one)."""
    from models.records import DocumentRecord

    text = "Angela Merkel  Joe Biden  spoke"  # two spaces: a white-space token between
    doc = DocumentRecord(text=text, spans=[SpanRecord(0, 13, "PER"), SpanRecord(15, 24, "PER")])
    conll.write([doc], tmp_path / "out.conll", None, ExportOptions(conll_scheme="iob1"))
    out = (tmp_path / "out.conll").read_text(encoding="utf-8")
    lines = [ln.split() for ln in out.splitlines() if ln and not ln.startswith("-DOCSTART-")]
    assert [(cols[0], cols[-1]) for cols in lines] == [
        ("Angela", "I-PER"), ("Merkel", "I-PER"), ("Joe", "B-PER"), ("Biden", "I-PER"),
        ("spoke", "O")]
    (back,) = conll.read(tmp_path / "out.conll")
    assert [back.text[s.start:s.end] for s in back.spans] == ["Angela Merkel", "Joe Biden"]


def test_a_span_across_a_sentence_break_of_the_file_drops_the_break_and_says_so(tmp_path):
    text = "New B-LOC\n\nYork O\ncity O\n"

    def join(recs):  # an annotator labels "New\nYork" as one place
        recs[0].spans = [SpanRecord(0, 8, "LOC", id="T1")]

    out, report = roundtrip(tmp_path, text, join)
    assert rows(out) == ["New B-LOC", "York I-LOC", "city O"]
    assert [p.kind for p in report.problems] == ["sentence"]


IOBES = """-DOCSTART- -X- -X- O

SOCCER NN B-NP O
- : O O
JAPAN NNP B-NP S-LOC
GET VB B-VP O
LUCKY NNP B-NP O
WIN NNP I-NP O
, , O O
CHINA NNP B-NP S-PER
IN IN B-PP O
SURPRISE DT B-NP O
DEFEAT NN I-NP O
. . O O

Nadim NNP B-NP B-PER
Ladki NNP I-NP E-PER
of IN B-PP O
New NNP B-NP B-LOC
York NNP I-NP I-LOC
City NNP I-NP E-LOC
Rome NNP I-NP S-LOC
Paris NNP I-NP S-LOC

-DOCSTART- -X- -X- O

AL-AIN NNP B-NP S-LOC
, , O O
United NNP B-NP B-LOC
Arab NNP I-NP I-LOC
Emirates NNPS I-NP E-LOC
1996-12-06 CD I-NP O

"""


def test_an_iobes_file_comes_back_line_for_line_through_a_project(service, tmp_path):
    from exports.usecases import export_project, import_paths

    src = tmp_path / "iobes.conll"
    src.write_text(IOBES, encoding="utf-8")
    import_paths(service, "p", [src])
    docs = service.documents(service.project_id("p"))
    spans = {(d.title, sp.label, service.load(d.id).text[sp.start:sp.end])
             for d in docs for sp in service.load(d.id).spans}
    assert {(lab, t) for _, lab, t in spans} == {
        ("LOC", "JAPAN"), ("PER", "CHINA"), ("PER", "Nadim Ladki"), ("LOC", "New York City"),
        ("LOC", "Rome"), ("LOC", "Paris"), ("LOC", "AL-AIN"), ("LOC", "United Arab Emirates")}
    export_project(service, "p", "conll", tmp_path / "out.conll")
    assert (tmp_path / "out.conll").read_text(encoding="utf-8") == IOBES
    # asked for, BILUO is still written; and IOBES can be asked for a file of another scheme
    export_project(service, "p", "conll", tmp_path / "b.conll",
                   options=ExportOptions(conll_scheme="biluo"))
    biluo = (tmp_path / "b.conll").read_text(encoding="utf-8")
    assert biluo == IOBES.replace(" S-", " U-").replace(" E-", " L-")


def test_iobes_is_told_from_biluo_and_an_unclosed_chunk_says_e(tmp_path):
    import pytest

    from models.errors import FormatError

    assert conll.detect_scheme(["B-X", "E-X", "S-Y", "O"]) == "iobes"
    assert conll.detect_scheme(["B-X", "L-X", "U-Y"]) == "biluo"
    bad = tmp_path / "bad.conll"
    bad.write_text("Rome U-LOC\nNew B-LOC\nYork I-LOC\nis O\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad\.conll:4.*B-LOC is not closed by L-LOC"):
        list(conll.read(bad))
    bad.write_text("Rome S-LOC\nNew B-LOC\nYork I-LOC\nis O\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad\.conll:4.*not closed by E-LOC.*IOBES"):
        list(conll.read(bad))


def test_docstart_lines_of_no_document_come_back_where_they_were(tmp_path):
    # copies of CoNLL-2003 exist whose -DOCSTART- lines close each document, the last one
    # ending the file; two in a row, or one before the first, make no document either
    text = ("-DOCSTART- -X- -X- O\n\n-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\n\n"
            "-DOCSTART- -X- -X- O\n\nPeter NNP B-NP B-PER\n\n-DOCSTART- -X- -X- O\n\n"
            "-DOCSTART- -X- -X- x\n")
    src = tmp_path / "in.conll"
    src.write_text(text, encoding="utf-8")
    assert [r.text for r in conll.read(src)] == ["EU", "Peter"]
    out, _ = roundtrip(tmp_path, text)
    assert rows(out) == rows(text)
