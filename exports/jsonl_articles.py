"""JSONL of unlabeled articles: one JSON object a line with "text", optional "meta" and "id"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from exports.decoding import read_text
from exports.plaintext import title_of
from models.errors import FormatError
from models.records import DocumentRecord

NAME = "jsonl"
EXTENSIONS = (".jsonl", ".ndjson")


def read(path: Path) -> Iterator[DocumentRecord]:
    content = read_text(path)
    found = False
    for lineno, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(str(path), lineno, f"bad JSON: {exc.msg} (column {exc.colno})") \
                from None
        if not isinstance(obj, dict):
            raise FormatError(str(path), lineno, "each line must be a JSON object")
        if "text" not in obj:
            raise FormatError(str(path), lineno, 'no "text" field')
        text = obj["text"]
        if not isinstance(text, str):
            raise FormatError(str(path), lineno, '"text" is not a string')
        if not text.strip():
            raise FormatError(str(path), lineno, "empty document: no text to label")
        meta = obj.get("meta") or {}
        if not isinstance(meta, dict):
            raise FormatError(str(path), lineno, '"meta" must be a JSON object')
        if "id" in obj:
            meta = {**meta, "id": obj["id"]}
        title = str(meta.get("title") or obj.get("title") or title_of(text))[:200]
        found = True
        yield DocumentRecord(text=text, title=title, source=f"{path}:{lineno}", meta=meta,
                             origin=(str(path), lineno))
    if not found:
        raise FormatError(str(path), None, "no documents in the file")


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.format import Format  # noqa: E402 (the declaration stays at the end)


FORMAT = Format(name=NAME, extensions=EXTENSIONS, read=read,
                # after doccano and Prodigy: any other JSON lines are plain articles
                sniff=lambda probe: probe.suffix in (*EXTENSIONS, ".json"))
