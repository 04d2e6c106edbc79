"""doccano's text-classification files that are not JSON: CSV (or TSV) and fastText.

What doccano does (backend/data_import/pipeline/parsers.py, CSVParser and FastTextParser;
backend/data_export/pipeline/formatters.py, JoinedCategoryFormatter and
FastTextCategoryFormatter):

* CSV: a header row, then one document a row; the text and the label columns are named by
  the import options column_data and column_label ("text", "label"), the other columns go
  to the document's meta. doccano's export writes ``id,text,<meta>,label,Comments``, the
  categories of a document sorted and joined by ``#`` in one cell. We read a label cell as
  those names split at ``#`` (doccano's own importer takes the cell as one name, so its
  exports do not come back; ours do), and write ``text,<title>,<meta>,<active_seconds>,
  label`` (title and active time when a document has them: read back as such).
* TSV: the same with a tab (one of doccano's delimiter choices; doccano exports no TSV).
  doccano's other choices (its ArgDelimiter in catalog.py: semicolon, pipe, space) are read
  with ImportOptions.doccano_delimiter (written: comma or tab only).
* Excel: exports/doccano_xlsx.py reads the same rows from a workbook (import only).
* fastText: one document a line, ``__label__NAME`` words (anywhere in the line, as doccano
  and fastText read them) the categories, the other words, joined by one space, the text.
  doccano's export writes the labels sorted, then the text and a trailing space.

A document with an empty text is refused (doccano reports it and stores the rest; we store
nothing), as is an empty label name. A text holding a line break cannot be one fastText
line: written with spaces there, reported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from exports.base import (
    ExportOptions,
    ExportReport,
    atomic_open,
    output_file,
    report_incomplete,
    report_unsupported,
)
from models.errors import FormatError
from models.records import CategoryRecord, DocumentRecord

JOIN = "#"  # doccano's export joins a document's categories so in one CSV cell
PREFIX = "__label__"  # fastText's label prefix (doccano's FastTextParser default)
ACTIVE_KEY = "active_seconds"
DELIMITERS = {"csv": ",", "tsv": "\t"}
CELL_LIMIT = 64_000_000  # above the store's limit of a document (50 million characters)


def form_of(path: Path, form: str) -> str | None:
    """The non-JSON form a file is read in: the one chosen, else by its extension."""
    if form != "auto":
        return form
    return {".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx"}.get(Path(path).suffix.lower())


# ---- reading --------------------------------------------------------------------------------

def encoding_of(path: Path) -> str:
    """UTF-8, or UTF-16 when the file starts with its byte-order mark (Excel's "Unicode
    text"; doccano's own test data has such a CSV). doccano guesses any encoding with
    chardet; we do not guess."""
    with open(path, "rb") as f:
        head = f.read(2)
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def read_table(path: Path, delimiter: str, text_col: str, label_col: str,
               custom_label: bool) -> Iterator[DocumentRecord]:
    """A doccano CSV (or TSV): the header row names the columns."""
    where = str(path)
    # csv's default limit is 128 KiB a cell: a long article is one cell here, and the
    # record checks say what is too long (the limit is process-wide; only ever raised)
    csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))
    with open(path, encoding=encoding_of(path), newline="") as f:
        rows = csv.reader(f, delimiter=delimiter, strict=True)
        try:
            header, start = _next_row(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FormatError(where, rows.line_num, f"not {_what(delimiter)}: {exc}") from None
        check_header(header, where, start, text_col, label_col, custom_label)
        while True:
            try:
                cells, lineno = _next_row(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FormatError(where, rows.line_num, f"not {_what(delimiter)}: {exc}"
                                  ) from None
            if len(cells) != len(header):
                raise FormatError(where, lineno, f"{len(cells)} cells, the header has "
                                                 f"{len(header)}")
            yield row_record(dict(zip(header, cells)), where, lineno, text_col, label_col)


def _what(delimiter: str) -> str:
    return "TSV" if delimiter == "\t" else "CSV"


def _next_row(rows) -> tuple[list[str], int]:
    """The next non-blank row and the line it starts on (a quoted cell may span lines)."""
    while True:
        start = rows.line_num + 1
        cells = next(rows)
        if cells:
            return cells, start


def check_header(header: list[str], where: str, lineno: int, text_col: str,
                  label_col: str, custom_label: bool) -> None:
    for name in header:
        if header.count(name) > 1:
            raise FormatError(where, lineno, f'column "{name}" is twice in the header')
    if text_col not in header:
        hint = ("" if text_col != "text" else
                " (a file with its text under another column: --doccano-text-column NAME)")
        raise FormatError(where, lineno, f'no text column "{text_col}" in the header '
                                         f'({", ".join(header)}){hint}')
    if custom_label and label_col not in header:  # a typo in the name, most likely
        raise FormatError(where, lineno, f'no label column "{label_col}" in the header '
                                         '(--doccano-label-column)')


def row_record(row: dict[str, str], where: str, lineno: int, text_col: str,
                label_col: str) -> DocumentRecord:
    text = row.pop(text_col)
    if not text:
        raise FormatError(where, lineno, f'column "{text_col}": empty text')
    doc = DocumentRecord(text=text, origin=(where, lineno))
    names = _split(row.pop(label_col, ""), where, lineno, f'column "{label_col}"')
    doc.categories = [CategoryRecord(n) for n in names]
    if "title" in row:
        doc.title = row.pop("title") or None
    active = row.pop(ACTIVE_KEY, "")
    if active:
        try:
            doc.active_seconds = int(active)  # whole seconds, as the layer keeps them
        except ValueError:
            raise FormatError(where, lineno, f'column "{ACTIVE_KEY}": {active!r} is not a '
                                             'whole number of seconds') from None
    doc.meta.update(row)  # the other columns, as doccano keeps them (its example's meta)
    return doc


def _split(cell: str, where: str, lineno: int, what: str) -> list[str]:
    """The category names of a label cell: none when empty, else names joined by '#'."""
    if not cell:
        return []
    names = cell.split(JOIN)
    if not all(names):
        raise FormatError(where, lineno, f"{what}: an empty label name in {cell!r}")
    return list(dict.fromkeys(names))


def read_fasttext(path: Path) -> Iterator[DocumentRecord]:
    where = str(path)
    with open(path, encoding=encoding_of(path)) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip()
            if not line:
                continue
            names, words = [], []
            for word in line.split(" "):  # one space, as doccano splits (runs are kept)
                if word.startswith(PREFIX):
                    name = word[len(PREFIX):]
                    if not name:
                        raise FormatError(where, lineno, f'"{PREFIX}" without a label name')
                    names.append(name)
                else:
                    words.append(word)
            text = " ".join(words).strip(" ")
            if not text:
                raise FormatError(where, lineno, "labels but no text")
            doc = DocumentRecord(text=text, origin=(where, lineno))
            doc.categories = [CategoryRecord(n) for n in dict.fromkeys(names)]
            yield doc


# ---- writing --------------------------------------------------------------------------------

def write(records: Iterable[DocumentRecord], out: Path, options: ExportOptions,
          reserved: tuple[str, ...]) -> ExportReport:
    form = options.doccano_form
    report = ExportReport("doccano")
    if form == "fasttext":
        out = output_file(out, "doccano.txt")
        with atomic_open(out, "w") as f:
            for n, doc in enumerate(records, 1):
                f.write(_fasttext_line(doc, report) + "\n")
                _progress(options, n)
    else:
        out = output_file(out, f"doccano.{form}")
        docs = list(records)  # the header is the union of the documents' meta keys
        keys = list(dict.fromkeys(k for d in docs for k in d.meta if k not in reserved))
        title = ["title"] if any(d.title for d in docs) else []
        active = [ACTIVE_KEY] if any(d.active_seconds for d in docs) else []
        with atomic_open(out, "w") as f:
            w = csv.writer(f, delimiter=DELIMITERS[form], lineterminator="\n")
            w.writerow(["text", *title, *keys, *active, "label"])
            for n, doc in enumerate(docs, 1):
                cells = [doc.text]
                if title:
                    cells.append(doc.title or "")
                cells += [_cell(doc.meta.get(k, "")) for k in keys]
                if active:
                    cells.append(str(doc.active_seconds) if doc.active_seconds else "")
                cells.append(JOIN.join(_names(doc, report, form, reserved)))
                w.writerow(cells)
                _progress(options, n)
    report.files.append(out)
    return report


def _progress(options: ExportOptions, n: int) -> None:
    if options.progress:
        options.progress(n)


def _names(doc: DocumentRecord, report: ExportReport, form: str,
           reserved: tuple[str, ...] = ()) -> list[str]:
    """The document's accepted categories, sorted as doccano's export sorts them; what the
    form cannot carry reported."""
    report_unsupported(doc, report, f"doccano ({form} form)", kb_ids=True, relations=True)
    report_incomplete(doc, report, "doccano")
    for sp in doc.spans:
        report.add(doc, "span", sp.label, sp.start, sp.end,
                   f"left out: doccano's {form} form has no spans")
    for k in doc.meta if form != "fasttext" else ():
        if k in reserved:
            report.add(doc, "meta", k, None, None,
                       f"meta key {k!r} left out: doccano uses it for something else")
    names = []
    for c in doc.categories:
        if c.state != "accepted":
            continue
        bad = (JOIN in c.name) if form != "fasttext" else any(ch.isspace() for ch in c.name)
        if bad:
            report.add(doc, "category", c.name, None, None,
                       f"left out: a name with {'#' if form != 'fasttext' else 'a space'} "
                       f"would be read back as several")
            continue
        names.append(c.name)
    report.categories += len(names)
    report.documents += 1
    return sorted(names)


def _fasttext_line(doc: DocumentRecord, report: ExportReport) -> str:
    names = _names(doc, report, "fasttext")
    for k in doc.meta:
        report.add(doc, "meta", k, None, None, "left out: a fastText line has no meta")
    if doc.title:
        report.add(doc, "meta", "title", None, None, "left out: a fastText line has no title")
    text = " ".join(doc.text.splitlines())
    if text != doc.text:
        report.add(doc, "text", "", None, None,
                   "written with spaces for its line breaks: a fastText document is one line")
    if PREFIX in text and any(w.startswith(PREFIX) for w in text.split(" ")):
        report.add(doc, "text", "", None, None,
                   f"a word of its text starts with {PREFIX}: read back, it is a label")
    return " ".join([*(PREFIX + n for n in names), text])


def _cell(value: object) -> str:
    """A meta value in one cell: a string as itself, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
