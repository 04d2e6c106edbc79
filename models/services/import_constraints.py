"""An import's labels against the schema's constraints (the rule book, models/rules.py): the
head and tail labels a relation type allows, the labels (or event types) a role takes,
whether a role takes more than one argument, and the overlap policy of an entity label
(none -> nest -> allow, as far as the file's spans need). An edit in the window is refused
when it breaks one; an import keeps what the file says and widens the schema to hold it, as
it adds the labels a schema lacks (listed on stderr, refused with --strict). Otherwise the
labels would be stored but could never be copied into gold: adjudication checks every copy.
A cycle of events as arguments cannot be widened away: importing.validate_record refuses it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from operator import attrgetter

from models import rules
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
            if rt is None or rules.relation_problem(schema, rel.label, head, tail) is None:
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
                if not rules.takes(role, target, is_event):
                    what = f"role:{ev.type}.{arg.role} takes {target}"
                    wanted.setdefault(what, (rec.where, _allow_label(role, target)))
                if not rules.takes_another(role, filled[role.name] - 1):
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


def widen_policies(schema: Schema, labeled: list[tuple[DocumentRecord, int]],
                   held: dict, strict: bool, overlapping: set[int]) -> list[str]:
    """The overlap policies these records' spans break, each against the others of its layer
    (given before in this import or stored, `held`: layer id -> Held): refused when strict,
    else widened, as 'policy:LABEL old -> new' lines (the schema is changed in place).
    `overlapping`: id() of the records whose spans overlap one another (validate_record
    tells): a record of a layer not in `held` and not among them has nothing to check."""
    policy = rules.policies(schema)
    restricted = {name for name, pol in policy.items() if pol != "allow"}
    if not restricted:
        return []
    need: dict[str, str] = {}
    first: tuple[str, str] | None = None  # (where, what) of the first refusal
    broken = 0
    given: dict[int, list[rules.Placed]] = {}  # what earlier records gave a shared layer
    for rec, lid in labeled:
        prior = held.get(lid)
        if prior is None and id(rec) not in overlapping:
            continue
        spans = [sp for sp in rec.spans if sp.state != "rejected"]
        layer = rules.LayerSpans(prior.placed + given.get(lid, []) if prior else ())
        for sp in sorted(spans, key=attrgetter("start")):
            mine = rules.Placed(None, sp.start, sp.end, sp.label, sp.state)
            for other in layer.overlapping(sp.start, sp.end):
                if (other.start, other.end, other.label) == (sp.start, sp.end, sp.label) \
                        or not rules.counts(sp.state, other.state):
                    continue  # the same label twice is stored once
                hit = rules.broken_policy(policy, sp.label, sp.start, sp.end, other)
                if hit is None:
                    continue
                broken += 1
                if first is None:
                    first = (rec.where, f"{rules.policy_message(*hit)}: {sp.label} "
                                        f"[{sp.start}, {sp.end}) overlaps {other.label} "
                                        f"[{other.start}, {other.end})")
                for label, want in rules.needed_policies(policy, mine, other).items():
                    if rules.POLICY_RANK[want] > rules.POLICY_RANK[need.get(label, "none")]:
                        need[label] = want
            layer.add(mine)
        if prior is not None:
            given.setdefault(lid, []).extend(
                rules.Placed(None, sp.start, sp.end, sp.label, sp.state) for sp in spans)
    if strict and first is not None:
        where, what = first
        raise ValidationError(f"{what} (--strict); {broken} such overlap(s) in all",
                              where=where)
    out = []
    for label in sorted(need):
        entity = schema.entity(label)
        out.append(f"policy:{label} {entity.overlap} -> {need[label]}")
        entity.overlap = need[label]
    return out


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
