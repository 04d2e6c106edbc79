"""An import's labels against the schema's constraints: the head and tail labels a relation
type allows, the labels (or event types) a role takes, and whether a role takes more than one
argument. An edit in the window is refused when it breaks one; an import keeps what the file
says and widens the schema to hold it, as it adds the labels a schema lacks (listed on stderr,
refused with --strict). Otherwise the labels would be stored but could never be copied into
gold: adjudication checks every copy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from models.errors import ValidationError
from models.records import DocumentRecord
from models.schema import Schema


def widen(schema: Schema, records: list[DocumentRecord], strict: bool) -> list[str]:
    """What the schema must allow for these records, as 'kind:what' lines: refused when
    strict, else made so (the schema is changed in place)."""
    wanted: dict[str, tuple[str, Callable[[], None]]] = {}  # what -> (where first, how to allow it)
    for rec in records:
        if not (rec.relations or rec.events):
            continue
        label_of = {sp.id: sp.label for sp in rec.spans if sp.id}
        type_of = {ev.id: ev.type for ev in rec.events if ev.id}
        for rel in rec.relations:
            rt = schema.relation(rel.label)
            head, tail = label_of[rel.head], label_of[rel.tail]
            if rt is None or rt.allows(head, tail):
                continue
            what = f"relation:{rel.label} from {head} to {tail}"
            if what not in wanted:
                wanted[what] = (rec.where, _allow_relation(rt, head, tail))
        for ev in rec.events:
            et = schema.event(ev.type)
            if et is None:
                continue
            # brat's "Theme2" is a second Theme
            filled = Counter(et.role(arg.role).name for arg in ev.arguments
                             if et.role(arg.role))
            for arg in ev.arguments:
                role = et.role(arg.role)
                if role is None:
                    continue
                # a span first, as the writer resolves it, else an event
                is_event = arg.target not in label_of
                target = label_of.get(arg.target) or type_of.get(arg.target, "")
                if not role.takes(target, is_event):
                    what = f"role:{ev.type}.{arg.role} takes {target}"
                    wanted.setdefault(what, (rec.where, _allow_label(role, target)))
                if not role.multiple and filled[role.name] > 1:
                    what = f"role:{ev.type}.{arg.role} takes more than one"
                    wanted.setdefault(what, (rec.where, _allow_several(role)))
    if strict and wanted:
        what, (where, _) = next(iter(wanted.items()))
        kind, rest = what.split(":", 1)
        raise ValidationError(f"{kind} {rest}: the schema does not allow it (--strict); "
                              f"{len(wanted)} such label(s) in all", where=where)
    for _, allow in wanted.values():
        allow()
    return list(wanted)


def _allow_relation(rt, head: str, tail: str):
    def allow() -> None:
        if rt.heads and head not in rt.heads:
            rt.heads.append(head)
        if rt.tails and tail not in rt.tails:
            rt.tails.append(tail)
    return allow


def _allow_label(role, label: str):
    def allow() -> None:
        if label not in role.labels:
            role.labels.append(label)
    return allow


def _allow_several(role):
    def allow() -> None:
        role.multiple = True
        role.count = "+" if role.count in ("", "+") or role.count.startswith("{") else "*"
    return allow
