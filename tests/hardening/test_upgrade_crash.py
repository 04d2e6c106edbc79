"""Killing the upgrade of a large old database at random moments never costs it: every
reopen works, is at the newest revision and keeps every label, and no backup is ever
overwritten or left half-written under its final name.

The fixture is made here, in tmp: the 0001-revision fixture database grown to 60,000
documents (one layer and two spans each) with sqlite3 directly."""

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.store import Store, head_revision
from tests.conftest import ROOT

DOCUMENTS = 60_000
ROUNDS = 6
FIXTURE = ROOT / "tests" / "fixtures" / "databases" / "0001.db"


def _grow(db: Path) -> int:
    """Add documents up to DOCUMENTS, each with alice's layer and two spans; returns the
    number of accepted spans."""
    con = sqlite3.connect(db)
    now = "2026-11-28 02:40:17.000000"
    text = "Ann Smith flew to Lisbon on Monday to meet the mayor of the city. " * 4
    have = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    first = con.execute("SELECT max(id) FROM documents").fetchone()[0] + 1
    ids = range(first, first + DOCUMENTS - have)
    con.executemany(
        "INSERT INTO documents (id, project_id, title, source, text, sha256, meta, created_at) "
        "VALUES (?, 1, ?, '', ?, ?, '{}', ?)",
        [(i, f"doc {i}", f"{i} {text}", f"{i:064x}", now) for i in ids])
    con.executemany("INSERT INTO layers (id, document_id, name, user_id, status, version, "
                    "updated_at) VALUES (?, ?, 'alice', 1, 'in_progress', 1, ?)",
                    [(i, i, now) for i in ids])
    off = len(str(first))  # the id and a space come first; offsets point at names
    con.executemany(
        "INSERT INTO spans (layer_id, start, \"end\", label, fragments, attributes, source, "
        "state, version) VALUES (?, ?, ?, ?, 'null', '{}', 'import', 'accepted', 1)",
        [(i, s, e, lab) for i in ids for s, e, lab in
         ((len(str(i)) + 1, len(str(i)) + 10, "PERSON"),
          (len(str(i)) + 19, len(str(i)) + 25, "GPE"))])
    assert off > 0
    con.commit()
    n = con.execute("SELECT count(*) FROM spans WHERE state = 'accepted'").fetchone()[0]
    con.close()
    return n


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big0001")
    db = folder / "big.db"
    shutil.copy(FIXTURE, db)
    return db, _grow(db)


def _upgrade_process(db: Path) -> subprocess.Popen:
    code = f"from models.store import Store; Store({f'sqlite:///{db}'!r}); print('done')"
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _labels(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    rows = con.execute("SELECT layer_id, start, \"end\", label FROM spans "
                       "WHERE state = 'accepted' ORDER BY id").fetchall()
    con.close()
    return rows


def test_an_upgrade_killed_at_random_moments_costs_nothing(pristine, tmp_path):
    source, accepted = pristine
    expected = _labels(source)
    assert len(expected) == accepted == 2 * DOCUMENTS
    # how long an upgrade takes here, to spread the kills over it
    probe = tmp_path / "probe" / "big.db"
    probe.parent.mkdir()
    shutil.copy(source, probe)
    started = time.perf_counter()
    p = _upgrade_process(probe)
    assert p.wait(600) == 0, p.stderr.read()
    span = time.perf_counter() - started
    rng = random.Random(16)
    restored = 0
    for n in range(ROUNDS):
        folder = tmp_path / f"round{n}"
        folder.mkdir()
        db = folder / "big.db"
        shutil.copy(source, db)
        p = _upgrade_process(db)
        time.sleep(rng.uniform(0.2, span))
        p.send_signal(signal.SIGKILL)
        p.wait(60)
        store = Store(f"sqlite:///{db}")  # the reopen: recovers and upgrades
        restored += bool(store.notices)
        assert all("put back from its backup" in x for x in store.notices)
        assert store.current_revision() == head_revision()
        assert store.integrity_ok()
        store.dispose()
        assert _labels(db) == expected
        assert not list(folder.glob("*.part")) and not (folder / "big.db.upgrading").exists()
        for backup in folder.glob("big.db.*.bak"):  # whole copies of the old revision
            con = sqlite3.connect(backup)
            assert con.execute("SELECT version_num FROM alembic_version").fetchone() == \
                ("0001",)
            assert con.execute("SELECT count(*) FROM documents").fetchone() == (DOCUMENTS,)
            con.close()
        again = Store(f"sqlite:///{db}")  # and every later open just works
        assert again.notices == [] and again.current_revision() == head_revision()
        again.dispose()


def test_an_existing_backup_is_never_overwritten(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURE, db)
    keep = tmp_path / "old.db.0001.bak"
    keep.write_bytes(b"an earlier backup the user keeps")
    Store(f"sqlite:///{db}").dispose()
    assert keep.read_bytes() == b"an earlier backup the user keeps"
    fresh = tmp_path / "old.db.0001.2.bak"
    con = sqlite3.connect(fresh)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    con.close()


def test_an_interrupted_upgrade_is_put_back_from_its_backup(tmp_path):
    """The state an upgrade killed midway leaves: a marker naming the backup and a file
    that is neither revision (the old code's crash left a column of the next one)."""
    from models import sqlite_upgrade as up

    db = tmp_path / "old.db"
    shutil.copy(FIXTURE, db)
    backup = up.write_backup(db, "0001")
    up.write_marker(db, backup)
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE documents ADD COLUMN chars INTEGER DEFAULT 0 NOT NULL")
    con.commit()
    con.close()
    store = Store(f"sqlite:///{db}")
    assert store.notices == [f"{db}: an upgrade was interrupted; the database was put back "
                             f"from its backup {backup.name} and upgraded again"]
    assert store.current_revision() == head_revision()
    assert [x[3] for x in _labels(db)] == ["PERSON", "GPE"]
    store.dispose()
