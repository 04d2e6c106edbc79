"""The database: engine, sessions and migrations.

SQLite (one file, WAL, foreign keys on) by default; PostgreSQL through the same URL switch.
Alembic owns the schema: opening a store upgrades it to the newest revision, after copying
an older SQLite file aside as a backup; a database from a newer version is refused.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError as OrmStaleDataError

from models.errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    """MARGINALIA_DB, else marginalia.db in the platform user-data dir."""
    env = os.environ.get("MARGINALIA_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("marginalia", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'marginalia.db'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no commit
    cur.close()


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


class Store:
    """One database. `session()` gives a unit of work that commits or rolls back whole."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, echo: bool = False):
        self.url = url or default_url()
        try:
            parsed = make_url(self.url)
        except ArgumentError:
            raise StorageError(f"not a database URL: {self.url!r}") from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.path: Path | None = None
        kwargs: dict = {"echo": echo, "future": True}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                self.path = Path(parsed.database)
                if not self.path.parent.exists():
                    raise StorageError(f"{self.path}: folder does not exist")
            kwargs["connect_args"] = {"timeout": 5}
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (ArgumentError, ImportError) as exc:
            raise StorageError(f"cannot open {self.url}: {exc}") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._login: tuple[str, bool] | None = None
        self.notices: list[str] = []  # what the user should be told (a restored upgrade)
        if migrate:
            self.migrate()

    # ---- schema -------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def migrate(self) -> None:
        """Bring the database to the newest revision (backing up an older SQLite file)."""
        from models.migrations import HEAD

        if self.path is not None and self.path.exists():
            self._recover_interrupted_upgrade()
        try:
            if self.current_revision() == HEAD:
                return  # up to date: no need to load Alembic (a third of start-up)
        except (OperationalError, DBAPIError) as exc:
            raise StorageError(f"{self.describe()}: {_short(exc)}") from None
        from alembic import command
        from alembic.script import ScriptDirectory

        current = head = None
        try:
            script = ScriptDirectory.from_config(_alembic_config())
            head = script.get_current_head()
            current = self.current_revision()
            if current == head:
                return
            if current is not None and current not in {r.revision for r in script.walk_revisions()}:
                raise StorageError(
                    f"{self.describe()}: made by a newer Marginalia (schema revision {current}); "
                    "upgrade Marginalia to open it")
            if not self.is_sqlite:
                with self.engine.begin() as conn:  # PostgreSQL: transactional DDL as is
                    command.upgrade(_alembic_config(conn), "head")
                return
            from models import sqlite_upgrade as up

            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            on_disk = current is not None and self.path is not None and self.path.exists()
            if on_disk:
                self.engine.dispose()  # the backup reads the file: no open transaction
                up.write_marker(self.path, up.write_backup(self.path, current))
            with self.engine.connect() as conn:
                up.upgrade_in_one_transaction(
                    conn, lambda c: command.upgrade(_alembic_config(c), "head"))
            if on_disk:
                up.clear_marker(self.path)
        except StorageError:
            raise
        except (OperationalError, DBAPIError) as exc:
            if getattr(exc.orig, "sqlstate", None) == "42501":  # a team member's login
                raise StorageError(
                    f"{self.describe()}: the database has schema revision {current} and this "
                    f"Marginalia needs {head}; the database's owner upgrades it with "
                    "`marginalia team init --admin NAME`") from None
            raise StorageError(f"{self.describe()}: {_short(exc)}") from None

    def _recover_interrupted_upgrade(self) -> None:
        from models import sqlite_upgrade as up

        backup = up.interrupted_backup(self.path)
        if backup is None:
            up.marker_of(self.path).unlink(missing_ok=True)  # a marker without its backup
            return
        self.engine.dispose()
        up.restore(self.path, backup)
        up.clear_marker(self.path)
        self.notices.append(f"{self.path}: an upgrade was interrupted; the database was put "
                            f"back from its backup {backup.name} and upgraded again")

    def login(self) -> tuple[str, bool] | None:
        """PostgreSQL: (the connection's login role, whether it is a superuser); None on
        SQLite. session_user cannot be changed by SET ROLE, only by a superuser."""
        if self.is_sqlite:
            return None
        if self._login is None:
            with self.engine.connect() as conn:
                name, sup = conn.execute(text(
                    "SELECT session_user, rolsuper FROM pg_roles "
                    "WHERE rolname = session_user")).one()
            self._login = (name, bool(sup))
        return self._login

    def describe(self) -> str:
        return str(self.path) if self.path else make_url(self.url).render_as_string(
            hide_password=True)

    # ---- units of work --------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        s = self._sessions()
        try:
            yield s
            s.commit()
        except (OperationalError, DBAPIError) as exc:
            s.rollback()
            raise database_error(exc, self.describe()) from None
        except OrmStaleDataError:  # a versioned row changed under a unit of work
            s.rollback()
            from models.errors import StaleWriteError

            raise StaleWriteError("a label was changed or deleted by someone else meanwhile; "
                                  "nothing from this action was stored: reload and try "
                                  "again") from None
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def integrity_ok(self) -> bool:
        if not self.is_sqlite:
            return True
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    def dispose(self) -> None:
        self.engine.dispose()


_RACES = {  # what two people at once can cause, by SQLSTATE
    "23505": "someone else stored the same thing a moment ago",  # unique violation
    "40001": "someone else changed the same rows at the same moment",  # serialization
    "40P01": "someone else changed the same rows at the same moment",  # deadlock
    "55P03": "the rows are locked by someone else's unfinished change",  # lock timeout
    "57014": "the database gave up waiting for a lock",  # statement timeout
}


def database_error(exc: Exception, where: str) -> Exception:
    """The domain error a driver error stands for, as one line."""
    from models.errors import PermissionDenied, StaleWriteError

    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state == "42501":
        return PermissionDenied(f"the database refused it: {_short(exc)}")
    if state in _RACES or "UNIQUE constraint failed" in str(orig):
        why = _RACES.get(state, _RACES["23505"])
        return StaleWriteError(f"{why}; nothing from this action was stored: reload and "
                               "try again")
    return StorageError(f"{where}: {_short(exc)}")


def _short(exc: Exception) -> str:
    """The database's own message, first line only."""
    orig = getattr(exc, "orig", None) or exc
    msg = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    hints = {
        "database is locked": "the database is locked by another program; try again",
        "attempt to write a readonly database": "the database file is read-only",
        "database or disk is full": "the disk is full; nothing was stored from this action",
        "unable to open database file": "cannot open the database file",
    }
    for key, hint in hints.items():
        if key in msg:
            return hint
    return msg
