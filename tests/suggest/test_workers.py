"""The background workers in a QThread: progress, partial results, finish and cancel."""

from __future__ import annotations

import pytest

from models.records import DocumentRecord

TEXTS = [f"{who} met officials of the United Nations in {where} on Tuesday, {n} days after "
         f"the talks in Geneva." for n, (who, where) in enumerate(
             [("Angela Merkel", "Paris"), ("Joe Biden", "Berlin"), ("Emmanuel Macron", "Rome"),
              ("Olaf Scholz", "Madrid"), ("Pedro Sanchez", "Lisbon"), ("Mark Rutte", "Vienna"),
              ("Giorgia Meloni", "Athens"), ("Justin Trudeau", "Dublin")], start=2)]


@pytest.fixture
def many(nlp, service):
    service.import_records("many", [DocumentRecord(text=t, title=f"d{i}")
                                    for i, t in enumerate(TEXTS)])
    return service.project_id("many")


def test_suggest_worker_reports_progress_and_finishes(qtbot, service, many):
    from desktop.workers.base import running, start
    from desktop.workers.suggest_worker import SuggestWorker

    worker = SuggestWorker(service.store, service.user, many, batch_size=3)
    seen, stored = [], []
    worker.progress.connect(lambda done, total: seen.append((done, total)))
    worker.batch_stored.connect(stored.extend)
    with qtbot.waitSignal(worker.finished, timeout=60000) as blocker:
        start(worker)
    report = blocker.args[0]
    assert report.documents == len(TEXTS) and report.spans > 3 * len(TEXTS)
    assert seen[-1] == (len(TEXTS), len(TEXTS)) and len(seen) == 3
    assert sorted(stored) == sorted(d.id for d in service.documents(many))
    qtbot.waitUntil(lambda: running() == 0, timeout=5000)  # the thread quit and went away


def test_suggest_worker_cancel_keeps_whole_batches_only(qtbot, service, many):
    from desktop.workers.base import running, start
    from desktop.workers.suggest_worker import SuggestWorker

    worker = SuggestWorker(service.store, service.user, many, batch_size=2)
    # cancel as soon as the first batch is stored (on the worker's thread)
    worker.batch_stored.connect(lambda ids: worker.cancel())
    with qtbot.waitSignal(worker.cancelled, timeout=60000):
        start(worker)
    docs = service.documents(many)
    done = [d for d in docs if d.suggestions]
    assert 2 <= len(done) < len(docs)
    assert len(done) % 2 == 0  # batches of two: never half a batch
    qtbot.waitUntil(lambda: running() == 0, timeout=5000)


def test_train_worker_runs_and_can_be_cancelled(qtbot, sqlite_url, tmp_path):
    from desktop.workers.base import running, start
    from desktop.workers.train_worker import TrainWorker
    from models.service import Service
    from models.store import Store
    from tests.suggest.test_train import _records

    svc = Service(Store(sqlite_url), "alice")
    svc.import_records("t", _records(8))
    worker = TrainWorker(svc.store, "alice", "t", str(tmp_path / "m"), max_steps=400)
    worker.progress.connect(lambda step, total: step >= 3 and worker.cancel())
    with qtbot.waitSignal(worker.cancelled, timeout=120000):
        start(worker)
    qtbot.waitUntil(lambda: running() == 0, timeout=10000)
    assert svc.suggest_pipeline(svc.project_id("t")) is None  # unchanged
    worker = TrainWorker(svc.store, "alice", "t", str(tmp_path / "m"), max_steps=10)
    with qtbot.waitSignal(worker.finished, timeout=120000) as blocker:
        start(worker)
    assert blocker.args[0].steps >= 1 and (tmp_path / "m" / "metrics.json").exists()
    qtbot.waitUntil(lambda: running() == 0, timeout=10000)
