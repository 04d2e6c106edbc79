"""Turn the PATHs of an import (files or folders, recursive) into document records."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from exports import registry
from models.errors import FormatError
from models.records import DocumentRecord


def expand(paths: list[str | Path], fmt: str = "auto") -> list[tuple[Path, str]]:
    """(file, format) pairs in a stable order. Folders are walked recursively; in a folder,
    files of no known format are passed over, but a named file must be readable."""
    out: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FormatError(str(path), None, "no such file or folder")
        if path.is_dir():
            if fmt in ("brat",) or _is_brat_dir(path, fmt):
                out.append((path, "brat"))
                continue
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    f = Path(root) / name
                    found = registry.detect(f) if fmt == "auto" else (
                        fmt if f.suffix.lower() in _extensions(fmt) else None)
                    if found:
                        out.append((f, found))
        else:
            found = registry.detect(path) if fmt == "auto" else fmt
            if found is None:
                raise FormatError(str(path), None, "unknown file type; name one with --format "
                                  f"({', '.join(registry.names())})")
            out.append((path, found))
    return out


def _extensions(fmt: str) -> tuple[str, ...]:
    return tuple(getattr(registry.get(fmt), "EXTENSIONS", ()))


def _is_brat_dir(path: Path, fmt: str) -> bool:
    return fmt == "auto" and "brat" in registry.FORMATS and any(path.glob("*.ann"))


def read_all(pairs: list[tuple[Path, str]]) -> Iterator[DocumentRecord]:
    for path, fmt in pairs:
        module = registry.get(fmt)
        try:
            yield from module.read(path)
        except FormatError:
            raise
        except (OSError, UnicodeError, ValueError, KeyError, TypeError) as exc:
            raise FormatError(str(path), None, f"cannot read as {fmt}: {exc}") from None
