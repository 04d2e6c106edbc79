"""Reading one brat document (``DOC.txt`` + ``DOC.ann``) as brat reads it; see exports/brat.py
for the lines. Every field is checked: a wrong one is a FormatError naming the .ann and line."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from exports.base import read_text
from exports.brat_ann import (
    ATTRIBUTE_IDS, BRAT_ID, BRAT_TAIL, CATEGORY_NOTE, DOCUMENT_TARGET, read_note)
from models.errors import FormatError
from models.records import (
    ArgumentRecord, CategoryRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord)
from models.schema import Schema

_WS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
# brat's IDs (annotation.py): letters then digits (T1, E12, AM3), notes #digits, or "*"
_ID = re.compile(r"^([A-Za-z]+|#[A-Za-z]*)[0-9]+\S*$")
_OFFSET = re.compile(r"^[0-9]{1,12}$")
# BioNLP-ST 2013 normalizations: Reference Annotation:T1 Referent:DB:ID
_BIONLP_NORM = (re.compile(r"^(\S+) Annotation:(\S+) Referent:(\S+)$"),
                re.compile(r"^(\S+) Referent:(\S+) Annotation:(\S+)$"))
_NAME = re.compile(r"^[^\s:]+$")  # a label, role or attribute name: no space, no colon


class _Doc:
    """The annotations of one .ann as they are read, by brat ID."""

    def __init__(self, where: str, text: str):
        self.where = where
        self.text = text
        self.spans: dict[str, SpanRecord] = {}
        self.events: dict[str, EventRecord] = {}
        self.relations: dict[str, RelationRecord] = {}
        self.attrs: dict[str, tuple[Any, str]] = {}  # A id -> (owner record, name)
        self.norms: dict[str, tuple[SpanRecord, int]] = {}  # N id -> (span, index)
        self.lineno = 0

    def fail(self, msg: str, lineno: int | None = None) -> NoReturn:
        raise FormatError(self.where, lineno or self.lineno, msg)

    def name(self, value: str, what: str) -> str:
        if not _NAME.match(value):
            self.fail(f"{what} {value!r} is empty or holds white space or a colon")
        return value

    def new_id(self, bid: str) -> None:
        if bid in self.spans or bid in self.events or bid in self.relations \
                or bid in self.attrs or bid in self.norms:
            self.fail(f"ID {bid} is defined twice")


def read_pair(txt: Path, ann: Path, schema: Schema | None = None) -> DocumentRecord:
    text = read_text(txt)
    raw = read_text(ann) if ann.is_file() else ""
    d = _Doc(str(ann), text)
    doc = DocumentRecord(text=text, title=txt.stem, origin=(str(ann), None))
    later: list[tuple[int, str, Any]] = []  # what points at IDs, resolved once all are read
    seen_ids: set[str] = set()
    for d.lineno, line in enumerate(raw.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        bid = fields[0]
        if len(fields) < 2:
            d.fail(f"expected ID<TAB>annotation, not {line[:40]!r}")
        body = fields[1]
        if bid != "*":
            if not _ID.match(bid):
                d.fail(f"{bid!r} is not a brat ID (T1, R1, E1, A1, M1, N1, #1 or *)")
            if bid in seen_ids:
                d.fail(f"ID {bid} is defined twice")
            seen_ids.add(bid)
        kind = bid[:1]
        if kind == "T":
            span = _read_t(d, bid, fields)
            d.spans[bid] = span
            doc.spans.append(span)
        elif kind == "E":
            ev = _read_e(d, bid, body)
            _keep_tail(ev, fields)
            d.events[bid] = ev
            doc.events.append(ev)
            later.append((d.lineno, "E", ev))
        elif kind == "R":
            rel = _read_r(d, bid, body)
            _keep_tail(rel, fields)
            d.relations[bid] = rel
            doc.relations.append(rel)
            later.append((d.lineno, "R", rel))
        elif kind == "*":
            parts = body.split()
            if len(parts) < 3:
                d.fail("equivalence: expected Type ID ID ...")
            label = d.name(parts[0], "equivalence type")
            later.append((d.lineno, "*", (label, parts[1:])))
        elif kind in ("A", "M"):
            parts = body.split(" ")
            if len(parts) not in (2, 3) or not all(parts):
                d.fail(f"attribute {bid}: expected Name ID [Value]")
            d.name(parts[0], "attribute")
            later.append((d.lineno, "A", (bid, kind, parts)))
        elif kind == "N":
            later.append((d.lineno, "N", (bid, _read_n(d, bid, body),
                                          "\t".join(fields[2:]) if len(fields) > 2 else None)))
        elif kind == "#":
            parts = body.split()
            if len(parts) != 2:
                d.fail(f"note {bid}: expected Type ID")
            d.name(parts[0], "note type")
            later.append((d.lineno, "#", (bid, parts[0], parts[1],
                                          "\t".join(fields[2:]) if len(fields) > 2 else None)))
        else:
            d.fail(f"unknown annotation {bid!r}: brat lines start with T, R, E, A, M, N, * or #")
    for lineno, kind, payload in later:
        _RESOLVE[kind](d, doc, lineno, payload)
    return doc


def _keep_tail(item: Any, fields: list[str]) -> None:
    """What follows an E or R line's annotation (brat's own tutorials end R lines with a TAB
    and nothing; BioNLP's events without arguments end in a space), kept so the line is
    written back as it was."""
    body = fields[1]
    tail = body[len(body.rstrip()):]
    if len(fields) > 2:
        tail += "\t" + "\t".join(fields[2:])
    if tail:
        item.extra[BRAT_TAIL] = tail


def _read_t(d: _Doc, bid: str, fields: list[str]) -> SpanRecord:
    label, sep, offs = fields[1].partition(" ")
    if not sep:
        d.fail(f"text-bound {bid}: expected Label START END")
    d.name(label, "label")
    frags: list[tuple[int, int]] = []
    for piece in offs.split(";"):
        nums = piece.split(" ")
        if len(nums) != 2 or not all(_OFFSET.match(n) for n in nums):
            d.fail(f"text-bound {bid}: offsets {piece.strip()!r} are not START END")
        a, b = int(nums[0]), int(nums[1])
        if not 0 <= a < b <= len(d.text):
            d.fail(f"text-bound {bid}: offsets [{a}, {b}) are outside the text "
                   f"(length {len(d.text)}) or empty")
        frags.append((a, b))
    if len(fields) > 2:
        expected = " ".join(d.text[a:b] for a, b in frags).translate(_WS)
        if "\t".join(fields[2:]).translate(_WS) != expected:
            d.fail(f"text-bound {bid}: its text {fields[2]!r} differs from the .txt at "
                   f"those offsets ({expected!r})")
    return SpanRecord(min(a for a, _ in frags), max(b for _, b in frags), label, id=bid,
                      fragments=frags if len(frags) > 1 else None, extra={BRAT_ID: bid})


def _read_e(d: _Doc, bid: str, body: str) -> EventRecord:
    parts = body.split()
    if not parts or parts[0].count(":") != 1:
        d.fail(f"event {bid}: expected Type:Trigger")
    etype, trig = parts[0].split(":")
    ev = EventRecord(trigger=trig, type=d.name(etype, "event type"), id=bid,
                     extra={BRAT_ID: bid})
    for p in parts[1:]:
        role, sep, target = p.partition(":")
        if not sep or not target or ":" in target:
            d.fail(f"event {bid}: argument {p!r} is not Role:ID")
        ev.arguments.append(ArgumentRecord(d.name(role, "role"), target))
    return ev


def _read_r(d: _Doc, bid: str, body: str) -> RelationRecord:
    parts = body.split()
    args = [p.split(":") for p in parts[1:]]
    if len(parts) != 3 or any(len(a) != 2 or not all(a) for a in args):
        d.fail(f"relation {bid}: expected Label Arg1:ID Arg2:ID")
    if args[0][0] == args[1][0]:
        d.fail(f"relation {bid}: its two arguments have the same name {args[0][0]!r}")
    rel = RelationRecord(args[0][1], args[1][1], d.name(parts[0], "relation"), id=bid,
                         extra={BRAT_ID: bid})
    names = [d.name(a[0], "argument") for a in args]
    if names != ["Arg1", "Arg2"]:
        rel.extra["args"] = names
    return rel


def _read_n(d: _Doc, bid: str, body: str) -> tuple[str, str, str]:
    for pattern in _BIONLP_NORM:
        m = pattern.match(body)
        if m:
            typ, a, b = m.groups()
            return (typ, a, b) if body.split()[1].startswith("Annotation:") else (typ, b, a)
    m = re.match(r"^(\S+) (\S+) (\S+?:\S+)$", body)
    if not m:
        d.fail(f"normalization {bid}: expected Type ID DB:ID")
    return m.group(1), m.group(2), m.group(3)


# ---- references, once every ID is known ------------------------------------------------------

def _target(d: _Doc, lineno: int, ref: str, what: str, allowed: str = "TE") -> Any:
    for kind, table in (("T", d.spans), ("E", d.events), ("R", d.relations)):
        if kind in allowed and ref in table:
            return table[ref]
    d.fail(f"{what} points to {ref}, which is not defined in this file", lineno)


def _resolve_e(d: _Doc, doc: DocumentRecord, lineno: int, ev: EventRecord) -> None:
    _target(d, lineno, ev.trigger, f"event {ev.id} trigger", "T")
    for a in ev.arguments:
        _target(d, lineno, a.target, f"event {ev.id} argument {a.role}")


def _resolve_r(d: _Doc, doc: DocumentRecord, lineno: int, rel: RelationRecord) -> None:
    _target(d, lineno, rel.head, f"relation {rel.id}")
    _target(d, lineno, rel.tail, f"relation {rel.id}")


def _resolve_equiv(d: _Doc, doc: DocumentRecord, lineno: int, payload) -> None:
    label, members = payload
    for m in members:
        _target(d, lineno, m, f"equivalence {label}", "T")
    for k, (a, b) in enumerate(itertools.pairwise(members)):
        # one group: its relations carry the line, so the writer puts them back together
        doc.relations.append(RelationRecord(a, b, label, id=f"*{lineno}.{k}",
                                            extra={"group": lineno}))


def _resolve_a(d: _Doc, doc: DocumentRecord, lineno: int, payload) -> None:
    bid, kind, (name, ref, *value) = payload
    owner = _target(d, lineno, ref, f"attribute {bid}", "TER")
    d.new_id(bid)
    d.attrs[bid] = (owner, name)
    val: Any = value[0] if value else True
    attrs = (owner.extra.setdefault("attributes", {}) if isinstance(owner, RelationRecord)
             else owner.attributes)
    if name in attrs:
        d.fail(f"attribute {name} is set twice on {ref}", lineno)
    attrs[name] = val
    if kind == "M":
        owner.extra.setdefault("m", []).append(name)
    owner.extra.setdefault(ATTRIBUTE_IDS, {})[name] = bid


def _resolve_n(d: _Doc, doc: DocumentRecord, lineno: int, payload) -> None:
    bid, (typ, ref, kb), text = payload
    span = _target(d, lineno, ref, f"normalization {bid}", "T")
    d.new_id(bid)
    norms = span.extra.setdefault("norms", [])
    d.norms[bid] = (span, len(norms))
    norms.append([d.name(typ, "normalization type"), kb, text, bid])
    if span.kb_id is None:
        span.kb_id = kb


def _resolve_note(d: _Doc, doc: DocumentRecord, lineno: int, payload) -> None:
    bid, typ, ref, text = payload
    if typ == CATEGORY_NOTE and ref == DOCUMENT_TARGET:  # a document category (brat_ann.py)
        name = (text or "").strip()
        if not name:
            d.fail(f"a {CATEGORY_NOTE} note on {DOCUMENT_TARGET} has no category name", lineno)
        if all(c.name != name for c in doc.categories):
            doc.categories.append(CategoryRecord(name))
        return
    if ref in d.attrs:
        owner, name = d.attrs[ref]
        on = f"A:{name}"
    elif ref in d.norms:
        owner, index = d.norms[ref]
        on = f"N:{index}"
    else:
        owner, on = _target(d, lineno, ref, "note", "TER"), ""
    owner.extra.setdefault("notes", []).append([typ, text, on, bid])
    if isinstance(owner, SpanRecord):
        owner.note = read_note(owner.extra["notes"])


_RESOLVE: dict[str, Callable[..., None]] = {
    "E": _resolve_e, "R": _resolve_r, "*": _resolve_equiv, "A": _resolve_a, "N": _resolve_n,
    "#": _resolve_note}
