"""`marginalia`: the command line (a contract other tools rely on; see DESIGN.md).

Exit status: 0 done; 1 a data or domain error, printed as one line; 2 a usage error.
Qt is imported only by the `gui` command.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from models.errors import DomainError

FORMATS_IN = ["auto", "txt", "html", "jsonl", "prodigy", "doccano", "brat", "conll", "spacy"]
FORMATS_OUT = ["spacy", "prodigy", "doccano", "brat", "conll"]


class UsageError(Exception):
    """A usage error: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as argparse does, but no usage dump
        self.exit(2, f"{self.prog}: usage error: {message}\n")


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

    i = sub.add_parser("import", help="import articles and labels")
    i.add_argument("--project", required=True)
    i.add_argument("--format", default="auto", choices=FORMATS_IN)
    i.add_argument("--annotator")
    i.add_argument("--strict", action="store_true")
    i.add_argument("paths", nargs="+", metavar="PATH")

    s = sub.add_parser("suggest", help="pre-suggest labels with spaCy")
    s.add_argument("--project", required=True)
    s.add_argument("--model", default=None, help="pipeline package name or directory")
    s.add_argument("--documents", default="all", choices=["all", "unlabeled"])

    e = sub.add_parser("export", help="export labels as training data")
    e.add_argument("--project", required=True)
    e.add_argument("--format", required=True, choices=FORMATS_OUT)
    e.add_argument("--out", required=True)
    e.add_argument("--layer", default=None, help="gold (default when it exists) or a user")
    e.add_argument("--state", default="accepted", choices=["accepted", "all"])
    e.add_argument("--misaligned", default="expand", choices=["expand", "skip"],
                   help="labels that do not line up with tokens: expand or skip (reported)")
    e.add_argument("--scheme", default="iob2", choices=["iob2", "iob1", "biluo"],
                   help="CoNLL tag scheme")
    e.add_argument("--doccano-form", default="entities", choices=["entities", "label"])
    e.add_argument("--dev-ratio", type=float, default=0.2)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--status", default="finished",
                   help="which documents: finished (done or approved; gold: a finished "
                        "review), all, or a status")

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

    rv = sub.add_parser("review", help="auto-gold, open conflicts and decisions (reviewers)")
    rv.add_argument("--project", required=True)
    rv.add_argument("--document", type=int, help="one document (default: every document "
                    "with annotations, most disagreement first)")
    rv.add_argument("--accept", action="append", default=[], metavar="KIND:ID:VERSION",
                    help="accept an annotator's label into gold, e.g. span:12:1")
    rv.add_argument("--reject", action="append", default=[], metavar="KIND:ID:VERSION")
    rv.add_argument("--json", action="store_true")

    u = sub.add_parser("user", help="add users and set their role (admins)")
    us = u.add_subparsers(dest="action", parser_class=_Parser, required=True)
    ua = us.add_parser("add")
    ua.add_argument("name")
    ua.add_argument("--role", default="annotator", choices=["annotator", "reviewer", "admin"])
    us.add_parser("list")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.user = args.user or default_user()
    command = args.command or "gui"
    try:
        if command == "gui":
            from desktop.app import run_gui

            return run_gui(args)
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
