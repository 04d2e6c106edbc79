"""Writing one document's labels as a brat ``.ann``; see exports/brat.py for the lines."""

from __future__ import annotations

import re
from typing import Any

from exports.base import ExportReport
from models.records import DocumentRecord, RelationRecord, SpanRecord
from models.schema import Schema

_WS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


# Where a brat file's own IDs are kept (a label's extra), so an export writes each line with
# the ID it was read with: other tools (BioNLP's evaluation, scripts) refer to them.
BRAT_ID, ATTRIBUTE_IDS, BRAT_TAIL = "brat_id", "brat_attribute_ids", "brat_tail"
_ID = re.compile(r"^([A-Za-z]+|#[A-Za-z]*)[0-9]+\S*$")  # as brat_read checks them


class _Ids:
    """The IDs of one .ann: each annotation keeps the ID it was read with when that is still
    free and of its kind; new ones (made here, or whose ID another took) get the lowest free
    number of their kind, never one that a kept ID will take."""

    def __init__(self, wanted: set[str]) -> None:
        self.counters: dict[str, int] = {}
        self.reserved = wanted
        self.used: set[str] = set()

    def next(self, kind: str) -> str:
        n = self.counters.get(kind, 0)
        while True:
            n += 1
            bid = f"{kind}{n}"
            if bid not in self.reserved and bid not in self.used:
                break
        self.counters[kind] = n
        self.used.add(bid)
        return bid

    def keep(self, wanted: Any, kind: str) -> str:
        m = _ID.match(wanted) if isinstance(wanted, str) else None
        if m and wanted not in self.used and (
                m.group(1) == kind or kind == "#" and m.group(1).startswith("#")):
            self.used.add(wanted)
            return wanted
        return self.next(kind)


def _entries(extra: dict, key: str) -> list[list]:
    """The notes or norms kept in a label's extra ([type, text-or-ref, text-or-on, ID?]),
    leaving out any not of that shape: an extra may come from any file (a DocBin's)."""
    value = extra.get(key)
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, list) and len(e) in (3, 4)
            and all(x is None or isinstance(x, str) for x in e)
            and isinstance(e[0], str) and isinstance(e[1 if key == "norms" else 2], str)]


def _kept_attribute_ids(extra: dict) -> dict[str, Any]:
    value = extra.get(ATTRIBUTE_IDS)
    return value if isinstance(value, dict) else {}


def _wanted(doc: DocumentRecord) -> set[str]:
    """Every ID the document's labels were read with."""
    out: set[str] = set()
    for item in [*doc.spans, *doc.events, *doc.relations]:
        ex = item.extra
        for bid in [ex.get(BRAT_ID), *_kept_attribute_ids(ex).values(),
                    *(n[3] for n in _entries(ex, "norms") if len(n) > 3),
                    *(n[3] for n in _entries(ex, "notes") if len(n) > 3)]:
            if isinstance(bid, str):
                out.add(bid)
    return out


def _role_names(roles: list[str]) -> list[str]:
    """Roles as stored ("Theme", "Theme2" as brat wrote them); a role repeated under the
    same name gets brat's numbers (Theme, Theme2, ...), skipping those already taken."""
    taken = set(roles)
    seen: set[str] = set()
    out = []
    for role in roles:
        if role in seen:
            base = role.rstrip("0123456789") or role
            n = 2
            while f"{base}{n}" in taken:
                n += 1
            role = f"{base}{n}"
            taken.add(role)
        seen.add(role)
        out.append(role)
    return out


def _grouped(r: RelationRecord, schema: Schema | None) -> bool:
    if "group" in r.extra:
        return True
    rt = schema.relation(r.label) if schema else None
    return rt is not None and rt.symmetric and rt.transitive


