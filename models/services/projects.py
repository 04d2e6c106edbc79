"""Projects and their versioned label schema."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models.errors import NotFoundError, ValidationError
from models.orm import (
    Document, DocumentCategory, Event, Layer, Project, Relation, SchemaVersion, Span)
from models.schema import Schema, default_schema
from models.services.context import Actor, audit, check_admin
from models.services.layers import current_schema, forget_schema
from models.views import Change, ProjectSummary


def get_project(s: Session, name: str) -> Project:
    project = s.scalar(select(Project).where(Project.name == name))
    if project is None:
        raise NotFoundError(f"no project named {name!r}")
    return project


def find_project(s: Session, name: str) -> Project | None:
    return s.scalar(select(Project).where(Project.name == name))


def create_project(s: Session, actor: Actor, name: str, schema: Schema | None = None) -> Project:
    check_admin(actor, "create projects")
    name = (name or "").strip()
    if not name:
        raise ValidationError("a project needs a name")
    if find_project(s, name):
        raise ValidationError(f"a project named {name!r} already exists")
    schema = schema or default_schema()
    schema.validate()
    project = Project(name=name, settings={})
    s.add(project)
    s.flush()
    s.add(SchemaVersion(project_id=project.id, version=1, data={**schema.to_dict(), "version": 1}))
    forget_schema(s, project.id)
    audit(s, actor, "create", "projects", project.id, project_id=project.id,
          after={"name": name, "schema": schema.name})
    s.flush()
    return project


def list_projects(s: Session) -> list[ProjectSummary]:
    counts = dict(s.execute(select(Document.project_id, func.count(Document.id))
                            .group_by(Document.project_id)).all())
    versions = dict(s.execute(select(SchemaVersion.project_id, func.max(SchemaVersion.version))
                              .group_by(SchemaVersion.project_id)).all())
    return [ProjectSummary(p.id, p.name, counts.get(p.id, 0), versions.get(p.id, 0),
                           p.created_at.isoformat(timespec="seconds"))
            for p in s.scalars(select(Project).order_by(Project.name))]


def save_schema(s: Session, actor: Actor | None, project_id: int, schema: Schema,
                *, reason: str = "edit") -> Schema:
    """Store `schema` as the project's next version. `actor` None: growth during an import
    that the caller has already authorised."""
    if actor is not None and reason == "edit":
        check_admin(actor, "change the schema")
    schema.validate()
    current = s.scalar(select(func.max(SchemaVersion.version))
                       .where(SchemaVersion.project_id == project_id)) or 0
    schema.version = current + 1
    s.add(SchemaVersion(project_id=project_id, version=schema.version, data=schema.to_dict()))
    forget_schema(s, project_id)
    if actor is not None:
        audit(s, actor, reason, "schemas", project_id, project_id=project_id,
              after={"version": schema.version})
    s.flush()
    return schema


def _layer_ids(s: Session, project_id: int):
    return select(Layer.id).join(Document, Document.id == Layer.document_id).where(
        Document.project_id == project_id)


def label_usage(s: Session, project_id: int, name: str) -> int:
    layers = _layer_ids(s, project_id)
    n = s.scalar(select(func.count(Span.id)).where(Span.layer_id.in_(layers), Span.label == name))
    n += s.scalar(select(func.count(Relation.id)).where(Relation.layer_id.in_(layers),
                                                         Relation.label == name))
    n += s.scalar(select(func.count(Event.id)).where(Event.layer_id.in_(layers),
                                                      Event.type == name))
    n += s.scalar(select(func.count(DocumentCategory.id)).where(
        DocumentCategory.layer_id.in_(layers), DocumentCategory.category == name))
    return n or 0


def rename_label(s: Session, actor: Actor, project_id: int, old: str, new: str) -> Change:
    """Rename a label in the schema and in every label that uses it."""
    check_admin(actor, "change the schema")
    schema = current_schema(s, project_id)
    kind = schema.rename_label(old, new)
    _retarget(s, project_id, kind, old, new)
    save_schema(s, None, project_id, schema)
    audit(s, actor, "rename_label", "schemas", project_id, project_id=project_id,
          before={"label": old}, after={"label": new, "kind": kind})
    return Change("update", "schema", project_id, before={"label": old}, after={"label": new})


def delete_label(s: Session, actor: Actor, project_id: int, name: str,
                 merge_into: str | None = None) -> Change:
    """Remove a label; refused while labels use it unless they are merged into another."""
    check_admin(actor, "change the schema")
    schema = current_schema(s, project_id)
    kind = schema.kind_of(name)
    if kind is None:
        raise ValidationError(f"label {name!r} is not in the schema")
    used = label_usage(s, project_id, name)
    if used and not merge_into:
        raise ValidationError(f"label {name!r} is used by {used} label(s); merge it into "
                              "another label to delete it")
    if merge_into:
        if schema.kind_of(merge_into) != kind:
            raise ValidationError(f"cannot merge {kind} label {name!r} into {merge_into!r}: "
                                  f"no {kind} label of that name")
        if kind == "category":
            _check_exclusive_merge(s, project_id, schema, name, merge_into)
        _retarget(s, project_id, kind, name, merge_into)
    schema.remove_label(name, merge_into)
    save_schema(s, None, project_id, schema)
    audit(s, actor, "delete_label", "schemas", project_id, project_id=project_id,
          before={"label": name, "used": used}, after={"merged_into": merge_into})
    return Change("delete", "schema", project_id, before={"label": name},
                  after={"merged_into": merge_into})


def _retarget(s: Session, project_id: int, kind: str, old: str, new: str) -> None:
    layers = _layer_ids(s, project_id)
    if kind == "category":
        _retarget_categories(s, layers, old, new)
    elif kind == "entity":
        s.execute(update(Span).where(Span.layer_id.in_(layers), Span.label == old)
                  .values(label=new, version=Span.version + 1)
                  .execution_options(synchronize_session=False))
    elif kind == "relation":
        s.execute(update(Relation).where(Relation.layer_id.in_(layers), Relation.label == old)
                  .values(label=new, version=Relation.version + 1)
                  .execution_options(synchronize_session=False))
    else:
        s.execute(update(Event).where(Event.layer_id.in_(layers), Event.type == old)
                  .values(type=new, version=Event.version + 1)
                  .execution_options(synchronize_session=False))
        # an event type is also the label of its trigger span
        s.execute(update(Span).where(Span.layer_id.in_(layers), Span.label == old,
                                     Span.id.in_(select(Event.trigger_id)))
                  .values(label=new, version=Span.version + 1)
                  .execution_options(synchronize_session=False))
    s.expire_all()


def _check_exclusive_merge(s: Session, project_id: int, schema: Schema, old: str,
                           new: str) -> None:
    """Rule 9 after a merge: a layer that accepted `old` must not hold another accepted
    category of `new`'s exclusive group."""
    group = schema.category_group(new)
    if group is None or not group.exclusive:
        return
    others = [n for n in group.names if n not in (old, new)]
    if not others:
        return
    has_old = select(DocumentCategory.layer_id).where(
        DocumentCategory.layer_id.in_(_layer_ids(s, project_id)),
        DocumentCategory.category == old, DocumentCategory.state == "accepted")
    clash = s.execute(select(Layer.document_id, Layer.name, DocumentCategory.category)
                      .join(Layer, Layer.id == DocumentCategory.layer_id)
                      .where(DocumentCategory.layer_id.in_(has_old),
                             DocumentCategory.category.in_(others),
                             DocumentCategory.state == "accepted").limit(1)).first()
    if clash:
        doc, layer, other = clash
        raise ValidationError(f"cannot merge category {old!r} into {new!r}: document {doc} "
                              f"({layer}) has {other} too, and {group.name} is exclusive "
                              "(one of)")


