"""The document categories of an import, checked and written in bulk, never twice.

A category the layer already has (stored before, or given by an earlier record of the same
import) keeps its row and state and is counted as a duplicate. Rule 9 holds across the
records of one layer and what it holds: two accepted categories of one exclusive group are
refused, naming the file and line of the record that brought the second."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import rules
from models.errors import FormatError
from models.orm import DocumentCategory
from models.records import SPAN_SOURCES, SPAN_STATES, DocumentRecord
from models.schema import Schema
from models.services.bulk import allocate_ids, dumps, insert_rows

CHUNK = 500


def check_record(rec: DocumentRecord) -> None:
    """Each category once, with a known state and source (before the schema is read)."""
    path, line = rec.origin
    seen: set[str] = set()
    for c in rec.categories:
        if not isinstance(c.name, str) or not c.name:
            raise FormatError(path, line, "a document category has no name")
        if c.state not in SPAN_STATES or c.source not in SPAN_SOURCES:
            raise FormatError(path, line, f"category {c.name}: unknown state {c.state!r} or "
                              f"source {c.source!r}")
        if c.name in seen:
            raise FormatError(path, line, f"category {c.name} is given twice")
        seen.add(c.name)


class CategoryWriter:
    """Collects the rows of every record, refusing what breaks rule 9; `write` stores them."""

    def __init__(self, s: Session, schema: Schema, old_layers: list[int]):
        self.s, self.schema = s, schema
        self.held: dict[int, dict[str, str]] = {}  # layer -> category -> state
        for k in range(0, len(old_layers), CHUNK):
            for lid, name, state in s.execute(
                    select(DocumentCategory.layer_id, DocumentCategory.category,
                           DocumentCategory.state)
                    .where(DocumentCategory.layer_id.in_(old_layers[k:k + CHUNK]))):
                self.held.setdefault(lid, {})[name] = state
        self.rows: list[list] = []
        self.duplicates = 0

    def add(self, rec: DocumentRecord, lid: int, task_ids: dict[int, int | None] | None) -> None:
        held = self.held.setdefault(lid, {})
        for c in rec.categories:
            if c.name in held:
                self.duplicates += 1
                continue
            if c.state == "accepted":
                problem = rules.exclusive_problem(
                    self.schema, c.name, [n for n, st in held.items() if st == "accepted"])
                if problem:
                    raise FormatError(*rec.origin, problem)
            held[c.name] = c.state
            task = (task_ids or {}).get(c.task) if c.task is not None else None
            self.rows.append([lid, c.name, c.source, None, c.state, c.score, 1, task,
                              dumps(c.extra) if c.extra else None])

    def write(self) -> int:
        ids = allocate_ids(self.s, "document_categories", len(self.rows))
        insert_rows(self.s, "document_categories",
                    ("id", "layer_id", "category", "source", "suggester", "state", "score",
                     "version", "task_id", "extra"),
                    [(i, *row) for i, row in zip(ids, self.rows)])
        return len(self.rows)
