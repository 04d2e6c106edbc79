"""Who acts is the database login; team init and users are the owner's and the admins'."""

import psycopg
import pytest
from sqlalchemy import create_engine, text

from models.errors import PermissionDenied, ValidationError
from tests.conftest import PG_URL
from tests.team.conftest import at


def test_the_login_acts_and_a_claim_of_someone_else_is_refused(team_db, doc, cli):
    bob = team_db.service(team_db.bob)
    assert bob.user == team_db.bob and bob.actor().role == "annotator"
    with pytest.raises(PermissionDenied) as err:
        team_db.service(team_db.bob, team_db.admin)
    assert str(err.value) == f"you are connected as {team_db.bob}; --user {team_db.admin} " \
                             "is not you"
    r = cli("--db", team_db.url(team_db.bob), "--user", team_db.admin, "stats", "--project",
            "news")
    assert r.returncode == 1
    assert r.stderr.strip() == (f"marginalia: error: you are connected as {team_db.bob}; "
                                f"--user {team_db.admin} is not you")
    # MARGINALIA_USER is a claim too; without any, the login acts
    r = cli("--db", team_db.url(team_db.bob), "user", "list", env={"MARGINALIA_USER": ""})
    assert r.returncode == 1
    assert r.stderr.strip() == (f"marginalia: error: {team_db.bob} (annotator) cannot list "
                                "users; only admins can")
    s, e = at("Joe Biden")
    bob.create_span(doc, s, e, "PERSON")
    with team_db.raw(team_db.admin) as conn:
        assert conn.execute("SELECT user_name FROM audit_log WHERE action = 'create' AND "
                            "table_name = 'spans'").fetchall() == [(team_db.bob,)]


def test_a_login_is_never_admin_by_being_first_and_unknown_logins_are_refused(team_db):
    tag = team_db.name.removeprefix("mteam_")
    stranger = f"str_{tag}"
    eng = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{stranger}" LOGIN'))
    try:
        # not a member of any group: the database lets it not even connect
        with pytest.raises(Exception, match="permission denied for database"):
            team_db.service(stranger).list_projects()
    finally:
        for st in team_db.stores:
            st.dispose()
        with eng.connect() as conn:
            conn.execute(text(f'DROP ROLE "{stranger}"'))
        eng.dispose()


def test_team_init_on_sqlite_says_it_needs_postgresql(cli, sqlite_url, tmp_path):
    r = cli("--db", sqlite_url, "team", "init", "--admin", "alice")
    assert r.returncode == 1
    assert r.stderr.startswith("marginalia: error: team mode needs PostgreSQL")
    assert len(r.stderr.strip().splitlines()) == 1


def test_team_init_is_idempotent_and_refused_to_a_member(team_db, cli, tmp_path):
    su = create_engine(PG_URL).url.set(database=team_db.name).render_as_string(False)

    def policies():
        with team_db.raw(team_db.admin) as conn:
            return conn.execute("SELECT tablename, policyname, qual, with_check "
                                "FROM pg_policies ORDER BY 1, 2").fetchall()

    before = policies()
    assert {t for t, *_ in before} == {"layers", "source_tasks", "task_spans", "spans",
                                       "relations", "events", "event_arguments",
                                       "document_categories", "audit_log",
                                       "users", "comments"}
    r = cli("--db", su, "team", "init", "--admin", team_db.admin)  # no password: kept
    assert r.returncode == 0, r.stderr
    assert "admin " + team_db.admin in r.stdout and "(created)" not in r.stdout
    assert policies() == before
    r = cli("--db", team_db.url(team_db.rev), "team", "init", "--admin", team_db.rev)
    assert r.returncode == 1
    assert r.stderr.strip().startswith(
        "marginalia: error: team init needs a superuser or the owner of database")


def test_only_admins_add_users_change_roles_and_list_them(team_db, cli, tmp_path):
    tag = team_db.name.removeprefix("mteam_")
    new = f"new_{tag}"
    bob = team_db.service(team_db.bob)
    with pytest.raises(PermissionDenied, match="only admins"):
        bob.add_user(new, "admin", "x")
    with pytest.raises(PermissionDenied, match="only admins"):
        bob.list_users()
    with pytest.raises(PermissionDenied, match="only admins"):
        bob.set_role(team_db.bob, "admin")
    # the same through a raw connection as bob
    with team_db.raw(team_db.bob) as conn:
        for sql in ("SELECT marginalia_set_user('{n}', 'admin', NULL)",
                    'CREATE ROLE "{n}" LOGIN',
                    'GRANT marginalia_{db}_admin TO "{me}"',
                    "UPDATE users SET role = 'admin' WHERE name = '{me}'",
                    "ALTER TABLE spans DISABLE ROW LEVEL SECURITY",
                    "SET ROLE marginalia_{db}_admin"):
            with pytest.raises(psycopg.Error):
                conn.execute(sql.format(n=new, me=team_db.bob, db=team_db.name))
        assert conn.execute("SELECT name, role FROM users").fetchall() == [
            (team_db.bob, "annotator")]  # one's own row only
    password = tmp_path / "pw"
    password.write_text("s3cret\n")
    r = cli("--db", team_db.url(team_db.admin), "user", "add", new, "--role", "reviewer",
            "--password-file", str(password), env={"MARGINALIA_USER": ""})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"user {new} (reviewer)"
    try:
        r = cli("--db", team_db.url(team_db.admin), "user", "add", new, "--role",
                "annotator", env={"MARGINALIA_USER": ""})
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == f"user {new} (annotator, was reviewer)"
        with team_db.raw(team_db.admin) as conn:
            groups = conn.execute(
                "SELECT b.rolname FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member "
                "JOIN pg_roles b ON b.oid = m.roleid WHERE a.rolname = %s", (new,)).fetchall()
            assert groups == [(f"marginalia_{team_db.name}_annotator",)]
        admin = team_db.service(team_db.admin)
        assert (new, "annotator") in admin.list_users()
        with team_db.raw(team_db.admin) as conn:
            actions = conn.execute("SELECT user_name, action, after::text FROM audit_log "
                                   "WHERE table_name = 'users' ORDER BY id").fetchall()
        mine = [(u, a) for u, a, after in actions if new in (after or "") or a == "list_users"]
        assert mine == [(team_db.admin, "add_user"), (team_db.admin, "set_user"),
                        (team_db.admin, "list_users")]
    finally:
        for st in team_db.stores:
            st.dispose()
        eng = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{new}"'))
        eng.dispose()


def test_a_password_is_stored_as_a_scram_verifier(team_db):
    eng = create_engine(PG_URL)
    with eng.connect() as conn:
        stored = conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"),
                              {"n": team_db.bob}).scalar()
    eng.dispose()
    assert stored.startswith("SCRAM-SHA-256$4096:") and "bob-password" not in stored


def test_user_names_that_are_not_users(team_db):
    admin = team_db.service(team_db.admin)
    for bad in ("gold", "postgres", f"marginalia_{team_db.name}_owner", "pg_monitor"):
        with pytest.raises((ValidationError, PermissionDenied)):
            admin.add_user(bad, "admin", "pw")
