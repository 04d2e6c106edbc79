"""Which layer an export uses when none is named: gold, once it exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import GOLD, Document, Layer, Span


def has_gold(session: Session, project_id: int) -> bool:
    """True when some document of the project has an accepted label in gold."""
    return session.scalar(
        select(Span.id).join(Layer, Layer.id == Span.layer_id)
        .join(Document, Document.id == Layer.document_id)
        .where(Document.project_id == project_id, Layer.name == GOLD,
               Span.state == "accepted").limit(1)) is not None


def default_export_layer(session: Session, project_id: int,
                         fallback: str | None = None) -> str | None:
    """'gold' when the project has gold labels, else `fallback` (e.g. the acting user's
    layer; None lets the caller decide, e.g. export every layer)."""
    return GOLD if has_gold(session, project_id) else fallback
