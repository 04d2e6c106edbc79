"""What a user sees on export: nothing dropped silently, atomic files, stable hashes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from exports import brat, conll, docbin, doccano, prodigy, registry
from exports.base import ExportOptions, blank_tokenizer
from models.errors import ValidationError
from models.records import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord
from models.brat_conf import parse_brat_conf
from models.schema import EntityLabel, Schema

TEXT = "Angela Merkel visited Paris on Monday."


def article() -> DocumentRecord:
    return DocumentRecord(
        TEXT, title="Visit",
        spans=[SpanRecord(0, 13, "PER", id="p", kb_id="Wikidata:Q567"),
               SpanRecord(22, 27, "LOC", id="l"),
               SpanRecord(0, 6, "FIRST", id="f"),          # nested in "Angela Merkel"
               SpanRecord(14, 21, "Move", id="t"),
               SpanRecord(2, 11, "BAD", id="m")],           # "gela Merk": misaligned
        relations=[RelationRecord("p", "l", "visited", id="r")],
        events=[EventRecord("t", "Move", id="e", arguments=[ArgumentRecord("Agent", "p")])])


@pytest.mark.parametrize("module", [prodigy, conll, docbin])
def test_misaligned_span_expanded_and_reported(tmp_path, module):
    report = module.write([article()], tmp_path / "out", None,
                          ExportOptions(misaligned="expand", dev_ratio=0.0))
    (p,) = [p for p in report.problems if p.kind == "misaligned"]
    assert (p.document, p.label, p.start, p.end) == ("Visit", "BAD", 2, 11)
    assert "expanded to [0, 13)" in p.action
    back = list(module.read(tmp_path / "out" if module is docbin else report.files[0]))
    if module is not conll:  # CoNLL keeps only non-overlapping spans: BAD overlaps PER
        assert (0, 13, "BAD") in {(s.start, s.end, s.label) for s in back[0].spans}


@pytest.mark.parametrize("module", [prodigy, conll, docbin])
def test_misaligned_span_skipped_and_reported(tmp_path, module):
    report = module.write([article()], tmp_path / "out", None,
                          ExportOptions(misaligned="skip", dev_ratio=0.0))
    (p,) = [p for p in report.problems if p.kind == "misaligned"]
    assert p.action == "skipped" and p.label == "BAD"
    back = list(module.read(tmp_path / "out" if module is docbin else report.files[0]))
    assert "BAD" not in {s.label for s in back[0].spans}


@pytest.mark.parametrize("module", [prodigy, conll, docbin])
def test_misaligned_error_stops_and_leaves_no_file(tmp_path, module):
    with pytest.raises(ValidationError, match="BAD"):
        module.write([article()], tmp_path / "out", None, ExportOptions(misaligned="error"))
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []


def test_what_a_format_cannot_carry_is_reported(tmp_path):
    rep = conll.write([article()], tmp_path / "c.conll", None, ExportOptions())
    kinds = rep.counts_by_kind()
    # event, relation, kb_id, and the overlap of FIRST with PER
    assert kinds["event"] == 1 and kinds["relation"] == 1 and kinds["kb_id"] == 1
    assert kinds["overlap"] >= 1
    assert "problem" in rep.summary()
    rep = prodigy.write([article()], tmp_path / "p.jsonl", None, ExportOptions())
    assert rep.counts_by_kind()["event"] == 1
    rep = doccano.write([article()], tmp_path / "d.jsonl", None, ExportOptions())
    assert rep.counts_by_kind()["event"] == 1 and rep.counts_by_kind()["kb_id"] == 1
    doc = article()
    doc.spans[0].fragments = [(0, 6), (7, 13)]
    rep = doccano.write([doc], tmp_path / "d2.jsonl", None, ExportOptions())
    assert rep.counts_by_kind()["discontinuous"] == 1


def test_spacy_ents_do_not_overlap_but_spans_keep_all(tmp_path):
    rep = docbin.write([article()], tmp_path, None, ExportOptions(misaligned="skip",
                                                                  dev_ratio=0.0))
    (doc,) = DocBin().from_disk(tmp_path / "train.spacy").get_docs(
        blank_tokenizer().__self__.vocab)
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Angela Merkel", "PER", "Wikidata:Q567"), ("Paris", "LOC", "")]  # a trigger is not
    assert [(s.text, s.label_) for s in doc.spans["events"]] == [("visited", "Move")]
    assert sorted(s.label_ for s in doc.spans["sc"]) == ["FIRST", "LOC", "Move", "PER"]
    (ov,) = [p for p in rep.problems if p.kind == "overlap"]
    assert ov.label == "FIRST" and "doc.ents" in ov.action
    data = doc.user_data[docbin.USER_DATA_KEY]
    assert [r["label"] for r in data["relations"]] == ["visited"]
    assert list(data["events"][0]["arguments"]) == [{"role": "Agent", "target": "p"}]


def test_spacy_split_follows_ratio_and_seed(tmp_path):
    docs = [DocumentRecord(f"Text number {i}.", title=f"t{i}") for i in range(10)]
    docbin.write(docs, tmp_path / "a", None, ExportOptions(dev_ratio=0.3, seed=7))
    docbin.write(docs, tmp_path / "b", None, ExportOptions(dev_ratio=0.3, seed=7))
    vocab = blank_tokenizer().__self__.vocab
    dev = [d.text for d in DocBin().from_disk(tmp_path / "a" / "dev.spacy").get_docs(vocab)]
    assert len(dev) == 3
    assert (tmp_path / "a" / "dev.spacy").read_bytes() == \
        (tmp_path / "b" / "dev.spacy").read_bytes()
    assert [d.title for d in docbin.read(tmp_path / "a")] == [f"t{i}" for i in range(10)]


def test_failed_export_leaves_no_half_file_and_keeps_the_old_one(tmp_path):
    out = tmp_path / "data.jsonl"
    out.write_text("previous export\n", encoding="utf-8")

    def records():
        yield article()
        raise RuntimeError("database went away")

    for module in (prodigy, doccano, conll):
        with pytest.raises(RuntimeError):
            module.write(records(), out, None, ExportOptions())
        assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(os.listdir(tmp_path)) == ["data.jsonl"]


def test_prodigy_tokens_hashes_and_relation_heads(tmp_path):
    rep = prodigy.write([article()], tmp_path / "a.jsonl", None, ExportOptions(misaligned="skip"))
    prodigy.write([article()], tmp_path / "b.jsonl", None, ExportOptions(misaligned="skip"))
    task = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert [t["text"] for t in task["tokens"]][:3] == ["Angela", "Merkel", "visited"]
    per = next(s for s in task["spans"] if s["label"] == "PER")
    assert (per["token_start"], per["token_end"]) == (0, 1)  # inclusive
    (rel,) = task["relations"]
    # Prodigy's convention: head/child are the last token of each span
    assert (rel["head"], rel["child"]) == (1, 3)
    assert rel["head_span"]["label"] == "PER" and rel["child_span"]["start"] == 22
    assert isinstance(task["_input_hash"], int) and -2**31 <= task["_task_hash"] < 2**31
    other = article()
    other.spans[1].label = "GPE"
    prodigy.write([other], tmp_path / "c.jsonl", None, ExportOptions(misaligned="skip"))
    task_c = json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8"))
    assert task_c["_input_hash"] == task["_input_hash"]
    assert task_c["_task_hash"] != task["_task_hash"]
    assert rep.files == [tmp_path / "a.jsonl"]


def test_brat_writes_conf_from_schema_and_labels_used(tmp_path):
    schema = Schema(entities=[EntityLabel("PER"), EntityLabel("ORG")])
    doc = article()
    doc.spans[0].attributes = {"Negated": True, "Certainty": "high"}
    brat.write([doc], tmp_path, schema, ExportOptions())
    conf = parse_brat_conf((tmp_path / "annotation.conf").read_text(encoding="utf-8"))
    assert {"PER", "ORG", "LOC", "FIRST"} <= set(conf.entity_names)
    assert conf.event("Move").role("Agent") is not None
    assert conf.relation("visited") is not None
    assert conf.attribute("Certainty").values == ["high"]
    assert (tmp_path / "Visit.txt").read_text(encoding="utf-8") == TEXT
    assert brat.read_schema(tmp_path).event("Move") is not None


def test_registry_names_and_detection(tmp_path):
    assert set(registry.names()) == {"spacy", "prodigy", "doccano", "brat", "conll", "txt",
                                     "html", "jsonl"}
    for name in registry.names():
        mod = registry.get(name)
        assert mod.name == name and callable(mod.read)
        assert callable(mod.write) == (name in registry.labeled())
    with pytest.raises(KeyError, match="known"):
        registry.get("nope")
    fix = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
    assert registry.detect(fix / "prodigy.jsonl") == "prodigy"
    assert registry.detect(fix / "doccano.jsonl") == "doccano"
    assert registry.detect(fix / "brat") == "brat"
    assert registry.detect(fix / "brat" / "news1.txt") == "brat"
    assert registry.detect(fix / "conll" / "iob1.conll") == "conll"
    plain = tmp_path / "articles.jsonl"
    plain.write_text('{"text": "hello", "title": "x"}\n', encoding="utf-8")
    assert registry.detect(plain) == "jsonl"
    tagged = tmp_path / "tags.txt"
    tagged.write_text("EU B-ORG\nrejects O\n", encoding="utf-8")
    assert registry.detect(tagged) == "conll"
    prose = tmp_path / "prose.txt"
    prose.write_text("Just an article about the EU.\n", encoding="utf-8")
    assert registry.detect(prose) == "txt"
    for name in ("page.xhtml", "page.htm"):  # every extension the HTML reader declares
        (tmp_path / name).write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
        assert registry.detect(tmp_path / name) == "html"
    lines = tmp_path / "articles.ndjson"
    lines.write_text('{"text": "hello"}\n', encoding="utf-8")
    assert registry.detect(lines) == "jsonl"
    docbin.write([article()], tmp_path / "sp", None, ExportOptions())
    assert registry.detect(tmp_path / "sp" / "train.spacy") == "spacy"


def test_docbin_export_leaves_srsly_as_it_found_it(tmp_path):
    """The export looks srsly's msgpack registries up once while it runs; afterwards an
    encoder registered by anyone else is seen again."""
    from srsly import msgpack

    docbin.write([article()], tmp_path / "out", None, ExportOptions(dev_ratio=0.0))
    assert list(docbin.read(tmp_path / "out" / "train.spacy"))[0].text == TEXT
    msgpack.msgpack_encoders.register("marginalia_test", func=lambda obj, chain=None: obj)
    try:
        assert "marginalia_test" in msgpack.msgpack_encoders.get_all()
    finally:
        import catalogue

        catalogue._remove(("srsly", "msgpack_encoders", "marginalia_test"))
