"""What every format module shares: options, the export report, atomic writes, tokens.

A format module ends in its declaration, `FORMAT = Format(...)` (exports/format.py), naming
its read(path) -> Iterator[DocumentRecord] and its write(records, out, schema, options)
-> ExportReport.

Readers raise only `FormatError(path, line, message)` for bad input. Writers never drop a
label silently: whatever the format cannot carry, or a label that does not line up with the
tokens the format needs, is added to `ExportReport.problems` (and handled as
`ExportOptions.misaligned` says).

Offsets are Python string indices (code points) everywhere, `[start, end)`.
"""

from __future__ import annotations

import bisect
import contextlib
import glob
import json
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import msgspec

from models.errors import FormatError, ValidationError
from models.records import DocumentRecord, SpanRecord, Tokenization

MISALIGNED_CHOICES = ("expand", "skip", "error")
CONLL_SCHEMES = ("iob2", "iob1", "biluo", "iobes")
DOCCANO_FORMS = ("entities", "label", "intent", "classification", "csv", "tsv", "fasttext")
# how a doccano file is read: "auto" by its extension (.csv, .tsv, else JSON); fastText
# only when chosen (a .txt is plain text to us)
DOCCANO_IMPORT_FORMS = ("auto", "csv", "tsv", "fasttext", "xlsx")
# the delimiters doccano's CSV import offers (its ArgDelimiter), by the names its dialog
# shows; "auto": a comma in a .csv, a tab in a .tsv
DOCCANO_DELIMITERS = {"auto": None, "comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|",
                      "space": " "}

# A compressed file (a DocBin's zlib, a workbook's zip) that inflates past MAX_RATIO times
# its size, or past MAX_INFLATED, is refused before it is inflated.
MAX_RATIO = 200
MAX_INFLATED = 400 * 2**20


def inflate_limit(size: int) -> int:
    """How far a compressed file of `size` bytes may inflate (at least 32 MB)."""
    return min(MAX_INFLATED, max(32 * 2**20, MAX_RATIO * size))


@dataclass
class ExportOptions:
    # A span whose ends do not fall on token boundaries where the format needs tokens:
    # "expand" it to the enclosing tokens, "skip" it, or "error" (stop the export).
    misaligned: str = "expand"
    # iob2 | iob1 | biluo; None: the scheme of the CoNLL file a document came from, else iob2
    conll_scheme: str | None = None
    # entities | label (the older [[start, end, label]] form) | intent (entities as lists and
    # cats) | classification (label: the category names)
    doccano_form: str = "entities"
    dev_ratio: float = 0.2  # spaCy: share of documents in dev.spacy
    seed: int = 0  # spaCy: seed of the train/dev shuffle
    spans_key: str = "sc"  # spaCy: the doc.spans key holding every span
    # Tokenizer for token-based formats: a callable text -> spaCy Doc (e.g. nlp.make_doc or
    # nlp.tokenizer). None: spacy.blank("en").
    tokenizer: Callable[[str], Any] | None = None
    # Called after each document with (documents done); for progress bars.
    progress: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        if self.misaligned not in MISALIGNED_CHOICES:
            raise ValidationError(f"misaligned must be one of {', '.join(MISALIGNED_CHOICES)},"
                                  f" not {self.misaligned!r}")
        if self.conll_scheme is not None and self.conll_scheme not in CONLL_SCHEMES:
            raise ValidationError(f"CoNLL scheme must be one of {', '.join(CONLL_SCHEMES)}, "
                                  f"not {self.conll_scheme!r}")
        if self.doccano_form not in DOCCANO_FORMS:
            raise ValidationError(f"doccano form must be one of {', '.join(DOCCANO_FORMS)}, "
                                  f"not {self.doccano_form!r}")
        if not 0.0 <= self.dev_ratio < 1.0:
            raise ValidationError(f"dev ratio must be in [0, 1), not {self.dev_ratio}")


