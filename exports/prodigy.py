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

Tasks keep their identity. A task read from a file is a `TaskRecord` of its record: its
answer (or none), whether it is binary (``_view_id`` "ner", "classification" or "binary", as
``ner.teach`` saves; with no ``_view_id``, one span with a model's ``score`` or ``rank``) or
manual, and every other top-level field as given (``_input_hash``,
``_task_hash``, ``_view_id``, ``_session_id``, ``_timestamp``, ``meta``, ...); its spans and
relations point at it. The writer writes each task back as itself, one line per task even
when several have one text, with its own answer, spans (each with its own answer) and fields.
It keeps its own keys and order: spans as the task listed them, and no key the file did not
have (tokens without ``ws``, spans without token indices, no ``tokens``/``spans`` at all, as
older Prodigy versions and hand-made files write them; all follow from the text).
A span two tasks accept is stored once; the second task holds it through
``SpanRecord.other_tasks`` (the task_spans table), with its own answer there.
Labels made after the import (in no task) go into one more task of that document.

Hashes: kept as given; computed only when absent: ``_input_hash`` a 32-bit signed int from
the MD5 of the text, ``_task_hash`` from the text plus the sorted spans and relations (not
Prodigy's own murmurhash values; stable across runs and machines).

Answers: a span's state follows its own answer, else its task's: accept -> accepted,
reject -> rejected, ignore or none -> suggested (nobody said it is right). The document's
status follows the task's answer: accept -> "done", reject -> "rejected", ignore ->
"ignored", none -> "in_progress". A document without tasks is written with the answer of
its status (done/approved -> accept, rejected -> reject, ignored -> ignore, else none).

Carried: text, tokens, spans with label, ``kb_id`` (an extra span key, as spaCy's
``Span.kb_id``) and every other key a span was given (a model's ``score``, ``rank``,
``source``, ``input_hash``; ``text`` written as the span's text now), relations, answers,
the same span given twice in one task (two suggesters: it is one label, each copy written
back with its own keys), ``meta`` (for a document without tasks: its own, with the
document's ``title`` and ``source`` where it has none; not a title that is only the text's
first line), the annotator's active time on the document as ``meta.active_seconds`` (when
there is some: ``meta`` is where Prodigy keeps what a task says about itself and shows it
with the task; ``_``-keys are Prodigy's own). Not carried, reported: events, discontinuous
fragments, span attributes, notes, comments.

Document categories: a textcat task (``textcat.teach``, or ``textcat.manual`` with one
label: a top-level ``label`` and the answer) is a binary task giving its label as a category:
accept -> accepted, reject -> rejected (an explicit no), ignore or none -> suggested. A choice
task (``textcat.manual`` with several labels: ``options`` [{"id", "text"}] and the ``accept``
list of ids) gives each accepted option as a category, in the state of the task's answer
(options not chosen are not stored: an accepted choice task decides them, as no). An option's
category is its ``id`` (its ``text`` when the id is not a string). The groups: each set of
options is a group (``read_schema``), exclusive when the tasks say ``config.choice_style``
"single", or, saying nothing, when none accepts two; textcat labels the schema lacks go to
its multi-label group "Imported". Written back as the same tasks: ``label`` and ``answer``
from the category's state (unchanged while the state is the answer's), ``accept`` from the
accepted options (as given while they are the same), no ``tokens`` or ``spans`` where the task
had none. Categories made in the app (in no task) go into the document's extra task as a
choice: ``options`` (every category of their groups) and ``accept``.

Reader: ``tokens`` (their ``start`` and ``end``) become the document's tokens. Who
annotated: ``_annotator_id``, else ``_session_id``. Prodigy names a session
``<dataset>-<session name>`` (``?session=alice`` on dataset ``news`` gives ``news-alice``),
so the annotator is the text after the last ``-`` (all of it when there is no ``-``).
``meta.title`` and ``meta.source`` become the record's title and source, and
``meta.active_seconds`` the layer's active time (kept when larger than the layer's). Spans in relations
that are missing from ``spans`` are added. An answer that is not accept/reject/ignore (of
the task or of a span), or a hash that is not an integer, is a FormatError naming the line.
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
from exports.plaintext import title_of
from models.errors import FormatError
from models.records import (
    ANSWERS, CategoryRecord, DocumentRecord, RelationRecord, SpanRecord, TaskRecord,
    Tokenization)
from models.schema import Schema

NAME = "prodigy"
EXTENSIONS = (".jsonl",)
ANSWER_OF_STATUS = {"done": "accept", "approved": "accept", "rejected": "reject",
                    "ignored": "ignore"}
STATUS_OF_ANSWER = {"accept": "done", "reject": "rejected", "ignore": "ignored",
                    None: "in_progress"}
STATE_OF_ANSWER = {"accept": "accepted", "reject": "rejected", "ignore": "suggested",
                   None: "suggested"}
ANSWER_OF_STATE = {"accepted": "accept", "rejected": "reject"}
# The keys a task is made of here; every other top-level key is kept as given.
OWN_KEYS = ("text", "tokens", "spans", "relations", "answer")
# A task field of ours, never written: which of OWN_KEYS a category task did not have.
PRIVATE = "_marginalia"
HASHES = ("_input_hash", "_task_hash")
ACTIVE_KEY = "active_seconds"  # in "meta": the annotator's active time on the document
# A span's keys made here; every other one is kept as given (SpanRecord.extra[EXTRA]).
SPAN_KEYS = ("start", "end", "token_start", "token_end", "label", "answer", "kb_id")
EXTRA = "prodigy"
# The same span given again in one task: its other copies' keys, to be written back.
REPEATS = "prodigy_repeats"
ORDER = "prodigy_index"  # the span's place in its task's "spans", which need not be by offset
PLACE_KEYS = ("start", "end", "token_start", "token_end", "label")
# Views of Prodigy's binary interfaces: one suggestion per task, accepted or rejected.
BINARY_VIEWS = ("ner", "classification", "binary")


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
            yield from _task(doc, options, report, schema)
            if options.progress:
                options.progress(n)

    write_jsonl(out, rows())
    report.files.append(out)
    return report


def _task(doc: DocumentRecord, options: ExportOptions, report: ExportReport,
          schema: Schema | None = None) -> Iterator[dict]:
    """The tasks of one document: each task it came with, as itself, then (when there are
    any) the labels of no task as one more."""
    report_unsupported(doc, report, "Prodigy")
    text = doc.text
    toks = tokens_of(doc, options)  # the document's stored tokens
    index = TokenIndex(toks, text)
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " "}
              for i, (s, e) in enumerate(zip(toks.starts, toks.ends))]
    report.documents += 1
    n_tasks = len(doc.tasks)
    task_cats = _categories_by_task(doc)
    for n, task in enumerate(doc.tasks):
        # its own spans, and those it shares with another task (stored once in a layer)
        mine = [(s, s.answer, s.extra) for s in doc.spans if s.task == n] + [
            (s, answer, extra) for s in doc.spans for k, answer, extra in s.other_tasks
            if k == n]
        out = _one(doc, mine, [r for r in doc.relations if r.task == n], task, tokens, index,
                   options, report)
        yield _task_categories(out, task, task_cats.get(n, []), report)
    rest = [(s, s.answer, s.extra) for s in doc.spans
            if (s.task is None or s.task >= n_tasks)
            and not any(k < n_tasks for k, *_ in s.other_tasks)]
    rest_rels = [r for r in doc.relations if r.task is None or r.task >= len(doc.tasks)]
    rest_cats = task_cats.get(None, [])
    if rest or rest_rels or not doc.tasks or any(c.state == "accepted" for c in rest_cats):
        out = _one(doc, rest, rest_rels, None, tokens, index, options, report,
                   all_spans=doc.spans)
        yield _choice_of(out, rest_cats, schema, report)


