"""Hypothesis strategies for DocumentRecords, and canonical forms to compare round trips.

Records are compared by what a format carries, with local ids replaced by what they point
at (a span by (start, end, label), an event by its type, trigger and arguments), since
formats renumber ids.
"""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis import strategies as st

from exports.base import blank_tokenizer
from models.records import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord

EXAMPLES = int(os.environ.get("MARGINALIA_FUZZ_EXAMPLES", "50"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, report_multiple_bugs=False)

# Words with accents, combining marks, emoji (with skin tone and ZWJ sequences), CJK, RTL.
WORDS = ["Angela", "Merkel", "Paris", "e\u0301te\u0301", "Zoë", "naïve", "👍🏽", "👩\u200d👩\u200d👧",
         "北京", "مرحبا", "a\u0308\u0301", "U.S.", "Dr.", "$5", "co-op", "don't", "🇫🇷", "x",
         "Ünïcödé", "ﬁnance", "Σίσυφος"]
SEPS = [" ", " ", " ", ", ", ". ", "\n", "  ", " — ", "\n\n"]
LABELS = ["PER", "ORG", "LOC", "MISC", "Trig"]
REL_LABELS = ["works_for", "located_in", "rel"]
EVENT_TYPES = ["Attack", "Meet", "Move"]
ROLES = ["Agent", "Theme", "Place"]


@st.composite
def texts(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPS), min_size=len(words), max_size=len(words)))
    lead = draw(st.sampled_from(["", "", " ", "\n"]))
    return lead + "".join(w + s for w, s in zip(words, seps)).rstrip(" ") + \
        draw(st.sampled_from(["", ".", "!"]))


def token_bounds(text: str) -> list[tuple[int, int]]:
    doc = blank_tokenizer()(text)
    return [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]


@st.composite
def span_offsets(draw, text: str, aligned: bool) -> tuple[int, int]:
    if aligned:
        toks = token_bounds(text)
        i = draw(st.integers(0, len(toks) - 1))
        j = draw(st.integers(i, min(i + 3, len(toks) - 1)))
        return toks[i][0], toks[j][1]
    s = draw(st.integers(0, len(text) - 1))
    e = draw(st.integers(s + 1, min(len(text), s + 12)))
    return s, e


@st.composite
def documents(draw, *, aligned: bool = False, fragments: bool = False, overlap: bool = True,
              relations: bool = True, events: bool = True, attributes: bool = True,
              kb_ids: bool = True, notes: bool = True, extras: bool = False) -> DocumentRecord:
    """A DocumentRecord. aligned: spans on blank("en") token boundaries. overlap=False:
    no two spans share a character."""
    text = draw(texts())
    if aligned and not token_bounds(text):
        text = "x " + text
    n = draw(st.integers(0, 6))
    spans: list[SpanRecord] = []
    keys = set()
    for i in range(n):
        s, e = draw(span_offsets(text, aligned))
        label = draw(st.sampled_from(LABELS))
        if (s, e, label) in keys:
            continue
        if not overlap and any(s < o.end and o.start < e for o in spans):
            continue
        span = SpanRecord(s, e, label, id=f"s{i}")
        if fragments and e - s >= 4 and draw(st.booleans()):
            cut1 = draw(st.integers(s + 1, e - 2))
            cut2 = draw(st.integers(cut1 + 1, e - 1))
            span.fragments = [(s, cut1), (cut2, e)]
        if attributes and draw(st.booleans()):
            span.attributes = draw(st.dictionaries(
                st.sampled_from(["Negated", "Speculated", "Confidence"]),
                st.one_of(st.just(True), st.sampled_from(["high", "low", "ünï"])),
                max_size=2))
        if kb_ids and draw(st.booleans()):
            span.kb_id = f"Wikidata:Q{draw(st.integers(1, 10**6))}"
        if notes and draw(st.booleans()):
            span.note = draw(st.sampled_from(["check this", "ünïcode 👍🏽 note", "x"]))
        if extras:
            span.state = draw(st.sampled_from(["accepted", "rejected"]))
            span.source = draw(st.sampled_from(["manual", "model"]))
            span.score = draw(st.one_of(st.none(), st.floats(0, 1)))
        keys.add((s, e, label))
        spans.append(span)
    doc = DocumentRecord(text=text, spans=spans)
    ids = [s.id for s in spans]
    if relations and ids:
        for k in range(draw(st.integers(0, 4))):
            doc.relations.append(RelationRecord(draw(st.sampled_from(ids)),
                                                draw(st.sampled_from(ids)),
                                                draw(st.sampled_from(REL_LABELS)), id=f"r{k}"))
    if events and ids:
        for k in range(draw(st.integers(0, 3))):
            ev = EventRecord(trigger=draw(st.sampled_from(ids)),
                             type=draw(st.sampled_from(EVENT_TYPES)), id=f"e{k}")
            targets = ids + [e.id for e in doc.events]  # earlier events: no cycles
            for _ in range(draw(st.integers(0, 3))):
                ev.arguments.append(ArgumentRecord(draw(st.sampled_from(ROLES)),
                                                   draw(st.sampled_from(targets))))
            if attributes and draw(st.booleans()):
                ev.attributes = {"Negated": True}
            doc.events.append(ev)
    if extras:
        doc.title = draw(st.sampled_from(["", "Le Monde 🗞", "a/b"]))
        doc.meta = draw(st.sampled_from([{}, {"url": "https://x.org/é"}, {"n": 3, "l": [1]}]))
        doc.status = draw(st.sampled_from([None, "done", "rejected", "ignored"]))
    return doc


# ---- canonical forms ---------------------------------------------------------------------------

def span_key(s: SpanRecord) -> tuple:
    return (s.start, s.end, s.label)


def canon(doc: DocumentRecord, *, spans: tuple = (), relations: bool = True,
          events: tuple | None = ()) -> dict:
    """What `doc` says, ids resolved. spans: extra span fields to compare (e.g. "kb_id");
    events: None to leave events out, else extra event fields."""
    by_id = {s.id: s for s in doc.spans}
    ev_by_id = {e.id: e for e in doc.events}

    def skey(s: SpanRecord) -> tuple:
        extra = []
        for f in spans:
            v = getattr(s, f)
            if f == "fragments":
                v = tuple(map(tuple, v)) if v else None
            if f == "attributes":
                v = tuple(sorted(v.items()))
            extra.append(v)
        return span_key(s) + tuple(extra)

    def ekey(e: EventRecord, depth: int = 0) -> tuple:
        args = tuple(sorted((a.role, ref(a.target, depth + 1)) for a in e.arguments))
        extra = tuple(tuple(sorted(getattr(e, f).items())) if f == "attributes"
                      else getattr(e, f) for f in events or ())
        return (e.type, span_key(by_id[e.trigger]), args) + extra

    def ref(i: str, depth: int = 0) -> tuple:
        if i in by_id:
            return ("span",) + span_key(by_id[i])
        return ("event",) + ekey(ev_by_id[i], depth)

    out = {"text": doc.text, "spans": sorted(skey(s) for s in doc.spans)}
    if relations:
        out["relations"] = sorted((ref(r.head), ref(r.tail), r.label) for r in doc.relations)
    if events is not None:
        out["events"] = sorted(ekey(e) for e in doc.events)
    return out
