"""A schema file of any kind a person may hand us: TOML, JSON or a brat annotation.conf.

Kept apart from models/schema.py because the brat reader (models/brat_conf.py) builds on the
schema's classes: the one-way house allows no import back."""

from __future__ import annotations

import re
from pathlib import Path

from models.errors import ValidationError
from models.schema import Schema


def is_brat_conf(path: Path, raw: str) -> bool:
    return path.name.endswith(".conf") or bool(re.search(r"^\[entities\]\s*$", raw, re.M))


def load_schema(path: str | Path) -> Schema:
    """Read a schema from TOML, JSON or a brat annotation.conf, by its content."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read schema: {exc}", where=str(path)) from None
    if is_brat_conf(path, raw):
        from models.brat_conf import parse_brat_conf

        return parse_brat_conf(raw, where=str(path))
    return Schema.load(path)