def _groups(rels: list[RelationRecord], ids: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Equivalence groups: a `*` line read from a file, as it was (its relations are the
    chain of its members, in order); else the connected members of each relation type, in
    brat ID order."""
    out: list[tuple[str, list[str]]] = []
    by_line: dict[Any, list[RelationRecord]] = {}
    for r in rels:
        by_line.setdefault((r.label, r.extra.get("group")), []).append(r)
    rest = []
    for (label, line), chain in by_line.items():
        if line is not None and all(a.tail == b.head for a, b in zip(chain, chain[1:])):
            out.append((label, [ids[chain[0].head], *(ids[r.tail] for r in chain)]))
        else:
            rest.extend(chain)
    return out + _connected(rest, ids)


def _connected(rels: list[RelationRecord], ids: dict[str, str]) -> list[tuple[str, list[str]]]:
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rels:
        a, b = find((r.label, ids[r.head])), find((r.label, ids[r.tail]))
        if a != b:
            parent[a] = b
    members: dict[tuple[str, str], list[str]] = {}
    for node in list(parent):
        members.setdefault(find(node), []).append(node[1])
    order = lambda t: (t[:1], int(t[1:]) if t[1:].isdigit() else 0)  # noqa: E731
    out = [(root[0], sorted(ms, key=order)) for root, ms in members.items()]
    return sorted(out, key=lambda g: (order(g[1][0]), g[0]))


# Document categories: brat has no annotation of the whole document, so each accepted one is
# a note of this type on this target, which is no annotation's ID ("#3\tCategory DOCUMENT\t
# politics"); brat shows the document as usual, and the reader takes them back.
CATEGORY_NOTE, DOCUMENT_TARGET = "Category", "DOCUMENT"


def ann_text(doc: DocumentRecord, report: ExportReport, schema: Schema | None = None) -> str:
    lines: list[str] = []
    ids: dict[str, str] = {}
    new = _Ids(_wanted(doc))
    text = doc.text
    for s in doc.spans:
        frags = list(s.fragments) if s.fragments else [(s.start, s.end)]
        tid = new.keep(s.extra.get(BRAT_ID), "T")
        if s.id:
            ids[s.id] = tid
        offs = ";".join(f"{a} {b}" for a, b in frags)
        seen = " ".join(text[a:b] for a, b in frags).translate(_WS)
        lines.append(f"{tid}\t{s.label} {offs}\t{seen}")
        report.spans += 1
    _events(doc, report, ids, new, lines)
    _relations(doc, report, ids, new, lines, schema)
    attr_ids: dict[int, dict[str, str]] = {}  # id(label) -> {"A:name": A id}
    for item in [*doc.spans, *doc.events, *doc.relations]:
        bid = ids.get(item.id) if item.id else None
        if bid is not None:
            attr_ids[id(item)] = _attributes(doc, report, item, bid, new, lines)
    for s in doc.spans:
        tid = ids.get(s.id) if s.id else None
        if tid is None:
            if s.kb_id or s.note:
                report.add(doc, "kb_id" if s.kb_id else "note", s.label, s.start, s.end,
                           "left out: the span has no id")
            continue
        on = {**attr_ids.get(id(s), {}), **_norms(doc, report, s, tid, new, lines)}
        _notes(doc, report, s, tid, on, new, lines)
    for item in [*doc.events, *doc.relations]:
        bid = ids.get(item.id) if item.id else None
        if bid is not None:
            _notes(doc, report, item, bid, attr_ids.get(id(item), {}), new, lines)
    for c in doc.categories:  # accepted ones; brat has no "no" but its absence
        if c.state == "accepted":
            lines.append(f"{new.next('#')}\t{CATEGORY_NOTE} {DOCUMENT_TARGET}\t"
                         f"{c.name.translate(_WS)}")
            report.categories += 1
    if doc.comments:
        report.add(doc, "comment", "", None, None,
                   f"{len(doc.comments)} document comment(s) left out: brat notes belong to "
                   "labels")
    return "".join(line + "\n" for line in lines)


def _events(doc, report, ids, new, lines) -> None:
    for ev in doc.events:
        if ev.id:
            ids[ev.id] = new.keep(ev.extra.get(BRAT_ID), "E")
    for ev in doc.events:
        if ev.id and not ids.get(ev.trigger, "").startswith("T"):
            report.add(doc, "event", ev.type, None, None, "left out: its trigger is not a span")
            ids.pop(ev.id)
    for ev in doc.events:
        eid = ids.get(ev.id) if ev.id else None
        if eid is None:
            if not ev.id:
                report.add(doc, "event", ev.type, None, None, "left out: it has no id")
            continue
        args = []
        for arg in ev.arguments:
            if arg.target not in ids:
                report.add(doc, "argument", f"{ev.type}.{arg.role}", None, None,
                           "left out: its target is not exported")
                continue
            args.append(arg)
        roles = _role_names([a.role for a in args])
        parts = [f"{ev.type}:{ids[ev.trigger]}"] + [
            f"{role}:{ids[a.target]}" for role, a in zip(roles, args)]
        lines.append(f"{eid}\t{' '.join(parts)}" + _tail(ev))
        report.events += 1


def _relations(doc, report, ids, new, lines, schema) -> None:
    grouped = []
    for r in doc.relations:
        if r.head not in ids or r.tail not in ids:
            report.add(doc, "relation", r.label, None, None,
                       "left out: it points to a label that is not exported")
            continue
        if _grouped(r, schema) and ids[r.head][:1] == ids[r.tail][:1] == "T":
            grouped.append(r)
            continue
        rid = new.keep(r.extra.get(BRAT_ID), "R")
        if r.id:
            ids[r.id] = rid
        a1, a2 = _arg_names(r, schema)
        lines.append(f"{rid}\t{r.label} {a1}:{ids[r.head]} {a2}:{ids[r.tail]}" + _tail(r))
        report.relations += 1
    for label, members in _groups(grouped, ids):
        lines.append(f"*\t{label} {' '.join(members)}")
    report.relations += len(grouped)


def _tail(item) -> str:
    tail = item.extra.get(BRAT_TAIL)
    return tail.replace("\n", " ").replace("\r", " ") if isinstance(tail, str) else ""


def _arg_names(r: RelationRecord, schema: Schema | None) -> tuple[str, str]:
    names = r.extra.get("args")
    if isinstance(names, list) and len(names) == 2:
        return names[0], names[1]
    rt = schema.relation(r.label) if schema else None
    if rt is not None and len(rt.args) == 2:
        return rt.args[0], rt.args[1]
    return "Arg1", "Arg2"


def _attributes(doc, report, item, bid, new, lines) -> dict[str, str]:
    """A (and M) lines; {"A:name": its ID} for the notes on them."""
    attrs = (item.extra.get("attributes") or {}) if isinstance(item, RelationRecord) \
        else item.attributes
    out: dict[str, str] = {}
    if not attrs or not isinstance(attrs, dict):
        return out
    lab = getattr(item, "label", None) or getattr(item, "type", "")
    m = item.extra.get("m")
    old_style = {n for n in m if isinstance(n, str)} if isinstance(m, list) else set()
    kept = _kept_attribute_ids(item.extra)
    where = (getattr(item, "start", None), getattr(item, "end", None))
    for name, value in attrs.items():
        kind = "M" if name in old_style and value is True else "A"
        if not name or any(c.isspace() for c in name):
            report.add(doc, "attribute", lab, *where, f"attribute {name!r} left out: "
                                                      "brat names hold no white space")
            continue
        if value is True:
            aid = new.keep(kept.get(name), kind)
            lines.append(f"{aid}\t{name} {bid}")
        elif value is False or value is None:
            report.add(doc, "attribute", lab, *where,
                       f"attribute {name}={value!r} written as absent (brat has no false)")
            continue
        else:
            sval = value if isinstance(value, str) else str(value)
            if not sval or any(c.isspace() for c in sval):
                report.add(doc, "attribute", lab, *where,
                           f"attribute {name}={value!r} left out: brat values hold no "
                           "white space")
                continue
            if not isinstance(value, str):
                report.add(doc, "attribute", lab, *where,
                           f"attribute {name}={value!r} written as the string {sval!r}")
            aid = new.keep(kept.get(name), "A")
            lines.append(f"{aid}\t{name} {bid} {sval}")
        out[f"A:{name}"] = aid
    return out


def _norms(doc, report, s, tid, new, lines) -> dict[str, str]:
    """N lines: as read (type, reference, own text) while the span's kb_id is the first
    one read; else the kb_id as a Reference named by the span's text."""
    norms = _entries(s.extra, "norms")
    out: dict[str, str] = {}
    if norms and norms[0][1] == s.kb_id:
        for k, (typ, ref, name, *bid) in enumerate(norms):
            nid = new.keep(bid[0] if bid else None, "N")
            out[f"N:{k}"] = nid
            lines.append(f"{nid}\t{typ} {tid} {ref}" + ("" if name is None else f"\t{name}"))
    elif s.kb_id:
        if any(c.isspace() for c in s.kb_id):
            report.add(doc, "kb_id", s.label, s.start, s.end,
                       f"kb_id {s.kb_id!r} left out: it holds white space")
        else:
            name = doc.text[s.start:s.end].translate(_WS)
            nid = new.next("N")
            out["N:0"] = nid
            lines.append(f"{nid}\tReference {tid} {s.kb_id}\t{name}")
    return out


def read_note(notes: list[Any]) -> str | None:
    """A span's note: the text of its AnnotatorNotes, one per line."""
    texts = [n[1] for n in notes if n[0] == "AnnotatorNotes" and not n[2] and n[1]]
    return "\n".join(texts) if texts else None


def _notes(doc, report, item, bid, on_ids, new, lines) -> None:
    """# lines: the notes read, of any type, on the label, its attributes or its
    normalizations; a span's AnnotatorNotes as its note now says."""
    notes = _entries(item.extra, "notes")
    if isinstance(item, SpanRecord) and read_note(notes) != (item.note or None):
        # the note was written (or changed) here since it was read: it replaces them
        notes = [n for n in notes if not (n[0] == "AnnotatorNotes" and not n[2])]
        for line in item.note.split("\n") if item.note else []:
            if line.translate(_WS) != line:
                report.add(doc, "note", item.label, item.start, item.end,
                           "tabs in the note written as spaces")
            notes.append(["AnnotatorNotes", line.translate(_WS), ""])
    for typ, text, on, *kept in notes:
        target = on_ids.get(on) if on else bid
        if target is None:
            report.add(doc, "note", getattr(item, "label", "") or getattr(item, "type", ""),
                       None, None, f"{typ} note left out: what it was on is not exported")
            continue
        nid = new.keep(kept[0] if kept else None, "#")
        lines.append(f"{nid}\t{typ} {target}" + ("" if text is None else f"\t{text}"))