def _task_order(p: tuple) -> tuple:
    """Spans as their task listed them; those it did not list (or whose place a file gave
    wrongly) after them, by offset."""
    s, _, extra = p
    k = extra.get(ORDER)
    return (0, k) if type(k) is int else (1, 0), s.start, s.end, s.label


def _as_read(out: dict, absent) -> None:
    """A task read from a file keeps its keys: what it did not have is not added (see
    _note_absent). Its "tokens" stay out unless spans were given to a task that had none."""
    absent = set(absent) if isinstance(absent, (list, tuple)) else set()
    if "spans" in absent and not out.get("spans"):
        out.pop("spans", None)
    if "tokens" in absent and ("spans" in absent or not out.get("spans")
                               or "token_start" in absent):
        out.pop("tokens", None)
    if "ws" in absent and out.get("tokens"):
        out["tokens"] = [{k: v for k, v in t.items() if k != "ws"} for t in out["tokens"]]
    if "token_start" in absent:
        for d in out.get("spans") or ():
            d.pop("token_start", None)
            d.pop("token_end", None)


def _span_answer(span: SpanRecord, own: str | None, task_answer: str | None) -> str | None:
    """What a span is written with: its own answer in the task (`own`) while its state
    still says so; nothing when it follows its task's answer; else the answer of its
    state."""
    if own and STATE_OF_ANSWER[own] == span.state:
        return own
    if STATE_OF_ANSWER[task_answer] == span.state:
        return None
    return ANSWER_OF_STATE.get(span.state, "ignore")


