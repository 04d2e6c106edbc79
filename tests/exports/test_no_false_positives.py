"""Done when: no rejected, ignored, unanswered or unfinished document or span is ever exported
as a positive training example. Prodigy tasks of each kind, through the CLI, into DocBin and
CoNLL, with the default status and with --status all; the expectations are written by hand:
the only entities are the accepted ones, and the only O tags are those of the one manual
task answered accept (a binary task says nothing about the other tokens)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin

from tests.exports.test_prodigy_tasks import run, write_jsonl

TASKS = [
    {"text": "Ignored task about Berlin.", "answer": "ignore", "_view_id": "ner_manual",
     "spans": [{"start": 19, "end": 25, "label": "GPE"}]},
    {"text": "Rejected task about Paris.", "answer": "reject", "_view_id": "ner_manual",
     "spans": [{"start": 20, "end": 25, "label": "GPE"}]},
    {"text": "Unanswered task about Rome.", "_view_id": "ner_manual",
     "spans": [{"start": 22, "end": 26, "label": "GPE"}]},
    {"text": "Binary accept about Oslo.", "answer": "accept", "_view_id": "ner",
     "spans": [{"start": 20, "end": 24, "label": "GPE"}]},
    {"text": "Manual accept about Bern.", "answer": "accept", "_view_id": "ner_manual",
     "spans": [{"start": 20, "end": 24, "label": "GPE"}]},
]


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert run("--db", url, "--user", "alice", "import", "--project", "p",
               str(write_jsonl(tmp_path / "t.jsonl", TASKS))) == 0
    return url


def export(db, tmp_path, fmt, status):
    out = tmp_path / f"{fmt}-{status}"
    assert run("--db", db, "--user", "alice", "export", "--project", "p", "--format", fmt,
               "--status", status, "--out", str(out)) == 0
    return out


@pytest.mark.parametrize("status", ["finished", "all"])
def test_docbin_positives_are_the_accepted_spans_and_o_only_where_a_person_said_so(
        db, tmp_path, status):
    out = export(db, tmp_path, "spacy", status)
    nlp = spacy.blank("en")
    docs = {d.text: d for name in ("train.spacy", "dev.spacy")
            for d in DocBin().from_disk(out / name).get_docs(nlp.vocab)}
    # unfinished (ignored, rejected, unanswered) documents go out only with --status all
    assert len(docs) == (5 if status == "all" else 2)
    ents = {(d.text, e.text, e.label_) for d in docs.values() for e in d.ents}
    assert ents == {("Binary accept about Oslo.", "Oslo", "GPE"),
                    ("Manual accept about Bern.", "Bern", "GPE")}
    outside = {(d.text, t.text) for d in docs.values() for t in d if t.ent_iob_ == "O"}
    assert outside == {("Manual accept about Bern.", w)
                       for w in ("Manual", "accept", "about", ".")}
    if status == "all":
        rejected = docs["Rejected task about Paris."]
        assert [(s.text, s.label_) for s in rejected.spans["incorrect_spans"]] == [
            ("Paris", "GPE")]
        for text in ("Ignored task about Berlin.", "Unanswered task about Rome."):
            assert all(t.ent_iob_ == "" for t in docs[text])  # missing: nobody said


@pytest.mark.parametrize("status", ["finished", "all"])
def test_conll_writes_only_the_complete_accepted_document_and_says_why(db, tmp_path, capsys,
                                                                      status):
    capsys.readouterr()
    out = export(db, tmp_path, "conll", status)
    rows = [line.split() for line in (out / "data.conll").read_text().splitlines()
            if line and not line.startswith("-DOCSTART-")]
    assert [(r[0], r[-1]) for r in rows] == [("Manual", "O"), ("accept", "O"),
                                             ("about", "O"), ("Bern", "B-GPE"), (".", "O")]
    err = capsys.readouterr().err
    n = 4 if status == "all" else 1  # finished: the binary accept only
    assert (f"  {n} document{'s' if n > 1 else ''}: left out: labels incomplete (binary or "
            "unaccepted tasks), and CoNLL has no tag for an unknown token") in err


def test_conll_tags_no_trigger_as_an_entity_unless_the_schema_says_so(tmp_path):
    from exports import conll
    from models.records import DocumentRecord, EventRecord, SpanRecord
    from models.schema import EventType, Schema

    def rec():
        return DocumentRecord("Ada met Bo.", spans=[SpanRecord(0, 3, "PER", id="a"),
                                                    SpanRecord(4, 7, "Meet", id="m")],
                              events=[EventRecord("m", "Meet", id="e")])

    def tags(path):
        return [line.split()[-1] for line in path.read_text().splitlines()
                if line and not line.startswith("-DOCSTART-")]

    report = conll.write([rec()], tmp_path / "a.conll")
    assert tags(tmp_path / "a.conll") == ["B-PER", "O", "O", "O"]
    assert sorted((p.kind, p.label) for p in report.problems) == [("event", "Meet"),
                                                                  ("trigger", "Meet")]
    both = Schema(events=[EventType("Meet", export_as_entity=True)])
    conll.write([rec()], tmp_path / "b.conll", both)
    assert tags(tmp_path / "b.conll") == ["B-PER", "B-Meet", "O", "O"]


def test_with_suggestions_asked_for_an_ignored_or_unanswered_span_is_still_no_entity(
        db, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "sa"
    assert run("--db", db, "--user", "alice", "export", "--project", "p", "--format", "spacy",
               "--status", "all", "--state", "all", "--out", str(out)) == 0
    nlp = spacy.blank("en")
    ents = {(e.text, e.label_) for name in ("train.spacy", "dev.spacy")
            for d in DocBin().from_disk(out / name).get_docs(nlp.vocab) for e in d.ents}
    assert ents == {("Oslo", "GPE"), ("Bern", "GPE")}  # not Berlin (ignored), Rome (none)
    assert "  2 unanswered spans: left out: its imported task was ignored or not answered" \
        in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["doccano", "brat"])
def test_formats_that_cannot_mark_unknown_tokens_say_which_documents_are_incomplete(
        db, tmp_path, capsys, fmt):
    capsys.readouterr()
    export(db, tmp_path, fmt, "all")
    err = capsys.readouterr().err
    # ignored, rejected, unanswered and the binary accept: all but the manual accept
    assert (f"  4 documents: written as if complete: its labels are incomplete (binary or "
            f"unaccepted tasks) and {fmt} cannot mark a token unknown") in err
