"""Two desktops against one PostgreSQL database: no lost update, and the role rules hold."""

import threading

import pytest
from sqlalchemy import func, select

from models.errors import PermissionDenied, StaleWriteError
from models.orm import AuditLog, Span
from models.service import Service
from models.store import Store
from tests.review.conftest import at, make_team

ROUNDS = 200


def test_two_sessions_race_without_lost_updates(pg_url):
    setup = Store(pg_url)
    team = make_team(setup)
    spans = [team.span(team.bob, w, "PERSON") for w in ("Joe Biden", "Juan Perez")]
    setup.dispose()
    results = {"ok": [], "stale": [], "other": []}
    lock = threading.Lock()
    start = threading.Barrier(2)

    def worker(n: int) -> None:
        store = Store(pg_url)  # each desktop its own engine and sessions
        svc = Service(store, "bob")
        labels = ("PERSON", "ORG") if n == 0 else ("NORP", "GPE")
        start.wait()
        try:
            for i in range(ROUNDS):
                sid = spans[i % 2]
                shown = svc.load(team.doc).span(sid)  # what this window shows
                seen = shown.version
                # a real change every time (a relabel to the label it has stores nothing)
                label = next(x for x in labels[i % 2:] + labels[:i % 2] if x != shown.label)
                try:
                    change = svc.relabel_span(sid, label, expected_version=seen)
                    with lock:
                        results["ok"].append((sid, seen, change.after["version"], label))
                except StaleWriteError as exc:
                    with lock:
                        results["stale"].append((sid, str(exc)))
                except Exception as exc:  # noqa: BLE001 - anything else is a bug, reported below
                    with lock:
                        results["other"].append(repr(exc))
        finally:
            store.dispose()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert results["other"] == []
    assert len(results["ok"]) + len(results["stale"]) == 2 * ROUNDS
    assert results["stale"], "two sessions writing the same rows never collided"
    assert all("changed by someone else" in msg or "reload" in msg
               for _, msg in results["stale"])
    print(f"race: {len(results['ok'])} relabels stored, {len(results['stale'])} refused as stale")
    check = Store(pg_url)
    with check.session() as s:
        for sid in spans:
            ok = sorted((seen, after) for x, seen, after, _ in results["ok"] if x == sid)
            row = s.get(Span, sid)
            # every successful write moved the version by exactly one, from distinct versions
            assert row.version == 1 + len(ok)
            assert [seen for seen, _ in ok] == list(range(1, len(ok) + 1))
            assert all(after == seen + 1 for seen, after in ok)
            # and each one is in the audit log; the last one is what is stored
            relabels = s.scalars(select(AuditLog).where(
                AuditLog.table_name == "spans", AuditLog.row_id == sid,
                AuditLog.action == "relabel").order_by(AuditLog.id)).all()
            assert len(relabels) == len(ok)
            assert [a.before["version"] for a in relabels] == list(range(1, len(ok) + 1))
            assert relabels[-1].after["label"] == row.label
    with check.session() as s:
        assert s.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == "relabel")) == len(results["ok"])
    check.dispose()


def test_role_rules_on_postgres(pg_url):
    store = Store(pg_url)
    team = make_team(store)
    sid = team.span(team.carol, "Mexican", "NORP")
    s, e = at("Joe Biden")
    with pytest.raises(PermissionDenied):
        team.bob.relabel_span(sid, "ORG")
    with pytest.raises(PermissionDenied):
        team.bob.create_span(team.doc, s, e, "PERSON", layer="gold")
    with pytest.raises(PermissionDenied):
        team.rita.save_schema(team.pid, team.alice.schema(team.pid))
    with pytest.raises(PermissionDenied):
        team.bob.load(team.doc, "carol")
    team.rita.create_span(team.doc, s, e, "PERSON", layer="gold")
    assert [x.label for x in team.carol.load(team.doc).spans] == ["NORP"]
    assert [x.label for x in team.rita.load(team.doc, "gold").spans] == ["PERSON"]
    store.dispose()