@dataclass
class ImportOptions:
    # doccano's import dialog lets a user name the text and the label columns ("column_data"
    # and "column_label"); a file written with other names than these defaults is read so.
    doccano_text_column: str = "text"
    doccano_label_column: str = "label"
    doccano_import_form: str = "auto"
    doccano_delimiter: str = "auto"  # a CSV's (DOCCANO_DELIMITERS)

    def __post_init__(self) -> None:
        if self.doccano_import_form not in DOCCANO_IMPORT_FORMS:
            raise ValidationError("the doccano import form must be one of "
                                  f"{', '.join(DOCCANO_IMPORT_FORMS)}, not "
                                  f"{self.doccano_import_form!r}")
        if self.doccano_delimiter not in DOCCANO_DELIMITERS:
            raise ValidationError("the doccano delimiter must be one of "
                                  f"{', '.join(DOCCANO_DELIMITERS)}, not "
                                  f"{self.doccano_delimiter!r}")
        for what, name in (("text", self.doccano_text_column),
                           ("label", self.doccano_label_column)):
            if not isinstance(name, str) or not name.strip():
                raise ValidationError(f"the doccano {what} column needs a name")
        if self.doccano_text_column == self.doccano_label_column:
            raise ValidationError("the doccano text and label columns need two names, not "
                                  f"{self.doccano_text_column!r} twice")

    def changed(self) -> list[str]:
        """The options set to something other than their defaults (by field name)."""
        return [f.name for f in fields(self) if getattr(self, f.name) != f.default]


@dataclass
class Problem:
    """One thing an export could not carry as it was, and what was done about it."""

    document: str  # the document's title, else its id, else its position
    kind: str  # misaligned | overlap | event | relation | discontinuous | attribute | ...
    label: str
    start: int | None
    end: int | None
    action: str  # what was done: "expanded to [3, 9)", "skipped", ...

    def __str__(self) -> str:
        where = f" [{self.start}, {self.end})" if self.start is not None else ""
        label = f" {self.label!r}" if self.label else ""  # a document's problem has none
        return f"{self.document}: {self.kind}{label}{where}: {self.action}"


@dataclass
class ExportReport:
    format: str
    files: list[Path] = field(default_factory=list)
    documents: int = 0
    spans: int = 0  # spans written (after expanding/skipping)
    relations: int = 0
    events: int = 0
    tasks: int = 0  # Prodigy: lines written (a document may be several tasks)
    categories: int = 0  # document categories written (accepted ones and explicit noes)
    problems: list[Problem] = field(default_factory=list)
    # documents the export was not given, by (reason, status): filled by the caller
    left_out: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, doc: DocumentRecord, kind: str, label: str, start: int | None,
            end: int | None, action: str) -> None:
        self.problems.append(Problem(doc_name(doc), kind, label, start, end, action))

    def counts_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.problems:
            out[p.kind] = out.get(p.kind, 0) + 1
        return out

    def summary(self) -> str:
        head = (f"{self.format}: {self.documents} documents, {self.spans} spans, "
                f"{self.relations} relations, {self.events} events"
                + (f", {self.categories} document categories" if self.categories else "")
                + f" written to {len(self.files)} file(s)")
        if not self.problems:
            return head
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.counts_by_kind().items()))
        return f"{head}; {len(self.problems)} problem(s): {kinds}"


# A span of an imported task that nobody accepted (its task answered ignore, or not at all)
# is a suggestion; under --state all a training format still never makes it an entity.
UNANSWERED = "left out: its imported task was ignored or not answered (nobody accepted it)"


def unanswered(span: SpanRecord) -> bool:
    return span.state == "suggested" and (span.task is not None or bool(span.other_tasks))


def doc_name(doc: DocumentRecord) -> str:
    if doc.title:
        return doc.title
    if doc.doc_id is not None:
        return f"document {doc.doc_id}"
    if doc.origin[0]:
        return f"{doc.origin[0]}:{doc.origin[1]}" if doc.origin[1] else doc.origin[0]
    return "document"


def output_file(out: Path, default_name: str, extensions: tuple[str, ...] = ()) -> Path:
    """Where a one-file format writes: OUT itself when it names a file of the format (its
    suffix is default_name's or one of `extensions`, or it is a file already), else
    OUT/default_name: a folder, even one with a dot in its name ("exports/v1.2")."""
    out = Path(out)
    if out.is_dir():
        return out / default_name
    if out.is_file():  # an earlier export, rewritten
        return out
    known = {Path(default_name).suffix.lower(), *(e.lower() for e in extensions)}
    return out if out.suffix.lower() in known else out / default_name


# ---- atomic writes -------------------------------------------------------------------------

_UMASK_LOCK = threading.Lock()
PART = ".part"


def _umask() -> int:
    """The process's umask (read by setting it and back: POSIX has no other way)."""
    with _UMASK_LOCK:
        mask = os.umask(0o22)
        os.umask(mask)
    return mask


