"""Model in the loop: a tiny pipeline trained inside the test from accepted labels."""

from __future__ import annotations

import json

import pytest

from models.errors import ValidationError
from models.records import DocumentRecord, SpanRecord

PEOPLE = ["Anna Berg", "Marco Rossi", "Li Wei", "Sara Okafor", "Tom Hardy", "Eva Novak",
          "Omar Haddad", "Ines Duarte", "Piet Jansen", "Yuki Sato", "Lena Fischer",
          "Raj Patel", "Nora Blake", "Ivan Petrov"]
CITIES = ["Oslo", "Lima", "Quito", "Dakar", "Hanoi", "Porto", "Tunis", "Riga", "Perth",
          "Bern", "Accra", "Sofia", "Minsk", "Cairo"]


def _records(n: int) -> list[DocumentRecord]:
    out = []
    for i in range(n):
        person, city = PEOPLE[i], CITIES[i]
        text = f"{person} arrived in {city} on Monday. Officials in {city} welcomed {person}."
        spans = []
        for name, label in ((person, "PERSON"), (city, "GPE")):
            start = 0
            while (start := text.find(name, start)) >= 0:
                spans.append(SpanRecord(start, start + len(name), label, state="accepted"))
                start += len(name)
        out.append(DocumentRecord(text=text, title=f"doc {i}", spans=spans))
    return out


@pytest.fixture
def labeled(sqlite_url):
    from models.service import Service
    from models.store import Store

    store = Store(sqlite_url)
    svc = Service(store, "alice")
    svc.import_records("train", _records(12), annotator="alice")
    yield svc, svc.project_id("train")
    store.dispose()


def test_too_few_labeled_documents_is_a_clear_error(sqlite_url, tmp_path):
    from models.service import Service
    from models.store import Store

    svc = Service(Store(sqlite_url), "alice")
    svc.import_records("few", _records(3))
    with pytest.raises(ValidationError, match="only 3 document"):
        svc.train_model("few", str(tmp_path / "out"))


def test_train_writes_model_and_metrics_then_suggests(labeled, tmp_path):
    svc, pid = labeled
    steps = []
    report = svc.train_model("train", str(tmp_path / "run1"), max_steps=60,
                             progress=lambda step, total: steps.append((step, total)))
    model = tmp_path / "run1" / "model-best"
    assert (model / "config.cfg").exists() and (model / "meta.json").exists()
    metrics = json.loads((tmp_path / "run1" / "metrics.json").read_text())
    assert set(metrics["labels"]) == {"PERSON", "GPE"}
    assert {"p", "r", "f"} <= set(metrics["labels"]["GPE"])
    assert report.train_documents + report.dev_documents == 12 and report.dev_documents >= 2
    assert report.components == ["ner"]
    assert steps and steps[-1][1] == 60
    # the trained pipeline is now the project's suggester
    assert svc.suggest_pipeline(pid) == str(model)
    assert report.suggester == "run1/model-best"
    svc.import_records("train", [DocumentRecord(
        text="Kofi Mensah arrived in Nairobi on Monday. Officials in Nairobi welcomed Kofi Mensah.")])
    new_doc = max(d.id for d in svc.documents(pid))
    run = svc.suggest(pid, document_ids=[new_doc])
    assert run.pipeline == "run1/model-best"
    spans = svc.load(new_doc).spans
    suggested = {(s.label, s.suggester) for s in spans if s.source == "model"}
    assert suggested and all(sug == "run1/model-best" for _, sug in suggested)
    text = svc.load(new_doc).text
    assert ("Kofi Mensah", "PERSON") in {(text[s.start:s.end], s.label) for s in spans}
    # documents ordered by the model's uncertainty: every open document (the imported,
    # labeled ones are finished in their layer), scores in [0, 1]
    ranked = svc.documents_by_uncertainty(pid)
    open_docs = [d.id for d in svc.documents(pid) if d.status not in ("done", "approved")]
    assert new_doc in open_docs and len(open_docs) < len(svc.documents(pid))
    assert sorted(d for d, _ in ranked) == sorted(open_docs)
    assert all(0.0 <= u <= 1.0 for _, u in ranked)
    assert [u for _, u in ranked] == sorted((u for _, u in ranked), reverse=True)


def test_train_cli_prints_a_table(labeled, tmp_path, cli, sqlite_url):
    r = cli("--db", sqlite_url, "train", "--project", "train", "--out", str(tmp_path / "c"),
            "--layer", "alice", env={"MARGINALIA_TRAIN_STEPS": "20"})
    assert r.returncode == 0, r.stderr
    assert "PERSON" in r.stdout and "GPE" in r.stdout and "metrics.json" in r.stdout
    assert (tmp_path / "c" / "metrics.json").exists()
    r = cli("--db", sqlite_url, "train", "--project", "train", "--out", str(tmp_path / "d"),
            "--layer", "gold")
    assert r.returncode == 1 and "only 0 document(s)" in r.stderr
    assert r.stderr.count("\n") == 1


def test_overlapping_labels_add_a_spancat(sqlite_url, tmp_path):
    from models.service import Service
    from models.store import Store

    records = _records(8)
    for rec in records:  # "Officials in Oslo" as FAC around the GPE: labels overlap
        start = rec.text.index("Officials in")
        end = rec.text.index(" welcomed")
        rec.spans.append(SpanRecord(start, end, "FAC", state="accepted"))
    svc = Service(Store(sqlite_url), "alice")
    svc.import_records("nested", records)
    report = svc.train_model("nested", str(tmp_path / "n"), max_steps=20)
    assert report.components == ["ner", "spancat"]
    assert "spans_f" in report.overall
    metrics = json.loads((tmp_path / "n" / "metrics.json").read_text())
    assert metrics["components"] == ["ner", "spancat"]
    assert (tmp_path / "n" / "model-best" / "spancat").is_dir()
    # the spancat's overlapping spans are suggested with its scores
    svc.import_records("nested", [DocumentRecord(
        text="Kofi Mensah arrived in Nairobi on Monday. Officials in Nairobi welcomed him.")])
    pid = svc.project_id("nested")
    new_doc = max(d.id for d in svc.documents(pid))
    run = svc.suggest(pid, document_ids=[new_doc])
    assert run.pipeline == "n/model-best" and run.documents == 1
    scored = [s for s in svc.load(new_doc).spans if s.score is not None]
    assert all(0.0 <= s.score <= 1.0 and s.suggester == "n/model-best" for s in scored)
