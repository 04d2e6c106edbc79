"""`marginalia`: the command line (a contract other tools rely on; see DESIGN.md).

Exit status: 0 done; 1 a data or domain error, printed as one line; 2 a usage error.
Qt is imported only by the `gui` command.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import os
import sys
from contextlib import contextmanager

from desktop.cli.errors import UsageError
from models.errors import DomainError


class _Parser(argparse.ArgumentParser):
    """`fill(parser)` adds arguments when this (sub)parser is first used: the format options
    come from exports/, which `marginalia gui` then need not import."""

    def __init__(self, *args, fill=None, **kw):
        super().__init__(*args, **kw)
        self._fill = fill

    def _filled(self) -> None:
        fill, self._fill = self._fill, None
        if fill is not None:
            fill(self)

    def parse_known_args(self, args=None, namespace=None):
        self._filled()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._filled()
        return super().format_help()

    def error(self, message: str):  # one line, exit 2, as argparse does, but no usage dump
        self.exit(2, f"{self.prog}: usage error: {message}\n")


def _import_formats(parser: argparse.ArgumentParser) -> None:
    from exports import registry

    parser.add_argument("--format", default="auto", choices=["auto", *registry.names()])
    for opt, formats in registry.import_options():
        parser.add_argument(opt.flag, dest=opt.field, default=opt.default, type=opt.type,
                            choices=opt.choices, metavar=opt.metavar,
                            help=f"{opt.help} (--format {', '.join(formats)})".lstrip())


def _export_formats(parser: argparse.ArgumentParser) -> None:
    """--format and each format's options, as the formats declare them (exports/registry)."""
    from exports import registry

    parser.add_argument("--format", required=True, choices=registry.labeled())
    for opt, formats in registry.export_options():
        parser.add_argument(opt.flag, dest=opt.field, default=opt.default, type=opt.type,
                            choices=opt.choices,
                            help=f"{opt.help} ({', '.join(formats)})".lstrip())


