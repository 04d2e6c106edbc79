"""Adjudication use cases: list conflicts (writes nothing), decide one version, the bulk
actions, approve or return. Each writing one is an Operation: it returns one Change whose
inverse undoes the whole step (the window's undo stack and `Service.run` take it as is).

See models/review/places.py for what a place and a version's state are, and
models/review/gold_writer.py for how a decision is written into gold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models import operations as op
from models.errors import DomainError, ValidationError
from models.orm import GOLD
from models.review.bulk_gold import accept_in_bulk
from models.review.gold_writer import GoldWriter
from models.review.places import (
    KINDS,
    Annotations,
    Conflict,
    GoldSeen,
    ReviewState,
    Version,
    last_audit_id,
    region,
)
from models.review.views import ReviewUpdate
from models.services.context import written_marker
from models.services.layers import ensure_layer

__all__ = ["Conflict", "Version", "conflicts", "pending", "Decide", "AcceptAgreed",
           "AcceptAnnotator", "RejectRest", "Approve", "ReturnToAnnotators"]

HOWS = ("accept", "also", "reject")


def conflicts(s: Session, document_id: int, *, include_decided: bool = False) -> list[Conflict]:
    """The conflicts of a document in text order; by default only the open ones."""
    return ReviewState(s, document_id).conflicts(include_decided)


def pending(s: Session, document_id: int) -> dict[str, int]:
    """What keeps a gold review from being finished: open conflicts, agreed labels not in
    gold yet."""
    st = ReviewState(s, document_id)
    return {"conflicts": len(st.conflicts()), "agreed": len(st.agreed_open()),
            "annotators": len(st.coders)}


@dataclass(frozen=True)
class Decide(op.Operation):
    """Accept a version at its place (replacing gold's earlier decision there), accept it
    also (keeping that one), or reject it. It names an annotator's row and the version shown."""

    document_id: int
    kind: str
    row_id: int
    version: int
    how: str = "accept"
    # a review window's annotators' labels and change marker (ReviewView.annotations,
    # .marker): when nothing was stored since, they are reused and the Change's
    # after["update"] is the review's ReviewUpdate after this decision (the window patches
    # its view with it instead of reading the review again)
    annotations: Annotations | None = field(default=None, compare=False, repr=False)
    since: int | None = None
    seen: GoldSeen | None = field(default=None, compare=False, repr=False)  # ReviewView.seen

    def apply(self, s, actor):
        if self.how not in HOWS:
            raise ValidationError(f"a decision is one of {', '.join(HOWS)}, not {self.how!r}")
        w = GoldWriter(s, actor, self.document_id, self.annotations, self.since, self.seen)
        it = w.item(self.kind, self.row_id, self.version)
        if self.how == "reject":
            w.reject(it)
        else:
            w.accept(it, also=self.how == "also")
        ch = w.result(f"{self.how} {self.kind} {self.row_id}")
        if w.reused:  # w.state is gold after this decision, read in this transaction
            s.flush()
            # the marker: this decision's own newest audit row, not the maximum read again
            # (one statement less; and a row someone else wrote meanwhile, which this state
            # does not hold, then still shows as a new marker at the window's next poll)
            marker = written_marker(s, self.document_id) or last_audit_id(s, self.document_id)
            ch.after["update"] = ReviewUpdate(w.state.conflicts(include_decided=True),
                                              len(w.state.agreed_open()), marker,
                                              w.state.seen())
        return ch


def _each(w: GoldWriter, versions: list[Version], decide, settled=None) -> tuple[int, int]:
    """Decide versions one by one (each sees the ones before); a version that cannot go in
    (its place is decided otherwise, its trigger rejected) is skipped with nothing of it
    stored. `settled(v)`: whether an earlier one in this step decided v already (default:
    it has a state now). Returns (decided, skipped)."""
    settled = settled or (lambda v: w.state.state(v.kind, v.key) is not None)
    done = skipped = 0
    for v in versions:
        if settled(v):
            continue  # settled by an earlier one in this step
        n = len(w.changes)
        savepoint = w.s.begin_nested()
        try:
            decide(w.version_item(v))
            savepoint.commit()
            done += 1
        except DomainError:
            savepoint.rollback()
            del w.changes[n:]
            w.state.reload_gold()
            skipped += 1
    return done, skipped


def _ordered(versions: list[Version]) -> list[Version]:
    """Spans before the relations and events that attach to them."""
    return sorted(versions, key=lambda v: (KINDS.index(v.kind), *(
        region(v.kind, v.key) if v.kind == "category" else v.key[:2])))


@dataclass(frozen=True)
class AcceptAgreed(op.Operation):
    """Auto-gold, as an explicit step: every label all annotators gave goes into gold."""

    document_id: int

    def apply(self, s, actor):
        w = GoldWriter(s, actor, self.document_id)
        done, skipped, left = accept_in_bulk(w, _ordered(w.state.agreed_open()))
        if left:  # what the set-based step does not cover, label by label
            w.state.reload_gold()
            d, k = _each(w, left, lambda it: w.accept(it, also=True))
            done, skipped = done + d, skipped + k
        ch = w.result("accept agreed")
        ch.after.update(decided=done, skipped=skipped)
        return ch


@dataclass(frozen=True)
class AcceptAnnotator(op.Operation):
    """Accept every open version one annotator gave (of one label, or all)."""

    document_id: int
    annotator: str
    label: str | None = None

    def apply(self, s, actor):
        w = GoldWriter(s, actor, self.document_id)
        if self.annotator not in w.state.names:
            raise ValidationError(f"{self.annotator} has no labels to review in document "
                                  f"{self.document_id}")
        todo = [v for c in w.state.conflicts() for v in c.versions
                if v.decided is None and self.annotator in v.annotators
                and (self.label is None or v.label == self.label)]
        # the annotator's layer may hold two versions at one place (nested spans, two
        # relations between the same spans): the first replaces what gold held there, the
        # next ones go in *also*, and a version replaced only by hers is still to accept
        mine: set[tuple] = set()

        def place(v: Version) -> tuple:
            return v.kind, w.state.place_key(w.version_item(v))

        def settled(v: Version) -> bool:
            now = w.state.state(v.kind, v.key)
            return now is not None and not (now == "replaced" and place(v) in mine)

        def accept(it) -> None:
            p = it.kind, w.state.place_key(it)
            w.accept(it, also=p in mine)
            mine.add(p)

        done, skipped = _each(w, _ordered(todo), accept, settled)
        ch = w.result(f"accept {self.annotator}'s")
        ch.after.update(decided=done, skipped=skipped)
        return ch


@dataclass(frozen=True)
class RejectRest(op.Operation):
    """Reject every version still open (agreed labels not in gold included)."""

    document_id: int

    def apply(self, s, actor):
        w = GoldWriter(s, actor, self.document_id)
        todo = [v for c in w.state.conflicts() for v in c.versions if v.decided is None]
        todo += w.state.agreed_open()
        done, skipped = _each(w, _ordered(todo), w.reject)
        ch = w.result("reject the rest")
        ch.after.update(decided=done, skipped=skipped)
        return ch


def check_finished(s: Session, document_id: int) -> None:
    left = pending(s, document_id)
    why = []
    if left["conflicts"]:
        why.append(f"{left['conflicts']} conflict(s) still open")
    if left["agreed"]:
        why.append(f"{left['agreed']} agreed label(s) not in gold yet (accept agreed)")
    if why:
        raise ValidationError(f"document {document_id} cannot be approved: {'; '.join(why)}")


@dataclass(frozen=True)
class Approve(op.Operation):
    """Gold of a document is finished: no conflict open, every agreed label decided."""

    document_id: int
    comment: str | None = None

    def apply(self, s, actor):
        GoldWriter(s, actor, self.document_id)  # reviewers only, under the lock
        check_finished(s, self.document_id)
        ensure_layer(s, actor, self.document_id, GOLD)
        return op.SetStatus(self.document_id, "approved", layer=GOLD,
                            comment=self.comment).apply(s, actor)


@dataclass(frozen=True)
class ReturnToAnnotators(op.Operation):
    """Send the document back to its annotators with a comment saying why."""

    document_id: int
    comment: str

    def apply(self, s, actor):
        w = GoldWriter(s, actor, self.document_id)
        if not w.state.coders:
            raise ValidationError(f"document {self.document_id} has no annotator to return "
                                  "it to")
        for i, lay in enumerate(w.state.coders):
            w.run(op.SetStatus(self.document_id, "returned", layer=lay.name,
                               comment=self.comment if i == 0 else None, said_why=i > 0))
        return w.result("return")
