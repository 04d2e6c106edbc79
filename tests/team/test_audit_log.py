"""The audit log of a team database: append-only for everyone, its user the login and its
time the server's, each row chained to the one before; `audit verify` tells a rewritten
history, naming the first bad row."""

import hashlib
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.team.conftest import at


def _superuser(team_db):
    return team_db.raw(make_url(PG_URL).username)


def _owner_sql(team_db, *statements):
    """As the tables' owner (the superuser becomes it), with the audit triggers off."""
    owner = f"marginalia_{team_db.name}_owner"
    with _superuser(team_db) as conn:
        conn.execute(f'SET ROLE "{owner}"')
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        for sql, params in statements:
            conn.execute(sql, params)
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")


def _verify(cli, team_db, *extra):
    return cli("--db", team_db.url(team_db.rev), "audit", "verify", *extra,
               env={"MARGINALIA_USER": ""})


@pytest.fixture
def history(team_db, doc):
    bob = team_db.service(team_db.bob)
    s, e = at("Joe Biden")
    sid = bob.create_span(doc, s, e, "PERSON").id
    bob.relabel_span(sid, "ORG")
    bob.delete_span(sid)
    return sid


def test_nobody_updates_deletes_or_truncates_it_not_even_the_owner(team_db, history):
    logins = [team_db.bob, team_db.rev, team_db.admin]
    for login in logins:
        with team_db.raw(login) as conn:
            for sql in ("UPDATE audit_log SET user_name = 'someone'", "DELETE FROM audit_log",
                        "TRUNCATE audit_log"):
                with pytest.raises(psycopg.Error):
                    conn.execute(sql)
    owner = f"marginalia_{team_db.name}_owner"
    with _superuser(team_db) as conn:
        for role in (owner, None):  # the owner, and the superuser itself
            if role:
                conn.execute(f'SET ROLE "{role}"')
            for sql in ("UPDATE audit_log SET user_name = 'someone'", "DELETE FROM audit_log",
                        "TRUNCATE audit_log"):
                with pytest.raises(psycopg.Error, match="append-only"):
                    conn.execute(sql)
            conn.execute("RESET ROLE")
        assert conn.execute("SELECT count(*) FROM audit_log WHERE user_name = %s",
                            (team_db.bob,)).fetchone() == (3,)


def test_its_user_is_the_login_and_its_time_the_servers(team_db, history):
    long_ago = datetime(2001, 1, 1, tzinfo=timezone.utc)
    with team_db.raw(team_db.bob) as conn:
        conn.execute("INSERT INTO audit_log (at, user_name, action, table_name) "
                     "VALUES (%s, %s, 'relabel', 'spans')", (long_ago, team_db.ann))
        server_now = conn.execute("SELECT now()").fetchone()[0]
    with team_db.raw(team_db.admin) as conn:
        user, when = conn.execute("SELECT user_name, at FROM audit_log ORDER BY id DESC "
                                  "LIMIT 1").fetchone()
    assert user == team_db.bob
    assert abs(when - server_now) < timedelta(minutes=5)
    # what annotators read of it is their own rows
    with team_db.raw(team_db.ann) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE user_name <> %s",
                            (team_db.ann,)).fetchone() == (0,)


def test_it_is_written_in_read_committed_transactions_only(team_db, history):
    with team_db.raw(team_db.bob) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.Error, match="READ COMMITTED"):
            conn.execute("INSERT INTO audit_log (at, user_name, action, table_name) "
                         "VALUES (now(), 'x', 'x', 'x')")
        conn.execute("ROLLBACK")


def test_verify_passes_then_names_a_changed_row(team_db, history, cli):
    r = _verify(cli, team_db)
    assert r.returncode == 0, r.stderr
    assert " audit rows, chain intact; head " in r.stdout
    with team_db.raw(team_db.admin) as conn:
        target, = conn.execute("SELECT id FROM audit_log WHERE action = 'relabel'").fetchone()
    _owner_sql(team_db, ("UPDATE audit_log SET user_name = %s WHERE id = %s",
                         (team_db.ann, target)))
    r = _verify(cli, team_db)
    assert r.returncode == 1
    assert r.stderr.strip() == (f"marginalia: error: audit log row {target} was changed "
                                "after it was written")


def test_verify_names_the_row_after_a_deleted_one(team_db, history, cli):
    with team_db.raw(team_db.admin) as conn:
        ids = [i for i, in conn.execute("SELECT id FROM audit_log ORDER BY id").fetchall()]
    _owner_sql(team_db, ("DELETE FROM audit_log WHERE id = %s", (ids[-2],)))
    r = _verify(cli, team_db, "--project", "news")
    assert r.returncode == 1
    assert r.stderr.strip() == (f"marginalia: error: audit log row {ids[-1]} does not follow "
                                "the row before it: a row was deleted, inserted or changed "
                                "there")


def test_a_whole_rewritten_chain_is_caught_against_a_kept_head(team_db, history, cli):
    r = _verify(cli, team_db)
    head = r.stdout.split("head ")[1].strip()
    with team_db.raw(team_db.admin) as conn:
        rows = conn.execute(
            "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), "
            "user_name, action, table_name, row_id::text, project_id::text, "
            "document_id::text, before::text, after::text FROM audit_log ORDER BY id"
        ).fetchall()
    # forge the relabel as ann's and recompute every hash from there on (sha256 by hand)
    forged, prev = [], None
    for row in rows:
        row = list(row)
        if row[3] == "relabel":
            row[2] = team_db.ann
        payload = "\x1f".join("" if c is None else str(c) for c in row)
        h = hashlib.sha256(f"{prev or ''}\n{payload}".encode()).hexdigest()
        forged.append(("UPDATE audit_log SET user_name = %s, prev_hash = %s, hash = %s "
                       "WHERE id = %s", (row[2], prev, h, row[0])))
        prev = h
    _owner_sql(team_db, *forged)
    assert _verify(cli, team_db).returncode == 0  # a consistent forgery...
    r = _verify(cli, team_db, "--head", head)  # ...is told by the head kept from before
    assert r.returncode == 1
    assert r.stderr.strip() == (f"marginalia: error: the head {head} kept from before is no "
                                "longer in the chain: the history was rewritten")


def test_annotators_cannot_verify_and_sqlite_has_no_chain(team_db, cli, sqlite_url):
    r = cli("--db", team_db.url(team_db.bob), "audit", "verify", env={"MARGINALIA_USER": ""})
    assert r.returncode == 1 and "only reviewers can" in r.stderr
    r = cli("--db", sqlite_url, "audit", "verify")
    assert r.returncode == 1
    assert "hash chain on team databases only" in r.stderr