def file_mode(path: Path) -> int:
    """The mode a new file gets from open(): 0o666 less the umask; a file rewritten keeps
    its own mode."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def remove_stale_parts(folder: Path, name: str) -> None:
    """Temporary files (or folders) of an earlier write of `name` that was killed before
    it could clean up: a rename never happened, so they hold nothing anyone reads."""
    with contextlib.suppress(OSError):
        for p in Path(folder).glob(f".{glob.escape(name)}.*{PART}"):
            with contextlib.suppress(OSError):
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside `path`, then rename it over `path`.

    If the body raises, the temporary file is removed and `path` is left as it was. The
    file gets the mode open() would give it (the umask's), not mkstemp's 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART, dir=path.parent)
    try:
        os.fchmod(fd, file_mode(path))
        if "b" in mode:
            f = os.fdopen(fd, mode)
        else:
            f = os.fdopen(fd, mode, encoding="utf-8", newline="")
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """A folder written whole or not at all: the body fills a temporary folder beside
    `out`, which is then renamed to `out`. An earlier export in `out` is replaced (moved
    aside, then removed); a folder holding anything else is refused, so that no file of
    the user's is lost."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValidationError(f"{out} is a file; a folder export needs a folder")
    if out.is_dir():
        strange = [p.name for p in out.iterdir() if not _exported_file(p)]
        if strange:
            raise ValidationError(f"{out} holds files that are not an earlier export "
                                  f"(such as {strange[0]!r}); choose a new or empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(out.parent, out.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=PART, dir=out.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        if out.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=PART, dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# what a folder export writes: an earlier one may be replaced
_EXPORTED = (".txt", ".ann", ".conf", ".spacy", ".cfg", ".json", ".jsonl")


def _exported_file(p: Path) -> bool:
    return p.is_file() and not p.is_symlink() and p.suffix.lower() in _EXPORTED


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_open(path, "w") as f:
        f.write(text)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb") as f:
        f.write(data)


# ---- tokens --------------------------------------------------------------------------------

def blank_tokenizer() -> Callable[[str], Any]:
    """spaCy's English rule-based tokenizer (spacy.blank("en")), built once."""
    from models.tokens import blank_nlp

    return blank_nlp().make_doc


def tokenizer_of(options: ExportOptions) -> Callable[[str], Any]:
    return options.tokenizer or blank_tokenizer()


def tokens_of(doc: DocumentRecord, options: ExportOptions) -> Tokenization:
    """The record's own tokens (the stored ones, or those its file brought); a record that
    has none is tokenized with options.tokenizer (default spacy.blank("en"))."""
    if doc.tokens is not None:
        return doc.tokens
    from models.tokens import from_doc

    return from_doc(tokenizer_of(options)(doc.text))


class TokenIndex:
    """Character offsets of a tokenised text, for snapping spans to token boundaries.
    White-space tokens are never the first or last token of a span."""

    def __init__(self, tokens: Tokenization, text: str):
        self.tokens = tokens
        self.starts = tokens.starts
        self.ends = tokens.ends
        self.text = text
        self._start_set = set(self.starts)
        self._end_set = set(self.ends)

    @classmethod
    def of_doc(cls, doc: Any) -> TokenIndex:
        """The index of a spaCy Doc's tokens."""
        from models.tokens import from_doc

        return cls(from_doc(doc), doc.text)

    def is_space(self, i: int) -> bool:
        """Token i is white space only (looked at on demand: spans touch few tokens)."""
        return self.text[self.starts[i]:self.ends[i]].isspace()

    def aligned(self, start: int, end: int) -> bool:
        """Whether [start, end) starts and ends on the edges of non-space tokens."""
        return (start in self._start_set and end in self._end_set
                and self.snap(start, end) == (start, end))

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Indices [first, last] (inclusive) of the tokens that overlap [start, end), or None."""
        if start >= end or not self.starts:
            return None
        first = bisect.bisect_right(self.ends, start)  # first token ending after start
        last = bisect.bisect_left(self.starts, end) - 1  # last token starting before end
        # skip white-space tokens at either edge
        while first <= last and self.is_space(first):
            first += 1
        while last >= first and self.is_space(last):
            last -= 1
        if first > last:
            return None
        return first, last

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """The smallest token-aligned [start, end) covering the span, or None (only spaces)."""
        rng = self.token_range(start, end)
        if rng is None:
            return None
        return self.starts[rng[0]], self.ends[rng[1]]


def align_span(span: SpanRecord, tokens: TokenIndex, doc: DocumentRecord, options: ExportOptions,
               report: ExportReport) -> tuple[int, int] | None:
    """The span's offsets on token boundaries, as options.misaligned says; None: leave out.

    Every span that is not already aligned is reported."""
    snapped = tokens.snap(span.start, span.end)
    if snapped == (span.start, span.end):
        return snapped
    if options.misaligned == "error":
        raise ValidationError(
            f"span {span.label!r} [{span.start}, {span.end}) does not line up with the tokens",
            where=doc_name(doc))
    if snapped is None:
        report.add(doc, "misaligned", span.label, span.start, span.end,
                   "skipped (covers no token)")
        return None
    if options.misaligned == "skip":
        report.add(doc, "misaligned", span.label, span.start, span.end, "skipped")
        return None
    report.add(doc, "misaligned", span.label, span.start, span.end,
               f"expanded to [{snapped[0]}, {snapped[1]})")
    return snapped


def report_incomplete(doc: DocumentRecord, report: ExportReport, fmt: str) -> None:
    """A format that cannot mark tokens unknown writes a document of incomplete labels
    (binary or unaccepted tasks) as if every entity were marked: say so."""
    if doc.binary:
        report.add(doc, "incomplete", "", None, None,
                   f"written as if complete: its labels are incomplete (binary or "
                   f"unaccepted tasks) and {fmt} cannot mark a token unknown")


def report_unsupported(doc: DocumentRecord, report: ExportReport, fmt: str, *,
                       events: bool = True, discontinuous: bool = True,
                       attributes: bool = True, kb_ids: bool = False, notes: bool = True,
                       comments: bool = True, relations: bool = False,
                       categories: bool = False) -> None:
    """Add a problem for each thing in `doc` that the format `fmt` cannot carry."""
    if categories:
        for c in doc.categories:
            report.add(doc, "category", c.name, None, None,
                       f"left out ({c.state}): {fmt} has no document categories")
    if events:
        for ev in doc.events:
            report.add(doc, "event", ev.type, None, None, f"left out: {fmt} has no events")
    if relations:
        for rel in doc.relations:
            report.add(doc, "relation", rel.label, None, None,
                       f"left out: {fmt} has no relations")
    for s in doc.spans:
        if discontinuous and s.fragments and len(s.fragments) > 1:
            report.add(doc, "discontinuous", s.label, s.start, s.end,
                       f"written as one continuous span: {fmt} has no fragments")
        if attributes and s.attributes:
            report.add(doc, "attribute", s.label, s.start, s.end,
                       f"attributes {sorted(s.attributes)} left out: {fmt} has none")
        if kb_ids and s.kb_id:
            report.add(doc, "kb_id", s.label, s.start, s.end,
                       f"kb_id {s.kb_id!r} left out: {fmt} has none")
        if notes and s.note:
            report.add(doc, "note", s.label, s.start, s.end, f"note left out: {fmt} has none")
    if comments and doc.comments:
        report.add(doc, "comment", "", None, None,
                   f"{len(doc.comments)} comment(s) left out: {fmt} has none")


# ---- reading helpers -------------------------------------------------------------------------

def read_text(path: Path) -> str:
    """A UTF-8 file's text with its line ends untouched; FormatError if unreadable."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), None, f"not UTF-8 text ({exc.reason} at byte "
                                           f"{exc.start})") from None
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from None


