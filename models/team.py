"""Team mode on PostgreSQL: the database itself enforces who may read and write what.

`init_team` (run once by a superuser or the database's owner, again after an upgrade) makes
a NOLOGIN owner role own the tables, creates a group role per app role, grants, row-level
security policies and the audit triggers (models/team_sql.py), and the first admin's login
role. Users are login roles: `set_user` creates or changes one through a SECURITY DEFINER
function that only admins may call. Passwords travel and are stored as SCRAM-SHA-256
verifiers, made on the client by libpq (PQencryptPasswordConn), never as plain text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from models import team_sql
from models.errors import PermissionDenied, ValidationError
from models.orm import GOLD, ROLES
from models.store import Store

TABLES = ("projects", "schemas", "documents", "users", "layers", "source_tasks", "task_spans",
          "spans", "relations", "events", "event_arguments", "document_categories", "comments",
          "audit_log",
          "alembic_version")


@dataclass(frozen=True)
class TeamRoles:
    owner: str
    annotator: str
    reviewer: str
    admin: str

    def group(self, role: str) -> str:
        return getattr(self, role)


def team_roles(database: str) -> TeamRoles:
    """Role names of one database (roles are server-wide: several databases on one server
    must not share them): marginalia_<db>_owner, ..._annotator, ..._reviewer, ..._admin."""
    base = re.sub(r"[^a-z0-9_]", "_", database.lower())
    if len(base) > 40:  # identifiers end at 63 bytes; keep them apart with a digest
        base = base[:31] + "_" + hashlib.sha256(database.encode()).hexdigest()[:8]
    prefix = f"marginalia_{base}"
    return TeamRoles(f"{prefix}_owner", f"{prefix}_annotator", f"{prefix}_reviewer",
                     f"{prefix}_admin")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def require_postgres(store: Store) -> None:
    if store.is_sqlite:
        raise ValidationError("team mode needs PostgreSQL (--db postgresql+psycopg://...); "
                              "a SQLite file is one person's, with the OS login as the user")


def is_team_database(conn: Connection) -> bool:
    return conn.execute(text(
        "SELECT to_regprocedure('marginalia_set_user(text,text,text)') IS NOT NULL")).scalar()


def scram_verifier(conn: Connection, user: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of a password, made by libpq on this side."""
    if not password:
        raise ValidationError("the password is empty")
    pgconn = conn.connection.dbapi_connection.pgconn
    return pgconn.encrypt_password(password.encode(), user.encode(),
                                   b"scram-sha-256").decode()


def check_user_name(name: str) -> None:
    if name == GOLD:
        raise ValidationError(f"{GOLD!r} is the name of the reviewers' layer, not a user")
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,63}", name) or name.startswith("pg_") \
            or name.startswith("marginalia_"):
        raise ValidationError(f"{name!r} cannot be a user name (letters, digits, _ . @ - "
                              "only, at most 63, not pg_ or marginalia_ first)")


@dataclass
class InitReport:
    database: str
    roles: TeamRoles
    admin: str
    admin_created: bool


def init_team(store: Store, admin: str, password: str | None) -> InitReport:
    """Set up (or refresh) team mode on the store's database; the store has migrated it."""
    require_postgres(store)
    check_user_name(admin)
    with store.engine.begin() as conn:
        db, me, superuser, owner = conn.execute(text(
            "SELECT current_database(), session_user, r.rolsuper, "
            "pg_get_userbyid(d.datdba) FROM pg_roles r, pg_database d "
            "WHERE r.rolname = session_user AND d.datname = current_database()")).one()
        if not superuser and me != owner:
            raise PermissionDenied(f"team init needs a superuser or the owner of database "
                                   f"{db} ({owner}); you are connected as {me}")
        roles = team_roles(db)
        existed = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                               {"n": admin}).first() is not None
        if password is None and not existed:
            raise ValidationError(f"the admin {admin} needs a password (--password-file FILE, "
                                  "or type it when asked)")
        _roles(conn, roles, me, superuser)
        _ownership_and_grants(conn, roles, db)
        _functions_policies_triggers(conn, roles)
        verifier = scram_verifier(conn, admin, password) if password else None
        conn.execute(text("SELECT marginalia_set_user(:n, 'admin', :v)"),
                     {"n": admin, "v": verifier})
    return InitReport(db, roles, admin, not existed)


def _roles(conn: Connection, roles: TeamRoles, me: str, superuser: bool) -> None:
    for name in (roles.owner, roles.annotator, roles.reviewer, roles.admin):
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                        {"n": name}).first() is None:
            conn.execute(text(f"CREATE ROLE {_ident(name)} NOLOGIN"))
    # the owner creates users' login roles (inside marginalia_set_user only: nobody logs
    # in as the owner) and hands out the group roles
    conn.execute(text(f"ALTER ROLE {_ident(roles.owner)} NOLOGIN CREATEROLE"))
    for group in (roles.annotator, roles.reviewer, roles.admin):
        conn.execute(text(f"GRANT {_ident(group)} TO {_ident(roles.owner)} "
                          "WITH ADMIN OPTION"))
    # privileges accumulate: an admin has a reviewer's, a reviewer an annotator's
    conn.execute(text(f"GRANT {_ident(roles.annotator)} TO {_ident(roles.reviewer)}"))
    conn.execute(text(f"GRANT {_ident(roles.reviewer)} TO {_ident(roles.admin)}"))
    if not superuser:  # the database's owner keeps the right to upgrade and refresh
        conn.execute(text(f"GRANT {_ident(roles.owner)} TO {_ident(me)}"))


