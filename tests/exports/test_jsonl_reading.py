"""JSONL reading (Prodigy, doccano, plain articles) takes exactly what the standard library
takes, and keeps values exact: the fast decoder must not change what a user's file says."""

from __future__ import annotations

import json

import pytest

from exports import doccano, jsonl_articles, prodigy
from models.errors import FormatError

BIG = 123456789012345678901234567890  # over 64 bits: a fast decoder may turn it into a float


def read_one(module, path):
    (rec,) = list(module.read(path))
    return rec


@pytest.mark.parametrize("module", [prodigy, doccano, jsonl_articles])
def test_meta_values_stay_exact(tmp_path, module):
    p = tmp_path / "a.jsonl"
    p.write_bytes(b'{"text": "Ada met Bo.", "meta": {"n": %d, "neg": -%d, "x": 0.1}, '
                  b'"n": %d, "x": 0.1}\n' % (BIG, BIG, BIG))
    rec = read_one(module, p)
    values = rec.meta.get("meta", rec.meta)  # doccano keeps the top-level keys beside it
    assert values["n"] == BIG and type(values["n"]) is int
    assert values["x"] == 0.1


def test_what_the_standard_library_takes_is_still_taken(tmp_path):
    """NaN and a lone surrogate escape: json.loads takes them, so an import does too."""
    p = tmp_path / "odd.jsonl"
    p.write_bytes(b'{"text": "Ada met Bo.", "score": NaN, "tag": "\\ud800"}\n')
    rec = read_one(doccano, p)
    assert rec.meta["score"] != rec.meta["score"]  # NaN
    assert rec.meta["tag"] == "\ud800"


def test_bom_crlf_and_blank_lines(tmp_path):
    p = tmp_path / "win.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"text": "one"}\r\n\r\n   \r\n{"text": "two"}\r\n')
    assert [r.text for r in doccano.read(p)] == ["one", "two"]
    assert [r.origin[1] for r in doccano.read(p)] == [1, 4]


def test_json_array_file(tmp_path):
    p = tmp_path / "export.json"
    p.write_bytes(b'\xef\xbb\xbf\n [{"text": "one", "label": [[0, 3, "NUM"]]}, {"text": "two"}]')
    recs = list(doccano.read(p))
    assert [r.text for r in recs] == ["one", "two"]
    assert [(s.start, s.end, s.label) for s in recs[0].spans] == [(0, 3, "NUM")]


@pytest.mark.parametrize("raw,line,words", [
    (b'{"text": "ok"}\n{"text": "broken",\n', 2, "malformed JSON"),
    (b'{"text": "ok"}\n{"text": "caf\xe9"}\n', 2, "not UTF-8"),
    (b'{"text": "ok"}\n[1, 2]\n', 2, "not a JSON object"),
])
def test_bad_line_is_named(tmp_path, raw, line, words):
    p = tmp_path / "bad.jsonl"
    p.write_bytes(raw)
    with pytest.raises(FormatError) as info:
        list(doccano.read(p))
    assert str(info.value).startswith(f"{p}:{line}:") and words in str(info.value)


PLAIN = {"text": "Ada met Bo.", "entities": [
    {"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER"},
    {"id": 2, "start_offset": 8, "end_offset": 10, "label": "PER"}], "relations": []}


def _ent(**kw):
    return {"entities": [{**PLAIN["entities"][0], **kw}, PLAIN["entities"][1]]}


@pytest.mark.parametrize("change", [
    {}, {"relations": None}, {"title": "t"}, {"cats": ["x"]}, {"extra": 1},
    {"relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "met"}]},
    {"relations": [{"id": 1, "from_id": 1, "to_id": 7, "type": "met"}]},
    _ent(id="a"), _ent(id=2), _ent(id=2**70), _ent(note="n"), _ent(label=""), _ent(label=7),
    _ent(start_offset=True), _ent(start_offset=0.0), _ent(end_offset=99),
    _ent(start_offset=3), _ent(start_offset=-1), _ent(start_offset=2**64),
    {"entities": [[0, 3, "PER"]]}, {"entities": None}, {"text": 5}, {"text": "Ada \ud800"},
])
def test_the_plain_line_decoder_reads_what_the_general_reader_reads(tmp_path, change):
    """doccano's plain lines (text and entities only) are decoded into types first; every
    line, of that shape or not, must come out as the general reader (json.loads and
    `_record`) reads it: the same record, or the same one-line error."""
    obj = {**PLAIN, **change}
    p = tmp_path / "d.jsonl"
    lines = [json.dumps(PLAIN), json.dumps(obj), json.dumps(PLAIN)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def general():
        return [doccano._record(json.loads(line), p, k) for k, line in enumerate(lines, 1)]

    try:
        expected = general()
    except FormatError as exc:
        with pytest.raises(FormatError) as info:
            list(doccano.read(p))
        assert str(info.value) == str(exc)
        return
    assert list(doccano.read(p)) == expected
