"""A brat file comes back with its own IDs: every line of a .ann numbered out of offset order,
with gaps (as BioNLP's files are: proteins first, then triggers and events) and brat's
tutorials' trailing TAB on R lines, is written back as it was read. Labels made in the app
get the lowest number nobody else holds; IDs another label already took are never reused.
"""

from __future__ import annotations

from pathlib import Path

from desktop.cli.main import main
from exports import brat
from exports.base import ExportReport
from models import operations as ops
from models.records import DocumentRecord, SpanRecord

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "brat_ids"


def lines(path: Path) -> list[str]:
    return sorted(path.read_text(encoding="utf-8").splitlines())


def cli(db: str, *args: str) -> int:
    return main(["--db", db, "--user", "ana", *args])


def test_every_line_comes_back_with_its_own_id(tmp_path):
    db = f"sqlite:///{tmp_path / 'p.db'}"
    assert cli(db, "import", "--project", "p", "--format", "brat", str(FIX)) == 0
    out = tmp_path / "out"
    assert cli(db, "export", "--project", "p", "--format", "brat", "--status", "all",
               "--out", str(out)) == 0
    want = lines(FIX / "doc1.ann")
    assert len(want) == 19
    assert lines(out / "doc1.ann") == want  # byte for byte, trailing TABs included
    # what the comparison covers: a trailing TAB, a trailing space, a group out of order
    assert {"R7\tMet Arg1:T10 Arg2:T12\t", "E9\tProcess:T22 ", "*\tEquiv T3 T2"} <= set(want)
    assert (out / "doc1.txt").read_bytes() == (FIX / "doc1.txt").read_bytes()
    assert (out / "annotation.conf").read_text() == (FIX / "annotation.conf").read_text()


def test_a_label_made_here_gets_a_number_nobody_holds(tmp_path, service):
    (rec,) = list(brat.read(FIX))
    service.import_records("p", [rec], schema=brat.read_schema(FIX))
    doc = service.documents(service.project_id("p"))[0].id
    view = service.load(doc)
    # "met" (4..7) labeled here; the file held T1, T2, T3, T10, T11, T12, T20, T22
    service.run([ops.CreateSpan(doc, 4, 7, "City")])
    ana = next(s for s in view.spans if s.start == 0)
    service.run([ops.DeleteSpan(ana.id)])  # T10 goes, with R7, R3 and its note #8
    _, records = service.export_records("p", status="all")
    got = _ann(records[0])
    kept = [ln for ln in lines(FIX / "doc1.ann")
            if not ln.startswith(("T10\t", "R7\t", "R3\t", "#8\t"))]
    assert sorted(ln for ln in got if ln in kept) == kept
    new = [ln for ln in got if ln not in kept]
    assert new == ["T4\tCity 4 7\tmet"]  # T1-T3 are taken; T10, now free, is not reused


def test_ids_another_label_holds_are_not_written_twice():
    """Two labels carrying the same kept ID (a span copied with its extra, a hand-edited
    DocBin): the first keeps it, the second gets a free number, so brat can read the file."""
    doc = DocumentRecord(text="Ana met Bo.", spans=[
        SpanRecord(0, 3, "Person", id="a", extra={"brat_id": "T5"}),
        SpanRecord(8, 10, "Person", id="b", extra={"brat_id": "T5"}),
        SpanRecord(4, 7, "Verb", id="c", extra={"brat_id": ["not", "an", "id"]})])
    assert _ann(doc) == ["T5\tPerson 0 3\tAna", "T1\tPerson 8 10\tBo", "T2\tVerb 4 7\tmet"]


def test_hostile_extras_do_not_break_the_export():
    """An extra may come from any file: notes, norms, modifiers or attribute IDs of the
    wrong shape are left out, never a crash that makes the project unexportable."""
    doc = DocumentRecord(text="Ana met Bo.", spans=[
        SpanRecord(0, 3, "Person", id="a", extra={
            "notes": "abc", "norms": [[1, 2, 3]], "brat_attribute_ids": [1],
            "m": 7})])
    assert _ann(doc) == ["T1\tPerson 0 3\tAna"]


def _ann(doc: DocumentRecord) -> list[str]:
    return brat.ann_text(doc, ExportReport("brat")).splitlines()