_STATE_RANK = {"accepted": 2, "suggested": 1, "rejected": 0}


def _retarget_categories(s: Session, layers, old: str, new: str) -> None:
    """Rename or merge a category in every layer. A layer that has both keeps one row, the
    more decided one (accepted over suggested over rejected; the target's on a tie)."""
    both = s.execute(select(DocumentCategory.layer_id, DocumentCategory.id,
                            DocumentCategory.category, DocumentCategory.state)
                     .where(DocumentCategory.layer_id.in_(layers),
                            DocumentCategory.category.in_((old, new)))).all()
    rows: dict[int, dict[str, tuple[int, str]]] = {}
    for lid, row_id, name, state in both:
        rows.setdefault(lid, {})[name] = (row_id, state)
    drop = []
    for pair in rows.values():
        if len(pair) == 2:
            (old_id, old_state), (new_id, new_state) = pair[old], pair[new]
            drop.append(old_id if _STATE_RANK[new_state] >= _STATE_RANK[old_state]
                        else new_id)
    if drop:
        s.execute(delete(DocumentCategory).where(DocumentCategory.id.in_(drop))
                  .execution_options(synchronize_session=False))
    s.execute(update(DocumentCategory).where(DocumentCategory.layer_id.in_(layers),
                                             DocumentCategory.category == old)
              .values(category=new, version=DocumentCategory.version + 1)
              .execution_options(synchronize_session=False))
