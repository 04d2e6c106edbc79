"""The model in the loop for document categories: `train` adds a textcat (one exclusive
group) or textcat_multilabel, reports P/R/F per category as spaCy scores its dev set
(worked out again here from the model's own predictions), the trained classifier suggests
categories above the project's threshold, and documents are ordered by how unsure it is."""

from __future__ import annotations

import json

import pytest

from models.records import CategoryRecord, DocumentRecord, SpanRecord

# every article of a topic shares its words, so that a few steps learn them
POLITICS = [f"The minister told parliament the vote on the {w} law is near."
            for w in ("tax", "budget", "health", "school", "farm", "water", "road", "rail")]
SPORTS = [f"The team scored a late goal to win the {w} match."
          for w in ("cup", "derby", "final", "league", "home", "away", "friendly", "title")]


def _records() -> list[DocumentRecord]:
    out = []
    for i, (p, s) in enumerate(zip(POLITICS, SPORTS)):
        out.append(DocumentRecord(p, title=f"p{i}", categories=[CategoryRecord("politics")]))
        rec = DocumentRecord(s, title=f"s{i}", categories=[CategoryRecord("sports")])
        if i % 2 == 0:  # some have an entity too: ner and textcat in one pipeline
            rec.spans.append(SpanRecord(0, 3, "ORG"))
        out.append(rec)
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}


@pytest.mark.slow
def test_train_reports_each_category_and_its_textcat_suggests(sqlite_url, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    from models.service import Service
    from models.store import Store

    svc = Service(Store(sqlite_url), "alice")
    svc.import_records("cats", _records(), annotator="alice")
    pid = svc.project_id("cats")
    report = svc.train_model("cats", str(tmp_path / "run"), max_steps=120)
    assert report.components == ["ner", "textcat"]  # Topic is one exclusive group
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    topic = svc.schema(pid).group("Topic").names
    assert set(metrics["categories"]) == set(topic) | {"(macro)"}

    # spaCy's exclusive scoring, by hand: the best category of each dev document against
    # the one accepted
    nlp = spacy.load(tmp_path / "run" / "model-best")
    dev = list(DocBin().from_disk(tmp_path / "run" / "corpus" / "dev.spacy")
               .get_docs(nlp.vocab))
    counts = {n: [0, 0, 0] for n in topic}
    for gold in dev:
        pred = nlp(gold.text).cats
        want = max(gold.cats, key=gold.cats.get)
        got = max(pred, key=pred.get)
        if got == want:
            counts[got][0] += 1
        else:
            counts[want][2] += 1
            counts[got][1] += 1
    for name in topic:
        assert report.categories[name] == pytest.approx(_prf(*counts[name]), abs=1e-6)
    assert sum(tp for tp, _, _ in counts.values()) >= 1  # it learned something

    # the classifier suggests the best category of the group, with its score
    text = "The minister asked parliament for a vote."
    svc.import_records("cats", [DocumentRecord(text, title="new")])
    new = next(d.id for d in svc.documents(pid) if d.title == "new")
    svc.set_textcat_threshold(pid, 0.0)
    run = svc.suggest(pid, document_ids=[new])
    scores = nlp(text).cats
    best = max(scores, key=scores.get)
    assert run.categories == 1
    [cat] = svc.load(new).categories
    assert (cat.category, cat.state, cat.source) == (best, "suggested", "model")
    assert cat.score == pytest.approx(scores[best], abs=1e-5)
    assert svc.suggest(pid, document_ids=[new]).categories == 0  # never twice
    svc.set_textcat_threshold(pid, 1.0)  # nothing scores above 1: nothing more suggested
    assert svc.textcat_threshold(pid) == 1.0

    # ordered by category uncertainty: 1 - (p1 - p2), the open documents only
    ranked = svc.documents_by_uncertainty(pid, kind="categories")
    assert [d for d, _ in ranked] == [new]
    top = sorted(scores.values(), reverse=True)
    assert ranked[0][1] == pytest.approx(1 - (top[0] - top[1]), abs=1e-4)


@pytest.mark.slow
def test_a_multilabel_group_trains_textcat_multilabel(sqlite_url, tmp_path):
    from models.schema import Category, CategoryGroup, default_schema
    from models.service import Service
    from models.store import Store

    svc = Service(Store(sqlite_url), "alice")
    schema = default_schema()
    schema.categories.append(CategoryGroup("Flags", exclusive=False, categories=[
        Category("opinion"), Category("breaking")]))
    recs = _records()
    for i, rec in enumerate(recs):
        rec.categories.append(CategoryRecord("opinion" if i % 3 else "breaking"))
    svc.import_records("multi", recs, annotator="alice", schema=schema)
    report = svc.train_model("multi", str(tmp_path / "m"), max_steps=20)
    assert report.components == ["ner", "textcat_multilabel"]
    assert {"opinion", "breaking", "politics", "sports"} <= set(report.categories)
