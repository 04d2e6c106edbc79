"""Prodigy JSONL (the ``ner_manual`` / ``spans_manual`` / ``relations`` task format).

One task per line::

    {"text": ..., "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "token_start", "token_end", "label"}],
     "relations": [{"head", "child", "head_span", "child_span", "label"}],
     "answer": "accept", "meta": {...}, "_input_hash": int, "_task_hash": int}

Offsets: ``start``/``end`` are character offsets (code points), the same as ours.
``token_start``/``token_end`` are token indices, ``token_end`` *inclusive*. Following what
Prodigy's relations UI saves, a relation's ``head``/``child`` are the index of the *last*
token of the head/child span, and ``head_span``/``child_span`` repeat the span.

Tokens are the document's own (the stored ones, or those its file brought: a task's
``tokens`` come back as given); a record without any is tokenized with the tokenizer in
ExportOptions (default ``spacy.blank("en")``). ``ws``: the token is followed by a space. A
span that does not start and end on token boundaries is expanded or skipped as
``options.misaligned`` says, and reported.

Hashes: ``_input_hash`` is a 32-bit signed int from the MD5 of the text; ``_task_hash``
from the text plus the sorted spans and relations. Both are stable across runs and
machines (they are not Prodigy's own murmurhash values, which Prodigy recomputes anyway).

Carried: text, tokens, spans with label, ``kb_id`` (an extra span key, as spaCy's
``Span.kb_id``), relations, the document status as ``answer`` (done/None -> accept,
rejected -> reject, ignored -> ignore), a rejected span as ``"answer": "reject"`` on the
span, ``meta`` (with ``title`` and ``source`` inside it). Not carried, reported: events,
discontinuous fragments, span attributes, notes, comments.

Reader: ``answer`` sets ``record.status`` (accept -> "done", reject -> "rejected",
ignore -> "ignored"); ``tokens`` (their ``start`` and ``end``) become the document's
tokens; a span's own ``answer`` sets its state (accept -> "accepted",
reject -> "rejected"). Who annotated: ``_annotator_id``, else ``_session_id``. Prodigy names
a session ``<dataset>-<session name>`` (``?session=alice`` on dataset ``news`` gives
``news-alice``), so the annotator is the text after the last ``-`` (all of it when there is
no ``-``). ``meta.title`` and ``meta.source`` become the record's title and source. Spans in
relations that are missing from ``spans`` are added.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from exports.base import (
    output_file,
    ExportOptions,
    ExportReport,
    TokenIndex,
    align_span,
    check_offsets,
    iter_jsonl,
    jsonl_files,
    report_unsupported,
    require_text,
    tokens_of,
    write_jsonl,
)
from models.errors import FormatError
from models.records import DocumentRecord, RelationRecord, SpanRecord, Tokenization
from models.schema import Schema

NAME = "prodigy"
EXTENSIONS = (".jsonl",)
ANSWER_OF_STATUS = {"done": "accept", "rejected": "reject", "ignored": "ignore"}
STATUS_OF_ANSWER = {"accept": "done", "reject": "rejected", "ignore": "ignored"}


def stable_hash(value: object) -> int:
    """A 32-bit signed int from the MD5 of the canonical JSON of value."""
    raw = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    n = int.from_bytes(hashlib.md5(raw.encode("utf-8")).digest()[:4], "big")
    return n - (1 << 32) if n >= (1 << 31) else n


def write(records: Iterable[DocumentRecord], out: Path, schema: Schema | None = None,
          options: ExportOptions | None = None) -> ExportReport:
    options = options or ExportOptions()
    out = output_file(out, "prodigy.jsonl", (".json", ".ndjson"))
    report = ExportReport(NAME)
    def rows() -> Iterator[dict]:
        for n, doc in enumerate(records, 1):
            yield _task(doc, options, report)
            if options.progress:
                options.progress(n)

    write_jsonl(out, rows())
    report.files.append(out)
    return report


def _task(doc: DocumentRecord, options: ExportOptions, report: ExportReport) -> dict:
    report_unsupported(doc, report, "Prodigy")
    text = doc.text
    toks = tokens_of(doc, options)
    index = TokenIndex(toks, text)
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " "}
              for i, (s, e) in enumerate(zip(toks.starts, toks.ends))]
    spans_out: list[dict] = []
    by_id: dict[str, dict] = {}
    for s in sorted(doc.spans, key=lambda s: (s.start, s.end, s.label)):
        se = align_span(s, index, doc, options, report)
        if se is None:
            continue
        first, last = index.token_range(*se)
        d = {"start": se[0], "end": se[1], "token_start": first, "token_end": last,
             "label": s.label}
        if s.kb_id:
            d["kb_id"] = s.kb_id
        if s.state == "rejected":
            d["answer"] = "reject"
        spans_out.append(d)
        if s.id:
            by_id[s.id] = d
    rels_out = []
    for r in doc.relations:
        h, c = by_id.get(r.head), by_id.get(r.tail)
        if h is None or c is None:
            report.add(doc, "relation", r.label, None, None,
                       "left out: it points to a span that is not exported")
            continue
        strip = lambda d: {k: d[k] for k in ("start", "end", "token_start", "token_end",
                                             "label")}
        rels_out.append({"head": h["token_end"], "child": c["token_end"],
                         "head_span": strip(h), "child_span": strip(c), "label": r.label})
    meta = dict(doc.meta)
    if doc.title:
        meta["title"] = doc.title
    if doc.source:
        meta["source"] = doc.source
    task = {"text": doc.text, "tokens": tokens, "spans": spans_out}
    if rels_out:
        task["relations"] = rels_out
    task["answer"] = ANSWER_OF_STATUS.get(doc.status or "", "accept")
    task["meta"] = meta
    task["_input_hash"] = stable_hash({"text": doc.text})
    task["_task_hash"] = stable_hash({
        "text": doc.text,
        "spans": [[d["start"], d["end"], d["label"]] for d in spans_out],
        "relations": [[r["head_span"]["start"], r["child_span"]["start"], r["label"]]
                      for r in rels_out]})
    report.documents += 1
    report.spans += len(spans_out)
    report.relations += len(rels_out)
    return task


def read(path: Path) -> Iterator[DocumentRecord]:
    for file in jsonl_files(Path(path), (".jsonl",)):
        for lineno, obj in iter_jsonl(file):
            yield _record(obj, file, lineno)


def annotator_of(task: dict) -> str | None:
    who = task.get("_annotator_id") or task.get("_session_id")
    if not isinstance(who, str) or not who:
        return None
    return who.rsplit("-", 1)[-1] or who


def _tokens(tokens: list, text: str, path: Path, lineno: int) -> Tokenization:
    """The task's tokens (their start and end), checked against the text."""
    starts, ends = [], []
    for i, t in enumerate(tokens):
        if not isinstance(t, dict):
            raise FormatError(str(path), lineno, f"token {i} is not an object")
        s, e = check_offsets(t.get("start"), t.get("end"), text, path, lineno, f"token {i}")
        if isinstance(t.get("text"), str) and t["text"] != text[s:e]:
            raise FormatError(str(path), lineno, f"token {i}: its text {t['text']!r} is not "
                              f"the text at [{s}, {e}) ({text[s:e]!r})")
        if starts and s < ends[-1]:
            raise FormatError(str(path), lineno, f"token {i} [{s}, {e}) overlaps the token "
                              "before it or is out of order")
        starts.append(s)
        ends.append(e)
    return Tokenization(starts, ends, source="file", made_by="prodigy")


