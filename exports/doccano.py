"""doccano JSONL, the forms doccano imports and exports (``--doccano-form``):

* ``entities`` (sequence labeling and relation extraction, doccano >= 1.x)::

    {"text": ..., "entities": [{"id": 1, "start_offset": 0, "end_offset": 5, "label": "PER"}],
     "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "works_for"}],
     "cats": ["politics"]}       # when the document has categories

* ``label`` (the older sequence-labeling form, no relations):
  ``{"text": ..., "label": [[0, 5, "PER"]]}``
* ``intent`` (intent detection and slot filling):
  ``{"text": ..., "entities": [[0, 5, "PER"]], "cats": ["book_flight"]}``
* ``classification`` (text classification): ``{"text": ..., "label": ["positive"]}``
* ``csv``, ``tsv`` and ``fasttext``: doccano's text-classification files that are not JSON
  (exports/doccano_csv.py): a header row and a ``label`` cell of names joined by ``#``; or
  ``__label__NAME`` words and the text, one document a line. Read by extension (.csv,
  .tsv) or with the form chosen on import (fastText only so: a .txt is plain text); a CSV
  with doccano's other delimiters (semicolon, pipe, space) with ImportOptions'
  ``doccano_delimiter``.
* ``xlsx`` (import only; doccano exports no Excel either): the same rows from the first
  sheet of an Excel workbook (exports/doccano_xlsx.py), by extension or chosen.

Offsets are character offsets (code points), the same as ours: no conversion.

Carried: text, spans (start, end, label), relations (entities form), the document's
accepted categories (``cats``, or ``label`` in the classification form), ``title`` and the
other top-level keys as document meta, the annotator's active time on the document as a
top-level ``active_seconds`` (when there is some; read back into the layer). A rejected
category is not written (doccano has no "no" but its absence). Not carried (each one
reported on export): events, discontinuous fragments (written as one covering span), span
attributes, kb_ids, notes, comments, span states; relations in the ``label`` and ``intent``
forms; categories in the ``label`` form; spans and relations in the ``classification`` form.

The reader takes every form, line by line: ``entities`` as objects or as [start, end,
label] lists, ``relations``, ``cats`` (a list of category names), ``label`` as [start, end,
label] lists (spans) or as names (categories, doccano's text classification; ``labels``
too, the other name doccano's files give that column, written back under it). A JSON array
file (doccano's .json export) is read too; its errors name the line where the item starts.
``label`` may also hold one name, or spans as doccano's ``{"start_offset", ...}`` objects.
The text and label keys can have other names (ImportOptions: doccano's import options
``column_data`` and ``column_label``); exports write doccano's own, as doccano does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from exports.base import (
    DOCCANO_DELIMITERS,
    output_file,
    ExportOptions,
    ExportReport,
    ImportOptions,
    check_offsets,
    iter_jsonl,
    jsonl_files,
    report_incomplete,
    report_unsupported,
    require_text,
    write_jsonl,
)
from exports import doccano_csv, doccano_xlsx
from models.errors import FormatError
from models.records import CategoryRecord, DocumentRecord, RelationRecord, SpanRecord
from models.schema import Schema

NAME = "doccano"
EXTENSIONS = (".jsonl", ".json")
ACTIVE_KEY = "active_seconds"  # top level: the annotator's active time on the document
RESERVED = ("text", "entities", "relations", "label", "title", "cats", "labels", ACTIVE_KEY)
# doccano takes the label column's name at import ("label" by default); "labels" is the
# other one its own files use. A category read from it keeps it, to be written back under it.
LABEL_KEYS = ("label", "labels")
TABLE_FORMS = ("csv", "tsv", "fasttext")  # the --doccano-form values of doccano_csv.py


def write(records: Iterable[DocumentRecord], out: Path, schema: Schema | None = None,
          options: ExportOptions | None = None) -> ExportReport:
    options = options or ExportOptions()
    form = options.doccano_form
    if form in TABLE_FORMS:  # CSV, TSV, fastText: exports/doccano_csv.py
        return doccano_csv.write(records, out, options, RESERVED)
    out = output_file(out, "doccano.jsonl", (".json", ".ndjson"))
    report = ExportReport(NAME)
    # the classification form's column name ("label" or "labels") of the documents before:
    # a document without categories has nothing that remembers which one its file used
    cat_key = ["label"]

    def rows() -> Iterator[dict]:
        for n, doc in enumerate(records, 1):
            report_unsupported(doc, report, f"doccano ({form} form)", kb_ids=True,
                               relations=form in ("label", "intent", "classification"),
                               categories=form == "label")
            report_incomplete(doc, report, "doccano")
            if form == "classification":
                for sp in doc.spans:
                    report.add(doc, "span", sp.label, sp.start, sp.end,
                               "left out: doccano's classification form has no spans")
            row: dict = {"text": doc.text}
            if doc.title:
                row["title"] = doc.title
            for k, v in doc.meta.items():
                if k in RESERVED:
                    report.add(doc, "meta", k, None, None,
                               f"meta key {k!r} left out: doccano uses it for something else")
                else:
                    row[k] = v
            if doc.active_seconds:
                row[ACTIVE_KEY] = doc.active_seconds
            ids: dict[str, int] = {}
            spans = sorted(doc.spans, key=lambda s: (s.start, s.end, s.label))
            cats = [c.name for c in doc.categories if c.state == "accepted"]
            if form == "classification":
                spans = []
                keys = {c.extra.get("doccano_key") for c in doc.categories
                        if c.state == "accepted"}
                if keys:
                    cat_key[0] = "labels" if keys == {"labels"} else "label"
                row[cat_key[0]] = cats
            elif form == "label":
                row["label"] = [[s.start, s.end, s.label] for s in spans]
                cats = []
            elif form == "intent":
                row["entities"] = [[s.start, s.end, s.label] for s in spans]
                row["cats"] = cats
            else:
                entities = []
                for i, s in enumerate(spans, 1):
                    if s.id:
                        ids[s.id] = i
                    entities.append({"id": i, "start_offset": s.start, "end_offset": s.end,
                                     "label": s.label})
                relations = []
                for r in doc.relations:
                    if r.head not in ids or r.tail not in ids:
                        report.add(doc, "relation", r.label, None, None,
                                   "left out: it points to a span that is not exported")
                        continue
                    relations.append({"id": len(relations) + 1, "from_id": ids[r.head],
                                      "to_id": ids[r.tail], "type": r.label})
                row["entities"] = entities
                row["relations"] = relations
                if cats:
                    row["cats"] = cats
                report.relations += len(relations)
            report.categories += len(cats)
            report.spans += len(spans)
            report.documents += 1
            if options.progress:
                options.progress(n)
            yield row

    write_jsonl(out, rows())
    report.files.append(out)
    return report


def read(path: Path, options: ImportOptions | None = None) -> Iterator[DocumentRecord]:
    options = options or ImportOptions()
    cols = _Columns(options)
    form = doccano_csv.form_of(path, options.doccano_import_form)
    if options.doccano_delimiter != "auto" and form not in ("csv", "tsv"):
        raise FormatError(str(path), None, "--doccano-delimiter is for doccano's CSV (a .csv "
                                           "or .tsv file, or --doccano-form csv); this is "
                                           f"read as {form or 'JSON'}")
    if form is not None and Path(path).is_file():
        yield from _read_table(Path(path), form, options, cols)
        return
    for file in jsonl_files(Path(path)):
        seen = False
        plain = _PLAIN_LINE if cols.default else None  # named columns: the general reader
        for lineno, obj in iter_jsonl(file, plain):
            if type(obj) is _PlainLine:
                rec = _plain_record(obj, file, lineno)
                if rec is not None:
                    yield rec
                    continue
                obj = msgspec.to_builtins(obj)  # the general reader words what is wrong
            seen = seen or any(k in obj for k in cols.seen_keys)
            yield _record(obj, file, lineno, cols)
        if cols.custom_label and not seen:  # a typo in the name, most likely: say so
            raise FormatError(str(file), None, f'no record has the label column '
                                               f'"{cols.seen_keys[0]}" '
                                               '(--doccano-label-column)')


class _Entity(msgspec.Struct, forbid_unknown_fields=True):
    id: int
    start_offset: int
    end_offset: int
    label: str


class _PlainLine(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The common line (doccano's own export of sequence labeling): text and entities
    with numeric ids, nothing else. msgspec decodes it straight into these types, checking
    them (a fifth less time than dicts and a test per key, on the import benchmark's
    corpus); a line of any other shape is read by `_record`."""
    text: str
    entities: list[_Entity]
    relations: list[dict] = []


