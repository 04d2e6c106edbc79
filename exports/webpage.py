"""HTML news pages: the article text extracted with trafilatura, not the page's menus."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from exports.decoding import read_text
from models.errors import FormatError
from models.records import DocumentRecord

NAME = "html"
EXTENSIONS = (".html", ".htm", ".xhtml")


def read(path: Path) -> Iterator[DocumentRecord]:
    import trafilatura

    html = read_text(path)
    try:
        result = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                             with_metadata=True)
    except Exception as exc:  # trafilatura raises many types on broken markup
        raise FormatError(str(path), None, f"cannot parse HTML: {exc}") from None
    if result is None:
        raise FormatError(str(path), None, "no article text found in the page")
    data = result if isinstance(result, dict) else result.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        raise FormatError(str(path), None, "no article text found in the page")
    title = (data.get("title") or "").strip()
    meta = {k: data[k] for k in ("url", "author", "date", "sitename") if data.get(k)}
    meta["file"] = path.name
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    yield DocumentRecord(text=text, title=(title or path.stem)[:200], source=str(path),
                         meta=meta, origin=(str(path), None))


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.format import Format  # noqa: E402 (the declaration stays at the end)


FORMAT = Format(name=NAME, extensions=EXTENSIONS, read=read)
