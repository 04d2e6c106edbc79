"""Who acts, what they may do, and the audit trail every change writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from models.errors import NotFoundError, PermissionDenied, ValidationError
from models.orm import GOLD, ROLES, AuditLog, Layer, User


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_reviewer(self) -> bool:
        return self.role in ("reviewer", "admin")


# Statements built once: every label edit runs them, and building a statement costs more
# than running it on SQLite.
_USER_BY_NAME = select(User.id, User.name, User.role).where(User.name == bindparam("name"))
_AUDIT_INSERT = insert(AuditLog.__table__)


def get_actor(s: Session, name: str, *, create: bool = True, first_admin: bool = True) -> Actor:
    """The acting user. In a fresh database the first user becomes admin (unless not
    `first_admin`); later unknown names are created as annotators only when `create` (the
    single-desktop default)."""
    if not name or not name.strip():
        raise ValidationError("no user name given (use --user or MARGINALIA_USER)")
    if name == GOLD:
        raise ValidationError(f"{GOLD!r} is the name of the reviewers' layer, not a user")
    # on the connection, not flushing first (every unit of work starts here): a user
    # added in this unit of work and not flushed yet is found by the ORM query below
    known = s.connection().execute(_USER_BY_NAME, {"name": name}).first()
    if known is not None:
        return Actor(*known)
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        first = first_admin and (s.scalar(select(func.count(User.id))) or 0) == 0
        if not (create or first):
            raise NotFoundError(f"unknown user {name!r}: an admin adds users with "
                                "`marginalia user add NAME --role ROLE`")
        user = User(name=name, role="admin" if first else "annotator")
        s.add(user)
        s.flush()
    return Actor(user.id, user.name, user.role)


def ensure_user(s: Session, name: str, role: str = "annotator") -> User:
    if role not in ROLES:
        raise ValidationError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if name == GOLD:
        raise ValidationError(f"{GOLD!r} is the name of the reviewers' layer, not a user")
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, role=role)
        s.add(user)
        s.flush()
    return user


def check_layer_write(actor: Actor, layer: Layer) -> None:
    """Annotators write their own layer; reviewers also gold; admins anything."""
    if actor.is_admin:
        return
    if layer.name == GOLD:
        if not actor.is_reviewer:
            raise PermissionDenied(f"{actor.name} ({actor.role}) cannot change the gold layer; "
                                   "only reviewers can")
        return
    if layer.name != actor.name:
        raise PermissionDenied(f"{actor.name} ({actor.role}) cannot change the layer of "
                               f"{layer.name}")


def check_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"{actor.name} ({actor.role}) cannot {what}; only admins can")


def audit(s: Session, actor: Actor, action: str, table: str, row_id: int | None, *,
          project_id: int | None = None, document_id: int | None = None,
          before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> int:
    """Write one audit row; its id. The newest id written per document in this unit of work
    is kept (`written_marker`): a review decision returns it as the document's change marker
    instead of reading the maximum again."""
    # a plain insert, not an ORM object: nothing reads it back in the unit of work
    row_id = s.connection().execute(_AUDIT_INSERT, {
        "user_name": actor.name, "action": action, "table_name": table, "row_id": row_id,
        "project_id": project_id, "document_id": document_id, "before": before,
        "after": after}).inserted_primary_key[0]
    if document_id is not None:
        s.info.setdefault("audited", {})[document_id] = row_id
    return row_id


def written_marker(s: Session, document_id: int) -> int | None:
    """The id of the newest audit row of the document that this unit of work wrote with
    `audit` (None: none). Bulk writers insert audit rows themselves and are not counted."""
    return s.info.get("audited", {}).get(document_id)


def check_layer_read(actor: Actor, name: str) -> None:
    """Annotators see their own layer only (and its suggestions); reviewers see every layer."""
    if actor.is_reviewer or name == actor.name:
        return
    what = "the gold layer" if name == GOLD else f"the layer of {name}"
    raise PermissionDenied(f"{actor.name} ({actor.role}) cannot see {what}; annotators see "
                           "only their own layer")


def check_reviewer(actor: Actor, what: str) -> None:
    if not actor.is_reviewer:
        raise PermissionDenied(f"{actor.name} ({actor.role}) cannot {what}; only reviewers can")
