"""The facade's base: the acting user, and `_op`, the one wrapping style: a method runs one
core function in its own unit of work and commits it before returning."""

from __future__ import annotations

import functools
import importlib
from typing import Callable

from sqlalchemy.orm.exc import StaleDataError as OrmStaleDataError

from models.errors import PermissionDenied, StaleWriteError
from models.services.context import Actor, get_actor
from models.store import Store


def _op(fn: Callable) -> Callable:
    """Bind a service function `fn(session, actor, ...)` as a committed method."""

    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        with self.store.session() as s:
            actor = self._actor(s)
            try:
                return fn(s, actor, *args, **kwargs)
            except OrmStaleDataError:
                # the unit of work rolls back whole: one edit or a whole batch
                raise StaleWriteError("a label was changed or deleted by someone else "
                                      "meanwhile; nothing from this action was stored: "
                                      "reload and try again") from None

    return method


def _lazy_op(target: str) -> Callable:
    """`_op` of the function named "module:Name.attr", imported at its first call: a command
    that only reads (`marginalia stats`, `project list`) then never imports the edit
    operations or the review core (ADR: start-up loads only what a command uses)."""
    module, _, path = target.partition(":")

    @functools.cache
    def resolve() -> Callable:
        obj = importlib.import_module(module)
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    def fn(s, actor, *args, **kwargs):
        return resolve()(s, actor, *args, **kwargs)

    fn.__name__ = fn.__qualname__ = path.split(".")[0]
    fn.__doc__ = f"{target} (imported at the first call)"
    return _op(fn)


def acting_user(store: Store, claimed: str | None) -> tuple[str | None, bool]:
    """(who acts, whether that is the database's own word). On PostgreSQL the acting user is
    the connection's login (session_user): a claim naming someone else is refused. Only a
    superuser, who can become anyone with SET SESSION AUTHORIZATION anyway, may name another
    user (administration, tests). SQLite has no logins: the claim (the OS login) stands."""
    login = store.login()
    if login is None:
        return claimed, False
    name, superuser = login
    if superuser:
        return claimed or name, False
    if claimed and claimed != name:
        raise PermissionDenied(f"you are connected as {name}; --user {claimed} is not you")
    return name, True


class ServiceBase:
    def __init__(self, store: Store, user: str | None, *,
                 auto_create_users: bool | None = None):
        self.store = store
        self.user, self.is_login = acting_user(store, user)
        # One desktop (SQLite): unknown names become annotators. A team server (PostgreSQL):
        # an admin adds users first.
        self.auto_create_users = store.is_sqlite if auto_create_users is None \
            else auto_create_users

    @_op
    def _run(s, actor, operations):
        return [op.apply(s, actor) for op in operations]

    def _actor(self, s) -> Actor:
        # a login never becomes admin by being first: `team init` makes the first admin
        return get_actor(s, self.user or "", create=self.auto_create_users,
                         first_admin=not self.is_login)

    def actor(self) -> Actor:
        with self.store.session() as s:
            return self._actor(s)
