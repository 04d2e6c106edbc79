"""Formats by name. (The labeled formats join this registry in the formats issue.)"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

from exports import jsonl_articles, plaintext, webpage
from models.errors import FormatError

FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (plaintext, webpage, jsonl_articles)}


def names() -> list[str]:
    return sorted(FORMATS)


def get(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(name, None, f"unknown format; known: {', '.join(names())}") from None


def detect(path: Path) -> str | None:
    """The format of one file by its extension (and first line for JSON), None if unknown."""
    suffix = path.suffix.lower()
    for name, module in FORMATS.items():
        if suffix in getattr(module, "EXTENSIONS", ()):
            if name == "jsonl":
                return _jsonl_flavour(path)
            return name
    return None


def _jsonl_flavour(path: Path) -> str:
    """Plain article JSONL, or a labeled flavour (Prodigy, doccano) by the first line's keys."""
    try:
        with path.open("rb") as fh:
            first = next((ln for ln in fh if ln.strip()), b"")
        keys = set(json.loads(first)) if first else set()
    except (OSError, ValueError, TypeError):
        return "jsonl"
    if keys & {"_input_hash", "_task_hash", "answer", "tokens"} and "prodigy" in FORMATS:
        return "prodigy"
    if keys & {"entities", "label", "labels"} and "doccano" in FORMATS:
        return "doccano"
    return "jsonl"