def _one(doc: DocumentRecord, spans: list[tuple[SpanRecord, str | None, dict]],
         relations: list[RelationRecord],
         task: TaskRecord | None, tokens: list[dict], index: TokenIndex,
         options: ExportOptions, report: ExportReport,
         all_spans: list[SpanRecord] | None = None) -> dict:
    if task is not None:
        task_answer = task.answer
    else:
        task_answer = ANSWER_OF_STATUS.get(doc.status or "")
    spans_out: list[dict] = []
    by_id: dict[str, dict] = {}
    for s, own, extra in sorted(spans, key=_task_order):
        se = align_span(s, index, doc, options, report)
        if se is None:
            continue
        first, last = index.token_range(*se)
        d = {"start": se[0], "end": se[1], "token_start": first, "token_end": last,
             "label": s.label}
        if s.kb_id:
            d["kb_id"] = s.kb_id
        for key, value in (extra.get(EXTRA) or {}).items():
            if key not in d:  # the text as it is now: the span may have been resized
                d[key] = doc.text[se[0]:se[1]] if key == "text" else value
        answer = _span_answer(s, own, task_answer)
        if answer:
            d["answer"] = answer
        spans_out.append(d)
        for again in extra.get(REPEATS) or ():  # written again, each with its own keys
            spans_out.append({**{k: d[k] for k in PLACE_KEYS}, **again, **(
                {"text": doc.text[se[0]:se[1]]} if "text" in again else {})})
        if s.id:
            by_id[s.id] = d
    if all_spans is not None:  # relations of no task may point at a span of a task
        for s in all_spans:
            if s.id and s.id not in by_id:
                se = index.snap(s.start, s.end)
                if se is not None:
                    first, last = index.token_range(*se)
                    by_id[s.id] = {"start": se[0], "end": se[1], "token_start": first,
                                   "token_end": last, "label": s.label}
    rels_out = []
    for r in relations:
        h, c = by_id.get(r.head), by_id.get(r.tail)
        if h is None or c is None:
            report.add(doc, "relation", r.label, None, None,
                       "left out: it points to a span that is not exported")
            continue
        strip = lambda d: {k: d[k] for k in ("start", "end", "token_start", "token_end",
                                             "label")}
        rels_out.append({"head": h["token_end"], "child": c["token_end"],
                         "head_span": strip(h), "child_span": strip(c), "label": r.label})
    fields = dict(task.fields) if task is not None else {}
    out = {"text": doc.text, "tokens": tokens, "spans": spans_out}
    if rels_out or fields.get("_view_id") == "relations":
        out["relations"] = rels_out
    if task_answer:
        out["answer"] = task_answer
    if task is None:
        meta = dict(doc.meta)  # its own title and source first (plain JSONL keeps them)
        if doc.title and doc.title != title_of(doc.text):  # not one made from its text
            meta.setdefault("title", doc.title)
        if doc.source:
            meta.setdefault("source", doc.source)
        out["meta"] = meta
    for key, value in fields.items():
        if key not in OWN_KEYS and key != PRIVATE:
            out[key] = value
    _as_read(out, (fields.get(PRIVATE) or {}).get("absent", ()))
    if doc.active_seconds:  # in "meta", where Prodigy keeps what a task says about itself
        out["meta"] = {**(out.get("meta") or {}), ACTIVE_KEY: doc.active_seconds}
    if "_input_hash" not in out:
        out["_input_hash"] = stable_hash({"text": doc.text})
    if "_task_hash" not in out:
        out["_task_hash"] = stable_hash({
            "text": doc.text,
            "spans": [[d["start"], d["end"], d["label"]] for d in spans_out],
            "relations": [[r["head_span"]["start"], r["child_span"]["start"], r["label"]]
                          for r in rels_out]})
    report.tasks += 1
    report.spans += len(spans_out)
    report.relations += len(rels_out)
    return out