def iter_jsonl(path: Path, typed: msgspec.json.Decoder | None = None
               ) -> Iterator[tuple[int, Any]]:
    """(line number, object) for each non-blank line of a JSONL file (or a JSON array).

    Lines go to msgspec as bytes (about twice as fast as decoding the file and calling
    json; integers of any size stay exact). Whatever msgspec refuses goes to the standard
    library, which takes what msgspec does not (NaN, 1e400, lone surrogates) and explains
    what neither takes.

    `typed`: a decoder of a reader's common line shape (a msgspec Struct), tried first: a
    line it decodes comes as that Struct, any other as a dict. After the first line it
    refuses it is not tried again in the file (files keep to one shape)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    stripped = data[3:] if data.startswith(_BOM) else data
    stripped = stripped.lstrip(b" \t\r\n")
    if stripped.startswith(b"["):  # a JSON array of objects (doccano's .json export)
        yield from _iter_array(data, path)
        return
    for lineno, line in enumerate(data.split(b"\n"), 1):
        if line.startswith(_BOM):
            line = line[3:]
        if not line.strip():
            continue
        if typed is not None:
            try:
                yield lineno, typed.decode(line)
                continue
            except msgspec.MsgspecError:
                typed = None
        try:
            obj = _loads(line, path, lineno)
        except FormatError as exc:
            raise _spread_record(data, path, lineno) or exc from None
        if not isinstance(obj, dict):
            raise FormatError(str(path), lineno, "a line is not a JSON object")
        yield lineno, obj


_BOM = "\ufeff".encode("utf-8")


def _spread_record(data: bytes, path: Path, lineno: int) -> FormatError | None:
    """The error to give when the line that failed starts a record spread over several lines
    (a pretty-printed object, or several): JSONL is one object per line, and doccano's
    reader refuses such a file line by line too. None when that is not what happened."""
    start = 0
    for _ in range(lineno - 1):
        start = data.index(b"\n", start) + 1
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    pos = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    if not text.startswith("{", pos):
        return None
    try:
        _, end = json.JSONDecoder().raw_decode(text, pos)
    except RecursionError:
        return None
    except json.JSONDecodeError as exc:
        if exc.lineno == 1 or not text[exc.pos:].strip():  # a broken or a cut line
            return None
        return FormatError(str(path), lineno, "malformed JSON: not one object per line (a "
                                              "record spread over several lines from here?), "
                                              f"and at line {lineno + exc.lineno - 1}: {exc.msg}")
    last = lineno + text.count("\n", 0, end)
    if last == lineno:
        return None
    if Path(path).suffix.lower() == ".json":  # doccano's .json is an array of records
        return FormatError(str(path), lineno, f"a JSON object over lines {lineno} to {last}, "
                                              "not an array of records ([{...}, {...}])")
    return FormatError(str(path), lineno, f"not one JSON object per line: a record spread "
                                          f"over lines {lineno} to {last} (JSONL takes one object "
                                          "per line)")


def _iter_array(data: bytes, path: Path) -> Iterator[tuple[int, dict]]:
    """(line, object) of each item of a JSON array, the line being where the item starts
    (a pretty-printed array names the real line in errors). Items are decoded one by one
    with the standard library's raw_decode, which gives where each ends."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), None, f"not UTF-8 text ({exc.reason} at byte "
                                           f"{exc.start})") from None
    decoder = json.JSONDecoder()
    pos, line, counted = text.index("[") + 1, 1, 0
    n = len(text)

    def skip(p: int) -> int:
        while p < n and text[p] in " \t\r\n\ufeff":
            p += 1
        return p

    def line_at(p: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, p)
        counted = p
        return line

    pos = skip(pos)
    if pos < n and text[pos] == "]":
        return
    item = 0
    while True:
        item += 1
        pos = skip(pos)
        where = line_at(pos)
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except RecursionError:
            raise FormatError(str(path), where, "JSON nested too deeply") from None
        except json.JSONDecodeError as exc:
            raise FormatError(str(path), exc.lineno, f"malformed JSON: {exc.msg} (column "
                                                     f"{exc.colno})") from None
        if not isinstance(obj, dict):
            raise FormatError(str(path), where, f"item {item} is not a JSON object")
        yield where, obj
        pos = skip(pos)
        if pos < n and text[pos] == ",":
            pos += 1
            continue
        if pos < n and text[pos] == "]":
            if skip(pos + 1) < n:
                raise FormatError(str(path), line_at(skip(pos + 1)),
                                  "malformed JSON: extra data after the array")
            return
        raise FormatError(str(path), line_at(min(pos, n)), "malformed JSON: expecting ',' or "
                          "']' between the items of the array")
