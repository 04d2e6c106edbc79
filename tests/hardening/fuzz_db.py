"""Scratch space for the fuzz targets: an empty, migrated SQLite database made once per run
and copied, in a folder in memory (/dev/shm) when the machine has one.

Measured per example before (2,000 examples per reader did not finish in 15 minutes):
migrating a new database took most of the time, then every fsync of SQLite's commits and
of the exports' atomic writes on a real disk."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

SHM = Path("/dev/shm")


def _base() -> str | None:
    return str(SHM) if SHM.is_dir() and os.access(SHM, os.W_OK) else None


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A new folder, in memory when possible, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="marginalia-fuzz-", dir=_base()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def _template() -> Path:
    from models.store import Store

    folder = Path(tempfile.mkdtemp(prefix="marginalia-fuzz-template-", dir=_base()))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    Store(f"sqlite:///{path}").engine.dispose()
    with sqlite3.connect(path) as conn:  # everything in the main file, no -wal beside it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def fresh_db(folder: Path) -> str:
    """The URL of a new, migrated, empty database in `folder`."""
    path = Path(folder) / "f.db"
    shutil.copyfile(_template(), path)
    return f"sqlite:///{path}"


def projects(url: str) -> int:
    """How many projects the database holds (read without the app: it must hold none after
    a refused import)."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute("SELECT count(*) FROM projects").fetchone()[0]
