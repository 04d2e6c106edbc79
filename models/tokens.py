"""One tokenization per document, made once and stored (table document_tokens).

The tokens a labeled file brings (CoNLL, Prodigy "tokens", a DocBin's Doc) are stored on
import. Every other document is tokenized the first time its tokens are needed (the window
snapping a selection, an export, agreement) by the project's tokenizer, and stored: so what
an annotator snaps to is what every export aligns to. Imports stay free of spaCy.

The project's tokenizer: the tokenizer of the pipeline the project suggests with, when it
names one; else spaCy's English rule-based tokenizer (spacy.blank("en")), which is also the
tokenizer of the default en_core_web_sm.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.errors import FormatError
from models.orm import Document, DocumentTokens, Project
from models.records import Tokenization

BLANK = "spacy.blank(en)"
_blank = None
_CHUNK = 500


def blank_nlp() -> Any:
    """spacy.blank("en"), built once per process."""
    global _blank
    if _blank is None:
        import spacy

        _blank = spacy.blank("en")
    return _blank


def blank_tokenizer() -> Callable[[str], Any]:
    """spaCy's English rule-based tokenizer."""
    return blank_nlp().tokenizer


def from_doc(doc: Any, *, source: str = "spacy", made_by: str = "",
             sentences: bool = False) -> Tokenization:
    """The Tokenization of a spaCy Doc (one array call, not a Token object per token);
    with sentences=True its sentence starts too, when the Doc has them."""
    from spacy.attrs import IDX, LENGTH

    arr = doc.to_array([IDX, LENGTH])
    starts = arr[:, 0].tolist() if len(doc) else []
    ends = (arr[:, 0] + arr[:, 1]).tolist() if len(doc) else []
    sents = None
    if sentences and len(doc) and doc.has_annotation("SENT_START"):
        sents = [t.i for t in doc if t.is_sent_start]
    return Tokenization(starts, ends, sents, None, source, made_by)


def tokenize(text: str, tokenizer: Callable[[str], Any] | None = None,
             made_by: str = BLANK) -> Tokenization:
    return from_doc((tokenizer or blank_tokenizer())(text), made_by=made_by)


def project_tokenizer(settings: dict[str, Any] | None) -> tuple[Callable[[str], Any], str]:
    """(tokenizer, its name) of a project: its suggest pipeline's, else the blank English
    one (also when the pipeline can no longer be loaded: tokens must not fail an export)."""
    from models.suggest import pipeline

    name = (settings or {}).get(pipeline.SETTING)
    if name:
        try:
            nlp, display = pipeline.load(name)
            return nlp.tokenizer, display
        except pipeline.PipelineError:
            pass
    return blank_tokenizer(), BLANK


# ---- checking what a file brings ---------------------------------------------------------

def check(tok: Tokenization, text: str, path: str, line: int | None) -> None:
    """Offsets inside the text, in order, not overlapping, not empty; sentence starts and
    columns that fit: or a FormatError naming the file and line."""
    starts, ends = tok.starts, tok.ends
    if len(starts) != len(ends):
        raise FormatError(path, line, "tokens: as many starts as ends are needed")
    prev = 0
    n = len(text)
    for i, (s, e) in enumerate(zip(starts, ends)):
        if type(s) is not int or type(e) is not int or not prev <= s < e <= n:
            raise FormatError(path, line, f"token {i}: [{s}, {e}) is empty, outside the text "
                              f"(length {n}) or overlaps the token before it")
        prev = e
    if tok.sentences is not None:
        last = -1
        for k in tok.sentences:
            if type(k) is not int or not last < k < len(starts):
                raise FormatError(path, line, f"sentence start {k!r} is not a token index "
                                  "after the previous sentence start")
            last = k
    extra = (tok.columns or {}).get("extra")
    if extra is not None and len(extra) != len(starts):
        raise FormatError(path, line, "extra columns: one row per token is needed")


# ---- the store -----------------------------------------------------------------------------

def _row(r) -> Tokenization:
    return Tokenization(list(r.starts), list(r.ends),
                        list(r.sentences) if r.sentences is not None else None,
                        r.columns, r.source, r.made_by)


def stored(s: Session, document_ids: Iterable[int]) -> dict[int, Tokenization]:
    """The stored tokens of these documents (those that have some)."""
    ids = list(document_ids)
    out: dict[int, Tokenization] = {}
    T = DocumentTokens.__table__.c
    for i in range(0, len(ids), _CHUNK):
        for r in s.execute(select(DocumentTokens.__table__).where(
                T.document_id.in_(ids[i:i + _CHUNK]))):
            out[r.document_id] = _row(r)
    return out


