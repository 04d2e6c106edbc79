"""Bad input: one FormatError naming the file and the line, and never another exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from format_strategies import FUZZ
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import brat, conll, docbin, doccano, prodigy, registry
from models.errors import FormatError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def lines(*objs) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objs)


def expect(reader, path: Path, line: int | None, words: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        list(reader(path))
    msg = str(info.value)
    where = f"{path}:{line}" if line is not None else str(path)
    assert msg.startswith(where + ":"), msg
    assert words in msg, msg
    assert "\n" not in msg
    return info.value


GOOD = {"text": "Ada met Bo."}


@pytest.mark.parametrize("module", [prodigy, doccano])
def test_jsonl_malformed_json_names_file_and_line(tmp_path, module):
    p = tmp_path / "data.jsonl"
    p.write_text(lines(GOOD, '{"text": "broken",'), encoding="utf-8")
    expect(module.read, p, 2, "malformed JSON")


@pytest.mark.parametrize("module", [prodigy, doccano])
@pytest.mark.parametrize("bad", [{"title": "no text"}, {"text": 42}, {"text": None}])
def test_jsonl_missing_or_non_string_text(tmp_path, module, bad):
    p = tmp_path / "data.jsonl"
    p.write_text(lines(GOOD, GOOD, bad), encoding="utf-8")
    expect(module.read, p, 3, '"text"')


@pytest.mark.parametrize("module,obj", [
    (prodigy, {"text": "Ada", "spans": [{"start": 0, "end": 9, "label": "PER"}]}),
    (prodigy, {"text": "Ada", "spans": [{"start": -1, "end": 2, "label": "PER"}]}),
    (doccano, {"text": "Ada", "entities": [{"id": 1, "start_offset": 2, "end_offset": 4,
                                            "label": "PER"}]}),
    (doccano, {"text": "Ada", "label": [[0, 4, "PER"]]}),
])
def test_jsonl_span_outside_the_text(tmp_path, module, obj):
    p = tmp_path / "data.jsonl"
    p.write_text(lines(GOOD, obj), encoding="utf-8")
    expect(module.read, p, 2, "outside the text")


def test_doccano_relation_to_a_missing_entity(tmp_path):
    p = tmp_path / "data.jsonl"
    p.write_text(lines({"text": "Ada met Bo.", "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER"}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 7, "type": "met"}]}), encoding="utf-8")
    expect(doccano.read, p, 1, "entity id 7")


def test_prodigy_unknown_answer(tmp_path):
    p = tmp_path / "data.jsonl"
    p.write_text(lines({"text": "Ada", "answer": "maybe"}), encoding="utf-8")
    expect(prodigy.read, p, 1, "answer")


def brat_doc(tmp_path: Path, ann: str, text: str = "Ada met Bo in Lyon.\n") -> Path:
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
    return tmp_path / "d.ann"


def test_brat_id_that_points_nowhere(tmp_path):
    ann = brat_doc(tmp_path, "T1\tPER 0 3\tAda\nT2\tPER 8 10\tBo\nR1\tmet Arg1:T1 Arg2:T9\n")
    expect(brat.read, ann, 3, "T9")


def test_brat_event_argument_that_points_nowhere(tmp_path):
    ann = brat_doc(tmp_path, "T1\tMeet 4 7\tmet\nE1\tMeet:T1 Agent:E5\n")
    expect(brat.read, ann, 2, "E5")


def test_brat_offsets_outside_the_text(tmp_path):
    ann = brat_doc(tmp_path, "T1\tPER 0 3\tAda\nT2\tLOC 14 40\tLyon\n")
    expect(brat.read, ann, 2, "outside the text")


def test_brat_text_that_differs_from_the_txt(tmp_path):
    ann = brat_doc(tmp_path, "T1\tPER 0 3\tAda\nT2\tPER 8 10\tBob\n")
    err = expect(brat.read, ann, 2, "differs")
    assert "'Bo'" in str(err)  # says what the .txt has there


def test_brat_folder_error_names_the_ann_file(tmp_path):
    brat_doc(tmp_path, "T1\tPER 0 3\tAda\nX1\twhat\n")
    expect(brat.read, tmp_path / "d.ann", 2, "unknown annotation")
    with pytest.raises(FormatError, match=r"d\.ann:2"):
        list(brat.read(tmp_path))


@pytest.mark.parametrize("body,line,words", [
    ("EU B-ORG\nrejects O\nGerman I-MISC\n", 3, "I-MISC"),        # IOB2: I- after O
    ("EU B-ORG\nGerman I-MISC\n", 2, "I-MISC"),                   # IOB2: I-X after B-Y
    ("New B-LOC\nYork L-LOC\nCity L-LOC\n", 3, "L-LOC"),          # BILUO: L- without B-
    ("New B-LOC\nYork I-LOC\nis O\nAna U-PER\n", 3, "not closed"),  # BILUO: B- unclosed
    ("New B-LOC\nYork I-LOC\n\nAna U-PER\n", 2, "not closed"),   # ... before sentence end
    ("EU X-ORG\n", 1, "X-ORG"),                                   # unknown prefix
    ("EU\n", 1, "no tag"),
])
def test_conll_illegal_tag_sequence(tmp_path, body, line, words):
    p = tmp_path / "bad.conll"
    p.write_text(body, encoding="utf-8")
    expect(conll.read, p, line, words)


def test_not_a_docbin(tmp_path):
    p = tmp_path / "fake.spacy"
    p.write_bytes(b"this is not a DocBin\n")
    expect(docbin.read, p, None, "not a spaCy DocBin")
    (tmp_path / "gz.spacy").write_bytes(b"\x1f\x8b\x08\x00garbage")
    expect(docbin.read, tmp_path / "gz.spacy", None, "not a spaCy DocBin")


def test_not_utf8(tmp_path):
    p = tmp_path / "latin.jsonl"
    p.write_bytes('{"text": "caf\xe9"}\n'.encode("latin-1"))
    expect(prodigy.read, p, 1, "not UTF-8")


@settings(FUZZ, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.lists(st.sampled_from(['{"text": "Ada"}', '{"text": "Ada", "spans": [{"start": 0}]}',
                              '{"text": "A", "entities": [1]}', '{"text": "A", "label": [[0]]}',
                              '{"text": "A", "relations": [{"head": 3}]}', "[1, 2]", "{}",
                              "EU B-X", "EU I-X", "", "-DOCSTART- -X- -X- O", "T1\tX 0 1\tA",
                              "E1\tX", "R1\tr Arg1:T1", "A1\tN", "N1\tReference T1",
                              "#1\tAnnotatorNotes", "T1\tX 0 a\tA", '{"text": "A", "meta": 3}']),
             max_size=6).map(lambda ls: "\n".join(ls).encode("utf-8"))))
def test_readers_raise_only_format_errors_on_garbage(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("garbage")
    for name, fname in [("prodigy", "x.jsonl"), ("doccano", "x.jsonl"), ("conll", "x.conll"),
                        ("spacy", "x.spacy"), ("brat", "x.ann")]:
        p = tmp / fname
        p.write_bytes(data)
        if name == "brat":
            (tmp / "x.txt").write_text("A short text.", encoding="utf-8")
        try:
            list(registry.get(name).read(p))
        except FormatError as exc:
            assert str(p) in str(exc)
