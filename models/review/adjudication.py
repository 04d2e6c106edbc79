"""Adjudication: agreed labels go into gold by themselves; the reviewer walks the rest.

- auto-gold: a label every annotator of a document has (same key: offsets and label, for
  relations both ends and the label, for events trigger, type and arguments) is copied into
  gold, unless gold already has it or a reviewer already decided on it. Needs at least two
  annotators; on unless the project setting "auto_gold" is false.
- conflicts: the other labels, grouped where they compete (spans that overlap; relations
  between the same two offsets; events on the same trigger), each version with the
  annotators who gave it, and the annotators who gave none ("missing in X").
- decisions: accept a version (copied into gold; the versions competing with it are rejected),
  accept an edited version, or reject. Every decision is written to the audit log as
  action "adjudicate" on table "review" with the keys it settles, so a decided key never
  comes back as a conflict, even after gold is edited. A decision names the label rows it
  was shown with their versions: a row deleted or changed since is refused, nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.services.bulk import lock_document
from models.errors import NotFoundError, PermissionDenied, StaleWriteError, ValidationError
from models.orm import (
    GOLD,
    AuditLog,
    Document,
    Event,
    EventArgument,
    Layer,
    Project,
    Relation,
    Span,
)
from models.review.labels import Item, LayerLabels, annotators_of, load_labels
from models.services import labels as ops
from models.services.context import Actor, audit
from models.services.layers import ensure_layer, find_layer, get_document
from models.views import Change

KINDS = ("span", "relation", "event")
MODELS = {"span": Span, "relation": Relation, "event": Event}


@dataclass(frozen=True)
class Version:
    """One distinct label in a conflict and the annotators who gave it."""

    kind: str
    key: tuple
    annotators: tuple[str, ...]
    refs: tuple[tuple[int, int], ...]  # (row id, version) per annotator, what a decision checks
    decided: str | None = None  # None | accept | reject | edit

    @property
    def label(self) -> str:
        return self.key[4] if self.kind == "relation" else self.key[2]


@dataclass(frozen=True)
class Conflict:
    kind: str
    start: int
    end: int
    versions: tuple[Version, ...]
    missing: tuple[str, ...]  # annotators who gave no version here
    annotators: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.start}-{self.end}"

    @property
    def open(self) -> bool:
        return any(v.decided is None for v in self.versions)


def auto_gold_enabled(s: Session, project_id: int) -> bool:
    settings = s.get(Project, project_id).settings or {}
    return settings.get("auto_gold", True) is not False


def decided_keys(s: Session, document_id: int) -> dict[tuple[str, tuple], str]:
    """{(kind, key): decision} from the decision log of a document."""
    out: dict[tuple[str, tuple], str] = {}
    for after in s.scalars(select(AuditLog.after).where(
            AuditLog.document_id == document_id, AuditLog.table_name == "review",
            AuditLog.action == "adjudicate").order_by(AuditLog.id)):
        for kind, key, decision in (after or {}).get("keys", []):
            out[(kind, _tuple(key))] = decision
    return out


def _tuple(value: Any) -> Any:
    """JSON lists back into the hashable keys they were made from."""
    return tuple(_tuple(v) for v in value) if isinstance(value, list) else value


def _layers(s: Session, document_id: int) -> tuple[Document, dict[str, LayerLabels]]:
    doc = get_document(s, document_id)
    return doc, load_labels(s, doc.project_id, [document_id]).get(document_id, {})


def _settled(s: Session, document_id: int, layers: dict[str, LayerLabels]) -> dict:
    settled = dict(decided_keys(s, document_id))
    gold = layers.get(GOLD)
    if gold:
        for kind in KINDS:
            for key in gold.keys(kind):
                settled.setdefault((kind, key), "accept")
    return settled


# ---- auto-gold ----------------------------------------------------------------------------

def auto_gold(s: Session, actor: Actor, document_id: int) -> list[Change]:
    """Copy the labels all annotators agree on into gold (reviewers only)."""
    _check_reviewer(actor, "write gold")
    lock_document(s, document_id)  # two reviewers at once must not both copy a label
    doc, layers = _layers(s, document_id)
    coders = annotators_of(layers)
    if len(coders) < 2:
        return []
    settled = _settled(s, document_id, layers)
    changes: list[Change] = []
    copying: dict[int, int] = {}  # events copied so far, some as arguments of others
    for kind in KINDS:
        common = set.intersection(*(c.keys(kind) for c in coders))
        for key in sorted(common, key=repr):
            if (kind, key) in settled:
                continue
            source = next(i for i in coders[0].items(kind) if i.key == key)
            settled[(kind, key)] = "accept"
            if kind == "event" and source.id in copying:
                continue  # already in gold as the argument of an event copied before
            changes.append(_copy_to_gold(s, actor, doc, source, copying=copying))
    if changes:
        _log(s, actor, doc, "auto", [(c_kind, key) for c_kind, key in
                                     [(ch.kind, _key_of_change(ch)) for ch in changes]])
    return changes


def _key_of_change(ch: Change) -> tuple:
    return ch.after.get("_key") if ch.after else ()


# ---- conflicts ----------------------------------------------------------------------------

def conflicts(s: Session, document_id: int, *, include_decided: bool = False) -> list[Conflict]:
    """The conflicts of a document in text order; by default only the open ones."""
    _, layers = _layers(s, document_id)
    coders = annotators_of(layers)
    names = tuple(c.name for c in coders)
    if not coders:
        return []
    settled = _settled(s, document_id, layers)
    out: list[Conflict] = []
    for kind in KINDS:
        common = set.intersection(*(c.keys(kind) for c in coders)) if len(coders) > 1 else set()
        items = [i for c in coders for i in c.items(kind) if i.key not in common]
        for group in _groups(kind, items):
            conflict = _conflict(kind, group, names, settled)
            if include_decided or conflict.open:
                out.append(conflict)
    out.sort(key=lambda c: (c.start, c.end, KINDS.index(c.kind)))
    return out


def _groups(kind: str, items: list[Item]) -> list[list[Item]]:
    if kind != "span":
        groups: dict[tuple, list[Item]] = {}
        for it in items:
            groups.setdefault(it.group, []).append(it)
        return list(groups.values())
    # spans: clusters of overlapping spans, whatever their labels
    out: list[list[Item]] = []
    end = -1
    for it in sorted(items, key=lambda i: (i.key[0], -i.key[1])):
        if out and it.key[0] < end:
            out[-1].append(it)
            end = max(end, it.key[1])
        else:
            out.append([it])
            end = it.key[1]
    return out


def _conflict(kind: str, group: list[Item], names: tuple[str, ...], settled: dict) -> Conflict:
    by_key: dict[tuple, list[Item]] = {}
    for it in group:
        by_key.setdefault(it.key, []).append(it)
    versions = tuple(
        Version(kind, key, tuple(i.layer for i in its), tuple((i.id, i.version) for i in its),
                settled.get((kind, key)))
        for key, its in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1], repr(kv[0]))))
    present = {i.layer for i in group}
    start = min(i.region[0] for i in group)
    end = max(i.region[1] for i in group)
    return Conflict(kind, start, end, versions, tuple(n for n in names if n not in present),
                    names)


# ---- decisions ----------------------------------------------------------------------------

def decide(s: Session, actor: Actor, document_id: int, kind: str, *,
           accept: list[tuple[int, int]] = (), reject: list[tuple[int, int]] = (),
           edited: dict[str, Any] | None = None) -> list[Change]:
    """One review decision. `accept`/`reject` name annotator rows as (id, version seen);
    `edited` (spans: start, end, label; relations: label; events: type) puts an edited
    version of the (single) accepted row into gold instead of the row itself."""
    _check_reviewer(actor, "adjudicate")
    if kind not in KINDS:
        raise ValidationError(f"cannot adjudicate a {kind}")
    if not accept and not reject:
        raise ValidationError("a decision names at least one label to accept or reject")
    lock_document(s, document_id)
    doc, layers = _layers(s, document_id)
    current = {(it.id): it for lay in annotators_of(layers) for it in lay.items(kind)}
    chosen = [_check_ref(s, kind, ref, current, document_id) for ref in accept]
    refused = [_check_ref(s, kind, ref, current, document_id) for ref in reject]
    settled = _settled(s, document_id, layers)
    changes: list[Change] = []
    keys: list[tuple[str, tuple, str]] = []
    if edited is not None:
        if len(chosen) != 1:
            raise ValidationError("an edit starts from exactly one version")
        src = chosen[0]
        changes.append(_copy_to_gold(s, actor, doc, src, edited))
        keys.append((kind, src.key, "edit"))
        keys.append((kind, tuple(changes[-1].after["_key"]), "accept"))
    else:
        copying: dict[int, int] = {}
        for src in chosen:
            if settled.get((kind, src.key)) == "accept":
                continue  # already in gold
            keys.append((kind, src.key, "accept"))
            if kind == "event" and src.id in copying:
                continue  # copied just now, as the argument of another event
            changes.append(_copy_to_gold(s, actor, doc, src, copying=copying))
    # the versions competing with what was accepted are rejected with it
    open_keys = {it.key for it in current.values()} - {k for (kd, k) in settled if kd == kind}
    accepted = {src.key for src in chosen} | {k for kd, k, how in keys if how == "accept"}
    for src in chosen:
        for other in open_keys - accepted:
            if _competes(kind, src.key, other):
                keys.append((kind, other, "reject"))
    for src in refused:
        keys.append((kind, src.key, "reject"))
    _log(s, actor, doc, "decide", keys)
    return changes


def _check_ref(s: Session, kind: str, ref, current: dict[int, Item], document_id: int) -> Item:
    row_id, seen = int(ref[0]), int(ref[1])
    row = s.get(MODELS[kind], row_id)
    if row is None:
        raise NotFoundError(f"{kind} {row_id} was deleted since it was shown; reload the "
                            "review and decide again")
    if row.version != seen:
        raise StaleWriteError(f"{kind} {row_id} was changed since it was shown (version "
                              f"{row.version}, not {seen}); reload the review and decide again")
    layer = s.get(Layer, row.layer_id)
    if layer.document_id != document_id or layer.name == GOLD:
        raise ValidationError(f"{kind} {row_id} is not an annotator's label of document "
                              f"{document_id}")
    if row_id not in current:
        raise ValidationError(f"{kind} {row_id} is not an accepted label (suggestions and "
                              "rejected labels are not reviewed)")
    return current[row_id]


def _competes(kind: str, a: tuple, b: tuple) -> bool:
    if kind == "span":
        return a[0] < b[1] and b[0] < a[1]
    if kind == "relation":
        return a[:4] == b[:4]
    return a[:2] == b[:2]


def _log(s: Session, actor: Actor, doc: Document, how: str, keys) -> None:
    if not keys:
        return
    entries = [[kind, list(_jsonable(key)), *(rest or ["accept"])]
               for kind, key, *rest in keys]
    audit(s, actor, "adjudicate", "review", None, project_id=doc.project_id,
          document_id=doc.id, after={"how": how, "keys": entries})


def _jsonable(value: Any) -> Any:
    return [_jsonable(v) for v in value] if isinstance(value, tuple) else value


def _check_reviewer(actor: Actor, what: str) -> None:
    if not actor.is_reviewer:
        raise PermissionDenied(f"{actor.name} ({actor.role}) cannot {what}; only reviewers can")


# ---- copying into gold ------------------------------------------------------------------

def _gold_span(s: Session, actor: Actor, doc: Document, start: int, end: int,
               label: str) -> int:
    """The id of the accepted gold span at these offsets (any label there is kept), made
    when missing."""
    gold = ensure_layer(s, actor, doc.id, GOLD)
    row = s.scalar(select(Span).where(Span.layer_id == gold.id, Span.start == start,
                                      Span.end == end, Span.state == "accepted")
                   .order_by((Span.label != label), Span.id).limit(1))
    if row is not None:
        return row.id
    return ops.create_span(s, actor, doc.id, start, end, label, layer=GOLD).id


def _copy_to_gold(s: Session, actor: Actor, doc: Document, src: Item,
                  edited: dict[str, Any] | None = None,
                  copying: dict[int, int] | None = None) -> Change:
    """Put a copy of an annotator's label into gold (what it points at too). `copying`:
    the annotator's events being copied -> their gold copies, so that events arguments of
    one another (brat allows a cycle) are each copied once."""
    edited = edited or {}
    if src.kind == "span":
        row = s.get(Span, src.id)
        start, end = edited.get("start", row.start), edited.get("end", row.end)
        label = edited.get("label", row.label)
        change = ops.create_span(s, actor, doc.id, start, end, label, layer=GOLD,
                                 attributes=row.attributes, kb_id=row.kb_id,
                                 fragments=row.fragments if not edited else None,
                                 note=row.note)
        key = (start, end, label)
    elif src.kind == "relation":
        rel = s.get(Relation, src.id)
        head, tail = s.get(Span, rel.head_id), s.get(Span, rel.tail_id)
        label = edited.get("label", rel.label)
        h = _gold_span(s, actor, doc, head.start, head.end, head.label)
        t = _gold_span(s, actor, doc, tail.start, tail.end, tail.label)
        change = ops.create_relation(s, actor, h, t, label)
        key = (head.start, head.end, tail.start, tail.end, label)
    else:
        copying = {} if copying is None else copying
        ev = s.get(Event, src.id)
        trig = s.get(Span, ev.trigger_id)
        etype = edited.get("type", ev.type)
        trig_id = _gold_span(s, actor, doc, trig.start, trig.end, trig.label)
        span_args, event_args = [], []
        for a in s.scalars(select(EventArgument).where(EventArgument.event_id == ev.id)
                           .order_by(EventArgument.id)):
            if a.span_id is not None:
                sp = s.get(Span, a.span_id)
                span_args.append((a.role, _gold_span(s, actor, doc, sp.start, sp.end,
                                                     sp.label), None))
            else:
                event_args.append(a)
        change = ops.create_event(s, actor, trig_id, etype, arguments=span_args)
        copying[ev.id] = change.id  # before its event arguments: a cycle comes back to it
        for a in event_args:
            target = _gold_event(s, actor, doc, a.target_event_id, copying)
            ops.add_argument(s, actor, change.id, a.role, target_event_id=target)
        if event_args:
            change.after = ops.event_state(s, change.id)
        key = (trig.start, trig.end, etype, src.key[3])
    change.after = {**(change.after or {}), "_key": list(_jsonable(key))}
    return change


def _gold_event(s: Session, actor: Actor, doc: Document, event_id: int,
                copying: dict[int, int]) -> int:
    """The gold event an argument points to (same trigger offsets and type), copied from the
    annotator's event when gold lacks it."""
    if event_id in copying:
        return copying[event_id]
    ev = s.get(Event, event_id)
    trig = s.get(Span, ev.trigger_id)
    gold = find_layer(s, doc.id, GOLD)
    if gold is not None:
        hit = s.scalar(select(Event.id).join(Span, Span.id == Event.trigger_id).where(
            Event.layer_id == gold.id, Event.type == ev.type, Span.start == trig.start,
            Span.end == trig.end, Event.state == "accepted").limit(1))
        if hit:
            return hit
    src = Item("event", (trig.start, trig.end, ev.type, ()), ev.id, ev.version, "")
    return _copy_to_gold(s, actor, doc, src, copying=copying).id