def offset_arrays(s: Session, project_id: int, document_ids: list[int],
                  texts: dict[int, str]) -> tuple[Any, Any, Any]:
    """numpy arrays (tokens per document, starts, ends) of these documents of a project,
    one document after the other in the order given (agreement over all documents at once):
    the stored tokens read in one query as driver rows, the others made and stored by
    tokens_for_many."""
    from models.services.bulk import cursor_rows

    T = DocumentTokens.__table__.c
    wanted = set(document_ids)
    got: dict[int, tuple[Any, Any]] = {}
    for doc_id, starts, ends in cursor_rows(s, select(T.document_id, T.starts, T.ends).join(
            Document, Document.id == T.document_id).where(Document.project_id == project_id)):
        if doc_id in wanted:
            got[doc_id] = (starts, ends)
    missing = [d for d in document_ids if d not in got]
    if missing:
        for doc_id, tok in tokens_for_many(s, missing, texts).items():
            got[doc_id] = (tok.starts, tok.ends)
    starts, counts = _flat([got[d][0] for d in document_ids])
    ends, _ = _flat([got[d][1] for d in document_ids])
    return counts, starts, ends


def _flat(parts: list[Any]) -> tuple[Any, Any]:
    """One integer array of many lists, and each one's length. The lists come as JSON text
    (SQLite: parsed all at once by numpy) or as lists (PostgreSQL, tokens just made)."""
    import msgspec
    import numpy as np

    if all(isinstance(p, str) for p in parts):
        counts = np.array([p.count(",") + 1 if len(p) > 2 else 0 for p in parts], dtype=np.int64)
        flat = np.fromstring(",".join(p[1:-1] for p in parts if len(p) > 2),
                             dtype=np.int64, sep=",") if counts.any() else np.zeros(0, np.int64)
        if len(flat) == counts.sum():
            return flat, counts
    decode = msgspec.json.Decoder(list[int]).decode
    lists = [decode(p) if isinstance(p, (str, bytes)) else p for p in parts]
    counts = np.array([len(x) for x in lists], dtype=np.int64)
    return np.fromiter(chain.from_iterable(lists), np.int64, int(counts.sum())), counts


def tokens_for(s: Session, document_id: int) -> Tokenization:
    """The document's tokens: stored, or made now by the project's tokenizer and stored."""
    return tokens_for_many(s, [document_id])[document_id]


def tokens_for_many(s: Session, document_ids: Iterable[int],
                    texts: dict[int, str] | None = None) -> dict[int, Tokenization]:
    """tokens_for over many documents (exports, agreement): stored ones read in chunks, the
    others tokenized per project and stored in bulk. `texts`: the texts already at hand."""
    ids = list(dict.fromkeys(document_ids))
    out = stored(s, ids)
    missing = [d for d in ids if d not in out]
    if not missing:
        return out
    rows = []
    for i in range(0, len(missing), _CHUNK):
        chunk = missing[i:i + _CHUNK]
        if texts is not None and all(d in texts for d in chunk):
            found = dict(s.execute(select(Document.id, Document.project_id)
                                   .where(Document.id.in_(chunk))).all())
            docs = [(d, found[d], texts[d]) for d in chunk if d in found]
        else:
            docs = list(s.execute(select(Document.id, Document.project_id, Document.text)
                                  .where(Document.id.in_(chunk))))
        tokenizers: dict[int, tuple[Callable, str]] = {}
        for doc_id, project_id, text in docs:
            if project_id not in tokenizers:
                tokenizers[project_id] = project_tokenizer(s.scalar(
                    select(Project.settings).where(Project.id == project_id)))
            fn, name = tokenizers[project_id]
            tok = tokenize(text, fn, name)
            out[doc_id] = tok
            rows.append((doc_id, tok))
    save(s, rows, replace=False)
    return out


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False,
                                                 separators=(",", ":"))


def save(s: Session, rows: list[tuple[int, Tokenization]], *, replace: bool) -> None:
    """Store tokens. replace=False keeps tokens already there (another process may have
    made them meanwhile); replace=True puts these in their place."""
    from models.services.bulk import insert_rows

    if not rows:
        return
    if replace:
        T = DocumentTokens.__table__
        ids = [d for d, _ in rows]
        for i in range(0, len(ids), _CHUNK):
            s.execute(T.delete().where(T.c.document_id.in_(ids[i:i + _CHUNK])))
    insert_rows(s, "document_tokens",
                ("document_id", "source", "made_by", "starts", "ends", "sentences", "columns"),
                [(d, t.source, t.made_by, _dump(t.starts), _dump(t.ends), _dump(t.sentences),
                  _dump(t.columns)) for d, t in rows],
                suffix="" if replace else " ON CONFLICT (document_id) DO NOTHING")


def keep_file_tokens(s: Session, pairs: list[tuple[int, Tokenization]]) -> None:
    """On import: a file's tokens become the document's, in place of tokens a tokenizer
    made; tokens another file brought before stay (the first file's tokens are kept)."""
    if not pairs:
        return
    pairs = list({d: t for d, t in pairs}.items())  # the same article twice: one row
    have = {}
    T = DocumentTokens.__table__.c
    ids = [d for d, _ in pairs]
    for i in range(0, len(ids), _CHUNK):
        have.update(s.execute(select(T.document_id, T.source)
                              .where(T.document_id.in_(ids[i:i + _CHUNK]))).all())
    save(s, [(d, t) for d, t in pairs if have.get(d) not in ("file",)], replace=True)
