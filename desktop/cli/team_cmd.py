"""`marginalia team init`, `user add|list|role` and `audit verify`: team mode on PostgreSQL.

A password is read from --password-file (its first line) or typed at a terminal prompt,
never taken from the command line, where every user of the machine could read it."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from models.errors import ValidationError


def read_password(path: str | None, who: str, *, required: bool) -> str | None:
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValidationError(f"{path}: cannot read the password file ({exc.strerror})") \
                from None
        if not lines or not lines[0]:
            raise ValidationError(f"{path}:1: the password file is empty")
        return lines[0]
    if not sys.stdin.isatty():
        if required:
            raise ValidationError(f"no password for {who}: give --password-file FILE (there "
                                  "is no terminal to ask on)")
        return None
    first = getpass.getpass(f"password for {who}: ")
    if not first and not required:
        return None  # Enter alone keeps the password the user has
    if getpass.getpass(f"password for {who} again: ") != first:
        raise ValidationError("the two passwords differ; nothing was changed")
    return first


def cmd_team(args) -> int:
    from models.store import Store
    from models.team import init_team, require_postgres

    store = Store(args.db, migrate=False)
    require_postgres(store)
    store.migrate()
    password = read_password(args.password_file, args.admin, required=False)
    report = init_team(store, args.admin, password)
    r = report.roles
    print(f"team mode on database {report.database}: tables owned by {r.owner}; groups "
          f"{r.annotator}, {r.reviewer}, {r.admin}; admin {report.admin}"
          + (" (created)" if report.admin_created else ""))
    return 0


def cmd_user(args) -> int:
    from desktop.cli.session import open_for

    svc = open_for(args)
    if args.action == "list":
        for name, role in svc.list_users():
            print(f"{name}\t{role}")
        return 0
    password = read_password(args.password_file, args.name, required=False) \
        if svc.store.login() is not None else None
    old = svc.add_user(args.name, args.role, password)
    change = "" if old in ("", args.role) else f", was {old}"
    print(f"user {args.name} ({args.role}{change})")
    return 0


def cmd_audit(args) -> int:
    from desktop.cli.session import open_for

    report = open_for(args).verify_audit(args.project, args.head)
    scope = f"project {args.project!r}: " if args.project else ""
    if report.bad_row is not None:
        print(f"marginalia: error: audit log row {report.bad_row} {report.problem}",
              file=sys.stderr)
        return 1
    if report.problem:
        print(f"marginalia: error: {report.problem}", file=sys.stderr)
        return 1
    older = f" ({report.unchained} older rows from before team init)" \
        if report.unchained else ""
    print(f"{scope}{report.rows} audit rows, chain intact{older}; head {report.head}")
    return 0
