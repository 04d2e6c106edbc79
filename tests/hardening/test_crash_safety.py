"""SIGKILL at random moments: every edit that was shown survives, imports are all or nothing,
and the database passes its integrity check. Children are forked (modules already loaded) so
a hundred kills take seconds."""

import os
import random
import signal
import time

import pytest

from models.records import DocumentRecord, SpanRecord
from models.service import Service
from models.store import Store

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

TEXT = " ".join(f"word{i}" for i in range(400))
ROUNDS = int(os.environ.get("MARGINALIA_CRASH_ROUNDS", "100"))


def _child_edits(url: str, doc: int, write_fd: int, seed: int) -> None:
    """Edit as the window does: one committed service call, then 'shown'."""
    rng = random.Random(seed)
    svc = Service(Store(url, migrate=False), "alice")
    out = os.fdopen(write_fd, "w", buffering=1)
    while True:
        start = rng.randrange(0, len(TEXT) - 20)
        try:
            ch = svc.create_span(doc, start, start + rng.randrange(1, 15), "PERSON")
        except Exception:  # a duplicate offset: just try another
            continue
        out.write(f"{ch.id}\n")  # the window shows the label only after the commit


def _child_import(url: str, seed: int) -> None:
    svc = Service(Store(url, migrate=False), "alice")
    recs = [DocumentRecord(text=f"article {seed} number {i} " + TEXT,
                           spans=[SpanRecord(0, 7, "ORG")]) for i in range(300)]
    svc.import_records("crash", recs)
    os._exit(0)


def _fork(fn, *args) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            fn(*args)
        finally:
            os._exit(0)
    return pid


def test_kill_during_edits_and_imports(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    svc = Service(Store(url), "alice")
    svc.import_records("crash", [DocumentRecord(text=TEXT, title="doc")])
    doc = svc.documents(svc.project_id("crash"))[0].id
    rng = random.Random(1234)
    shown: set[int] = set()
    import_sizes: list[int] = []
    for round_ in range(ROUNDS):
        if round_ % 2 == 0:
            r, w = os.pipe()
            pid = _fork(_child_edits, url, doc, w, round_)
            os.close(w)
            time.sleep(rng.uniform(0.02, 0.25))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            with os.fdopen(r) as fh:
                shown.update(int(x) for x in fh.read().split() if x.strip().isdigit())
        else:
            before = svc.stats("crash")["documents"]
            pid = _fork(_child_import, url, round_)
            time.sleep(rng.uniform(0.0, 0.4))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            import_sizes.append(svc.stats("crash")["documents"] - before)
    store = Store(url)
    assert store.integrity_ok()
    present = {s.id for s in Service(store, "alice").load(doc).spans}
    assert shown, "no edit was ever shown: the test did not exercise anything"
    assert shown <= present, f"lost edits: {sorted(shown - present)[:10]}"
    assert set(import_sizes) <= {0, 300}, import_sizes  # each import wholly there or absent
    print(f"shown {len(shown)} edits; imports completed {import_sizes.count(300)}"
          f" of {len(import_sizes)}")
