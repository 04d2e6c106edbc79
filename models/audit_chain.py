"""`audit verify`: rebuild every audit row's hash from its columns and follow the chain.

The trigger of a team database (models/team_sql.py) stores, per row, the hash of the row
before it (prev_hash) and sha256(prev_hash + "\\n" + payload), the payload being the row's
columns as text joined by U+001F. Changing a row breaks its own hash; deleting one breaks
the link of the row after it; a row written with the trigger switched off has no hash.
Rewriting the whole chain from some row on is only caught against a head kept from before
(`--head`), which is why verify prints the head.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

_ROWS = text("""
SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), user_name, action,
       table_name, row_id::text, project_id::text, document_id::text, before::text,
       after::text, prev_hash, hash, lag(hash) OVER (ORDER BY id), project_id
FROM audit_log ORDER BY id
""")


@dataclass
class ChainReport:
    rows: int = 0  # rows checked (of the project, when one was named)
    unchained: int = 0  # rows from before team init, which have no hash
    head: str | None = None  # the newest row's hash
    bad_row: int | None = None
    problem: str | None = None


def row_hash(prev: str | None, columns: tuple) -> str:
    payload = "\x1f".join("" if c is None else str(c) for c in columns)
    return hashlib.sha256(f"{prev or ''}\n{payload}".encode()).hexdigest()


def verify(conn: Connection, project_id: int | None = None,
           head: str | None = None) -> ChainReport:
    report = ChainReport()
    chained = False
    head_seen = head is None
    for row in conn.execution_options(yield_per=2000).execute(_ROWS):
        rid, columns, prev, stored, expected_prev, pid = (row[0], tuple(row[:10]), row[10],
                                                           row[11], row[12], row[13])
        if stored is not None:
            report.head = stored
            head_seen = head_seen or stored == head
        if project_id is not None and pid != project_id:
            chained = chained or stored is not None
            continue
        report.rows += 1
        if report.bad_row is not None:
            continue
        if stored is None:
            if chained:
                report.bad_row, report.problem = rid, (
                    "has no hash: it was written with the audit trigger switched off")
            else:
                report.unchained += 1
            continue
        chained = True
        if prev != expected_prev:
            report.bad_row, report.problem = rid, (
                "does not follow the row before it: a row was deleted, inserted or changed "
                "there")
        elif row_hash(prev, columns) != stored:
            report.bad_row, report.problem = rid, "was changed after it was written"
    if report.bad_row is None and not head_seen:
        report.problem = (f"the head {head} kept from before is no longer in the chain: the "
                          "history was rewritten")
    return report
