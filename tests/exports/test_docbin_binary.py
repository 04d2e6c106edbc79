"""Binary data trains as binary data; triggers are not entities.

A document of binary tasks (ner.teach) says nothing about the tokens outside its accepted
spans: they are missing, not O, and its rejected spans are the ner's incorrect_spans. A
complete (manual) document keeps O. Event triggers go to doc.spans["events"]."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from spacy.tokens import DocBin

from desktop.cli.main import main
from exports import docbin
from exports.base import ExportOptions, blank_tokenizer
from models.records import DocumentRecord, EventRecord, SpanRecord, TaskRecord
from models.schema import EventType, Schema

TEXT = "Apple hired Tim Cook in Cupertino."


def docs_of(path):
    return list(DocBin().from_disk(path).get_docs(blank_tokenizer().__self__.vocab))


def binary_record() -> DocumentRecord:
    return DocumentRecord(TEXT, tasks=[TaskRecord("accept", "binary"),
                                       TaskRecord("reject", "binary")],
                          spans=[SpanRecord(0, 5, "ORG", task=0),
                                 SpanRecord(12, 20, "ORG", task=1, state="rejected")])


def test_binary_document_leaves_unlabeled_tokens_missing_and_rejects_incorrect(tmp_path):
    docbin.write([binary_record()], tmp_path, None, ExportOptions(dev_ratio=0.0))
    (doc,) = docs_of(tmp_path / "train.spacy")
    # spaCy: ent_iob_ "" is missing, "O" outside
    assert [(t.text, t.ent_iob_) for t in doc] == [
        ("Apple", "B"), ("hired", ""), ("Tim", ""), ("Cook", ""), ("in", ""),
        ("Cupertino", ""), (".", "")]
    assert [(s.text, s.label_) for s in doc.spans["incorrect_spans"]] == [("Tim Cook", "ORG")]
    assert [s.text for s in doc.spans["sc"]] == ["Apple"]


def test_complete_document_keeps_o_and_its_rejected_spans_are_incorrect(tmp_path):
    rec = DocumentRecord(TEXT, spans=[SpanRecord(0, 5, "ORG"),
                                      SpanRecord(12, 20, "ORG", state="rejected")])
    docbin.write([rec], tmp_path, None, ExportOptions(dev_ratio=0.0))
    (doc,) = docs_of(tmp_path / "train.spacy")
    assert [t.ent_iob_ for t in doc] == ["B", "O", "O", "O", "O", "O", "O"]
    assert [s.text for s in doc.spans["incorrect_spans"]] == ["Tim Cook"]


def test_a_document_with_no_accepted_task_is_never_a_positive_example(tmp_path):
    rec = DocumentRecord(TEXT, tasks=[TaskRecord("reject", "manual")],
                         spans=[SpanRecord(0, 5, "ORG", task=0, state="rejected")])
    docbin.write([rec], tmp_path, None, ExportOptions(dev_ratio=0.0))
    (doc,) = docs_of(tmp_path / "train.spacy")
    assert list(doc.ents) == [] and {t.ent_iob_ for t in doc} == {""}  # all missing


def test_triggers_are_not_entities_unless_the_schema_says_so(tmp_path):
    def rec():
        return DocumentRecord("Ada met Bo.", spans=[SpanRecord(0, 3, "PER", id="a"),
                                                    SpanRecord(4, 7, "Meet", id="m")],
                              events=[EventRecord("m", "Meet", id="e")])
    docbin.write([rec()], tmp_path / "a", None, ExportOptions(dev_ratio=0.0))
    (doc,) = docs_of(tmp_path / "a" / "train.spacy")
    assert [e.label_ for e in doc.ents] == ["PER"]
    assert [(s.text, s.label_) for s in doc.spans["events"]] == [("met", "Meet")]
    both = Schema(events=[EventType("Meet", export_as_entity=True)])
    docbin.write([rec()], tmp_path / "b", both, ExportOptions(dev_ratio=0.0))
    (doc,) = docs_of(tmp_path / "b" / "train.spacy")
    assert [e.label_ for e in doc.ents] == ["PER", "Meet"]
    assert [s.label_ for s in doc.spans["events"]] == ["Meet"]


def test_config_sets_incorrect_spans_key_and_hard_codes_no_labels(tmp_path):
    report = docbin.write([binary_record()], tmp_path, None, ExportOptions(dev_ratio=0.0))
    config = (tmp_path / "config.cfg").read_text(encoding="utf-8")
    assert 'incorrect_spans_key = "incorrect_spans"' in config
    assert "ner.json" not in config and not (tmp_path / "labels").exists()
    assert all(p.name != "ner.json" for p in report.files)


def teach_tasks():
    """ner.teach-style tasks: each text asked about twice, one accept and one reject."""
    texts = [("Apple hired Tim Cook in Cupertino.", (0, 5, "ORG"), (12, 20, "ORG")),
             ("Siemens opened a plant in Berlin.", (0, 7, "ORG"), (26, 32, "ORG")),
             ("Ada Lovelace visited London today.", (0, 12, "PER"), (21, 27, "PER")),
             ("The EU fined Google in Brussels.", (13, 19, "ORG"), (23, 31, "ORG"))]
    out = []
    for n, (text, good, bad) in enumerate(texts):
        for k, (span, answer) in enumerate(((good, "accept"), (bad, "reject"))):
            out.append({"text": text, "spans": [dict(zip(("start", "end", "label"), span))],
                        "answer": answer, "_input_hash": n, "_task_hash": 10 * n + k,
                        "_view_id": "ner", "_session_id": "teach-alice"})
    return out


@pytest.mark.slow
def test_binary_export_trains_with_spacy(tmp_path):
    src = tmp_path / "teach.jsonl"
    src.write_text("".join(json.dumps(t) + "\n" for t in teach_tasks()), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", db, "--user", "alice", "import", "--project", "p", str(src)]) == 0
    out = tmp_path / "out"
    assert main(["--db", db, "--user", "alice", "export", "--project", "p", "--format",
                 "spacy", "--out", str(out), "--dev-ratio", "0.25"]) == 0
    docs = docs_of(out / "train.spacy") + docs_of(out / "dev.spacy")
    assert len(docs) == 4
    assert all(len(d.spans["incorrect_spans"]) == 1 and len(d.ents) == 1 for d in docs)
    assert all(sum(t.ent_iob_ == "" for t in d) == len(d) - len(d.ents[0]) for d in docs)
    proc = subprocess.run(
        [sys.executable, "-m", "spacy", "train", "config.cfg", "--output", "model",
         "--training.max_steps", "5", "--training.eval_frequency", "5"],
        check=False, cwd=out, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    import spacy

    nlp = spacy.load(out / "model" / "model-last")
    # inferred from the training data: the labels of train.spacy's entities
    assert set(nlp.get_pipe("ner").labels) == {e.label_ for d in docs_of(out / "train.spacy")
                                               for e in d.ents}
    assert nlp.get_pipe("ner").cfg["incorrect_spans_key"] == "incorrect_spans"
