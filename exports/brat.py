"""brat standoff: a folder of ``DOC.txt`` + ``DOC.ann`` pairs and an ``annotation.conf``.

``.ann`` lines, fields TAB-separated:

* ``T1<TAB>Label 0 5;9 12<TAB>text``: a text-bound span, possibly in fragments (the text
  field is the fragments' texts joined by one space, with TAB/CR/LF shown as spaces);
* ``R1<TAB>Label Arg1:T1 Arg2:T2``: a relation, head Arg1, tail Arg2;
* ``E1<TAB>Type:T3 Role:T1 Role2:E2``: an event with its trigger and arguments. An argument
  may be another event. ``Role2``, ``Role3`` is brat's numbering of a repeated role: the
  reader strips the digits back to the role (unless annotation.conf names the role with its
  digits), the writer adds them;
* ``A1<TAB>Name T1`` (binary) / ``A1<TAB>Name T1 Value`` (valued), on a span or an event
  (``M`` lines, brat's older name, are read as ``A``);
* ``N1<TAB>Reference T1 Wikidata:Q42<TAB>name``: normalization, read into ``kb_id``
  ("Wikidata:Q42");
* ``#1<TAB>AnnotatorNotes T1<TAB>note``: the span's note;
* ``*<TAB>Equiv T1 T2 ...``: read as ``Equiv`` relations T1->T2, T2->T3...

Offsets are character offsets (code points) into the .txt read as UTF-8 with line ends
untouched, the same as ours: no conversion. The .txt is written byte-exact.

Not carried (reported on export): document comments, attribute values holding white
space, kb_ids holding white space, span states/sources/scores. Note line breaks become
spaces. The document title becomes the file name (made safe; reported when it changed);
the reader sets the title to the file name.

The reader refuses, with file and line, an ID that points nowhere, offsets outside the
text, and a T whose text differs from the .txt at its offsets.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from exports.base import ExportOptions, ExportReport, atomic_write_text, read_text
from models.errors import FormatError, ValidationError
from models.records import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord
from models.schema import AttributeDef, Schema, parse_brat_conf, to_brat_conf

NAME = "brat"
EXTENSIONS = (".ann",)
CONF = "annotation.conf"
_WS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


# ---- writing -----------------------------------------------------------------------------------

def _safe_stem(title: str) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", title, flags=re.UNICODE).strip("._")[:80]
    return stem


def conf_schema(schema: Schema | None, records: list[DocumentRecord]) -> Schema:
    """The schema plus every label, role and attribute the records use."""
    out = Schema.from_dict(schema.to_dict()) if schema else Schema(name="brat")
    used: dict[str, set[str]] = {"entities": set(), "relations": set(), "events": set()}
    roles: dict[str, set[str]] = {}
    attrs: dict[str, set[str]] = {}
    for doc in records:
        u = doc.labels_used()
        for k in used:
            used[k] |= u[k]
        for ev in doc.events:
            roles.setdefault(ev.type, set()).update(a.role for a in ev.arguments)
        for item in [*doc.spans, *doc.events]:
            for k, v in item.attributes.items():
                attrs.setdefault(k, set())
                if isinstance(v, str):
                    attrs[k].add(v)
    out.add_missing(used)
    for etype, rs in roles.items():
        out.add_roles(etype, rs)
    for name, values in sorted(attrs.items()):
        a = out.attribute(name)
        if a is None:
            out.attributes.append(AttributeDef(name, [], sorted(values)))
        elif a.values:
            a.values += sorted(values - set(a.values))
    return out


def write(records: Iterable[DocumentRecord], out: Path, schema: Schema | None = None,
          options: ExportOptions | None = None) -> ExportReport:
    options = options or ExportOptions()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = ExportReport(NAME)
    docs = list(records)
    taken: set[str] = set()
    for n, doc in enumerate(docs, 1):
        base = _safe_stem(doc.title) if doc.title else ""
        if doc.title and base != doc.title:
            report.add(doc, "title", "", None, None, f"file name {base or 'doc'!r}: the title "
                                                     "is not a safe file name")
        base = base or (f"doc{doc.doc_id}" if doc.doc_id is not None else f"doc{n:05d}")
        stem, k = base, 1
        while stem.lower() in taken:
            k += 1
            stem = f"{base}-{k}"
        taken.add(stem.lower())
        ann = ann_text(doc, report)
        atomic_write_text(out / f"{stem}.txt", doc.text)
        atomic_write_text(out / f"{stem}.ann", ann)
        report.files += [out / f"{stem}.txt", out / f"{stem}.ann"]
        report.documents += 1
        if options.progress:
            options.progress(n)
    atomic_write_text(out / CONF, to_brat_conf(conf_schema(schema, docs)))
    report.files.append(out / CONF)
    return report


def ann_text(doc: DocumentRecord, report: ExportReport) -> str:
    lines: list[str] = []
    ids: dict[str, str] = {}
    counters = {"T": 0, "R": 0, "E": 0, "A": 0, "N": 0, "#": 0}

    def next_id(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    text = doc.text
    for s in doc.spans:
        frags = list(s.fragments) if s.fragments else [(s.start, s.end)]
        tid = next_id("T")
        if s.id:
            ids[s.id] = tid
        offs = ";".join(f"{a} {b}" for a, b in frags)
        seen = " ".join(text[a:b] for a, b in frags).translate(_WS)
        lines.append(f"{tid}\t{s.label} {offs}\t{seen}")
        report.spans += 1
    for ev in doc.events:
        if ev.id:
            ids[ev.id] = next_id("E")
    for ev in doc.events:
        if not ev.id:
            continue
        if ev.trigger not in ids or not ids[ev.trigger].startswith("T"):
            report.add(doc, "event", ev.type, None, None, "left out: its trigger is not a span")
            ids.pop(ev.id)
    for ev in doc.events:
        eid = ids.get(ev.id) if ev.id else None
        if eid is None:
            if not ev.id:
                report.add(doc, "event", ev.type, None, None, "left out: it has no id")
            continue
        parts = [f"{ev.type}:{ids[ev.trigger]}"]
        count: dict[str, int] = {}
        for arg in ev.arguments:
            if arg.target not in ids:
                report.add(doc, "argument", f"{ev.type}.{arg.role}", None, None,
                           "left out: its target is not exported")
                continue
            count[arg.role] = count.get(arg.role, 0) + 1
            role = arg.role if count[arg.role] == 1 else f"{arg.role}{count[arg.role]}"
            parts.append(f"{role}:{ids[arg.target]}")
        lines.append(f"{eid}\t{' '.join(parts)}")
        report.events += 1
    for r in doc.relations:
        if r.head not in ids or r.tail not in ids:
            report.add(doc, "relation", r.label, None, None,
                       "left out: it points to a label that is not exported")
            continue
        lines.append(f"{next_id('R')}\t{r.label} Arg1:{ids[r.head]} Arg2:{ids[r.tail]}")
        report.relations += 1
    for item in [*doc.spans, *doc.events]:
        bid = ids.get(item.id) if item.id else None
        if bid is None or not item.attributes:
            continue
        lab = getattr(item, "label", None) or getattr(item, "type", "")
        for name, value in item.attributes.items():
            where = (getattr(item, "start", None), getattr(item, "end", None))
            if not name or any(c.isspace() for c in name):
                report.add(doc, "attribute", lab, *where, f"attribute {name!r} left out: "
                                                          "brat names hold no white space")
            elif value is True:
                lines.append(f"{next_id('A')}\t{name} {bid}")
            elif value is False or value is None:
                report.add(doc, "attribute", lab, *where,
                           f"attribute {name}={value!r} written as absent (brat has no false)")
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
                lines.append(f"{next_id('A')}\t{name} {bid} {sval}")
    for s in doc.spans:
        tid = ids.get(s.id) if s.id else None
        if s.kb_id and tid:
            if any(c.isspace() for c in s.kb_id):
                report.add(doc, "kb_id", s.label, s.start, s.end,
                           f"kb_id {s.kb_id!r} left out: it holds white space")
            else:
                name = text[s.start:s.end].translate(_WS)
                lines.append(f"{next_id('N')}\tReference {tid} {s.kb_id}\t{name}")
        if s.note and tid:
            note = s.note.translate(_WS)
            if note != s.note:
                report.add(doc, "note", s.label, s.start, s.end,
                           "line breaks and tabs in the note written as spaces")
            lines.append(f"{next_id('#')}\tAnnotatorNotes {tid}\t{note}")
        elif (s.kb_id or s.note) and not tid:
            report.add(doc, "kb_id" if s.kb_id else "note", s.label, s.start, s.end,
                       "left out: the span has no id")
    if doc.comments:
        report.add(doc, "comment", "", None, None,
                   f"{len(doc.comments)} document comment(s) left out: brat notes belong to "
                   "labels")
    return "".join(line + "\n" for line in lines)


# ---- reading -----------------------------------------------------------------------------------

def read_schema(path: Path) -> Schema | None:
    """The annotation.conf beside `path` (a folder, .txt or .ann), parsed; None if absent."""
    path = Path(path)
    conf = (path if path.is_dir() else path.parent) / CONF
    if not conf.is_file():
        return None
    try:
        return parse_brat_conf(read_text(conf), where=str(conf))
    except ValidationError as exc:
        raise FormatError(str(conf), None, exc.message) from None


def pairs(path: Path) -> list[tuple[Path, Path]]:
    """(txt, ann) pairs under a folder (recursively), or for one .txt or .ann file."""
    path = Path(path)
    if path.is_dir():
        anns = sorted(p for p in path.rglob("*.ann") if p.is_file())
    elif path.suffix == ".txt":
        anns = [path.with_suffix(".ann")]
    else:
        anns = [path]
    out = []
    for ann in anns:
        txt = ann.with_suffix(".txt")
        if not txt.is_file():
            raise FormatError(str(ann), None, f"no {txt.name} beside it")
        out.append((txt, ann))
    return out


def read(path: Path) -> Iterator[DocumentRecord]:
    path = Path(path)
    confs: dict[Path, Schema | None] = {}
    for txt, ann in pairs(path):
        if txt.parent not in confs:
            confs[txt.parent] = read_schema(txt.parent)
        yield read_pair(txt, ann, confs[txt.parent])


def _role_name(raw: str, etype: str, schema: Schema | None) -> str:
    if schema is not None:
        ev = schema.event(etype)
        if ev is not None and ev.role(raw):
            return raw
    stripped = raw.rstrip("0123456789")
    return stripped or raw


def read_pair(txt: Path, ann: Path, schema: Schema | None = None) -> DocumentRecord:
    text = read_text(txt)
    raw = read_text(ann) if ann.is_file() else ""
    where = str(ann)
    doc = DocumentRecord(text=text, title=txt.stem, origin=(str(ann), None))
    spans: dict[str, SpanRecord] = {}
    events: dict[str, EventRecord] = {}
    # deferred references: (line, kind, payload)
    later: list[tuple[int, str, Any]] = []

    def fail(lineno: int, msg: str) -> None:
        raise FormatError(where, lineno, msg)

    for lineno, line in enumerate(raw.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        bid = fields[0].strip()
        body = fields[1] if len(fields) > 1 else ""
        kind = bid[:1]
        if kind == "T":
            _read_t(doc, spans, events, bid, fields, text, lineno, fail)
        elif kind == "E":
            parts = body.split()
            if not parts or ":" not in parts[0]:
                fail(lineno, f"event {bid}: expected Type:Trigger")
            etype, trig = parts[0].split(":", 1)
            ev = EventRecord(trigger=trig, type=etype, id=bid)
            for p in parts[1:]:
                role, _, target = p.partition(":")
                if not target:
                    fail(lineno, f"event {bid}: argument {p!r} is not Role:ID")
                ev.arguments.append(ArgumentRecord(_role_name(role, etype, schema), target))
            if bid in events or bid in spans:
                fail(lineno, f"ID {bid} is defined twice")
            events[bid] = ev
            doc.events.append(ev)
            later.append((lineno, "E", ev))
        elif kind == "R":
            parts = body.split()
            args = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
            if not parts or "Arg1" not in args or "Arg2" not in args:
                fail(lineno, f"relation {bid}: expected Label Arg1:ID Arg2:ID")
            rel = RelationRecord(args["Arg1"], args["Arg2"], parts[0], id=bid)
            doc.relations.append(rel)
            later.append((lineno, "R", rel))
        elif kind == "*":
            parts = body.split()
            if len(parts) < 3:
                fail(lineno, "equivalence: expected Equiv ID ID ...")
            for a, b in itertools.pairwise(parts[1:]):
                rel = RelationRecord(a, b, parts[0], id=f"{bid}{lineno}:{a}")
                doc.relations.append(rel)
                later.append((lineno, "R", rel))
        elif kind in ("A", "M"):
            parts = body.split()
            if len(parts) not in (2, 3):
                fail(lineno, f"attribute {bid}: expected Name ID [Value]")
            later.append((lineno, "A", parts))
        elif kind == "N":
            parts = body.split()
            if len(parts) != 3:
                fail(lineno, f"normalization {bid}: expected Reference ID DB:ID")
            later.append((lineno, "N", parts))
        elif kind == "#":
            parts = body.split()
            if len(parts) < 2:
                fail(lineno, f"note {bid}: expected AnnotatorNotes ID")
            note = "\t".join(fields[2:])
            later.append((lineno, "#", (parts[1], note)))
        else:
            fail(lineno, f"unknown annotation {bid!r}: brat lines start with T, R, E, A, M, N, "
                         "* or #")

    def target(lineno: int, ref: str, what: str, allowed: str = "TE") -> None:
        ok = (ref in spans and "T" in allowed) or (ref in events and "E" in allowed)
        if not ok:
            fail(lineno, f"{what} points to {ref}, which is not defined in this file")

    for lineno, kind, payload in later:
        if kind == "E":
            target(lineno, payload.trigger, f"event {payload.id} trigger", "T")
            for a in payload.arguments:
                target(lineno, a.target, f"event {payload.id} argument {a.role}")
        elif kind == "R":
            target(lineno, payload.head, f"relation {payload.label}")
            target(lineno, payload.tail, f"relation {payload.label}")
        elif kind == "A":
            name, ref, *value = payload
            target(lineno, ref, f"attribute {name}")
            item = spans.get(ref) or events[ref]
            item.attributes[name] = value[0] if value else True
        elif kind == "N":
            _, ref, kb = payload
            target(lineno, ref, "normalization", "T")
            spans[ref].kb_id = kb
        elif kind == "#":
            ref, note = payload
            if ref in spans:
                spans[ref].note = note if spans[ref].note is None else spans[ref].note + "\n" + note
            elif ref in events:
                doc.comments.append(f"{ref}: {note}")
            else:
                target(lineno, ref, "note")
    return doc


def _read_t(doc, spans, events, bid, fields, text, lineno, fail) -> None:
    if len(fields) < 2:
        fail(lineno, f"text-bound {bid}: expected Label START END")
    head = fields[1].split(" ", 1)
    if len(head) != 2:
        fail(lineno, f"text-bound {bid}: expected Label START END")
    label, offs = head[0], head[1]
    frags: list[tuple[int, int]] = []
    for piece in offs.split(";"):
        nums = piece.split()
        if len(nums) != 2 or not all(n.isdigit() for n in nums):
            fail(lineno, f"text-bound {bid}: offsets {piece.strip()!r} are not START END")
        a, b = int(nums[0]), int(nums[1])
        if not 0 <= a < b <= len(text):
            fail(lineno, f"text-bound {bid}: offsets [{a}, {b}) are outside the text "
                         f"(length {len(text)}) or empty")
        frags.append((a, b))
    if len(fields) > 2:
        expected = " ".join(text[a:b] for a, b in frags).translate(_WS)
        seen = fields[2].translate(_WS)
        if seen != expected:
            fail(lineno, f"text-bound {bid}: its text {fields[2]!r} differs from the .txt at "
                         f"those offsets ({expected!r})")
    if bid in spans or bid in events:
        fail(lineno, f"ID {bid} is defined twice")
    span = SpanRecord(min(a for a, _ in frags), max(b for _, b in frags), label, id=bid,
                      fragments=frags if len(frags) > 1 else None)
    spans[bid] = span
    doc.spans.append(span)


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.format import Format, Probe  # noqa: E402 (the declaration stays at the end)


def _sniff(probe: Probe) -> bool:
    """An .ann file, or a .txt with its .ann beside it."""
    return probe.suffix == ".ann" or (probe.suffix == ".txt" and
                                      probe.path.with_suffix(".ann").is_file())


def _holds_ann(folder: Path) -> bool:
    return any(folder.rglob("*.ann"))


def _document_key(path: Path) -> Path:
    return path.with_suffix("") if path.suffix.lower() in (".txt", ".ann") else path


FORMAT = Format(name=NAME, extensions=EXTENSIONS, read=read, write=write, sniff=_sniff,
                sniff_folder=_holds_ann, reads_folders=True, document_key=_document_key,
                read_schema=read_schema)
