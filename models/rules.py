"""The rule book: the one place where a label is checked against its document and the schema.

Every write path calls it: interactive edits and restore (models/services/labels.py), accept
and accept-all (labels.set_state), import (models/services/importing.py and
import_constraints.py, which widen the schema instead of refusing unless --strict), the bulk
suggest writer (models/suggest/writer.py, which skips what breaks a rule) and adjudication
into gold (models/review/adjudication.py, through labels). The rules:

1. offsets: a span lies in the text and is not empty; its fragments (discontinuous spans)
   lie inside it, in order, not overlapping one another;
2. label known: a span's label is an entity label or an event type (a trigger);
3. overlap policy, from the entity label's definition: `allow` any overlap, `nest` only
   nesting (one span inside the other), `none` no overlap at all; labels without one (event
   triggers) allow. It holds among the spans of one layer that are not rejected, for every
   pair with at least one accepted span: suggestions may compete with one another, but never
   with a label, and a suggestion is accepted only when it keeps the policy. The same
   offsets and label twice is a duplicate, refused as such;
4. relations: the type is known and allows the head and tail labels; both ends are two
   different spans of one layer;
5. events: the type is known;
6. arguments: the role is known, takes the target's label (entity label or event type) and,
   unless the role is `multiple`, only one argument; the target is in the event's layer;
7. an event is not its own argument, and events as arguments form no cycle
   (A takes B takes A);
8. an event is accepted only while its trigger is not rejected: rejecting a trigger rejects
   the events it triggers (labels.set_state);
9. document categories: the category is in the schema, and of an exclusive group (one of)
   a layer accepts one category at most; suggestions may compete with one another and
   with a label, but one is accepted only when no other of its group is
   (models/services/categories.py, the import's categories).

The checks are plain functions of plain data. Bulk paths (imports, the suggest writer) keep
a layer's spans in memory as sorted intervals (`LayerSpans`) instead of a query per span.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from models.errors import ValidationError
from models.schema import Schema

POLICY_RANK = {"none": 0, "nest": 1, "allow": 2}  # widening goes up this scale
_END = object()


class OverlapError(ValidationError):
    """A span that breaks an overlap policy (bulk writers skip these instead of failing)."""


@dataclass(frozen=True, slots=True)
class Placed:
    """A span of a layer as the overlap rule sees it."""

    id: int | None
    start: int
    end: int
    label: str
    state: str = "accepted"


class LayerSpans:
    """The spans of one layer sorted by start. The ones overlapping [start, end) are found by
    bisection: they start before `end` and after `start` minus the longest span."""

    def __init__(self, spans: Iterable[Placed] = ()):
        self._items = sorted(spans, key=lambda p: p.start)
        self._starts = [p.start for p in self._items]
        self._longest = max((p.end - p.start for p in self._items), default=0)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, span: Placed) -> None:
        i = bisect_right(self._starts, span.start)
        self._starts.insert(i, span.start)
        self._items.insert(i, span)
        self._longest = max(self._longest, span.end - span.start)

    def overlapping(self, start: int, end: int) -> list[Placed]:
        lo = bisect_left(self._starts, start - self._longest + 1)
        hi = bisect_left(self._starts, end)
        return [p for p in self._items[lo:hi] if p.end > start]


# ---- 1. offsets -----------------------------------------------------------------------------

def check_offsets(start, end, length: int, fragments=None, *, document: int | None = None,
                  label: str | None = None, where: str | None = None) -> None:
    if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
        of = f" of document {document}" if document is not None else ""
        named = f"{label} " if label else ""
        raise ValidationError(f"span {named}[{start}, {end}) is outside the text{of} "
                              f"(length {length}) or empty", where=where)
    last = start
    for frag in fragments or ():
        try:
            a, b = frag
        except (TypeError, ValueError):
            raise ValidationError(f"fragment {frag!r} of span [{start}, {end}) is not a pair "
                                  "of offsets", where=where) from None
        if not (type(a) is int and type(b) is int and start <= a < b <= end):
            raise ValidationError(f"fragment [{a}, {b}) lies outside span [{start}, {end}) "
                                  "or is empty", where=where)
        if a < last:
            raise ValidationError(f"fragment [{a}, {b}) of span [{start}, {end}) overlaps or "
                                  "comes before the fragment ahead of it", where=where)
        last = b


def scan_offsets(spans: Iterable, length: int) -> tuple[object | None, bool]:
    """The bulk form of check_offsets, one test per span: (the first of these spans, anything
    with start, end and fragments, that breaks rule 1, or None; whether the spans come in
    order without overlapping one another, so that rule 3 has nothing to look at)."""
    last, apart = 0, True
    for sp in spans:
        start, end = sp.start, sp.end
        if not (type(start) is int and type(end) is int and last <= start < end <= length):
            if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
                return sp, apart
            apart = False
        if sp.fragments:
            try:
                check_offsets(start, end, length, sp.fragments)
            except ValidationError:
                return sp, apart
        last = end
    return None, apart


# ---- 2. label known ---------------------------------------------------------------------------

def check_label(schema: Schema, label: str) -> None:
    if not schema.entity(label) and not schema.event(label):
        raise ValidationError(f"label {label!r} is not in the schema of this project")


# ---- 3. overlap policy ------------------------------------------------------------------------

def policies(schema: Schema) -> dict[str, str]:
    """label -> overlap policy, for the entity labels; any other label allows overlap."""
    return {e.name: e.overlap for e in schema.entities}


def nested(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return (b_start <= a_start and a_end <= b_end) or (a_start <= b_start and b_end <= a_end)


def breaks(mine: str, theirs: str, is_nested: bool) -> bool:
    """Do two overlapping spans with these policies break one of them?"""
    if mine == "allow" and theirs == "allow":
        return False
    return "none" in (mine, theirs) or not is_nested


def counts(state: str, other_state: str) -> bool:
    """Whether the policy holds between spans in these states (rule 3)."""
    return (state != "rejected" and other_state != "rejected"
            and "accepted" in (state, other_state))


def policy_message(label: str, policy: str) -> str:
    if policy == "none":
        return f"{label} does not allow overlap (policy none)"
    return f"{label} allows only nested overlap (policy nest)"


def broken_policy(policy: Mapping[str, str], label: str, start: int, end: int,
                  other: Placed) -> tuple[str, str] | None:
    """(label, policy) that the overlap of this span with `other` breaks, the strictest
    first (this span's on a tie); None when both allow it."""
    mine, theirs = policy.get(label, "allow"), policy.get(other.label, "allow")
    is_nested = nested(start, end, other.start, other.end)
    if not breaks(mine, theirs, is_nested):
        return None
    broken = [(name, pol) for name, pol in ((label, mine), (other.label, theirs))
              if pol == "none" or (pol == "nest" and not is_nested)]
    return min(broken, key=lambda x: POLICY_RANK[x[1]])


def needed_policies(policy: Mapping[str, str], a: Placed, b: Placed) -> dict[str, str]:
    """What the policies of a's and b's labels must become for their overlap to be kept."""
    want = "nest" if nested(a.start, a.end, b.start, b.end) else "allow"
    return {p.label: want for p in (a, b)
            if POLICY_RANK[policy.get(p.label, "allow")] < POLICY_RANK[want]}


def check_overlap(policy: Mapping[str, str], layer: LayerSpans, start: int, end: int,
                  label: str, *, state: str = "accepted", ignore_id: int | None = None) -> None:
    """Refuse a span that duplicates a label of the layer or breaks an overlap policy."""
    if state == "rejected":
        return
    for o in layer.overlapping(start, end):
        if o.id == ignore_id and ignore_id is not None:
            continue
        if o.state == "rejected":
            continue
        if o.start == start and o.end == end and o.label == label:
            raise ValidationError(f"[{start}, {end}) is already labeled {label}")
        if not counts(state, o.state):
            continue
        hit = broken_policy(policy, label, start, end, o)
        if hit:
            what = " (a suggestion)" if o.state == "suggested" else ""
            raise OverlapError(f"{policy_message(*hit)}: {label} [{start}, {end}) would "
                               f"overlap {o.label} [{o.start}, {o.end}){what}")


def check_span(schema: Schema, length: int, start, end, label: str, *,
               layer: LayerSpans | None = None, fragments=None, state: str = "accepted",
               ignore_id: int | None = None, document: int | None = None,
               policy: Mapping[str, str] | None = None) -> None:
    """Rules 1-3 for one span; `layer`: the layer's spans around it (None: rules 1-2)."""
    check_offsets(start, end, length, fragments, document=document, where=label)
    check_label(schema, label)
    if layer is not None:
        check_overlap(policies(schema) if policy is None else policy, layer, start, end,
                      label, state=state, ignore_id=ignore_id)


# ---- 4. relations -----------------------------------------------------------------------------

def relation_problem(schema: Schema, label: str, head_label: str,
                     tail_label: str) -> str | None:
    rtype = schema.relation(label)
    if rtype is None:
        return f"relation type {label!r} is not in the schema"
    if not rtype.allows(head_label, tail_label):
        allowed = schema.relations_allowed(head_label, tail_label)
        return (f"relation {label} does not allow {head_label} -> {tail_label}; "
                f"allowed: {', '.join(allowed) or 'none'}")
    return None


def check_relation(schema: Schema, label: str, head_label: str, tail_label: str, *,
                   head_id: int | None = None, tail_id: int | None = None,
                   same_layer: bool = True) -> None:
    if not same_layer:
        raise ValidationError("a relation links two spans of the same layer")
    if head_id is not None and head_id == tail_id:
        raise ValidationError("a relation needs two different spans")
    problem = relation_problem(schema, label, head_label, tail_label)
    if problem:
        raise ValidationError(problem)


# ---- 5. events --------------------------------------------------------------------------------

def event_problem(schema: Schema, type: str) -> str | None:
    return None if schema.event(type) else f"event type {type!r} is not in the schema"


def check_event_type(schema: Schema, type: str) -> None:
    problem = event_problem(schema, type)
    if problem:
        raise ValidationError(problem)


def accept_problem(event: str, trigger_text: str, trigger_state: str) -> str | None:
    """Rule 8. `event` names it, e.g. "event 12 (Transport)"; one line whatever the text."""
    if trigger_state != "rejected":
        return None
    return f"{event} cannot be accepted: its trigger “{' '.join(trigger_text.split())}” " \
        "was rejected"


# ---- 6. arguments -------------------------------------------------------------------------------

def takes(role, label: str, event: bool = False) -> bool:
    """Does this role take a target with this label (entity label, or an event's type when
    `event`)? brat's type classes (<ENTITY>, <EVENT>, <ANY>) are the schema's Role.takes."""
    return role.takes(label, event)


def takes_another(role, filled: int) -> bool:
    """Does this role take one more argument, `filled` being there already?"""
    return role.multiple or not filled


def argument_problem(schema: Schema, event_type: str, role: str, target_label: str | None,
                     filled: int = 0, target_is_event: bool = False) -> str | None:
    """`target_label`: the target span's label or event's type (None: not checked);
    `filled`: how many arguments the event already has in this role."""
    etype = schema.event(event_type)
    if etype is None:
        return event_problem(schema, event_type)
    r = etype.role(role)
    if r is None:
        return (f"event {event_type} has no role {role!r}; roles: "
                f"{', '.join(x.name for x in etype.roles) or 'none'}")
    if target_label is not None and not takes(r, target_label, target_is_event):
        return f"role {event_type}.{role} takes {', '.join(r.labels)}, not {target_label}"
    if not takes_another(r, filled):
        return f"role {event_type}.{role} is already filled"
    return None


def check_argument(schema: Schema, event_type: str, role: str, target_label: str, *,
                   filled: int = 0, same_layer: bool = True, target_is_event: bool = False
                   ) -> None:
    if not same_layer:
        raise ValidationError("an argument must be in the same layer as its event")
    problem = argument_problem(schema, event_type, role, target_label, filled, target_is_event)
    if problem:
        raise ValidationError(problem)


# ---- 7. no event its own argument, no cycles ------------------------------------------------------

def path_between(edges: Mapping[object, Iterable[object]], source, target) -> list | None:
    """A path source -> ... -> target along `edges` (event -> the events it takes)."""
    if source == target:
        return [source]
    seen = {source}
    stack: list[tuple[object, list]] = [(source, [source])]
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == target:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def check_event_argument(edges: Mapping[object, Iterable[object]], event, target,
                         names: Mapping[object, str] | None = None) -> None:
    """Refuse `event` taking the event `target` when that closes a cycle."""
    if event == target:
        raise ValidationError("an event cannot be its own argument")
    back = path_between(edges, target, event)
    if back is not None:
        name = (names or {}).get
        chain = " -> ".join(str(name(e, e)) for e in [event, *back])
        raise ValidationError(f"events as arguments would form a cycle: {chain}")


def find_cycle(edges: Mapping[object, Iterable[object]]) -> list | None:
    """A cycle among the events (event -> the events it takes), or None."""
    done: set = set()
    for root in edges:
        if root in done:
            continue
        on_path: dict = {}
        stack = [(root, iter(edges.get(root, ())))]
        on_path[root] = 0
        order = [root]
        while stack:
            node, it = stack[-1]
            nxt = next(it, _END)
            if nxt is _END:
                stack.pop()
                order.pop()
                del on_path[node]
                done.add(node)
                continue
            if nxt in on_path:
                return order[on_path[nxt]:] + [nxt]
            if nxt not in done:
                on_path[nxt] = len(order)
                order.append(nxt)
                stack.append((nxt, iter(edges.get(nxt, ()))))
    return None


# ---- 9. document categories ---------------------------------------------------------------------

def check_category(schema: Schema, name: str) -> None:
    if schema.category(name) is None:
        raise ValidationError(f"category {name!r} is not in the schema of this project")


def exclusive_problem(schema: Schema, name: str, accepted: Iterable[str]) -> str | None:
    """Rule 9: what accepting `name` beside the layer's `accepted` categories breaks."""
    group = schema.category_group(name)
    if group is None or not group.exclusive:
        return None
    clash = sorted(c for c in set(accepted) if c != name and c in group.names)
    if not clash:
        return None
    return (f"category group {group.name} is exclusive (one of): {name} and "
            f"{', '.join(clash)} on one document")


def check_exclusive(schema: Schema, name: str, accepted: Iterable[str]) -> None:
    problem = exclusive_problem(schema, name, accepted)
    if problem:
        raise ValidationError(problem)
