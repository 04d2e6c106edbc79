"""Upgrading a SQLite file so that a crash at any moment costs nothing.

1. A backup is written with SQLite's backup API (a consistent copy, WAL included) to a new
   file, fsynced, and linked into place under a name no other file has: an existing backup
   is never overwritten.
2. A marker file names that backup (fsynced) before the upgrade starts.
3. The whole migration runs in one transaction (SQLite's DDL is transactional; Python's
   sqlite3 would commit before each DDL statement on its own, so the transaction is begun
   by hand), then the marker is removed.
A marker found on opening means an upgrade did not finish: the file is put back from the
backup it names and the upgrade runs again.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def marker_of(path: Path) -> Path:
    return path.with_name(f"{path.name}.upgrading")


def write_backup(path: Path, revision: str) -> Path:
    """A fsynced copy of the database under a fresh name: DB.REV.bak, else DB.REV.N.bak."""
    n = 1
    while True:
        suffix = f".{revision}.bak" if n == 1 else f".{revision}.{n}.bak"
        target = path.with_name(path.name + suffix)
        if not target.exists():
            break
        n += 1
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    _copy(path, part)
    os.link(part, target)  # fails rather than replace a file that appeared meanwhile
    part.unlink()
    _fsync(path.parent)
    return target


def _copy(source: Path, part: Path) -> None:
    """A whole, consistent copy of a database (SQLite's online backup), on disk."""
    src, dst = sqlite3.connect(source), sqlite3.connect(part)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    _fsync(part)


def write_marker(path: Path, backup: Path) -> None:
    marker = marker_of(path)
    part = marker.with_name(marker.name + ".part")
    part.write_text(backup.name + "\n", encoding="utf-8")
    _fsync(part)
    os.replace(part, marker)
    _fsync(path.parent)


def clear_marker(path: Path) -> None:
    marker_of(path).unlink(missing_ok=True)
    _fsync(path.parent)


def interrupted_backup(path: Path) -> Path | None:
    """The backup named by the marker of an upgrade that did not finish, if any."""
    marker = marker_of(path)
    if not marker.exists():
        return None
    name = marker.read_text(encoding="utf-8").strip()
    backup = path.with_name(name) if name else None
    return backup if backup is not None and backup.exists() else None


def restore(path: Path, backup: Path) -> None:
    """Put the database back from its backup (no connection may be open)."""
    part = path.with_name(path.name + ".restoring")
    _copy(backup, part)
    for side in ("-wal", "-shm"):  # the journal of the interrupted upgrade goes too
        path.with_name(path.name + side).unlink(missing_ok=True)
    os.replace(part, path)
    _fsync(path.parent)


def upgrade_in_one_transaction(conn, run) -> None:
    """Run `run(conn)` (Alembic's upgrade) inside BEGIN IMMEDIATE ... COMMIT on the SQLite
    connection behind SQLAlchemy's `conn`, foreign keys checked at the end."""
    dbapi = conn.connection.dbapi_connection
    old = dbapi.isolation_level
    dbapi.isolation_level = None  # no implicit commits: this code begins and commits
    try:
        dbapi.execute("PRAGMA foreign_keys=OFF")  # a table rebuild must not cascade
        dbapi.execute("BEGIN IMMEDIATE")
        # SQLAlchemy's transaction over it: Alembic then sees an outer transaction and
        # commits nothing per migration; its commit() at the end is the one COMMIT
        trans = conn.begin()
        try:
            run(conn)
            bad = dbapi.execute("PRAGMA foreign_key_check").fetchone()
            if bad is not None:
                raise sqlite3.IntegrityError(f"the upgrade broke a reference in {bad[0]}")
            trans.commit()
        except BaseException:
            trans.rollback()
            if dbapi.in_transaction:
                dbapi.execute("ROLLBACK")
            raise
    finally:
        dbapi.execute("PRAGMA foreign_keys=ON")
        dbapi.isolation_level = old
