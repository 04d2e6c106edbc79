"""Document categories of one layer: set, decide, remove and restore them.

One row per layer and category (models.orm.DocumentCategory): setting a category the layer
has in another state moves that row's state. Each function checks the rule book (rule 9:
a known category, one accepted category per exclusive group), the actor's right to the
layer and the row's version, writes an audit row (table "document_categories") and returns
a Change whose rows hold the fields of models/kinds/category.py. The typed operations of
models/operations.py run these and add each Change's exact inverse.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import rules
from models.errors import NotFoundError, StaleWriteError, ValidationError
from models.kinds import category as category_kind
from models.orm import DocumentCategory, Layer
from models.records import SPAN_SOURCES, SPAN_STATES
from models.schema import Schema
from models.services.context import Actor, audit, check_layer_write
from models.services.layers import doc_info, find_layer, layer_to_label, shared_schema
from models.views import Change

TABLE = category_kind.TABLE
STATE_ACTIONS = {"accepted": "accept", "rejected": "reject", "suggested": "unreview"}


def _get(s: Session, row_id: int) -> DocumentCategory:
    row = s.get(DocumentCategory, row_id)
    if row is None:
        hidden = " or is in a layer you may not see" \
            if s.get_bind().dialect.name == "postgresql" else ""
        raise NotFoundError(f"category {row_id} no longer exists (someone may have deleted "
                            "it)" + hidden)
    return row


def _check_version(row: DocumentCategory, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise StaleWriteError(f"category {row.id} was changed by someone else since it was "
                              f"shown (version {row.version}, not {expected}); reload and try "
                              "again")


def _touch(layer: Layer) -> None:
    if layer.status == "new":
        layer.status = "in_progress"


def accepted_in_layer(s: Session, layer_id: int, *, ignore_id: int | None = None) -> list[str]:
    q = select(DocumentCategory.category).where(DocumentCategory.layer_id == layer_id,
                                                DocumentCategory.state == "accepted")
    if ignore_id is not None:
        q = q.where(DocumentCategory.id != ignore_id)
    return list(s.scalars(q))


def validate(s: Session, schema: Schema, layer_id: int, name: str, state: str, *,
             ignore_id: int | None = None) -> None:
    """Rule 9 for `name` in `state` in the layer (its own row left out)."""
    rules.check_category(schema, name)
    if state == "accepted":
        rules.check_exclusive(schema, name, accepted_in_layer(s, layer_id, ignore_id=ignore_id))


def categories_of(s: Session, layer_id: int) -> list[DocumentCategory]:
    return list(s.scalars(select(DocumentCategory).where(DocumentCategory.layer_id == layer_id)
                          .order_by(DocumentCategory.id)))


def find(s: Session, document_id: int, layer: str, name: str) -> DocumentCategory | None:
    lay = find_layer(s, document_id, layer)
    if lay is None:
        return None
    return s.scalar(select(DocumentCategory).where(DocumentCategory.layer_id == lay.id,
                                                   DocumentCategory.category == name))


def set_category(s: Session, actor: Actor, document_id: int, category: str, *,
                 layer: str | None = None, state: str = "accepted", source: str = "manual",
                 score: float | None = None, suggester: str | None = None) -> Change:
    """Give the document `category` in `state` in the layer (default: the actor's): a new
    row, or the state of the row the layer has (a suggestion accepted, a rejection taken
    back). Its source, suggester and score stay those of the row that was there."""
    lay, doc, schema = layer_to_label(s, actor, document_id, layer, source, state)
    row = s.scalar(select(DocumentCategory).where(DocumentCategory.layer_id == lay.id,
                                                  DocumentCategory.category == category))
    if row is not None:
        return _update(s, actor, row, None, STATE_ACTIONS[state], state=state)
    validate(s, schema, lay.id, category, state)
    row = DocumentCategory(layer_id=lay.id, category=category, source=source, state=state,
                           score=score, suggester=suggester)
    s.add(row)
    _touch(lay)
    s.flush()
    after = category_kind.to_dict(row)
    audit(s, actor, "create", TABLE, row.id, project_id=doc.project_id, document_id=doc.id,
          after=after)
    return Change("create", "category", row.id, doc.id, after=after)


def update_category(s: Session, actor: Actor, category_id: int, fields: dict[str, Any],
                    action: str, *, expected_version: int | None = None) -> Change:
    """Set fields of a category row (state; what an undo puts back)."""
    return _update(s, actor, _get(s, category_id), expected_version, action, **fields)


def set_state(s: Session, actor: Actor, category_id: int, state: str, *,
              expected_version: int | None = None) -> Change:
    """Accept, reject or put back a category (a suggestion, mostly)."""
    if state not in SPAN_STATES:
        raise ValidationError(f"state must be one of {', '.join(SPAN_STATES)}")
    return _update(s, actor, _get(s, category_id), expected_version, STATE_ACTIONS[state],
                   state=state)


def _update(s: Session, actor: Actor, row: DocumentCategory, expected_version: int | None,
            action: str, **values) -> Change:
    _check_version(row, expected_version)
    layer = s.get(Layer, row.layer_id)
    check_layer_write(actor, layer)
    doc = doc_info(s, layer.document_id)
    before = category_kind.to_dict(row)
    if all(getattr(row, k) == v for k, v in values.items()):
        return Change("update", "category", row.id, doc.id, before=before, after=before)
    unknown = set(values) - {"state", "source", "suggester", "score", "category"}
    if unknown:
        raise ValidationError(f"a category has no field {', '.join(sorted(unknown))}")
    if values.get("state", row.state) not in SPAN_STATES:
        raise ValidationError(f"state must be one of {', '.join(SPAN_STATES)}")
    schema = shared_schema(s, doc.project_id)
    name, state = values.get("category", row.category), values.get("state", row.state)
    if name != row.category or (state == "accepted" and row.state != "accepted"):
        validate(s, schema, layer.id, name, state, ignore_id=row.id)
    for key, value in values.items():
        setattr(row, key, value)
    _touch(layer)
    s.flush()
    after = category_kind.to_dict(row)
    audit(s, actor, action, TABLE, row.id, project_id=doc.project_id, document_id=doc.id,
          before=before, after=after)
    return Change("update", "category", row.id, doc.id, before=before, after=after)


def delete_category(s: Session, actor: Actor, category_id: int, *,
                    expected_version: int | None = None) -> Change:
    row = _get(s, category_id)
    _check_version(row, expected_version)
    layer = s.get(Layer, row.layer_id)
    check_layer_write(actor, layer)
    doc = doc_info(s, layer.document_id)
    before = category_kind.delete_rows(row)
    s.delete(row)
    _touch(layer)
    s.flush()
    audit(s, actor, "delete", TABLE, category_id, project_id=doc.project_id,
          document_id=doc.id, before=before)
    return Change("delete", "category", category_id, doc.id, before=before)


def restore_category(s: Session, actor: Actor, rows: dict[str, Any]) -> Change:
    """Undo a delete: put the row back with its id, checked like any write (the layer and
    the schema may have changed since). A re-inserted row starts again at version 1."""
    d = dict(rows.get("category") or {})
    if "layer_id" not in d or "id" not in d:
        raise ValidationError("nothing to restore: not the record of a deleted category")
    layer = s.get(Layer, d["layer_id"])
    if layer is None:
        raise NotFoundError(f"layer {d['layer_id']} no longer exists")
    check_layer_write(actor, layer)
    doc = doc_info(s, layer.document_id)
    if d.get("source") not in SPAN_SOURCES or d.get("state") not in SPAN_STATES:
        raise ValidationError(f"unknown source {d.get('source')!r} or state {d.get('state')!r}")
    validate(s, shared_schema(s, doc.project_id), layer.id, d["category"], d["state"])
    if s.scalar(select(DocumentCategory.id).where(DocumentCategory.layer_id == layer.id,
                                                  DocumentCategory.category == d["category"])):
        raise ValidationError(f"the document has category {d['category']} again already")
    d["version"] = 1
    row = category_kind.from_dict({f: d.get(f) for f in (*category_kind.FIELDS,
                                                         *category_kind.UNDO_FIELDS)})
    s.add(row)
    _touch(layer)
    s.flush()
    after = {"category": category_kind.to_dict(row)}
    audit(s, actor, "restore", TABLE, row.id, project_id=doc.project_id, document_id=doc.id,
          after=after)
    return Change("restore", "category", row.id, doc.id, after=after)


def removal(row: DocumentCategory | dict) -> str:
    """How a category is taken off a document: a person's own category is deleted; one
    that a suggester or an import gave is rejected, so the decision is kept."""
    source = row["source"] if isinstance(row, dict) else row.source
    return "delete" if source == "manual" else "reject"
