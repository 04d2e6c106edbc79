"""The formats by name, collected from each module's own `FORMAT` declaration (exports/format.py),
and the detection of a file's format for ``--format auto``.

A new format is one module in exports/ ending in `FORMAT = Format(...)`, plus one line in
FORMATS below. The CLI's --format choices and its export options are read from here.
"""

from __future__ import annotations

from pathlib import Path

from exports import brat, conll, docbin, doccano, jsonl_articles, plaintext, prodigy, webpage
from exports.format import Format, Option, Probe
from models.errors import FormatError

# In detection order: the first format that claims a file reads it, so the more specific
# come first (a .txt beside an .ann is brat; doccano's keys are checked before Prodigy's;
# plain text takes whatever is left).
FORMATS: tuple[Format, ...] = (
    docbin.FORMAT,
    brat.FORMAT,
    conll.FORMAT,
    doccano.FORMAT,
    prodigy.FORMAT,
    jsonl_articles.FORMAT,
    webpage.FORMAT,
    plaintext.FORMAT,
)



def names() -> list[str]:
    return [f.name for f in FORMATS]


def labeled() -> list[str]:
    """The formats that can be written (exported), not only read."""
    return [f.name for f in FORMATS if f.write is not None]


def known_extensions() -> frozenset[str]:
    """Every extension a folder walk picks up (other files in a folder are passed over)."""
    return frozenset(ext for f in FORMATS for ext in f.extensions)


def get(name: str) -> Format:
    """The format called `name`; KeyError naming the known ones otherwise."""
    for f in FORMATS:
        if f.name == name:
            return f
    raise KeyError(f"unknown format {name!r}; known: {', '.join(names())}")


def export_options() -> list[tuple[Option, list[str]]]:
    """Each export option once, with the formats that read it, in the registry's order."""
    seen: dict[str, tuple[Option, list[str]]] = {}
    for f in FORMATS:
        for opt in f.options:
            seen.setdefault(opt.field, (opt, []))[1].append(f.name)
    return list(seen.values())


def import_options() -> list[tuple[Option, list[str]]]:
    """Each import option once, with the formats whose readers take it."""
    seen: dict[str, tuple[Option, list[str]]] = {}
    for f in FORMATS:
        for opt in f.import_options:
            seen.setdefault(opt.field, (opt, []))[1].append(f.name)
    return list(seen.values())


def folder_format(folder: Path) -> str | None:
    """The format that takes this folder as a whole (brat: it holds .ann files), if any."""
    return next((f.name for f in FORMATS if f.sniff_folder and f.sniff_folder(folder)), None)


def detect(path: Path) -> str:
    """The format name of a file or folder, by extension and content: the first format in
    FORMATS whose sniffer claims it. A folder is one format's when that format claims it
    whole (brat), else when all its labeled files are of one format."""
    path = Path(path)
    if path.is_dir():
        whole = folder_format(path)
        if whole is not None:
            return whole
        labeled_ext = {ext for f in FORMATS if f.write is not None for ext in f.extensions}
        found = {detect(p) for p in path.rglob("*")
                 if p.is_file() and p.suffix.lower() in labeled_ext}
        if len(found) == 1:
            return found.pop()
        if not found:
            raise FormatError(str(path), None, "no file of a known format in this folder")
        raise FormatError(str(path), None, f"mixes formats ({', '.join(sorted(found))}): "
                                           "give --format")
    probe = Probe(path)
    for f in FORMATS:
        if f.claims(probe):
            return f.name
    raise FormatError(str(path), None, "no format reads this file")
