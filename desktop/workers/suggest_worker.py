"""Suggest for a whole project (or some documents) in the background.

Signals (besides progress/finished/failed/cancelled/done, see base.py):
  batch_stored(list[int])  the document ids of a batch just committed: reload the open
                           document if it is among them (partial results).
finished carries a models.suggest.runner.SuggestReport. Cancel stops between batches: the
batches already stored stay, the batch in hand is dropped whole.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from desktop.workers.base import JobWorker


class SuggestWorker(JobWorker):
    batch_stored = Signal(list)

    def __init__(self, store, user: str, project: str | int, *, model: str | None = None,
                 documents: str = "all", document_ids: list[int] | None = None,
                 batch_size: int = 32):
        super().__init__(store, user)
        self.project, self.model, self.documents = project, model, documents
        self.document_ids, self.batch_size = document_ids, batch_size

    def work(self):
        def progress(done: int, total: int, batch) -> None:
            self.batch_stored.emit(list(batch.document_ids))
            self.progress.emit(done, total)

        return self.service().suggest(self.project, model=self.model,
                                      documents=self.documents,
                                      document_ids=self.document_ids,
                                      batch_size=self.batch_size, progress=progress,
                                      cancel=self.is_cancelled)


class RankWorker(JobWorker):
    """Documents ordered by the model's uncertainty; finished carries [(doc id, score)]."""

    def __init__(self, store, user: str, project_id: int, *, model: str | None = None,
                 limit: int | None = None):
        super().__init__(store, user)
        self.project_id, self.model, self.limit = project_id, model, limit

    def work(self):
        return self.service().documents_by_uncertainty(
            self.project_id, model=self.model, limit=self.limit,
            progress=self.progress.emit, cancel=self.is_cancelled)