_PLAIN_LINE = msgspec.json.Decoder(_PlainLine)


def _plain_record(line: _PlainLine, path: Path, lineno: int) -> DocumentRecord | None:
    """The record of a plain line, what `_record` makes of it; None when something in it is
    wrong (offsets, an empty label, an id twice) or it has relations: `_record` reads it."""
    text, n = line.text, len(line.text)
    if line.relations:
        return None
    spans = []
    append = spans.append
    for ent in line.entities:
        start, end, label = ent.start_offset, ent.end_offset, ent.label
        if not (0 <= start < end <= n and label):
            return None
        append(SpanRecord(start, end, label, str(ent.id)))
    if len({sp.id for sp in spans}) != len(spans):
        return None
    return DocumentRecord(text=text, origin=(str(path), lineno), spans=spans)


def _read_table(path: Path, form: str, options: ImportOptions,
                cols: _Columns) -> Iterator[DocumentRecord]:
    """doccano's CSV, TSV and fastText files (text classification)."""
    if form == "fasttext":
        if options.doccano_text_column != "text" or cols.custom_label:
            raise FormatError(str(path), None, "--doccano-text-column and --doccano-label-"
                                               "column name JSON or CSV columns; a fastText "
                                               "line has none")
        yield from doccano_csv.read_fasttext(path)
        return
    if form == "xlsx":
        yield from doccano_xlsx.read(path, cols.text, options.doccano_label_column,
                                     cols.custom_label)
        return
    delimiter = DOCCANO_DELIMITERS[options.doccano_delimiter] or doccano_csv.DELIMITERS[form]
    yield from doccano_csv.read_table(path, delimiter, cols.text,
                                      options.doccano_label_column, cols.custom_label)


