"""Plain text articles: one file, one document; the first non-empty line is its title."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from exports.decoding import read_text
from models.errors import FormatError
from models.records import DocumentRecord

NAME = "txt"
EXTENSIONS = (".txt", ".text")


def title_of(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:200]


def read(path: Path) -> Iterator[DocumentRecord]:
    text = read_text(path)
    if not text.strip():
        raise FormatError(str(path), None, "empty document: no text to label")
    yield DocumentRecord(text=text, title=title_of(text) or path.stem, source=str(path),
                         meta={"file": path.name}, origin=(str(path), None))


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.format import Format  # noqa: E402 (the declaration stays at the end)


# Last in the registry: a file no other format claims is read as plain text.
FORMAT = Format(name=NAME, extensions=EXTENSIONS, read=read, sniff=lambda probe: True)