# ---- document categories: textcat and choice tasks ---------------------------------------------

def option_name(option: dict) -> str:
    """The category of a choice option: its id; when the id is a number, its text (if that
    is a name: no white space), else the number."""
    oid = option.get("id")
    if isinstance(oid, str) and oid:
        return oid
    text = option.get("text")
    if isinstance(text, str) and text and not any(c.isspace() for c in text):
        return text
    return str(oid)


def _categories_by_task(doc: DocumentRecord) -> dict[int | None, list[CategoryRecord]]:
    """The categories of each task; one made in the app (in no task) goes to the first
    accepted choice task among whose options it is, else to None (the document's extra
    task)."""
    out: dict[int | None, list[CategoryRecord]] = {}
    choices = [(n, {option_name(o) for o in t.fields["options"] if isinstance(o, dict)})
               for n, t in enumerate(doc.tasks)
               if t.answer == "accept" and isinstance(t.fields.get("options"), list)]
    for c in doc.categories:
        n = c.task if c.task is not None and c.task < len(doc.tasks) else None
        if n is None:
            n = next((k for k, names in choices if c.name in names), None)
        out.setdefault(n, []).append(c)
    return out


def _task_categories(out: dict, task: TaskRecord, cats: list[CategoryRecord],
                     report: ExportReport) -> dict:
    """A textcat or choice task written back from its categories' states."""
    if not cats:
        return out
    by_name = {c.name: c for c in cats}
    report.categories += len(cats)
    if isinstance(out.get("options"), list):
        names = {option_name(o): o.get("id") for o in out["options"] if isinstance(o, dict)}
        given = out.get("accept") if isinstance(out.get("accept"), list) else []
        taken = STATE_OF_ANSWER[task.answer]  # the state an id in `accept` was stored in
        keep = [i for i in given if not (
            (n := _name_of_id(out["options"], i)) in by_name and by_name[n].state != taken)]
        more = [oid for n, oid in names.items()
                if n in by_name and by_name[n].state == taken and oid not in keep]
        if keep + more != given or "accept" in out:
            out["accept"] = keep + more
        return out
    if isinstance(out.get("label"), str) and len(cats) == 1:
        cat = cats[0]
        out["label"] = cat.name  # renamed in the app
        if STATE_OF_ANSWER[task.answer] != cat.state:
            out["answer"] = ANSWER_OF_STATE.get(cat.state, "ignore")
    return out


def _name_of_id(options: list, oid: object) -> str | None:
    for o in options:
        if isinstance(o, dict) and o.get("id") == oid:
            return option_name(o)
    return None


def _choice_of(out: dict, cats: list[CategoryRecord], schema: Schema | None,
               report: ExportReport) -> dict:
    """The document's extra task carries the categories of no task as a choice."""
    accepted = [c.name for c in cats if c.state == "accepted"]
    if not accepted:
        return out
    names: list[str] = []
    for name in accepted:
        group = schema.category_group(name) if schema else None
        for n in (group.names if group else [name]):
            if n not in names:
                names.append(n)
    out["options"] = [{"id": n, "text": n} for n in names]
    out["accept"] = accepted
    report.categories += len(accepted)
    return out