_decode = msgspec.json.Decoder().decode


def _loads(raw: bytes, path: Path, lineno: int | None) -> Any:
    try:
        return _decode(raw)
    except msgspec.MsgspecError:
        pass
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), lineno, f"not UTF-8 text ({exc.reason} at byte "
                                             f"{exc.start})") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise FormatError(str(path), lineno, "JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise FormatError(str(path), exc.lineno if lineno is None else lineno,
                          f"malformed JSON: {exc.msg} (column {exc.colno})") from None


def require_text(obj: dict, path: Path, lineno: int, key: str = "text") -> str:
    text = obj.get(key)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        raise FormatError(str(path), lineno, f'"{key}" is {what}')
    return text


def check_offsets(start: Any, end: Any, text: str, path: Path, lineno: int | None,
                  what: str) -> tuple[int, int]:
    if (not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool)
            or isinstance(end, bool)):
        raise FormatError(str(path), lineno, f"{what}: offsets {start!r}, {end!r} are not "
                                             "integers")
    if not 0 <= start < end <= len(text):
        raise FormatError(str(path), lineno, f"{what}: [{start}, {end}) is outside the text "
                                             f"(length {len(text)}) or empty")
    return start, end


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with atomic_open(path, "w") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False))
            f.write("\n")


def jsonl_files(path: Path, exts: tuple[str, ...] = (".jsonl", ".json")) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in exts and p.is_file())
    return [path]
