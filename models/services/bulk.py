"""Bulk writes that bypass the ORM's per-row work: ids allocated up front, rows sent with
the driver's executemany. Imports and suggesters write tens of thousands of rows at once.

Ids: PostgreSQL hands them out from the table's sequence; SQLite takes max(id)+1.. after
the transaction holds the write lock (`lock_for_write`), so no other writer can interleave.
"""

from __future__ import annotations

import functools
import gc
import json
from contextlib import contextmanager
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session


# Advisory lock namespaces (the two-int form; the audit chain uses the one-bigint form)
LOCK_IMPORT = 0x4D41_0001  # per project: one bulk writer at a time
LOCK_DOCUMENT = 0x4D41_0002  # per document: auto-gold and review decisions


def advisory_lock(s: Session, namespace: int, key: int) -> None:
    """Wait for the lock until this transaction ends (PostgreSQL only)."""
    s.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": key})


_LOCK_DOCUMENT_SQLITE = text("UPDATE documents SET id = id WHERE id = :id "
                             "RETURNING project_id, chars")


def lock_document(s: Session, document_id: int) -> tuple[int, int] | None:
    """Serialize the writers that read a document's layers and then write gold (auto-gold,
    decisions): PostgreSQL's per-document advisory lock; SQLite's write lock, taken now
    (BEGIN IMMEDIATE's effect) instead of at the first write after the reads. On SQLite
    the locking statement also gives the document's (project id, text length), which a
    decision asked for next (None: not read, or no such document)."""
    if s.get_bind().dialect.name == "postgresql":
        advisory_lock(s, LOCK_DOCUMENT, document_id)
        return None
    row = s.connection().execute(_LOCK_DOCUMENT_SQLITE, {"id": document_id}).first()
    return None if row is None else (row[0], row[1] or 0)


def lock_for_write(s: Session, project_id: int) -> None:
    """Make this transaction the project's one bulk writer now: SQLite takes its write lock
    on the first write; PostgreSQL an advisory lock until commit (updating the project row
    would need a right to change the project, which annotators do not have)."""
    if s.get_bind().dialect.name == "postgresql":
        advisory_lock(s, LOCK_IMPORT, project_id)
        return
    s.execute(text("UPDATE projects SET name = name WHERE id = :id"), {"id": project_id})


@functools.cache
def inserting_new(table, columns: tuple[str, ...]):
    """INSERT of these columns ... ON CONFLICT DO NOTHING RETURNING id, as one text
    statement the same on SQLite and PostgreSQL, each parameter of its column's type (JSON
    encoded alike). The dialects' INSERT constructs with ON CONFLICT are never cached by
    SQLAlchemy: compiling one cost a third of a millisecond per label created. Columns not
    named get no value (the table's Python-side defaults do not apply: name them)."""
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    return text(f"INSERT INTO {table.name} ({names}) VALUES ({values}) ON CONFLICT DO NOTHING "
                "RETURNING id").bindparams(
        *(bindparam(c, type_=table.c[c].type) for c in columns)).columns(id=table.c.id.type)


def insert_ignoring_conflicts(s: Session, model):
    """INSERT ... ON CONFLICT DO NOTHING for this database: a row that a unique constraint
    already holds is skipped (RETURNING then gives no row)."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).on_conflict_do_nothing()


def allocate_ids(s: Session, table: str, n: int) -> list[int]:
    if n <= 0:
        return []
    if s.get_bind().dialect.name == "postgresql":
        rows = s.execute(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                              "FROM generate_series(1, :n)"), {"n": n}).scalars().all()
        return list(rows)
    top = s.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar() or 0
    return list(range(top + 1, top + 1 + n))


def dumps(value: Any) -> str | None:
    """JSON as the ORM would store it; the common empty dict without calling json."""
    if value is None:
        return None
    if value == {}:
        return "{}"
    return json.dumps(value, ensure_ascii=False)


# Rows per INSERT statement: a multi-row VALUES list is bound and stepped once, about half
# the time of executemany's one statement per row. Kept under 999 parameters (the oldest
# SQLite limit) per statement.
MAX_PARAMS = 900


def insert_rows(s: Session, table: str, columns: Sequence[str],
                rows: Iterable[Sequence[Any]], constants: dict[str, str] | None = None,
                suffix: str = "") -> None:
    """INSERT many rows, values already in storage form, as multi-row VALUES statements
    sent with the driver's executemany. `constants`: column -> SQL literal, the same for
    every row (not bound per row). `suffix`: SQL after the values (ON CONFLICT ...)."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return
    constants = constants or {}
    conn = s.connection()
    style = conn.dialect.paramstyle
    if style == "qmark":
        mark = "?"
    elif style in ("format", "pyformat"):
        mark = "%s"
    else:  # named / numeric: one row per statement, named parameters
        marks = ", ".join((*(f":{c}" for c in columns), *constants.values()))
        conn.exec_driver_sql(f'INSERT INTO "{table}" ({_columns(columns, constants)}) '
                             f"VALUES ({marks}){suffix}", [dict(zip(columns, r)) for r in rows])
        return
    one = "(" + ", ".join((*(mark for _ in columns), *constants.values())) + ")"
    width = len(columns)
    per = max(1, MAX_PARAMS // width)
    head = f'INSERT INTO "{table}" ({_columns(columns, constants)}) VALUES '
    full = len(rows) - len(rows) % per
    if full:
        flat = list(chain.from_iterable(rows[:full]))
        step = per * width
        conn.exec_driver_sql(head + ", ".join([one] * per) + suffix,
                             [tuple(flat[i:i + step]) for i in range(0, len(flat), step)])
    if full < len(rows):
        rest = rows[full:]
        conn.exec_driver_sql(head + ", ".join([one] * len(rest)) + suffix,
                             tuple(chain.from_iterable(rest)))


def _columns(columns: Sequence[str], constants: dict[str, str]) -> str:
    return ", ".join(f'"{c}"' for c in (*columns, *constants))


def now_value(s: Session):
    """The current time as the DateTime columns store it on this database."""
    from models.orm import utcnow

    now = utcnow()
    if s.get_bind().dialect.name == "sqlite":  # SQLAlchemy's SQLite DATETIME text form
        return now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return now


def cursor_rows(s: Session, stmt) -> list[tuple]:
    """The rows of a select of plain columns (no type conversions needed) as the driver's
    tuples: SQLAlchemy's Row objects cost more than the query over hundreds of thousands of
    rows (`agree`, issue 19). Run on the session's connection: a Core result has the cursor."""
    result = s.connection().execute(stmt)
    try:
        with no_gc():
            return result.cursor.fetchall()
    finally:
        result.close()


@contextmanager
def no_gc():
    """The cyclic garbage collector paused for bulk work: hundreds of thousands of small new
    objects (rows, records, labels) and no cycles among them made it walk them again and
    again (a fifth of `agree` over 10,000 documents)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