def _categories(obj: dict, doc: DocumentRecord, task: TaskRecord, path: Path,
                lineno: int) -> None:
    """The categories of a textcat task (label) or a choice task (options, accept)."""
    state = STATE_OF_ANSWER[task.answer]
    options = obj.get("options")
    if options is not None:
        if not isinstance(options, list) or not all(
                isinstance(o, dict) and isinstance(o.get("id"), (str, int))
                and not isinstance(o.get("id"), bool) for o in options):
            raise FormatError(str(path), lineno, '"options" is not a list of {"id", "text"}')
        accept = obj.get("accept", [])
        if not isinstance(accept, list):
            raise FormatError(str(path), lineno, '"accept" is not a list of option ids')
        ids = [o["id"] for o in options]
        for oid in accept:
            if isinstance(oid, bool) or oid not in ids:
                raise FormatError(str(path), lineno, f"accept: {oid!r} is not the id of one "
                                                     "of the options")
        names = [option_name(o) for o in options]
        for oid in dict.fromkeys(accept, None):
            doc.categories.append(CategoryRecord(names[ids.index(oid)], state=state, task=0))
    elif isinstance(obj.get("label"), str):
        if not obj["label"]:
            raise FormatError(str(path), lineno, '"label" is empty')
        doc.categories.append(CategoryRecord(obj["label"], state=state, task=0))
    else:
        return


def read_schema(path: Path) -> Schema | None:
    """The category groups of a file's choice tasks: one per set of options, exclusive when
    the tasks say choice_style "single" (or say nothing and none accepts two)."""
    from models.schema import Category, CategoryGroup

    groups: dict[tuple[str, ...], list[bool | None]] = {}
    for file in jsonl_files(Path(path), (".jsonl",)):
        for _, obj in iter_jsonl(file):
            options = obj.get("options")
            if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
                continue
            key = tuple(dict.fromkeys(option_name(o) for o in options))
            style = (obj.get("config") or {}).get("choice_style") if isinstance(
                obj.get("config"), dict) else None
            accept = obj.get("accept") if isinstance(obj.get("accept"), list) else []
            said = groups.setdefault(key, [None, False])
            if style in ("single", "multiple"):
                said[0] = style == "single" if said[0] is None else said[0] and style == "single"
            said[1] = said[1] or len(accept) > 1
    if not groups:
        return None
    schema = Schema(name="prodigy choices", entities=[], relations=[], events=[])
    for names, (single, two) in groups.items():
        name = "Choice: " + ", ".join(names)
        if len(name) > 60:
            name = name[:57] + "..."
        schema.categories.append(CategoryGroup(
            name, exclusive=bool(single) if single is not None else not two,
            categories=[Category(n, color=schema.color_of(n)) for n in names]))
    return schema


def read(path: Path) -> Iterator[DocumentRecord]:
    for file in jsonl_files(Path(path), (".jsonl",)):
        for lineno, obj in iter_jsonl(file):
            yield _record(obj, file, lineno)


def annotator_of(task: dict) -> str | None:
    who = task.get("_annotator_id") or task.get("_session_id")
    if not isinstance(who, str) or not who:
        return None
    return who.rsplit("-", 1)[-1] or who


def _answer(value: object, path: Path, lineno: int, what: str) -> str | None:
    if value is None or (isinstance(value, str) and value in ANSWERS):
        return value
    raise FormatError(str(path), lineno, f"{what} {value!r} is not accept, reject or ignore")


def _is_binary(obj: dict) -> bool:
    """A binary task: saved by a binary view; or, when the task names no view (older
    Prodigy), spans that a model suggested, each carrying the model's "score" or "rank" as
    ner.teach's do (mostly one; two or more where suggestions were merged), which no
    manual interface gives."""
    view = obj.get("_view_id")
    if view is not None:
        return view in BINARY_VIEWS
    if isinstance(obj.get("label"), str) and "options" not in obj:
        return True  # a textcat task: yes or no to its one label
    spans = obj.get("spans")
    return (isinstance(spans, list) and bool(spans)
            and all(isinstance(d, dict) and ("score" in d or "rank" in d) for d in spans))


