"""brat standoff: a folder of ``DOC.txt`` + ``DOC.ann`` pairs and an ``annotation.conf``.

``.ann`` lines, fields TAB-separated, read as brat reads them (server/src/annotation.py):

* ``T1<TAB>Label 0 5;9 12<TAB>text``: a text-bound span, possibly in fragments (the text
  field is the fragments' texts joined by one space, with TAB/CR/LF shown as spaces; a text
  that differs from the .txt at those offsets is refused);
* ``R1<TAB>Label Arg1:T1 Arg2:T2``: a relation, head the first argument, tail the second;
* ``E1<TAB>Type:T3 Role:T1 Role2:E2``: an event with its trigger and arguments, roles kept
  as written (``Theme2``, brat's second Theme, stays ``Theme2``: BioNLP pairs it with
  ``Site2``); an argument may be another event;
* ``A1<TAB>Name ID`` (binary) / ``A1<TAB>Name ID Value`` (valued), on a span, an event or a
  relation (``M`` lines, brat's older name, are read and written back as ``M``);
* ``N1<TAB>Type ID DB:ID<TAB>text``: a normalization; the first is the span's ``kb_id``,
  every one is kept with its type and own text;
* ``#1<TAB>Type ID<TAB>note``: a note of any type on any annotation (T, R, E, A, N);
  AnnotatorNotes on a span are also its ``note``;
* ``#1<TAB>Category DOCUMENT<TAB>politics``: a document category (one note per accepted
  category; ``DOCUMENT`` is no annotation's ID: brat has no annotation of the whole
  document, and shows the note on nothing); a rejected category is not written; the
  category groups (with their exclusivity) are comment lines of annotation.conf
  (models/brat_conf.py), so a re-import puts each back in its group;
* ``*<TAB>Equiv T1 T2 ...``: an equivalence group, stored as relations T1->T2->T3 and
  written back as one group, as are the relations of a type annotation.conf declares
  symmetric and transitive.

Offsets are character offsets (code points) into the .txt read as UTF-8 with line ends
untouched, the same as ours: no conversion. The .txt is written byte-exact; the folder is
written whole or not at all (base.atomic_folder). annotation.conf is the nearest one in the
folder or above it, as brat looks for it, read by models/brat_conf.py.

Not carried (reported on export): document comments, attribute values holding white
space, kb_ids holding white space, span states/sources/scores. Note line breaks become
spaces. The document title becomes the file name (made safe; reported when it changed);
the reader sets the title to the file name. Each line keeps the ID it was read with (kept in
the label's extra: exports/brat_ann.py), so a brat file comes back line for line; labels made
here get the lowest free number of their kind. Lines are written grouped by kind (T, E, R,
*, A/M, N, #), spans in offset order, not in the file's order (brat does not care).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from exports.base import (
    ExportOptions, ExportReport, atomic_folder, read_text, report_incomplete)
from exports.brat_ann import ann_text
from exports.brat_read import read_pair
from models.errors import FormatError, ValidationError
from models.records import DocumentRecord, RelationRecord
from models.brat_conf import parse_brat_conf, to_brat_conf
from models.schema import AttributeDef, Schema

NAME = "brat"
EXTENSIONS = (".ann",)
CONF = "annotation.conf"
__all__ = ["NAME", "EXTENSIONS", "CONF", "read", "write", "read_schema", "read_pair",
           "ann_text", "pairs", "conf_schema"]


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
        for item in [*doc.spans, *doc.events, *doc.relations]:
            held = (item.extra.get("attributes") or {}) if isinstance(item, RelationRecord) \
                else item.attributes
            for k, v in held.items():
                attrs.setdefault(k, set())
                if isinstance(v, str):
                    attrs[k].add(v)
    # a trigger's span carries its event type's name: brat lists that under [events] only
    used["entities"] -= used["events"] | {e.name for e in out.events}
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
    report = ExportReport(NAME)
    docs = list(records)
    with atomic_folder(out) as tmp:
        _write_into(tmp, docs, schema, options, report)
    report.files = [out / p.name for p in report.files]
    return report


def _write_into(out: Path, docs: list[DocumentRecord], schema: Schema | None,
                options: ExportOptions, report: ExportReport) -> None:
    taken: set[str] = set()
    conf = conf_schema(schema, docs)
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
        report_incomplete(doc, report, "brat")
        ann = ann_text(doc, report, conf)
        _write(out / f"{stem}.txt", doc.text)
        _write(out / f"{stem}.ann", ann)
        report.files += [out / f"{stem}.txt", out / f"{stem}.ann"]
        report.documents += 1
        if options.progress:
            options.progress(n)
    _write(out / CONF, to_brat_conf(conf))
    report.files.append(out / CONF)


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:  # the folder is renamed whole
        f.write(text)


# ---- reading -----------------------------------------------------------------------------------

def conf_of(path: Path) -> Path | None:
    """The annotation.conf of `path` (a folder, .txt or .ann): the nearest one in its folder
    or above it, as brat looks for it."""
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    return next((d / CONF for d in [folder.absolute(), *folder.absolute().parents]
                 if (d / CONF).is_file()), None)


def read_schema(path: Path) -> Schema | None:
    """The annotation.conf of `path` (a folder, .txt or .ann), parsed; None if none."""
    conf = conf_of(path)
    if conf is None:
        return None
    try:
        return parse_brat_conf(read_text(conf), where=str(conf))
    except ValidationError as exc:  # "line N: ..." becomes file:N
        m = re.match(r"line (\d+): (.*)$", exc.message, re.S)
        raise FormatError(str(conf), int(m.group(1)) if m else None,
                          m.group(2) if m else exc.message) from None


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
                read_schema=read_schema, schema_file=conf_of, writes_folder=True)
