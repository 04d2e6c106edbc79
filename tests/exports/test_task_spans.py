"""Two Prodigy tasks that accept the same span: a layer stores the span once (one accepted
label per place), and each task still comes back as itself, with that span and its own
answer there (task_spans). Deleting the span takes it out of both tasks; undoing the
delete puts it back in both. On SQLite here; on a PostgreSQL team database in
tests/team/test_task_spans.py."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from exports.base import ExportOptions
from exports.usecases import export_project, import_paths
from models import operations as ops
from models.orm import SourceTask, Span, TaskSpan
from models.service import Service
from models.store import Store
from tests.exports.test_prodigy_tasks import same_task, write_jsonl
from tests.team.conftest import TEXT, at

PER = at("Mexico City")
# ner.teach accepted "Joe Biden"; a manual pass of the same text accepted it again (with a
# span answer of its own) and added a place; a third task rejected the same suggestion
TASKS = [
    {"text": TEXT, "spans": [{"start": 0, "end": 9, "label": "PERSON", "score": 0.8,
                              "text": "Joe Biden"}], "answer": "accept",
     "_input_hash": 31, "_task_hash": 301, "_view_id": "ner", "meta": {"score": 0.8}},
    {"text": TEXT, "spans": [{"start": 0, "end": 9, "label": "PERSON", "answer": "accept",
                              "score": 0.95},
                             {"start": PER[0], "end": PER[1], "label": "GPE"}],
     # a relation of the second task from the shared span
     "relations": [{"head": 1, "child": 7, "label": "located_in",
                    "head_span": {"start": 0, "end": 9, "label": "PERSON"},
                    "child_span": {"start": PER[0], "end": PER[1], "label": "GPE"}}],
     "answer": "accept", "_input_hash": 31, "_task_hash": 302, "_view_id": "ner_manual"},
    {"text": TEXT, "spans": [{"start": 0, "end": 9, "label": "PERSON"}], "answer": "reject",
     "_input_hash": 31, "_task_hash": 303, "_view_id": "ner"},
]


def export(svc: Service, out) -> list[dict]:
    export_project(svc, "news", "prodigy", out, status="all")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def check_shared_span(svc: Service, store: Store, tmp_path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", TASKS)
    import_paths(svc, "news", [src])
    back = export(svc, tmp_path / "out.jsonl")
    assert len(back) == len(TASKS)
    for got, want in zip(back, TASKS):
        same_task(got, want)
    with store.session() as s:
        accepted = s.scalars(select(Span).where(Span.label == "PERSON",
                                                Span.state == "accepted")).all()
        assert len(accepted) == 1  # stored once, held by two tasks
        assert s.scalar(select(func.count()).select_from(TaskSpan)) == 1
    # importing the file again stores nothing twice: no task, no span, no link
    import_paths(svc, "news", [src])
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(SourceTask)) == 3
        assert s.scalar(select(func.count()).select_from(TaskSpan)) == 1
        assert s.scalar(select(func.count()).select_from(Span)) == 3

    # the span deleted: out of both tasks that accepted it (the rejected one keeps its own)
    changes = svc.run([ops.DeleteSpan(accepted[0].id)])
    gone = export(svc, tmp_path / "gone.jsonl")
    assert [[(d["start"], d["label"]) for d in t["spans"]] for t in gone] == [
        [], [(PER[0], "GPE")], [(0, "PERSON")]]
    # undone: both tasks hold it again, each with its own answer
    svc.run(ops.inverses(changes))
    again = export(svc, tmp_path / "again.jsonl")
    for got, want in zip(again, TASKS):
        same_task(got, want)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(TaskSpan)) == 1


def test_sqlite_each_task_keeps_a_shared_span_through_delete_and_undo(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    svc = Service(store, "alice")
    from models.records import DocumentRecord

    svc.import_records("news", [DocumentRecord(text=TEXT, title="one")])
    check_shared_span(svc, store, tmp_path)


def test_a_shared_span_survives_our_own_docbin_and_back(tmp_path):
    """Prodigy -> DocBin (its tasks in the user data) -> a new project -> Prodigy: every
    task as it was, the shared span in both."""
    from models.records import DocumentRecord

    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    svc = Service(store, "alice")
    svc.import_records("news", [DocumentRecord(text=TEXT, title="one")])
    import_paths(svc, "news", [write_jsonl(tmp_path / "in.jsonl", TASKS)])
    export_project(svc, "news", "spacy", tmp_path / "bin", status="all",
                   options=ExportOptions(dev_ratio=0.0))
    import_paths(svc, "again", [tmp_path / "bin" / "train.spacy"])
    export_project(svc, "again", "prodigy", tmp_path / "back.jsonl", status="all")
    back = [json.loads(line) for line in
            (tmp_path / "back.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(back) == len(TASKS)
    for got, want in zip(back, TASKS):
        same_task(got, want)
