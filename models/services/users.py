"""Users: adding them, changing their role, listing them, and checking the audit chain.

On a team database (PostgreSQL after `team init`) a user is a login role and a member of
one group role; models/team.py changes both through the database's own function, which
checks that the caller is an admin and writes the audit row itself."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import team
from models.errors import PermissionDenied, ValidationError
from models.orm import GOLD, ROLES, User
from models.services.context import Actor, audit, check_admin, check_reviewer


def on_team_database(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql" and team.is_team_database(s.connection())


def add_user(s: Session, actor: Actor, name: str, role: str, password: str | None) -> str:
    check_admin(actor, "add or change users")
    if role not in ROLES:
        raise ValidationError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if name == GOLD:
        raise ValidationError(f"{GOLD!r} is the name of the reviewers' layer, not a user")
    if on_team_database(s):
        conn = s.connection()
        if password is None and not team.login_exists(conn, name):
            raise ValidationError(f"the new user {name} needs a password (--password-file "
                                  "FILE, or type it when asked)")
        return team.set_user(conn, name, role, password)
    if password is not None:
        raise ValidationError("passwords belong to team databases (PostgreSQL after "
                              "`marginalia team init`); here the OS login is the user")
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, role=role)
        s.add(user)
        s.flush()
        audit(s, actor, "add_user", "users", user.id, after={"name": name, "role": role})
        return ""
    old = user.role
    if old != role:
        user.role = role
        audit(s, actor, "set_user", "users", user.id, before={"name": name, "role": old},
              after={"name": name, "role": role})
    return old


def set_role(s: Session, actor: Actor, name: str, role: str) -> None:
    """Change the role of a user who exists (admins only, audited)."""
    check_admin(actor, "change users")
    if s.scalar(select(User.id).where(User.name == name)) is None:
        from models.errors import NotFoundError

        raise NotFoundError(f"unknown user {name!r}")
    add_user(s, actor, name, role, None)


def list_users(s: Session, actor: Actor) -> list[tuple[str, str]]:
    check_admin(actor, "list users")
    rows = [(u.name, u.role) for u in s.scalars(select(User).order_by(User.name))]
    audit(s, actor, "list_users", "users", None, after={"users": len(rows)})
    return rows


def verify_audit(s: Session, actor: Actor, project: str | None, head: str | None):
    from models.audit_chain import verify
    from models.services.projects import get_project

    check_reviewer(actor, "verify the audit log (annotators see only their own rows)")
    if not on_team_database(s):
        raise ValidationError("the audit log carries a hash chain on team databases only "
                              "(PostgreSQL after `marginalia team init`)")
    pid = get_project(s, project).id if project else None
    try:
        return verify(s.connection(), pid, head)
    except PermissionError as exc:  # pragma: no cover - the grants let reviewers read it
        raise PermissionDenied(str(exc)) from None
