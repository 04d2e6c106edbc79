"""Progress per annotator over time, read from the audit log (for the statistics view)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import AuditLog

# Audit actions that add a label to someone's work (undoing one subtracts it again).
_ADDS = {"create", "accept", "restore"}
_SUBTRACTS = {"delete", "reject", "unreview"}
_TABLES = ("spans", "relations", "events", "document_categories")


def label_progress(s: Session, project_id: int) -> dict[str, list[tuple[str, int]]]:
    """{user: [(day 'YYYY-MM-DD', labels so far)]}, cumulative, one point per active day."""
    rows = s.execute(select(AuditLog.user_name, AuditLog.at, AuditLog.action)
                     .where(AuditLog.project_id == project_id,
                            AuditLog.table_name.in_(_TABLES))
                     .order_by(AuditLog.id))
    totals: dict[str, int] = {}
    out: dict[str, dict[str, int]] = {}
    for user, at, action in rows:
        step = 1 if action in _ADDS else (-1 if action in _SUBTRACTS else 0)
        if not step:
            continue
        totals[user] = max(totals.get(user, 0) + step, 0)
        out.setdefault(user, {})[at.date().isoformat()] = totals[user]
    return {user: sorted(days.items()) for user, days in out.items()}


def documents_done(s: Session, project_id: int) -> dict[str, list[tuple[str, int]]]:
    """{user: [(day, documents marked done so far)]} from the workflow's status changes."""
    rows = s.execute(select(AuditLog.user_name, AuditLog.at, AuditLog.after, AuditLog.before)
                     .where(AuditLog.project_id == project_id,
                            AuditLog.action == "set_status").order_by(AuditLog.id))
    totals: dict[str, int] = {}
    out: dict[str, dict[str, int]] = {}
    for user, at, after, before in rows:
        was = (before or {}).get("status") == "done"
        now = (after or {}).get("status") == "done"
        if was == now:
            continue
        totals[user] = max(totals.get(user, 0) + (1 if now else -1), 0)
        out.setdefault(user, {})[at.date().isoformat()] = totals[user]
    return {user: sorted(days.items()) for user, days in out.items()}
