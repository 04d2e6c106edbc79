"""Real passwords: a private PostgreSQL cluster (initdb as the postgres OS user, port 55433,
loopback only, scram-sha-256 for every host connection) for the session, stopped and
removed afterwards. team init and user add set passwords; a member connects with the
password libpq reads from PGPASSWORD; a wrong one is refused."""

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

PORT = 55433


def _tool(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")), None)


def _as_postgres(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *cmd], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="session")
def scram_cluster():
    initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
    if os.geteuid() != 0 or not initdb or not pg_ctl or not shutil.which("runuser"):
        pytest.skip("a private cluster needs root, runuser, initdb and pg_ctl")
    folder = Path(tempfile.mkdtemp(prefix="marginalia-scram-"))
    shutil.chown(folder, "postgres", "postgres")
    data, pwfile = folder / "data", folder / "pw"
    superpw = uuid.uuid4().hex
    pwfile.write_text(superpw + "\n")
    shutil.chown(pwfile, "postgres", "postgres")
    try:
        r = _as_postgres(initdb, "-D", str(data), "-U", "postgres", "--pwfile", str(pwfile),
                         "--auth-local=scram-sha-256", "--auth-host=scram-sha-256")
        assert r.returncode == 0, r.stderr
        r = _as_postgres(pg_ctl, "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
                         f"-p {PORT} -c listen_addresses=127.0.0.1 -k {folder}", "start")
        assert r.returncode == 0, r.stderr + (folder / "log").read_text()
        yield superpw
    finally:
        if data.exists():
            _as_postgres(pg_ctl, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _url(user: str, db: str, password: str | None = None) -> str:
    auth = f"{user}:{password}" if password else user
    return f"postgresql+psycopg://{auth}@127.0.0.1:{PORT}/{db}"


def test_members_log_in_with_their_scram_passwords(scram_cluster, cli, tmp_path):
    from sqlalchemy import create_engine, text

    from models.errors import StorageError
    from models.service import Service
    from models.store import Store

    eng = create_engine(_url("postgres", "postgres", scram_cluster),
                        isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text("CREATE DATABASE news"))
    eng.dispose()
    admin_pw, bob_pw = tmp_path / "admin.pw", tmp_path / "bob.pw"
    admin_pw.write_text("correct horse\n")
    bob_pw.write_text("battery staple\n")
    su = {"PGPASSWORD": scram_cluster, "MARGINALIA_USER": ""}
    r = cli("--db", _url("postgres", "news"), "team", "init", "--admin", "alice",
            "--password-file", str(admin_pw), env=su)
    assert r.returncode == 0, r.stderr
    as_alice = {"PGPASSWORD": "correct horse", "MARGINALIA_USER": ""}
    r = cli("--db", _url("alice", "news"), "user", "add", "bob", "--role", "annotator",
            "--password-file", str(bob_pw), env=as_alice)
    assert r.returncode == 0, r.stderr
    r = cli("--db", _url("alice", "news"), "project", "create", "news", env=as_alice)
    assert r.returncode == 0, r.stderr
    # bob, with the password where libpq reads it, is bob
    r = cli("--db", _url("bob", "news"), "project", "list",
            env={"PGPASSWORD": "battery staple", "MARGINALIA_USER": ""})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("news\t")
    svc = Service(Store(_url("bob", "news", "battery staple")), None)
    assert svc.user == "bob" and svc.actor().role == "annotator"
    svc.store.dispose()
    with pytest.raises(StorageError, match="password authentication failed"):
        Store(_url("bob", "news", "guess"))
    r = cli("--db", _url("bob", "news"), "project", "list",
            env={"PGPASSWORD": "guess", "MARGINALIA_USER": ""})
    assert r.returncode == 1
    assert "password authentication failed for user \"bob\"" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
