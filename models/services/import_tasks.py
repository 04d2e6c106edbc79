"""The tasks of an import (Prodigy lines), stored as themselves and never twice.

A task is the same task when its answer, its fields and its spans (with their answers) are
the same: re-importing a file stores nothing twice, while two tasks of one text (ner.teach
asks about one span at a time) stay two tasks."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.orm import SourceTask, Span, TaskSpan
from models.records import DocumentRecord, TaskRecord
from models.services.bulk import allocate_ids, dumps, insert_rows

CHUNK = 500


def task_key(task: TaskRecord | SourceTask, spans) -> str:
    """A task's identity: answer, fields and (start, end, label, answer) of its spans."""
    return json.dumps([task.answer, task.fields, sorted(spans)], sort_keys=True,
                      ensure_ascii=False, default=str)


class TaskWriter:
    """Gives each record's new tasks a row (and a position after the layer's last one).

    `n_tasks`: how many tasks the import brings at most (ids are allocated up front)."""

    def __init__(self, s: Session, old_layers: list[int], n_tasks: int):
        self.s = s
        self._ids = iter(allocate_ids(s, "source_tasks", n_tasks))
        self.held: dict[int, set[str]] = {}
        self.next_position: dict[int, int] = {}
        for k in range(0, len(old_layers), CHUNK):
            chunk = old_layers[k:k + CHUNK]
            tasks = list(s.scalars(select(SourceTask).where(SourceTask.layer_id.in_(chunk))))
            if not tasks:
                continue
            spans: dict[int, list] = {}
            for tid, st, en, lab, ans in s.execute(
                    select(Span.task_id, Span.start, Span.end, Span.label, Span.answer)
                    .where(Span.task_id.in_([t.id for t in tasks]))):
                spans.setdefault(tid, []).append((st, en, lab, ans))
            for tid, st, en, lab, ans in s.execute(  # a task's spans stored under another
                    select(TaskSpan.task_id, Span.start, Span.end, Span.label, TaskSpan.answer)
                    .join(Span, Span.id == TaskSpan.span_id)
                    .where(TaskSpan.task_id.in_([t.id for t in tasks]))):
                spans.setdefault(tid, []).append((st, en, lab, ans))
            for t in tasks:
                self.held.setdefault(t.layer_id, set()).add(task_key(t, spans.get(t.id, [])))
            for lid, top in s.execute(select(SourceTask.layer_id, func.max(SourceTask.position))
                                      .where(SourceTask.layer_id.in_(chunk))
                                      .group_by(SourceTask.layer_id)):
                self.next_position[lid] = top + 1
        self.rows: list[tuple] = []
        self.duplicates = 0

    def add(self, rec: DocumentRecord, lid: int) -> dict[int, int | None]:
        """The record's task indices -> new row ids (None: the layer holds that task)."""
        out: dict[int, int | None] = {}
        held = self.held.setdefault(lid, set())
        for i, task in enumerate(rec.tasks):
            key = task_key(task, [(s.start, s.end, s.label, s.answer)
                                  for s in rec.spans if s.task == i])
            if key in held:
                self.duplicates += 1
                out[i] = None
                continue
            held.add(key)
            tid = next(self._ids)
            pos = self.next_position.get(lid, 0)
            self.next_position[lid] = pos + 1
            self.rows.append((tid, lid, pos, task.answer, task.kind, dumps(task.fields)))
            out[i] = tid
        return out

    def write(self) -> int:
        """Insert the rows (before the labels that point at them); how many."""
        insert_rows(self.s, "source_tasks", ("id", "layer_id", "position", "answer", "kind",
                                             "fields"), self.rows)
        return len(self.rows)