def _ownership_and_grants(conn: Connection, roles: TeamRoles, db: str) -> None:
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    conn.execute(text(f"REVOKE ALL ON DATABASE {_ident(db)} FROM PUBLIC"))
    conn.execute(text(f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(db)} "
                      f"TO {_ident(roles.annotator)}"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA {_ident(schema)} FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {_ident(roles.annotator)}"))
    groups = [roles.annotator, roles.reviewer, roles.admin]
    for table in TABLES:
        conn.execute(text(f"ALTER TABLE {_ident(table)} OWNER TO {_ident(roles.owner)}"))
        conn.execute(text(f"REVOKE ALL ON {_ident(table)} FROM PUBLIC, "
                          + ", ".join(_ident(g) for g in groups)))
    for role, tables in team_sql.GRANTS.items():
        for table, privileges in tables.items():
            conn.execute(text(f"GRANT {privileges} ON {_ident(table)} "
                              f"TO {_ident(roles.group(role))}"))
    conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {_ident(schema)} "
                      f"TO {_ident(roles.annotator)}"))


def _functions_policies_triggers(conn: Connection, roles: TeamRoles) -> None:
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    if not re.fullmatch(r"[A-Za-z0-9_]+", schema):
        raise ValidationError(f"schema {schema!r}: team mode needs a plain schema name")
    values = {
        "schema": _ident(schema), "schema_text": _ident(schema),
        "owner": _ident(roles.owner), "owner_name": _literal(roles.owner),
        "annotator_name": _literal(roles.annotator),
        "reviewer_name": _literal(roles.reviewer), "admin_name": _literal(roles.admin),
        # one chain per database: the lock key is derived from the schema's name
        "chain_lock": int(hashlib.sha256(f"marginalia-audit:{schema}".encode())
                          .hexdigest()[:15], 16),
    }
    conn.exec_driver_sql(team_sql.FUNCTIONS.format(**values).replace("%", "%%"))
    for fn in ("marginalia_is_reviewer()", "marginalia_is_admin()",
               "marginalia_may_write(text)", "marginalia_audit_payload(audit_log)",
               "marginalia_audit_chain()", "marginalia_audit_frozen()",
               "marginalia_set_user(text,text,text)"):
        conn.execute(text(f"ALTER FUNCTION {_ident(schema)}.{fn} OWNER TO "
                          f"{_ident(roles.owner)}"))
        conn.execute(text(f"REVOKE ALL ON FUNCTION {_ident(schema)}.{fn} FROM PUBLIC"))
    for fn in ("marginalia_is_reviewer()", "marginalia_is_admin()",
               "marginalia_may_write(text)", "marginalia_audit_payload(audit_log)"):
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {_ident(schema)}.{fn} "
                          f"TO {_ident(roles.annotator)}"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION {_ident(schema)}."
                      f"marginalia_set_user(text,text,text) TO {_ident(roles.admin)}"))
    for table in team_sql.RLS_TABLES:
        conn.execute(text(f"ALTER TABLE {_ident(table)} ENABLE ROW LEVEL SECURITY"))
        for (name,) in conn.execute(text(
                "SELECT policyname FROM pg_policies WHERE schemaname = :s AND tablename = :t"),
                {"s": schema, "t": table}).all():
            conn.execute(text(f"DROP POLICY {_ident(name)} ON {_ident(table)}"))
    for n, (table, command, using, check) in enumerate(team_sql.policies()):
        sql = (f"CREATE POLICY {_ident(f'marginalia_{table}_{command.lower()}_{n}')} "
               f"ON {_ident(table)} FOR {command} TO {_ident(roles.annotator)}")
        if using:
            sql += f" USING ({using.format(schema=_ident(schema))})"
        if check:
            sql += f" WITH CHECK ({check.format(schema=_ident(schema))})"
        conn.exec_driver_sql(sql.replace("%", "%%"))
    conn.exec_driver_sql(team_sql.TRIGGERS.format(schema=_ident(schema)))


def set_user(conn: Connection, name: str, role: str, password: str | None) -> str:
    """Create or change a user (admins only; the database checks it too). Returns the role
    they had before ('' for a new user)."""
    check_user_name(name)
    if role not in ROLES:
        raise ValidationError(f"role {role!r} is not one of {', '.join(ROLES)}")
    verifier = scram_verifier(conn, name, password) if password is not None else None
    try:
        return conn.execute(text("SELECT marginalia_set_user(:n, :r, :v)"),
                            {"n": name, "r": role, "v": verifier}).scalar()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":
            raise PermissionDenied(str(exc.orig).strip().splitlines()[0]) from None
        raise


def login_exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                        {"n": name}).first() is not None
