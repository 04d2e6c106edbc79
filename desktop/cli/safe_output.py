"""What the CLI prints is escaped: a label, title or file name holding terminal escape
codes (ESC [ ...), carriage returns or bidi overrides is shown as \\x1b, \\r, \\u202e, never
sent to the terminal raw, where it could rewrite the screen or hide text."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

_KEEP = {"\n", "\t"}
_BIDI = [*range(0x200E, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}")
          for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI, 0x2028, 0x2029]
          if chr(c) not in _KEEP}


def escape(text: str) -> str:
    return text.translate(_TABLE)


class EscapingStream:
    """A text stream that escapes control characters on their way to `stream`."""

    def __init__(self, stream: TextIO):
        self.unescaped = stream  # for what draws on the terminal itself (progress bars)

    def write(self, text: str) -> int:
        return self.unescaped.write(escape(text))

    def __getattr__(self, name: str):
        return getattr(self.unescaped, name)


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(out), EscapingStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