def _record(obj: dict, path: Path, lineno: int) -> DocumentRecord:
    text = require_text(obj, path, lineno)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise FormatError(str(path), lineno, '"meta" is not an object')
    meta = dict(meta)
    doc = DocumentRecord(text=text, origin=(str(path), lineno), annotator=annotator_of(obj))
    if isinstance(meta.get("title"), str):
        doc.title = meta.pop("title")
    if isinstance(meta.get("source"), str):
        doc.source = meta.pop("source")
    doc.meta = meta
    answer = obj.get("answer")
    if answer is not None:
        if answer not in STATUS_OF_ANSWER:
            raise FormatError(str(path), lineno, f"answer {answer!r} is not accept, reject or "
                                                 "ignore")
        doc.status = STATUS_OF_ANSWER[answer]
    tokens = obj.get("tokens")
    if tokens is not None and not isinstance(tokens, list):
        raise FormatError(str(path), lineno, '"tokens" is not a list')
    if tokens:
        doc.tokens = _tokens(tokens, text, path, lineno)
    spans = obj.get("spans") or []
    if not isinstance(spans, list):
        raise FormatError(str(path), lineno, '"spans" is not a list')
    keyed: dict[tuple[int, int, str], SpanRecord] = {}

    def add_span(d: object, what: str) -> SpanRecord:
        if not isinstance(d, dict):
            raise FormatError(str(path), lineno, f"{what} is not an object")
        start, end = check_offsets(d.get("start"), d.get("end"), text, path, lineno, what)
        label = d.get("label")
        if not isinstance(label, str) or not label:
            raise FormatError(str(path), lineno, f"{what} has no label")
        key = (start, end, label)
        if key in keyed:
            return keyed[key]
        span = SpanRecord(start, end, label, id=f"T{len(keyed) + 1}")
        if isinstance(d.get("kb_id"), str) and d["kb_id"]:
            span.kb_id = d["kb_id"]
        if d.get("answer") == "reject":
            span.state = "rejected"
        keyed[key] = span
        doc.spans.append(span)
        return span

    for i, d in enumerate(spans, 1):
        add_span(d, f"span {i}")
    rels = obj.get("relations") or []
    if not isinstance(rels, list):
        raise FormatError(str(path), lineno, '"relations" is not a list')
    by_last_token: dict[int, SpanRecord] = {}
    for d in spans:
        if isinstance(d.get("token_end"), int):
            by_last_token.setdefault(d["token_end"], keyed[(d["start"], d["end"], d["label"])])
    for i, r in enumerate(rels, 1):
        if not isinstance(r, dict):
            raise FormatError(str(path), lineno, f"relation {i} is not an object")
        ends = []
        for side, span_key in (("head", "head_span"), ("child", "child_span")):
            if isinstance(r.get(span_key), dict) and r[span_key].get("label"):
                ends.append(add_span(r[span_key], f"relation {i} {span_key}"))
            elif isinstance(r.get(side), int) and r[side] in by_last_token:
                ends.append(by_last_token[r[side]])
            else:
                raise FormatError(str(path), lineno, f"relation {i}: its {side} points to no "
                                                     "span")
        label = r.get("label")
        if not isinstance(label, str) or not label:
            raise FormatError(str(path), lineno, f"relation {i} has no label")
        doc.relations.append(RelationRecord(ends[0].id, ends[1].id, label, id=f"R{i}"))
    return doc


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.format import MISALIGNED, Format, Probe  # noqa: E402 (the declaration stays at the end)


# Keys only Prodigy's tasks have (doccano's are checked first: the registry's order).
_KEYS = frozenset(("spans", "tokens", "answer", "_input_hash", "_task_hash", "_session_id",
                   "_annotator_id", "_view_id", "relations"))


def _sniff(probe: Probe) -> bool:
    obj = probe.suffix in (".jsonl", ".json") and probe.first_json
    return bool(obj) and not _KEYS.isdisjoint(obj)


FORMAT = Format(name=NAME, extensions=EXTENSIONS, read=read, write=write, sniff=_sniff,
                options=(MISALIGNED,))