class _Columns:
    """The keys of the text and of the labels: doccano's defaults ("text"; "label", and
    "labels" its own files use too) or the ones a user named, as in doccano's import dialog.
    A named label column takes the place of both; "text", "label" and "labels" set aside
    are then kept as meta like any other key."""

    def __init__(self, options: ImportOptions):
        self.text = options.doccano_text_column
        label = options.doccano_label_column
        self.default = self.text == "text" and label == "label"
        self.custom_label = label != "label"
        self.seen_keys = (label,) if self.custom_label else LABEL_KEYS
        # "entities" and "cats" are read as themselves already: not a second time
        self.label_keys = tuple(k for k in self.seen_keys
                                if k != self.text and k not in ("entities", "cats"))
        self.hint = (" (the text column named with --doccano-text-column)"
                     if self.text != "text" else "")
        self.reserved = (frozenset(RESERVED) - {"text", "label", "labels"}) | {
            self.text, *self.seen_keys}


_DEFAULT = _Columns(ImportOptions())


def _record(obj: dict, path: Path, lineno: int, cols: _Columns = _DEFAULT) -> DocumentRecord:
    text = obj.get(cols.text)
    if type(text) is not str:
        try:
            require_text(obj, path, lineno, cols.text)
        except FormatError as exc:
            hint = cols.hint or (" (a file with its text under another key: "
                                 "--doccano-text-column NAME)" if text is None else "")
            raise FormatError(str(path), lineno, exc.message + hint) from None
    doc = DocumentRecord(text=text, origin=(str(path), lineno))
    title = obj.get("title")
    if isinstance(title, str):
        doc.title = title
    reserved = cols.reserved
    for k, v in obj.items():
        if k not in reserved:
            doc.meta[k] = v
    if ACTIVE_KEY in obj:  # checked with the record's other fields before it is stored
        doc.active_seconds = obj[ACTIVE_KEY]
    names = _names(obj.get("cats", []), path, lineno, '"cats"')
    keyed: dict[str, dict] = {}
    span_lists = []
    for key in cols.label_keys:
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, str) and value:  # one category (doccano's CSV, or JSON so)
            value = [value]
        if not isinstance(value, list):
            raise FormatError(str(path), lineno, f'"{key}" is neither a list of [start, end, '
                                                 'label] nor category names')
        if value and all(isinstance(x, str) for x in value):  # text classification
            found = _names(value, path, lineno, f'"{key}"')
            if key == "labels":  # written back under the name its file gave it
                keyed.update((n, {"doccano_key": "labels"}) for n in found)
            else:
                names += found
        else:
            span_lists.append((key, value))
    doc.categories = [CategoryRecord(n, extra=dict(keyed.get(n, {})))
                      for n in dict.fromkeys([*names, *keyed])]
    if "entities" in obj:
        entities = obj["entities"]
        if not isinstance(entities, list):
            raise FormatError(str(path), lineno, '"entities" is not a list')
        doc.spans = _entities(entities, text, path, lineno)
        seen = {sp.id for sp in doc.spans}
        if len(seen) != len(doc.spans):
            ids = [sp.id for sp in doc.spans]
            dup = next(i for i in ids if ids.count(i) > 1)
            raise FormatError(str(path), lineno, f"entity id {dup} is used twice")
        rels = obj.get("relations") or []
        if not isinstance(rels, list):
            raise FormatError(str(path), lineno, '"relations" is not a list')
        for i, rel in enumerate(rels, 1):
            if not isinstance(rel, dict):
                raise FormatError(str(path), lineno, f"relation {i} is not an object")
            head, tail = str(rel.get("from_id")), str(rel.get("to_id"))
            for end_id in (head, tail):
                if end_id not in seen:
                    raise FormatError(str(path), lineno, f"relation {i} points to entity id "
                                                         f"{end_id}, which is not there")
            rtype = rel.get("type", rel.get("label"))
            if not isinstance(rtype, str) or not rtype:
                raise FormatError(str(path), lineno, f"relation {i} has no type")
            rid = str(rel["id"]) if "id" in rel else f"R{i}"
            doc.relations.append(RelationRecord(head, tail, rtype, id=rid))
    for key, items in span_lists:  # sequence labeling: [start, end, label] (or doccano's dict)
        for i, item in enumerate(items, 1):
            what = "label" if key == "label" else f'"{key}" item'
            if isinstance(item, dict):  # doccano reads {"start_offset", ...} here too
                item = [item.get("start_offset"), item.get("end_offset"), item.get("label")]
            elif not isinstance(item, (list, tuple)) or len(item) != 3:
                raise FormatError(str(path), lineno, f"{what} {i} is not [start, end, label]")
            start, end = check_offsets(item[0], item[1], text, path, lineno, f"{what} {i}")
            if not isinstance(item[2], str) or not item[2]:
                raise FormatError(str(path), lineno, f"{what} {i} has no label name")
            doc.spans.append(SpanRecord(start, end, item[2], id=f"T{len(doc.spans) + 1}"))
    return doc


