"""Reading bytes as text: any common encoding detected, binary and undecodable refused."""

from __future__ import annotations

from pathlib import Path

from models.errors import FormatError

# On short texts several code pages fit equally well; the common ones are the likely truth.
COMMON = ("cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r",
          "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "cp1253", "cp1254", "cp1256")
BOMS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


def read_text(path: Path) -> str:
    """The text of a file, its encoding detected; a one-line FormatError otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read file: {exc.strerror or exc}") from None
    return decode(data, str(path))


def decode(data: bytes, where: str) -> str:
    for bom, enc in BOMS.items():
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise FormatError(where, None, f"undecodable {enc} text: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        raise FormatError(where, None, "binary file (holds NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    best = _prefer_common(matches)
    if best is None:
        raise FormatError(where, None, "undecodable text: no known encoding fits its bytes")
    text = str(best)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise FormatError(where, None, "binary file (control bytes), not text")
    return text


def _prefer_common(matches):
    if not matches:
        return None
    best = matches[0]
    for m in matches:
        if m.encoding in COMMON and m.chaos <= best.chaos + 0.05:
            return m
    return best
