"""A team database of its own per test on the real PostgreSQL server: created, set up with
`team init` by the superuser, with login roles of unique names (an admin, two annotators, a
reviewer), and dropped afterwards with its roles, even when the test fails.

The server trusts loopback connections, so these logins need no password here; the SCRAM
test runs a private cluster of its own (test_scram.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, need_postgres

TEXT = "Joe Biden met Mexican officials in Mexico City. Police arrested Juan Perez."


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


@dataclass
class TeamDB:
    name: str
    admin: str
    ann: str
    bob: str
    rev: str
    stores: list = field(default_factory=list)

    def url(self, login: str) -> str:
        return make_url(PG_URL).set(username=login, database=self.name).render_as_string(
            hide_password=False)

    def service(self, login: str, user: str | None = None):
        from models.service import Service
        from models.store import Store

        store = Store(self.url(login))
        self.stores.append(store)
        return Service(store, user)

    def raw(self, login: str):
        """A psql-equivalent connection as that login role (autocommit, like psql)."""
        import psycopg

        u = make_url(self.url(login))
        return psycopg.connect(host=u.host, port=u.port or 5432, user=login, dbname=self.name,
                               autocommit=True)


def drop_team_database(name: str, logins: list[str]) -> None:
    from models.team import team_roles

    eng = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        r = team_roles(name)
        for role in (*logins, r.admin, r.reviewer, r.annotator, r.owner):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    eng.dispose()


@pytest.fixture
def team_db():
    need_postgres()
    from models.records import DocumentRecord
    from models.store import Store
    from models.team import init_team

    tag = uuid.uuid4().hex[:10]
    db = TeamDB(f"mteam_{tag}", f"adm_{tag}", f"ann_{tag}", f"bob_{tag}", f"rev_{tag}")
    eng = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db.name}"'))
    eng.dispose()
    try:
        su = Store(db.url(make_url(PG_URL).username))
        init_team(su, db.admin, "admin-password")
        su.dispose()
        admin = db.service(db.admin)
        admin.add_user(db.ann, "annotator", "ann-password")
        admin.add_user(db.bob, "annotator", "bob-password")
        admin.add_user(db.rev, "reviewer", "rev-password")
        admin.import_records("news", [DocumentRecord(text=TEXT, title="one")])
        yield db
    finally:
        for st in db.stores:
            st.dispose()
        drop_team_database(db.name, [db.admin, db.ann, db.bob, db.rev])


@pytest.fixture
def doc(team_db):
    svc = team_db.service(team_db.admin)
    return svc.documents(svc.project_id("news"))[0].id
