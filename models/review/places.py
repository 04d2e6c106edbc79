"""Where annotators' labels compete, and what gold says about each version there.

A *place* is a cluster of the annotators' accepted spans that overlap one another
(transitively, whatever their labels): "Joe Biden", "President Joe Biden" and "Biden" are one
place. Relations are placed by the places of their two ends, events by their trigger's place.
Document categories: an exclusive group is one place (its versions are the categories the
annotators chose there), each category of a multi-label group a place of its own.
A conflict is a place whose versions differ (or that some annotator left empty).

What a version's state is, read from gold and the decision log (never stored apart):
- accept:   gold holds it (a relation or event: between / on gold spans at the same places;
            a category: gold accepted it);
- reject:   a reviewer rejected it (the decision log's last word on its key), or, for an
            event, its trigger was rejected;
- replaced: gold holds another version overlapping it (keeping both is an explicit
            "accept also"; a category: gold accepted another one of its exclusive group);
- None:     still open.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models.orm import GOLD, AuditLog, Document
from models.review.labels import Item, LayerLabels, annotators_of, load_labels
from models.rules import policies
from models.services.layers import doc_info, shared_schema

KINDS = ("span", "relation", "event", "category")


@dataclass(frozen=True)
class Version:
    """One distinct label at a place and the annotators who gave it."""

    kind: str
    key: tuple
    annotators: tuple[str, ...]
    refs: tuple[tuple[int, int], ...]  # (row id, version) per annotator: what a decision names
    decided: str | None = None  # None | accept | reject | replaced

    @property
    def label(self) -> str:
        if self.kind == "category":
            return self.key[0]
        return self.key[4] if self.kind == "relation" else self.key[2]


@dataclass(frozen=True)
class Conflict:
    kind: str
    start: int
    end: int
    versions: tuple[Version, ...]
    missing: tuple[str, ...]  # annotators who gave no version here
    annotators: tuple[str, ...]
    place: str = ""  # a category's place: its exclusive group, or the category itself

    @property
    def id(self) -> str:
        if self.kind == "category":
            return f"category:{self.place}"
        return f"{self.kind}:{self.start}-{self.end}"

    @cached_property  # asked many times per repaint of the review window; it is frozen
    def open(self) -> bool:
        return any(v.decided is None for v in self.versions)


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def decisions(s: Session, document_id: int) -> dict[tuple[str, tuple], str]:
    """{(kind, key): 'reject'} from the decision log: its last word per key ('open' undoes)."""
    return _rejected(s.scalars(select(AuditLog.after).where(
        AuditLog.document_id == document_id, AuditLog.table_name == "review",
        AuditLog.action == "adjudicate").order_by(AuditLog.id)))


def decisions_of(s: Session, project_id: int) -> dict[int, dict[tuple[str, tuple], str]]:
    """`decisions` of every document of a project in one query (a document without any is
    missing)."""
    words: dict[int, list] = {}
    for doc_id, after in s.execute(select(AuditLog.document_id, AuditLog.after).where(
            AuditLog.document_id.in_(select(Document.id).where(
                Document.project_id == project_id)),
            AuditLog.table_name == "review", AuditLog.action == "adjudicate")
            .order_by(AuditLog.id)):
        words.setdefault(doc_id, []).append(after)
    return {d: _rejected(w) for d, w in words.items()}


def _rejected(afters) -> dict[tuple[str, tuple], str]:
    out: dict[tuple[str, tuple], str] = {}
    for after in afters:
        for kind, key, *rest in (after or {}).get("keys", []):
            out[(kind, as_tuple(key))] = rest[0] if rest else "accept"
    return {k: v for k, v in out.items() if v == "reject"}


_LAST_AUDIT = select(func.max(AuditLog.id)).where(AuditLog.document_id == bindparam("doc"))


def last_audit_id(s: Session, document_id: int) -> int:
    """The newest audit row of a document (its change marker): it moves with every write."""
    # built once, run on the connection: audit rows are plain inserts, nothing to flush
    return s.connection().execute(_LAST_AUDIT, {"doc": document_id}).scalar() or 0


def as_tuple(value: Any) -> Any:
    """JSON lists back into the hashable keys they were made from."""
    return tuple(as_tuple(v) for v in value) if isinstance(value, list) else value


def as_json(value: Any) -> Any:
    return [as_json(v) for v in value] if isinstance(value, tuple) else value


@dataclass(frozen=True)
class Annotations:
    """The annotators' accepted labels of one document and the places of their spans: what
    every state of gold is compared with (read once while the annotators' layers stay)."""

    coders: tuple[LayerLabels, ...]
    place_of: dict[tuple, int]  # span key -> place index
    place_by_offsets: dict[tuple[int, int], int]
    places: list[list[Item]]
    # per kind (not categories: their places follow the schema) the Groups of versions by
    # place: they depend on these labels only, so after a decision only states are computed
    groups: dict[str, list] = field(default_factory=dict, compare=False, repr=False)


def place_annotations(coders: list[LayerLabels]) -> Annotations:
    """Cluster the annotators' spans into places (overlapping ones, transitively)."""
    place_of: dict[tuple, int] = {}
    place_by_offsets: dict[tuple[int, int], int] = {}
    places: list[list[Item]] = []
    end = -1
    for it in sorted((i for c in coders for i in c.spans),
                     key=lambda i: (i.key[0], -i.key[1])):
        if places and it.key[0] < end:
            places[-1].append(it)
            end = max(end, it.key[1])
        else:
            places.append([it])
            end = it.key[1]
        place_of[it.key] = len(places) - 1
        place_by_offsets[it.key[:2]] = len(places) - 1
    return Annotations(tuple(coders), place_of, place_by_offsets, places)


@dataclass(frozen=True)
class GoldSeen:
    """Gold's accepted labels and the decision log's rejections of a document as read (or
    patched) at some change marker: a review window hands them back with its next decision,
    which reads neither again when nothing was stored since."""

    gold: LayerLabels | None
    rejected: dict[tuple[str, tuple], str]

    def copy(self) -> tuple[LayerLabels | None, dict]:
        g = self.gold
        if g is not None:
            g = replace(g, spans=list(g.spans), relations=list(g.relations),
                        events=list(g.events), categories=list(g.categories))
        return g, dict(self.rejected)


class ReviewState:
    """The annotators' layers, gold and the decisions of one document, as review sees them."""

    def __init__(self, s: Session, document_id: int,
                 annotations: Annotations | None = None, gold: GoldSeen | None = None):
        """`annotations`: the annotators' labels and places as read before, when only gold
        and the decision log changed since (a review window after its own decision); else
        every layer is read. `gold` (with `annotations`): gold and the decisions too, when
        nothing at all was stored since they were read."""
        doc = doc_info(s, document_id)  # the project only: the text is not needed here
        schema = shared_schema(s, doc.project_id)
        if annotations is None:
            layers = load_labels(s, doc.project_id, [document_id]).get(document_id, {})
            annotations = place_annotations(annotators_of(layers))
        elif gold is None:
            layers = load_labels(s, doc.project_id, [document_id],
                                 names=[GOLD]).get(document_id, {})
        if gold is not None:  # copies: this state patches them
            seen, rejected = gold.copy()
        else:
            seen, rejected = layers.get(GOLD), decisions(s, document_id)
        self._set(s, document_id, doc.project_id, schema, policies(schema), annotations,
                  seen, rejected)

    @classmethod
    def loaded(cls, s: Session, document_id: int, project_id: int, schema, policy,
               layers: dict[str, LayerLabels], rejected: dict) -> ReviewState:
        """The state from labels and decisions read for many documents at once
        (models/review/project_gold.py): no query of its own."""
        self = cls.__new__(cls)
        self._set(s, document_id, project_id, schema, policy,
                  place_annotations(annotators_of(layers)), layers.get(GOLD), rejected)
        return self

    def _set(self, s, document_id, project_id, schema, policy, annotations, gold,
             rejected) -> None:
        self.s, self.document_id, self.project_id = s, document_id, project_id
        self.schema, self.policy = schema, policy
        self.annotations = annotations
        self.coders: list[LayerLabels] = list(annotations.coders)
        self.place_of, self.place_by_offsets = annotations.place_of, annotations.place_by_offsets
        self.places = annotations.places
        self.names = tuple(c.name for c in self.coders)
        self.gold: LayerLabels | None = gold
        self.rejected = rejected
        self.reads = 0  # times gold was read again
        self._versions: dict[str, list] = {}  # per kind, until gold changes
        self._gold_spans: tuple | None = None  # gold's span index, until gold changes

    def reload_gold(self) -> None:
        self.gold = load_labels(self.s, self.project_id, [self.document_id],
                                names=[GOLD]).get(self.document_id, {}).get(GOLD)
        self.rejected = decisions(self.s, self.document_id)
        self.reads += 1
        self._changed()

    def seen(self) -> GoldSeen:
        """Gold and the decisions as this state has them (a copy)."""
        return GoldSeen(*GoldSeen(self.gold, self.rejected).copy())

    def _changed(self) -> None:
        self._versions.clear()
        self._gold_spans = None

    def patch_gold(self, changes: list) -> bool:
        """Apply this transaction's own writes to gold and the decisions in memory instead
        of reading them again (six statements). Only spans of a gold without relations and
        events (their keys hold span offsets) and decisions; anything else: False, nothing
        patched (the caller reloads)."""
        gold = self.gold
        if gold is None or gold.relations or gold.events:
            return False
        if any(not (ch.kind == "decision" or ch.kind == "span" and not ch.children and (
                ch.action == "delete" or (ch.after or {}).get("layer_id") == gold.layer_id))
               for ch in changes):
            return False
        spans = {i.id: i for i in gold.spans}
        for ch in changes:
            if ch.kind == "decision":
                key = (ch.after["kind"], ch.after["key"])
                if ch.after["decision"] == "reject":
                    self.rejected[key] = "reject"
                else:
                    self.rejected.pop(key, None)
            elif ch.action == "delete" or ch.after["state"] != "accepted":
                spans.pop(ch.id, None)
            else:
                a = ch.after
                spans[ch.id] = Item("span", (a["start"], a["end"], a["label"]), ch.id,
                                    a["version"], GOLD)
        # in load_labels' order: which rival a decision keeps depends on it
        gold.spans = sorted(spans.values(), key=lambda i: (i.key[0], -i.key[1], i.key[2], i.id))
        self._changed()
        return True

    # ---- places ---------------------------------------------------------------------------
    def place_key(self, item: Item) -> tuple:
        """What versions at one place share: the span place, the two ends' places, the
        trigger's place."""
        k = item.key
        if item.kind == "span":
            return (self.place_of[k],)
        if item.kind == "relation":
            return (self._place_at(k[0], k[1]), self._place_at(k[2], k[3]))
        if item.kind == "category":
            return (self.category_place(k[0]),)
        return (self._place_at(k[0], k[1]),)

    def category_place(self, name: str) -> str:
        group = self.schema.category_group(name)
        return group.name if group is not None and group.exclusive else name

    def _place_at(self, start: int, end: int) -> int:
        # a span no annotator accepted is a place of its own
        return self.place_by_offsets.get((start, end), -1 - start)

    def items(self, kind: str) -> list[Item]:
        return [i for c in self.coders for i in c.items(kind)]

    # ---- what gold says about a version -----------------------------------------------------
    def state(self, kind: str, key: tuple) -> str | None:
        if kind == "span":
            return self._span_state(key)
        if kind == "relation":
            return self._relation_state(key)
        if kind == "category":
            return self._category_state(key)
        return self._event_state(key)

    def competes(self, a: tuple, b: tuple) -> bool:
        """Overlapping spans are versions of one place: gold keeps two only when the
        reviewer accepted the second one *also* (and the overlap policy allows it)."""
        return overlaps(a, b)

    def gold_items(self, kind: str) -> list[Item]:
        return self.gold.items(kind) if self.gold else []

    def _span_state(self, key: tuple) -> str | None:
        return self._span_states()(key)

    def _span_states(self):
        """A span version's state as a function of its key, gold's index and the
        rejections bound once: a review of 300 versions asks it after every decision."""
        keys, starts, max_ends = self._gold_span_index()
        rejected = self.rejected

        def state(key: tuple) -> str | None:
            if key in keys:
                return "accept"
            if ("span", key) in rejected:
                return "reject"
            # some gold span overlaps it (competes): of those starting before its end, the
            # furthest end reaches past its start
            n = bisect_left(starts, key[1])
            return "replaced" if n and max_ends[n - 1] > key[0] else None

        return state

    def _gold_span_index(self) -> tuple:
        """Gold's span keys, their starts in order and the running maximum of their ends:
        a version's state is then a lookup and a bisection, not a scan of gold (a review
        of 300 versions against 150 gold spans, after every decision)."""
        if self._gold_spans is None:
            gold = sorted(g.key for g in self.gold_items("span"))
            self._gold_spans = ({g for g in gold}, [g[0] for g in gold],
                                list(accumulate((g[1] for g in gold), max)))
        return self._gold_spans

    def _relation_state(self, key: tuple) -> str | None:
        same_place = [g for g in self.gold_items("relation")
                      if overlaps(g.key[0:2], key[0:2]) and overlaps(g.key[2:4], key[2:4])]
        if any(g.key[4] == key[4] for g in same_place):
            return "accept"
        if ("relation", key) in self.rejected:
            return "reject"
        return "replaced" if same_place else None

    def _event_state(self, key: tuple) -> str | None:
        same_place = [g for g in self.gold_items("event") if overlaps(g.key, key)]
        if any(event_matches(g.key, key) for g in same_place):
            return "accept"
        if ("event", key) in self.rejected or self.trigger_rejected(key):
            return "reject"
        return "replaced" if same_place else None

    def _category_state(self, key: tuple) -> str | None:
        gold = {g.key[0] for g in self.gold_items("category")}
        if key[0] in gold:
            return "accept"
        if ("category", key) in self.rejected:
            return "reject"
        place = self.category_place(key[0])
        if place != key[0] and any(self.category_place(g) == place for g in gold):
            return "replaced"
        return None

    def trigger_rejected(self, event_key: tuple) -> bool:
        return ("span", (event_key[0], event_key[1], event_key[2])) in self.rejected

    # ---- conflicts ------------------------------------------------------------------------
    def versions(self, kind: str) -> list[tuple[tuple, list[Version]]]:
        """(place key, versions) for every place of this kind, in text order (computed once
        per state of gold: conflicts and agreed_open both read it)."""
        if kind not in self._versions:
            self._versions[kind] = self._compute_versions(kind)
        return self._versions[kind]

    def _compute_versions(self, kind: str) -> list[tuple[tuple, list[Version]]]:
        state = self._span_states() if kind == "span" else \
            (lambda key: self.state(kind, key))
        out = []
        for g in self._groups(kind):
            states = tuple([state(key) for key, _, _ in g.keys])
            if g.memo.get("states") != states:  # else the Versions made for these states
                g.memo.clear()
                g.memo["states"] = states
                g.memo["versions"] = [Version(kind, key, who, refs, st)
                                      for (key, who, refs), st in zip(g.keys, states)]
            out.append((g.place, g.memo["versions"]))
        return out

    def _groups(self, kind: str) -> list[Group]:
        if kind == "category":  # its places follow the schema: grouped each time
            return self._group(kind)
        groups = self.annotations.groups.get(kind)
        if groups is None:
            groups = self.annotations.groups[kind] = self._group(kind)
        return groups

    def _group(self, kind: str) -> list[Group]:
        by_place: dict[tuple, dict[tuple, list[Item]]] = {}
        if kind == "span":  # a span's place is its cluster's: the hot case, inlined
            place_of = self.place_of
            for it in self.items(kind):
                by_place.setdefault((place_of[it.key],), {}).setdefault(it.key, []).append(it)
        else:
            for it in self.items(kind):
                by_place.setdefault(self.place_key(it), {}).setdefault(it.key, []).append(it)
        names, coders = self.names, len(self.coders)
        out = []
        for place, by_key in by_place.items():
            keyed = list(by_key.items())
            if len(keyed) > 1:  # most places hold one version: nothing to order
                keyed.sort(key=lambda kv: repr(kv[0]))
            # an Item is (kind, key, id, version, layer): its annotator, its (id, version)
            keys = [(key, tuple([i[4] for i in its]), tuple([i[2:4] for i in its]))
                    for key, its in keyed]
            contested = coders < 2 or any(len(set(who)) != coders for _, who, _ in keys)
            if len(keys) == 1 and kind != "category":
                start, end = region(kind, keys[0][0])
                present = set(keys[0][1])
            else:
                regions = [region(kind, key) for key, _, _ in keys]
                start, end = min(r[0] for r in regions), max(r[1] for r in regions)
                present = {a for _, who, _ in keys for a in who}
            out.append(Group(place, keys, contested, start, end,
                             tuple(n for n in names if n not in present),
                             self.category_place(keys[0][0][0]) if kind == "category" else ""))
        return out

    def _all_gave(self, annotators: tuple[str, ...]) -> bool:
        return len(self.coders) > 1 and len(set(annotators)) == len(self.coders)

    def agreed(self, version: Version) -> bool:
        return self._all_gave(version.annotators)

    def contested(self, vs: list[Version]) -> bool:
        """A place is a conflict unless every annotator gave every version there."""
        return not all(self.agreed(v) for v in vs)

    def conflicts(self, include_decided: bool = False) -> list[Conflict]:
        out: list[Conflict] = []
        for kind in KINDS:
            for g, (_, vs) in zip(self._groups(kind), self.versions(kind)):
                if not g.contested:
                    continue  # everyone gave these labels: nothing to adjudicate
                made = g.memo.get("conflict")
                if made is not None and made[0] is vs:
                    c = made[1]  # the same Versions: the same Conflict
                else:
                    c = Conflict(kind, g.start, g.end, tuple(vs), g.missing, self.names,
                                 g.category)
                    g.memo["conflict"] = (vs, c)
                if include_decided or c.open:
                    out.append(c)
        out.sort(key=lambda c: (c.start, c.end, KINDS.index(c.kind), c.place))
        return out

    def agreed_open(self) -> list[Version]:
        """Labels every annotator gave, at places nobody disputes, not in gold yet (an
        agreed version at a disputed place is the reviewer's to decide)."""
        return [v for kind in KINDS
                for g, (_, vs) in zip(self._groups(kind), self.versions(kind))
                if not g.contested for v in vs if v.decided is None]


def states_of(s: Session, project_id: int, document_ids: list[int] | None = None,
              schema=None) -> dict[int, ReviewState]:
    """{document id: ReviewState} of the project's documents (or these) with two or more
    annotators, from one read of their labels and the project's decisions (a document's
    own ReviewState reads about a dozen statements)."""
    schema = shared_schema(s, project_id) if schema is None else schema
    policy = policies(schema)
    labels = load_labels(s, project_id, document_ids)
    rejected = decisions_of(s, project_id)
    return {d: ReviewState.loaded(s, d, project_id, schema, policy, layers, rejected.get(d, {}))
            for d, layers in sorted(labels.items()) if len(annotators_of(layers)) >= 2}


@dataclass(slots=True)
class Group:
    """The versions at one place as the annotators gave them (their states aside): what
    stays while only gold changes, so it is computed once per Annotations. Not changed
    once made (not frozen: a project's review makes 25,000 of them)."""

    place: tuple
    keys: list[tuple]  # (version key, annotators, refs), in the order versions are shown
    contested: bool  # some annotator did not give every version here: a conflict
    start: int
    end: int
    missing: tuple[str, ...]  # annotators who gave no version here
    category: str  # a category's place (its exclusive group, or itself); else ""
    # the Versions (and Conflict) made for the last states asked: most stay as they were
    # after a decision, so they are not made again
    memo: dict = field(default_factory=dict, compare=False, repr=False)


def region(kind: str, key: tuple) -> tuple[int, int]:
    """The text a version covers; a category's is none, at the document's start."""
    if kind == "category":
        return 0, 0
    if kind == "relation":
        return min(key[0], key[2]), max(key[1], key[3])
    return key[0], key[1]


def event_matches(a: tuple, b: tuple) -> bool:
    """The same event at the same places: type, overlapping triggers, and for every role an
    argument at an overlapping place (span offsets, or an event's trigger)."""
    if a[2] != b[2] or not overlaps(a, b):
        return False
    left, right = list(a[3]), list(b[3])
    if sorted(r for r, _ in left) != sorted(r for r, _ in right):
        return False
    for role, target in left:
        hit = next((x for x in right if x[0] == role and x[1][0] == target[0]
                    and overlaps(x[1][1:3], target[1:3])), None)
        if hit is None:
            return False
        right.remove(hit)
    return True
