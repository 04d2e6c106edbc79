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


def test_a_span_across_a_sentence_break_of_the_file_drops_the_break_and_says_so(tmp_path):
    text = "New B-LOC\n\nYork O\ncity O\n"

    def join(recs):  # an annotator labels "New\nYork" as one place
        recs[0].spans = [SpanRecord(0, 8, "LOC", id="T1")]

    out, report = roundtrip(tmp_path, text, join)
    assert rows(out) == ["New B-LOC", "York I-LOC", "city O"]
    assert [p.kind for p in report.problems] == ["sentence"]
