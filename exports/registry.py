"""The format modules by name, and detection of a file's format for ``--format auto``.

Each module has ``NAME``, ``EXTENSIONS``, ``read(path) -> Iterator[DocumentRecord]`` and
``write(records, out, schema, options) -> ExportReport`` (see exports.base).
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import cast

from exports.base import FormatModule
from models.errors import FormatError

_MODULES = {
    "txt": "exports.plaintext",  # unlabeled articles
    "html": "exports.webpage",
    "jsonl": "exports.jsonl_articles",
    "spacy": "exports.docbin",
    "prodigy": "exports.prodigy",
    "doccano": "exports.doccano",
    "brat": "exports.brat",
    "conll": "exports.conll",
}


LABELED = ("spacy", "prodigy", "doccano", "brat", "conll")
# Every extension a folder walk picks up (other files in a folder are passed over).
KNOWN_EXTENSIONS = (".txt", ".text", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".json",
                    ".spacy", ".ann", ".conll", ".conll03", ".iob", ".bio", ".bilou", ".biluo")


def names() -> list[str]:
    return list(_MODULES)


def get(name: str) -> FormatModule:
    """The format module called `name`; KeyError naming the known ones otherwise."""
    try:
        return cast(FormatModule, importlib.import_module(_MODULES[name]))
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(names())}") from None


_TOKEN_LINE = re.compile(r"^\S+([ \t]+\S+)*[ \t]+(O|[BILUES]-\S+)$")


def _first_json(path: Path) -> dict | None:
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(1 << 20)
    except (OSError, UnicodeDecodeError):
        return None
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, OSError, UnicodeDecodeError):
            return None
        return data[0] if data and isinstance(data[0], dict) else None
    for line in stripped.split("\n"):
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                return None
            return obj if isinstance(obj, dict) else None
    return None


def json_flavour(obj: dict) -> str:
    """prodigy | doccano | jsonl, by the keys of one JSON object."""
    if "entities" in obj or "label" in obj:
        return "doccano"
    prodigy_keys = {"spans", "tokens", "answer", "_input_hash", "_task_hash", "_session_id",
                    "_annotator_id", "_view_id", "relations"}
    if prodigy_keys & obj.keys():
        return "prodigy"
    return "jsonl"


def _looks_conll(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8") as f:
            lines = [ln.strip() for _, ln in zip(range(200), f)]
    except (OSError, UnicodeDecodeError):
        return False
    lines = [ln for ln in lines if ln]
    if not lines:
        return False
    good = sum(1 for ln in lines if ln.startswith("-DOCSTART-") or _TOKEN_LINE.match(ln))
    return good == len(lines)


def detect(path: Path) -> str:
    """The format name of a file or folder, by extension and content.

    .spacy -> spacy; .ann, a .txt with an .ann beside it, or a folder of .ann -> brat;
    .conll/.iob/.bio (or .txt of token-tag lines) -> conll; .jsonl/.json -> prodigy,
    doccano or jsonl (plain articles) by the keys of the first object; other .txt -> txt."""
    path = Path(path)
    if path.is_dir():
        found = {detect(p) for p in path.rglob("*") if p.is_file() and
                 p.suffix.lower() in (".spacy", ".ann", ".conll", ".iob", ".bio", ".jsonl",
                                      ".json")}
        if any(path.rglob("*.ann")):
            return "brat"
        if len(found) == 1:
            return found.pop()
        if not found:
            raise FormatError(str(path), None, "no file of a known format in this folder")
        raise FormatError(str(path), None, f"mixes formats ({', '.join(sorted(found))}): "
                                           "give --format")
    ext = path.suffix.lower()
    if ext == ".spacy":
        return "spacy"
    if ext == ".ann" or (ext == ".txt" and path.with_suffix(".ann").is_file()):
        return "brat"
    if ext in (".conll", ".conll03", ".iob", ".bio", ".bilou", ".biluo"):
        return "conll"
    if ext in (".jsonl", ".json"):
        obj = _first_json(path)
        return json_flavour(obj) if obj is not None else "jsonl"
    if ext == ".txt" and _looks_conll(path):
        return "conll"
    if ext in (".html", ".htm"):
        return "html"
    return "txt"