def _names(value: object, path: Path, lineno: int, what: str) -> list[str]:
    """Category names: a list of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise FormatError(str(path), lineno, f"{what} is not a list of category names")
    return value


def _entities(entities: list, text: str, path: Path, lineno: int) -> list[SpanRecord]:
    """The spans of an ``entities`` list. One cheap test per entity; the slow checks run
    only to word the error (imports run to millions of spans)."""
    n_text = len(text)
    out: list[SpanRecord] = []
    append = out.append
    for i, ent in enumerate(entities, 1):
        if type(ent) is list:  # intent detection: [start, end, label]
            if len(ent) != 3:
                raise FormatError(str(path), lineno, f"entity {i} is not [start, end, label]")
            start, end = check_offsets(ent[0], ent[1], text, path, lineno, f"entity {i}")
            if not isinstance(ent[2], str) or not ent[2]:
                raise FormatError(str(path), lineno, f"entity {i} has no label")
            append(SpanRecord(start, end, ent[2], f"T{i}"))
            continue
        if type(ent) is not dict:
            raise FormatError(str(path), lineno, f"entity {i} is not an object or [start, "
                                                 "end, label]")
        start, end, lab = ent.get("start_offset"), ent.get("end_offset"), ent.get("label")
        if not (type(start) is int and type(end) is int and 0 <= start < end <= n_text
                and type(lab) is str and lab):
            start, end = check_offsets(start, end, text, path, lineno, f"entity {i}")
            raise FormatError(str(path), lineno, f"entity {i} has no label")
        append(SpanRecord(start, end, lab, str(ent["id"]) if "id" in ent else f"T{i}"))
    return out


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.base import DOCCANO_FORMS, DOCCANO_IMPORT_FORMS  # noqa: E402 (the declaration stays at the end)
from exports.format import Format, Option, Probe  # noqa: E402 (the declaration stays at the end)


# Keys of Prodigy's tasks: a Prodigy textcat task has a "label" too (a string, with "answer")
_PRODIGY = frozenset(("answer", "_input_hash", "_task_hash", "_view_id", "_session_id",
                      "options", "accept", "spans", "tokens"))


def _sniff(probe: Probe) -> bool:
    """JSON whose first object has doccano's "entities", "cats" or a "label" list, and
    none of the keys of a Prodigy task; or an Excel workbook (no other format reads one)."""
    if probe.suffix == ".xlsx":
        return True
    obj = probe.suffix in (".jsonl", ".json") and probe.first_json
    return bool(obj) and _PRODIGY.isdisjoint(obj) and (
        "entities" in obj or "cats" in obj or isinstance(obj.get("label"), list)
        or isinstance(obj.get("labels"), list))


FORMAT = Format(
    name=NAME, extensions=EXTENSIONS, read=read, write=write, sniff=_sniff,
    options=(Option("doccano_form", "--doccano-form", choices=DOCCANO_FORMS,
                    help='"entities" (with relations and cats), the older "label" form, "intent" '
                         '(entities as lists, with cats), "classification" (label: the '
                         'categories), or doccano\'s "csv", "tsv" and "fasttext" files of '
                         'text classification'),),
    import_options=(
        Option("doccano_text_column", "--doccano-text-column", metavar="NAME",
               help="the key holding the text (doccano's import option column_data)"),
        Option("doccano_label_column", "--doccano-label-column", metavar="NAME",
               help="the key holding the labels, category names or [start, end, label] "
                    "(doccano's column_label)"),
        Option("doccano_import_form", "--doccano-form", choices=DOCCANO_IMPORT_FORMS,
               help='"auto" (a .csv, .tsv or .xlsx file as doccano\'s CSV, TSV or Excel, '
                    'else JSON), "csv", "tsv", "fasttext" (__label__NAME words and the '
                    'text, one document a line; only when chosen) or "xlsx"'),
        Option("doccano_delimiter", "--doccano-delimiter", choices=tuple(DOCCANO_DELIMITERS),
               help="a CSV's delimiter, one of doccano's (auto: a comma in a .csv, a tab in "
                    "a .tsv)", shown_with=("doccano_import_form", ("auto", "csv", "tsv")))))
