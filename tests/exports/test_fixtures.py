"""Small hand-written files per format, read and checked label by label."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span

from exports import brat, conll, docbin, doccano, prodigy

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def spans_of(doc):
    return [(doc.text[s.start:s.end], s.label) for s in doc.spans]


def test_prodigy_fixture_reads_spans_relations_answers_and_annotators():
    docs = list(prodigy.read(FIX / "prodigy.jsonl"))
    assert len(docs) == 3
    visit, scholz, nothing = docs
    assert spans_of(visit) == [("Angela Merkel", "PERSON"), ("Paris", "GPE")]
    (rel,) = visit.relations
    by_id = {s.id: s for s in visit.spans}
    assert (by_id[rel.head].label, by_id[rel.tail].label, rel.label) == ("PERSON", "GPE",
                                                                          "visited")
    assert visit.title == "Visit" and visit.source == "wire" and visit.meta == {}
    # Prodigy names sessions "<dataset>-<session>": the annotator is the part after the '-'
    assert (visit.annotator, scholz.annotator, nothing.annotator) == ("alice", "bob", "solo")
    assert (visit.status, scholz.status, nothing.status) == ("done", "rejected", "ignored")
    assert scholz.spans[0].state == "rejected"
    assert nothing.spans == [] and nothing.text == "Nothing here."


def test_doccano_fixture_reads_both_forms():
    new, old = list(doccano.read(FIX / "doccano.jsonl"))
    assert spans_of(new) == [("Tim Cook", "PER"), ("Apple", "ORG"), ("Cupertino", "LOC")]
    by_id = {s.id: s.label for s in new.spans}
    assert sorted((by_id[r.head], by_id[r.tail], r.label) for r in new.relations) == [
        ("ORG", "LOC", "located_in"), ("PER", "ORG", "works_for")]
    assert new.meta == {"id": 17, "Comments": []}
    # code point offsets: the emoji with its skin tone is two code points
    assert spans_of(old) == [("Zoë", "PER"), ("Zürich", "LOC")]


def test_brat_fixture_reads_every_line_kind_and_the_conf():
    (doc,) = list(brat.read(FIX / "brat"))
    assert doc.title == "news1"
    spans = {s.id: s for s in doc.spans}
    assert spans["T8"].fragments == [(50, 58), (59, 64)]
    assert (spans["T8"].start, spans["T8"].end) == (50, 64)
    assert spans["T8"].note == "discontinuous on purpose"
    assert spans["T5"].kb_id == "Wikidata:Q456"
    assert spans["T1"].attributes == {"Certainty": "low"}
    events = {e.id: e for e in doc.events}
    attack, die = events["E1"], events["E2"]
    # "Target2" is brat's numbering of a second Target, kept as written
    assert [(a.role, a.target) for a in attack.arguments] == [
        ("Attacker", "T1"), ("Target", "T3"), ("Target2", "T4")]
    # an event as the argument of another event
    assert ("Cause", "E1") in [(a.role, a.target) for a in die.arguments]
    assert die.attributes == {"Negated": True}
    (rel,) = doc.relations
    assert (rel.head, rel.tail, rel.label) == ("T3", "T5", "Located")
    schema = brat.read_schema(FIX / "brat")
    assert schema is not None
    assert schema.event("Attack").role("Target").multiple
    assert schema.attribute("Certainty").values == ["high", "low"]


def test_conll_fixtures_detect_iob2_iob1_biluo_and_rebuild_text():
    docs = list(conll.read(FIX / "conll" / "iob2.conll"))
    assert len(docs) == 2
    assert docs[0].text == "EU rejects German call .\nPeter Blackburn"
    assert spans_of(docs[0]) == [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    assert spans_of(docs[1]) == [("BRUSSELS", "LOC")]
    (iob1,) = list(conll.read(FIX / "conll" / "iob1.conll"))
    assert spans_of(iob1) == [("EU", "ORG"), ("German", "MISC"), ("British", "MISC"),
                              ("Peter Blackburn", "PER")]
    (biluo,) = list(conll.read(FIX / "conll" / "biluo.conll"))
    assert spans_of(biluo) == [("New York City", "LOC"), ("Ana", "PER")]
    assert conll.detect_scheme(["B-X", "I-X", "O"]) == "iob2"
    assert conll.detect_scheme(["I-X", "B-X", "O"]) == "iob1"
    assert conll.detect_scheme(["B-X", "L-X", "U-Y"]) == "biluo"


def test_spacy_reader_takes_a_docbin_from_another_tool(tmp_path):
    """A .spacy file without our extension data: ents and every span group are read."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Ada Lovelace met Charles Babbage in London.")
    doc.ents = [Span(doc, 0, 2, label="PERSON", kb_id="Q7259"), Span(doc, 6, 7, label="GPE")]
    doc.spans["sc"] = [Span(doc, 0, 1, label="FIRST"), Span(doc, 3, 5, label="PERSON")]
    path = tmp_path / "other.spacy"
    DocBin(docs=[doc]).to_disk(path)
    (rec,) = list(docbin.read(path))
    assert sorted(spans_of(rec)) == [("Ada", "FIRST"), ("Ada Lovelace", "PERSON"),
                                     ("Charles Babbage", "PERSON"), ("London", "GPE")]
    assert {s.kb_id for s in rec.spans if s.label == "PERSON"} == {"Q7259", None}
