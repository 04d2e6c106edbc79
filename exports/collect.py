"""Turn the PATHs of an import (files or folders, recursive) into document records."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from exports import registry
from exports.base import ImportOptions
from models.errors import FormatError
from models.records import DocumentRecord


def expand(paths: list[str | Path], fmt: str = "auto") -> list[tuple[Path, str]]:
    """(file or brat folder, format) pairs in a stable order. Folders are walked
    recursively: files of no known extension there are passed over, and a folder holding
    .ann files is read as brat."""
    out: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FormatError(str(path), None, "no such file or folder")
        if path.is_dir():
            out.extend(_walk(path, fmt))
        elif fmt == "auto":
            out.append((path, registry.detect(path)))
        else:
            out.append((path, fmt))
    return _once(out)


def _once(pairs: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Each file read once: a brat document given as both its .txt and its .ann (as `brat/*`
    gives it), or a file named twice, is one entry."""
    seen, out = set(), []
    for path, fmt in pairs:
        key = path.resolve()
        same = registry.get(fmt).document_key
        if same is not None:
            key = same(key)
        if (key, fmt) not in seen:
            seen.add((key, fmt))
            out.append((path, fmt))
    return out


def _walk(folder: Path, fmt: str) -> list[tuple[Path, str]]:
    whole = registry.folder_format(folder) if fmt == "auto" else None
    if whole is not None:  # brat: a folder holding .ann files is read as one
        return [(folder, whole)]
    if fmt != "auto" and registry.get(fmt).reads_folders:  # the reader walks the folder
        return [(folder, fmt)]
    found, known = [], registry.known_extensions()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            f = Path(root) / name
            if name.startswith(".") or f.suffix.lower() not in known:
                continue
            if fmt != "auto":
                if f.suffix.lower() in registry.get(fmt).extensions:
                    found.append((f, fmt))
            else:
                found.append((f, registry.detect(f)))
    return found


def read_all(pairs: list[tuple[Path, str]],
             options: ImportOptions | None = None) -> Iterator[DocumentRecord]:
    for path, fmt in pairs:
        decl = registry.get(fmt)
        try:
            if decl.import_options:
                yield from decl.read(path, options or ImportOptions())
            else:
                yield from decl.read(path)
        except FormatError:
            raise
        except RecursionError:
            raise FormatError(str(path), None, f"cannot read as {fmt}: nested too deeply"
                              ) from None
        except (OSError, UnicodeError, ValueError, KeyError, TypeError, OverflowError) as exc:
            raise FormatError(str(path), None, f"cannot read as {fmt}: {exc}") from None