def one_line(text: str) -> str:
    """An error is one line, whatever the input quoted in it holds (CR, LF, tabs...)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def default_user() -> str:
    env = os.environ.get("MARGINALIA_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="marginalia", description="Build labeled text datasets.")
    p.add_argument("--db", default=None, help="SQLAlchemy URL (default: MARGINALIA_DB, else "
                   "marginalia.db in the user-data dir)")
    p.add_argument("--user", default=None, help="who acts (default: MARGINALIA_USER, else the "
                   "login name)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    g = sub.add_parser("gui", help="open the window (the default)")
    g.add_argument("--project")
    g.add_argument("--document", type=int)
    g.add_argument("--screenshot", metavar="FILE.png")

    pr = sub.add_parser("project", help="create or list projects")
    prs = pr.add_subparsers(dest="action", parser_class=_Parser, required=True)
    c = prs.add_parser("create")
    c.add_argument("name")
    c.add_argument("--schema", help="TOML or JSON schema, or a brat annotation.conf")
    ls = prs.add_parser("list")
    ls.add_argument("--json", action="store_true")

    i = sub.add_parser("import", help="import articles and labels", fill=_import_formats)
    i.add_argument("--project", required=True)
    i.add_argument("--annotator")
    i.add_argument("--strict", action="store_true")
    i.add_argument("paths", nargs="+", metavar="PATH")

    s = sub.add_parser("suggest", help="pre-suggest labels with spaCy")
    s.add_argument("--project", required=True)
    s.add_argument("--model", default=None, help="pipeline package name or directory")
    s.add_argument("--documents", default="all", choices=["all", "unlabeled"])
    s.add_argument("--threshold", type=float, default=None,
                   help="textcat score at or above which a document category is suggested "
                        "(kept as the project's setting; default 0.5)")

    e = sub.add_parser("export", help="export labels as training data", fill=_export_formats)
    e.add_argument("--project", required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--layer", default=None, help="gold (default when it exists) or a user")
    e.add_argument("--state", default="accepted", choices=["accepted", "all"])
    e.add_argument("--status", default="finished",
                   help="which documents: finished (the default: done or approved; gold: a "
                        "finished review), all, or one status")

    st = sub.add_parser("stats", help="counts of documents and labels")
    st.add_argument("--project", required=True)
    st.add_argument("--json", action="store_true")

    a = sub.add_parser("agree", help="inter-annotator agreement")
    a.add_argument("--project", required=True)
    a.add_argument("--json", action="store_true")

    t = sub.add_parser("train", help="train a spaCy pipeline from the labels")
    t.add_argument("--project", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--layer", default=None)

    h = sub.add_parser("history", help="the history of every label of a document")
    h.add_argument("--project", required=True)
    h.add_argument("--document", required=True, type=int)
    h.add_argument("--json", action="store_true")

    rv = sub.add_parser("review", help="conflicts, decisions, auto-gold, approval (reviewers)")
    rv.add_argument("--project", required=True)
    rv.add_argument("--document", type=int, help="one document (default: every document "
                    "with annotations, most disagreement first)")
    rv.add_argument("--auto", action="store_true",
                    help="put every label all annotators agree on into gold")
    # the decisions share one list, so that they run in the order given
    rv.add_argument("--accept", dest="decisions", action="append", default=[],
                    type=lambda ref: ("accept", ref), metavar="KIND:ID:VERSION",
                    help="accept an annotator's label at its place (it replaces what gold "
                    "held there), e.g. span:12:1")
    rv.add_argument("--also", dest="decisions", action="append", type=lambda ref: ("also", ref),
                    metavar="KIND:ID:VERSION",
                    help="accept it and keep what gold holds there (where overlap is allowed)")
    rv.add_argument("--reject", dest="decisions", action="append",
                    type=lambda ref: ("reject", ref), metavar="KIND:ID:VERSION")
    rv.add_argument("--accept-annotator", metavar="NAME",
                    help="accept every open version this annotator gave (with --label: of "
                    "one label)")
    rv.add_argument("--label", help="with --accept-annotator")
    rv.add_argument("--reject-rest", action="store_true", help="reject every open version")
    rv.add_argument("--approve", action="store_true",
                    help="finish the gold review (refused while anything is open)")
    rv.add_argument("--return", dest="return_comment", metavar="COMMENT",
                    help="return the document to its annotators, saying why")
    rv.add_argument("--all", action="store_true", help="list decided conflicts too")
    rv.add_argument("--json", action="store_true")

    u = sub.add_parser("user", help="add users and set their role (admins)")
    us = u.add_subparsers(dest="action", parser_class=_Parser, required=True)
    ua = us.add_parser("add")
    ua.add_argument("name")
    ua.add_argument("--role", default="annotator", choices=["annotator", "reviewer", "admin"])
    ua.add_argument("--password-file", metavar="FILE", help="the password on its first line "
                    "(team databases; without it a terminal asks)")
    us.add_parser("list")

    tm = sub.add_parser("team", help="team mode on PostgreSQL (its owner, once)")
    tms = tm.add_subparsers(dest="action", parser_class=_Parser, required=True)
    ti = tms.add_parser("init", help="roles, grants, row-level security, audit triggers")
    ti.add_argument("--admin", required=True, metavar="NAME")
    ti.add_argument("--password-file", metavar="FILE")

    au = sub.add_parser("audit", help="check the audit log")
    aus = au.add_subparsers(dest="action", parser_class=_Parser, required=True)
    av = aus.add_parser("verify", help="follow the hash chain; exit 1 at the first bad row")
    av.add_argument("--project")
    av.add_argument("--head", metavar="HASH", help="a head printed by an earlier verify: "
                    "it must still be in the chain")
    return p


def main(argv: list[str] | None = None) -> int:
    from desktop.cli.safe_output import escaped_output

    with escaped_output():
        return _main(argv)


_frozen = False


@contextmanager
def loading():
    """The collector paused while the command's modules load, their objects then frozen out
    of its reach (once a process: main() called again in one process, as the tests do,
    freezes nothing more). Loading SQLAlchemy and the mapped classes makes ~90,000 objects
    that live as long as the process; the collector walking them again was a fifth of a
    short command's run (issue 19)."""
    global _frozen
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not _frozen:
            gc.freeze()
            _frozen = True
        if was:
            gc.enable()


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # a name given (--user, MARGINALIA_USER) is a claim PostgreSQL checks against the login;
    # the OS login is only the SQLite default
    args.user_claimed = bool(args.user or os.environ.get("MARGINALIA_USER"))
    args.user = args.user or default_user()
    command = args.command or "gui"
    try:
        if command == "gui":
            with loading():
                from desktop.app import run_gui

            return run_gui(args)
        with loading():
            from desktop.cli import commands

        return getattr(commands, f"cmd_{command}")(args)
    except DomainError as exc:
        print(f"marginalia: error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"marginalia: usage error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("marginalia: interrupted; nothing from the unfinished action was stored",
              file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user; MARGINALIA_DEBUG shows it
        if os.environ.get("MARGINALIA_DEBUG"):
            raise
        print(f"marginalia: error: {type(exc).__name__}: {exc} (MARGINALIA_DEBUG=1 shows "
              "details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
