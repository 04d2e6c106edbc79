"""Shared fixtures: a store on SQLite and on the real PostgreSQL server, a service, the CLI.

PostgreSQL tests use a schema of their own per test (so parallel runs never collide). In CI
(CI=true) a missing server fails the run; elsewhere those tests skip with a message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("MARGINALIA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_pg_state: dict[str, object] = {}


def pg_reachable() -> str | None:
    """None when the server answers, else why not."""
    if "error" not in _pg_state:
        try:
            from sqlalchemy import create_engine, text

            eng = create_engine(PG_URL)
            with eng.connect() as conn:
                conn.execute(text("SELECT 1"))
            eng.dispose()
            _pg_state["error"] = None
        except Exception as exc:  # any failure to connect means: no server here
            _pg_state["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return _pg_state["error"]  # type: ignore[return-value]


def need_postgres() -> None:
    err = pg_reachable()
    if err:
        msg = f"PostgreSQL at {PG_URL} is not reachable ({err})"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture
def pg_url():
    """A URL to a fresh, private PostgreSQL schema; dropped afterwards."""
    need_postgres()
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    eng = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    yield f"{PG_URL}?options=-csearch_path%3D{name}"
    with eng.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    eng.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'marginalia.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'marginalia.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url):
    from models.store import Store

    st = Store(db_url)
    yield st
    st.dispose()


@pytest.fixture
def service(store):
    from models.service import Service

    return Service(store, "alice")


@pytest.fixture
def project(service):
    """A project with the default news schema and the sample article; returns (id, doc id)."""
    from models.records import DocumentRecord

    text = (ROOT / "seeds" / "000_8c189482ad872ddc.txt").read_text(encoding="utf-8")
    service.import_records("news", [DocumentRecord(text=text, title="sample")])
    pid = service.project_id("news")
    doc = service.documents(pid)[0].id
    return pid, doc


def run_cli(*args: str, env: dict | None = None, input: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `marginalia ARGS` as a user would, with this checkout's code."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "MARGINALIA_USER": "alice",
                **(env or {})}
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], capture_output=True,
                          text=True, env=full_env, input=input, timeout=timeout, cwd=ROOT)


@pytest.fixture
def cli():
    return run_cli
