"""Databases across versions and in bad states: upgraded with a backup, newer ones refused,
locked or read-only files give a clear message and keep what was stored."""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from models.errors import StorageError
from models.service import Service
from models.store import Store, head_revision

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "databases").glob(
    "*.db"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_every_old_schema_version_upgrades_and_keeps_its_labels(fixture, tmp_path):
    db = tmp_path / fixture.name
    shutil.copy(fixture, db)
    old_revision = fixture.stem
    store = Store(f"sqlite:///{db}")
    assert store.current_revision() == head_revision()
    backups = list(tmp_path.glob(f"{fixture.name}.*.bak"))
    if old_revision != head_revision():
        assert backups, "an upgrade must write a backup copy first"
        assert sqlite3.connect(backups[0]).execute(
            "SELECT version_num FROM alembic_version").fetchone()[0] == old_revision
    svc = Service(store, "alice")
    pid = svc.project_id("legacy")
    doc = svc.documents(pid, "alice")[0]
    view = svc.load(doc.id)
    assert doc.chars == len(view.text)  # revision 0002 filled in the text lengths
    assert [s.label for s in view.spans] == ["PERSON", "GPE"]
    assert view.relations[0].label == "citizen_of"
    assert store.integrity_ok()


def test_locked_database_is_a_clear_message_and_loses_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    svc = Service(Store(url), "alice")
    from models.records import DocumentRecord

    svc.import_records("p", [DocumentRecord(text="Lisbon is a city.")])
    doc = svc.documents(svc.project_id("p"))[0].id
    svc.create_span(doc, 0, 6, "GPE")
    locker = sqlite3.connect(tmp_path / "x.db", timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked"):
            fast = Service(_store_with_timeout(url, 0.2), "alice")
            fast.create_span(doc, 10, 14, "GPE")
    finally:
        locker.rollback()
        locker.close()
    assert [s.label for s in svc.load(doc).spans] == ["GPE"]


def _store_with_timeout(url, seconds):
    from sqlalchemy import event

    st = Store(url, migrate=False)

    @event.listens_for(st.engine, "connect")
    def _short_wait(conn, _rec):
        conn.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")

    return st


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'ro.db'}"
    Store(url).dispose()
    os.chmod(tmp_path / "ro.db", 0o444)
    with pytest.raises(StorageError):
        Service(Store(url), "alice").create_project("p")


def test_read_only_database_via_query_only(tmp_path):
    """Root ignores file modes, so SQLite's query_only stands in for a read-only file."""
    from sqlalchemy import event

    url = f"sqlite:///{tmp_path / 'ro.db'}"
    Store(url).dispose()
    st = Store(url, migrate=False)

    @event.listens_for(st.engine, "connect")
    def _ro(conn, _rec):
        conn.execute("PRAGMA query_only=ON")

    with pytest.raises(StorageError, match="read-only|readonly"):
        Service(st, "alice").create_project("p")


def test_full_disk_is_a_clear_message_and_keeps_what_was_stored(tmp_path):
    from sqlalchemy import event

    from models.records import DocumentRecord

    url = f"sqlite:///{tmp_path / 'full.db'}"
    svc = Service(Store(url), "alice")
    svc.import_records("p", [DocumentRecord(text="Kept article.")])
    st = Store(url, migrate=False)

    @event.listens_for(st.engine, "connect")
    def _tiny(conn, _rec):  # the file may not grow: as good as a full disk
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")

    big = [DocumentRecord(text=f"{i} " + "x" * 5000) for i in range(200)]
    with pytest.raises(StorageError, match="full"):
        Service(st, "alice").import_records("p", big)
    assert svc.stats("p")["documents"] == 1


def test_postgres_server_unreachable_is_one_clear_error():
    with pytest.raises(StorageError) as info:
        Store("postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")
    assert "127.0.0.1" in str(info.value) and "\n" not in str(info.value)


def test_postgres_connection_dropped_keeps_what_was_stored(pg_url):
    from sqlalchemy import create_engine, text

    from models.records import DocumentRecord

    import uuid

    app = f"marginalia_drop_{uuid.uuid4().hex[:8]}"  # only this test's sessions are dropped
    svc = Service(Store(f"{pg_url}&application_name={app}"), "alice")
    svc.import_records("p", [DocumentRecord(text="Lisbon is a city.")])
    doc = svc.documents(svc.project_id("p"))[0].id
    svc.create_span(doc, 0, 6, "GPE")
    admin = create_engine(pg_url.split("?")[0], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the server drops every other session
        dropped = conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = :app"), {"app": app}).fetchall()
    admin.dispose()
    assert dropped, "no session was dropped: the test proves nothing"
    svc.create_span(doc, 10, 14, "GPE")  # the pool notices and reconnects
    assert [s.label for s in svc.load(doc).spans] == ["GPE", "GPE"]
