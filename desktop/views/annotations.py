"""What the view draws, indexed by paragraph so painting touches only what is visible.

The text is cut into paragraphs at newlines (very long ones at a space near MAX_PARA) once per
document; spans and arcs are indexed per paragraph once per LayerView (no Qt here).
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from dataclasses import dataclass, field

from models.schema import Schema
from models.views import LayerView, SpanView

MAX_PARA = 4000  # a longer paragraph is laid out in pieces so no single layout is huge


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of each paragraph, newline excluded; long ones cut at a space."""
    paras: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while True:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        while end - pos > MAX_PARA:
            cut = text.rfind(" ", pos + MAX_PARA // 2, pos + MAX_PARA)
            cut = pos + MAX_PARA if cut < 0 else cut + 1
            paras.append((pos, cut))
            pos = cut
        paras.append((pos, end))
        if nl < 0:
            return paras
        pos = nl + 1


class Piece:
    """The part of a span inside one paragraph; `first` holds the span's start (its tag)."""

    __slots__ = ("end", "first", "span", "start")

    def __init__(self, span: SpanView, start: int, end: int, first: bool) -> None:
        self.span, self.start, self.end, self.first = span, start, end, first


@dataclass(frozen=True)
class Arc:
    """A relation, or one argument of an event, drawn from head span to tail span."""

    key: tuple
    head: int
    tail: int
    label: str
    suggested: bool
    color: str | None  # None: the theme's arc colour (relations); events use their type colour


@dataclass
class AnnotationIndex:
    spans: dict[int, SpanView] = field(default_factory=dict)
    pieces: list[list[Piece]] = field(default_factory=list)  # per paragraph, by start
    arcs: list[Arc] = field(default_factory=list)
    arcs_of_para: list[list[int]] = field(default_factory=list)  # arc indices per paragraph
    tag_para: dict[int, int] = field(default_factory=dict)  # span id -> paragraph of its tag
    signatures: list[int] = field(default_factory=list)  # per paragraph, to redo only changes

    def para_of(self, starts: list[int], pos: int) -> int:
        return max(0, bisect_right(starts, pos) - 1)


def fragments(span: SpanView) -> tuple[tuple[int, int], ...]:
    return span.fragments or ((span.start, span.end),)


def build_index(view: LayerView, schema: Schema, paras: list[tuple[int, int]]) -> AnnotationIndex:
    # Thousands of small objects at once: the cyclic GC would walk the heap many times over
    # (it tripled the time on 5,000 spans); none of these objects form cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_index(view, schema, paras)
    finally:
        if was_enabled:
            gc.enable()


def _visible(span: SpanView) -> bool:
    return span.state != "rejected" and span.end > span.start  # rejected ones are not shown


def _place(idx: AnnotationIndex, span: SpanView, starts: list[int],
           paras: list[tuple[int, int]], only: set[int] | None = None) -> None:
    """Record the span's tag paragraph and append its pieces (to paragraphs in `only`)."""
    frags = sorted(fragments(span))
    idx.tag_para[span.id] = idx.para_of(starts, frags[0][0])
    for k, (fs, fe) in enumerate(frags):
        p = idx.para_of(starts, fs)
        while p < len(paras) and paras[p][0] < fe:
            if only is None or p in only:
                ps, pe = paras[p]
                s, e = max(fs, ps), min(fe, pe)
                if e > s:
                    idx.pieces[p].append(Piece(span, s, e, k == 0 and s == fs))
            p += 1


def _paras_of(span: SpanView, starts: list[int], paras: list[tuple[int, int]]) -> set[int]:
    out = set()
    for fs, fe in fragments(span):
        p = max(0, bisect_right(starts, fs) - 1)
        out.add(p)
        while p + 1 < len(paras) and paras[p + 1][0] < fe:
            p += 1
            out.add(p)
    return out


def _piece_key(pc: Piece) -> tuple:
    return pc.start, -pc.end, pc.span.id


def _build_arcs(idx: AnnotationIndex, view: LayerView, schema: Schema, n_paras: int) -> None:
    arcs: list[Arc] = []
    for rel in view.relations:
        if rel.state != "rejected":
            arcs.append(Arc(("r", rel.id), rel.head_id, rel.tail_id, rel.label,
                            rel.state == "suggested", None))
    trigger_of = {ev.id: ev.trigger_id for ev in view.events}
    for ev in view.events:
        if ev.state == "rejected":
            continue
        color = schema.color_of(ev.type)
        for arg in ev.arguments:
            target = arg.span_id if arg.span_id is not None else trigger_of.get(arg.event_id)
            if target is not None:
                arcs.append(Arc(("e", ev.id, arg.id), ev.trigger_id, target, arg.role,
                                ev.state == "suggested", color))
    idx.arcs = [a for a in arcs if a.head in idx.spans and a.tail in idx.spans
                and a.head != a.tail]
    idx.arcs_of_para = [[] for _ in range(n_paras)]
    for i, arc in enumerate(idx.arcs):
        ph, pt = idx.tag_para[arc.head], idx.tag_para[arc.tail]
        idx.arcs_of_para[ph].append(i)
        if pt != ph:
            idx.arcs_of_para[pt].append(i)


def _signature(idx: AnnotationIndex, p: int) -> int:
    sig = tuple((pc.span.id, pc.span.label, pc.span.state, pc.start, pc.end, pc.first)
                for pc in idx.pieces[p])
    arcs = tuple((idx.arcs[i], idx.tag_para[idx.arcs[i].head], idx.tag_para[idx.arcs[i].tail])
                 for i in idx.arcs_of_para[p])
    return hash((sig, arcs))


def _build_index(view: LayerView, schema: Schema, paras: list[tuple[int, int]]) -> AnnotationIndex:
    starts = [p[0] for p in paras]
    idx = AnnotationIndex()
    idx.pieces = [[] for _ in paras]
    for span in view.spans:
        if _visible(span):
            idx.spans[span.id] = span
            _place(idx, span, starts, paras)
    for plist in idx.pieces:
        plist.sort(key=_piece_key)
    _build_arcs(idx, view, schema, len(paras))
    idx.signatures = [_signature(idx, p) for p in range(len(paras))]
    return idx


INCREMENTAL_LIMIT = 64  # more changed spans than this (bulk actions): build from scratch


def update_index(old: AnnotationIndex, view: LayerView, schema: Schema,
                 paras: list[tuple[int, int]]) -> AnnotationIndex:
    """The index of `view` made from `old` by redoing only the paragraphs of spans that were
    added, removed or changed (SpanView objects a patched layer did not touch are the same
    objects), plus the arcs. Equal to build_index(view, ...)."""
    spans = {s.id: s for s in view.spans if _visible(s)}
    changed = [s for sid, s in spans.items() if old.spans.get(sid) is not s]
    removed = [s for sid, s in old.spans.items() if sid not in spans]
    if len(changed) + len(removed) > INCREMENTAL_LIMIT or len(old.pieces) != len(paras):
        return build_index(view, schema, paras)
    starts = [p[0] for p in paras]
    touched: set[int] = set()
    gone: set[int] = set()
    for s in changed + removed:
        prev = old.spans.get(s.id)
        if prev is not None:
            touched |= _paras_of(prev, starts, paras)
            gone.add(s.id)
        if s.id in spans:
            touched |= _paras_of(s, starts, paras)
    idx = AnnotationIndex(spans=spans, pieces=list(old.pieces), tag_para=dict(old.tag_para))
    for sid in gone:
        idx.tag_para.pop(sid, None)
    for p in touched:
        idx.pieces[p] = [pc for pc in old.pieces[p] if pc.span.id not in gone]
    for s in changed:
        _place(idx, s, starts, paras, only=touched)
    for p in touched:
        idx.pieces[p].sort(key=_piece_key)
    _build_arcs(idx, view, schema, len(paras))
    # signatures: redo the touched paragraphs and every paragraph with arcs (before or after)
    redo = touched | {p for p, a in enumerate(old.arcs_of_para) if a} | {
        p for p, a in enumerate(idx.arcs_of_para) if a}
    idx.signatures = list(old.signatures)
    for p in redo:
        idx.signatures[p] = _signature(idx, p)
    return idx