def _task_of(obj: dict, path: Path, lineno: int) -> TaskRecord:
    answer = _answer(obj.get("answer"), path, lineno, "answer")
    for key in HASHES:
        value = obj.get(key)
        if key in obj and (not isinstance(value, int) or isinstance(value, bool)):
            raise FormatError(str(path), lineno, f"{key} {value!r} is not an integer")
    fields = {k: v for k, v in obj.items() if k not in OWN_KEYS}
    kind = "binary" if _is_binary(obj) else "manual"
    return TaskRecord(answer=answer, kind=kind, fields=fields)


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
    task = _task_of(obj, path, lineno)
    doc = DocumentRecord(text=text, origin=(str(path), lineno), annotator=annotator_of(obj),
                         tasks=[task], status=STATUS_OF_ANSWER[task.answer])
    if isinstance(meta.get("title"), str):
        doc.title = meta.pop("title")
    if isinstance(meta.get("source"), str):
        doc.source = meta.pop("source")
    if ACTIVE_KEY in meta:  # checked with the record's other fields before it is stored
        doc.active_seconds = meta.pop(ACTIVE_KEY)
    doc.meta = meta
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
        own = _answer(d.get("answer"), path, lineno, f"{what}: answer")
        key = (start, end, label)
        if key in keyed:
            if what.startswith("span "):  # the same span twice in a task (two suggesters)
                keyed[key].extra.setdefault(REPEATS, []).append(
                    {k: v for k, v in d.items() if k not in PLACE_KEYS})
            return keyed[key]
        span = SpanRecord(start, end, label, id=f"T{len(keyed) + 1}", task=0, answer=own,
                          state=STATE_OF_ANSWER[own or task.answer])
        if isinstance(d.get("kb_id"), str) and d["kb_id"]:
            span.kb_id = d["kb_id"]
        rest = {k: v for k, v in d.items() if k not in SPAN_KEYS}
        if rest:  # the model's "score", "rank", "source", "input_hash", the "text", ...
            span.extra = {EXTRA: rest}
        if what.startswith("span "):
            span.extra[ORDER] = len(keyed)
        keyed[key] = span
        doc.spans.append(span)
        return span

    for i, d in enumerate(spans, 1):
        add_span(d, f"span {i}")
    _categories(obj, doc, task, path, lineno)
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
        doc.relations.append(RelationRecord(ends[0].id, ends[1].id, label, id=f"R{i}", task=0,
                                            state=STATE_OF_ANSWER[task.answer]))
    _note_absent(obj, task)
    return doc


def _note_absent(obj: dict, task: TaskRecord) -> None:
    """What the task's keys did not have, so it is written back without them: no "tokens"
    or "spans" key, tokens without "ws", spans without token indices (older Prodigy and
    hand-made files). All of them follow from the text, so nothing is lost. (Missing
    hashes are still written: they are what Prodigy's database holds for the task.)"""
    absent = [k for k in ("tokens", "spans") if k not in obj]
    tokens, spans = obj.get("tokens") or [], obj.get("spans") or []
    if tokens and not any("ws" in t for t in tokens):
        absent.append("ws")
    if spans and not any("token_start" in d or "token_end" in d for d in spans):
        absent.append("token_start")
    if absent:
        private = task.fields.setdefault(PRIVATE, {})
        private["absent"] = sorted(set(private.get("absent", ())) | set(absent))


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.format import MISALIGNED, Format, Probe  # noqa: E402 (the declaration stays at the end)


# Keys only Prodigy's tasks have (doccano's are checked first: the registry's order).
_KEYS = frozenset(("spans", "tokens", "answer", "_input_hash", "_task_hash", "_session_id",
                   "_annotator_id", "_view_id", "relations", "options", "accept"))


def _sniff(probe: Probe) -> bool:
    obj = probe.suffix in (".jsonl", ".json") and probe.first_json
    return bool(obj) and not _KEYS.isdisjoint(obj)


FORMAT = Format(name=NAME, extensions=EXTENSIONS, read=read, write=write, sniff=_sniff,
                options=(MISALIGNED,), carries_rejections=True, writes_tasks=True,
                read_schema=read_schema)
