"""How a format module declares itself: one `FORMAT = Format(...)` at the end of the module.

The registry (exports/registry.py) collects these declarations; the CLI's --format choices,
the export options it offers and the detection of `--format auto` all come from them, so a
new format is one module plus one line in the registry's list.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any

from models.records import DocumentRecord

SNIFF_LINES = 200  # how many lines of a file the content sniffers look at
SNIFF_BYTES = 1 << 20


@dataclass(frozen=True)
class Option:
    """An option a format takes: a field of ExportOptions (or, for its reader, of
    ImportOptions) and its flag on the CLI. The default is the field's own default there
    (one place for it)."""

    field: str  # ExportOptions or ImportOptions attribute, e.g. "conll_scheme"
    flag: str  # e.g. "--scheme"
    help: str = ""
    choices: tuple[str, ...] | None = None
    type: Callable[[str], Any] = str
    metavar: str | None = None
    # (another option's field, its values): this one means something only with those (a
    # CSV's delimiter with doccano's CSV form); the import dialog shows it only then
    shown_with: tuple[str, tuple[str, ...]] | None = None

    @property
    def default(self) -> Any:
        from exports.base import ExportOptions, ImportOptions

        return {f.name: f.default for cls in (ExportOptions, ImportOptions)
                for f in fields(cls)}[self.field]


# Shared by the writers that need tokens (spaCy, CoNLL, Prodigy). "error" stays a library
# choice: the CLI reports what it expands or skips instead of stopping.
MISALIGNED = Option("misaligned", "--misaligned", choices=("expand", "skip"),
                    help="labels that do not line up with tokens: expand or skip (reported)")


class Probe:
    """One file being detected. Each sniffer looks at what it needs; whatever is read is read
    once for all of them (the first JSON object, the first lines)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.suffix = self.path.suffix.lower()

    @cached_property
    def first_json(self) -> dict | None:
        """The first object of a JSONL file (or of a JSON array); None if it is not JSON."""
        try:
            with open(self.path, encoding="utf-8") as f:
                head = f.read(SNIFF_BYTES)
        except (OSError, UnicodeDecodeError):
            return None
        stripped = head.lstrip("\ufeff \t\r\n")
        if stripped.startswith("["):
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, OSError, UnicodeDecodeError):
                return None
            return data[0] if data and isinstance(data, list) and isinstance(data[0], dict) \
                else None
        for line in stripped.split("\n"):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    return None
                return obj if isinstance(obj, dict) else None
        return None

    @cached_property
    def lines(self) -> list[str]:
        """The first non-blank lines, stripped ([] when the file is not UTF-8 text)."""
        try:
            with open(self.path, encoding="utf-8") as f:
                head = [ln.strip() for _, ln in zip(range(SNIFF_LINES), f)]
        except (OSError, UnicodeDecodeError):
            return []
        return [ln for ln in head if ln]


@dataclass(frozen=True)
class Format:
    name: str  # the --format name
    extensions: tuple[str, ...]  # the files of this format a folder walk picks up
    read: Callable[[Path], Iterator[DocumentRecord]]
    # write(records, out, schema, options) -> ExportReport; None: an import-only format
    write: Callable[..., Any] | None = None
    # does this file hold this format (by extension and content)? None: by extension only
    sniff: Callable[[Probe], bool] | None = None
    # is this folder, as a whole, one import of this format (brat: it holds .ann files)?
    sniff_folder: Callable[[Path], bool] | None = None
    reads_folders: bool = False  # read() takes a folder of its files, given as one path
    # the files that are one document share a key (brat: DOC.txt and DOC.ann), read once
    document_key: Callable[[Path], Path] | None = None
    read_schema: Callable[[Path], Any] | None = None  # the schema the files bring, if any
    schema_file: Callable[[Path], Path | None] | None = None  # and the file it is read from
    options: tuple[Option, ...] = ()  # the export options its writer reads
    # the import options its reader takes; a format with some is read as read(path, options)
    # (an ImportOptions), the others as read(path)
    import_options: tuple[Option, ...] = ()
    writes_folder: bool = False  # the export is a folder (spaCy's train/dev, brat's pairs)
    # its writer carries a rejected span as rejected (Prodigy's "answer": "reject", DocBin's
    # doc.spans["incorrect_spans"]): the export gives it the rejected labels too
    carries_rejections: bool = False
    # its writer writes imported tasks back as themselves (Prodigy), with every span of a
    # task whatever its state
    writes_tasks: bool = False

    def claims(self, probe: Probe) -> bool:
        if self.sniff is not None:
            return self.sniff(probe)
        return probe.suffix in self.extensions
