"""spaCy DocBin (``.spacy``), split into ``train.spacy`` and ``dev.spacy``, plus ``config.cfg``.

What goes where in each ``Doc``:

* ``doc.ents``: the entity spans that line up with the tokens and do not overlap (when
  they do, ``spacy.util.filter_spans`` chooses, the longest first; the others are
  reported), with ``kb_id`` in ``ent.kb_id_`` (the ``ENT_KB_ID`` token attribute);
* ``doc.spans[options.spans_key]`` (default ``"sc"``): every span, overlapping ones too,
  with label and kb_id;
* ``doc._.marginalia`` (a Doc extension, saved in ``doc.user_data`` under the key
  ``("._.", "marginalia", None, None)`` because the DocBin is written with
  ``store_user_data=True``), a dict::

      {"version": 1,
       "spans": [{"id", "start", "end", "label", "fragments", "attributes", "kb_id",
                  "state", "source", "score", "note"}, ...],   # same order as doc.spans[key]
       "relations": [{"id", "head", "tail", "label", "state", "source", "score"}, ...],
       "events": [{"id", "trigger", "type", "arguments": [{"role", "target"}],
                   "attributes", "state", "source", "score"}, ...],
       "categories": [{"name", "state", "source", "score", "task", "extra"}, ...],
       "doc": {"title", "source", "meta", "status", "annotator", "active_seconds",
               "comments", "doc_id", "index"}}

  ``head``, ``tail``, ``trigger`` and ``target`` are the ``id`` of a span or an event. Read it
  back with ``Doc.set_extension("marginalia", default=None)`` then ``doc._.marginalia``, or
  with :func:`read`.

Offsets in ``doc._.marginalia`` are character offsets (code points), like ours; spaCy's
spans are token-based, so a span that does not start and end on a token boundary is
expanded or skipped as ``options.misaligned`` says (and reported); the stored offsets are
the ones written into ``doc.spans``. Each Doc is built from the document's own tokens
(words and spaces from their offsets; text between tokens that is not one space becomes a
token of its own, as spaCy's tokenizer makes white space a token), with their sentence
starts when there are some; a record without tokens is tokenized with ``options.tokenizer``
(default ``spacy.blank("en")``). Discontinuous spans are in ``doc.spans`` as their covering
span, their fragments in ``doc._.marginalia``.

Documents are shuffled with ``options.seed`` and ``options.dev_ratio`` of them go to
``dev.spacy`` (at least one each when there are two or more documents). ``config.cfg``
comes from spaCy's own ``init config`` for a blank English ``ner`` pipeline on CPU, with
``paths.train``/``paths.dev`` pointing at the two files and ner's ``incorrect_spans_key``
set to ``"incorrect_spans"``; the labels are left for training (or ``spacy init labels``)
to infer from the data. Run ``python -m spacy train config.cfg`` in the output folder.

Document categories: ``doc.cats`` holds every category of the schema, 1.0 for an accepted
one, 0.0 for a rejected one (a rejected textcat task) and, on a document that decides them
all, for every other; what binary tasks leave undecided is left out of ``doc.cats``, which
spaCy's ``textcat_multilabel`` reads as a missing value (models/cats.py has the rules).
``config.cfg`` then has a ``textcat`` component (the schema's categories are one exclusive
group and every document decides it) or a ``textcat_multilabel`` one, with the labels in
``[initialize.components.*]``; no component when no document decides any category.

Binary data: a document whose labels are incomplete (``DocumentRecord.binary``: imported
binary tasks such as ``ner.teach``, or no task accepted) marks the tokens outside its
accepted spans as missing, not O; its rejected spans are in ``doc.spans["incorrect_spans"]``.
Event triggers are in ``doc.spans["events"]``, not in ``doc.ents`` (unless the event type
has ``export_as_entity = true``). See :func:`set_labels`.

Reader: any ``.spacy`` file (or a folder of them, in the documents' original order when
ours): with our ``doc._.marginalia`` it restores the records exactly; without it, spans come
from ``doc.ents`` and every span group, and categories from ``doc.cats`` (1.0 accepted, 0.0
rejected, a value between them a suggestion with that score). Either way the Doc's tokens (and its sentence starts,
when set) become the document's tokens.
"""

from __future__ import annotations

import contextlib
import functools
import zlib
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from exports.base import (
    ExportOptions,
    ExportReport,
    UNANSWERED,
    Problem,
    TokenIndex,
    align_span,
    atomic_write_bytes,
    atomic_write_text,
    blank_tokenizer,
    doc_name,
    inflate_limit,
    tokens_of,
    unanswered,
)
from models.errors import FormatError
from models import cats as textcat
from models.records import (
    ArgumentRecord, CategoryRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord,
    TaskRecord, Tokenization)
from models.schema import Schema
from models.tokens import from_doc

NAME = "spacy"
EXTENSIONS = (".spacy",)
EXT = "marginalia"
USER_DATA_KEY = ("._.", EXT, None, None)
VERSION = 1


def _register() -> None:
    from spacy.tokens import Doc

    if not Doc.has_extension(EXT):
        Doc.set_extension(EXT, default=None)


def doc_from_tokens(vocab, text: str, toks: Tokenization):
    """A spaCy Doc of `text` whose tokens are `toks`, and the Doc index of each of them.
    Text between two tokens: one space is the first one's whitespace; whatever else there
    is becomes a token of its own (white space, as spaCy's tokenizer has it, or text the
    tokens skipped), so that doc.text == text."""
    from spacy.tokens import Doc

    starts, ends = toks.starts, toks.ends
    if starts and starts[0] == 0:  # the common case: nothing but single spaces between
        nxt = starts[1:] + [len(text)]
        spaces = [n == e + 1 and text[e] == " " for e, n in zip(ends, nxt)]
        if sum(ends) - sum(starts) + sum(spaces) == len(text):
            sent_starts = None
            if toks.sentences is not None:
                sent_starts = [False] * len(starts)
                for k in toks.sentences:
                    sent_starts[k] = True
                sent_starts[0] = True
            words = [text[a:b] for a, b in zip(starts, ends)]
            return (Doc(vocab, words=words, spaces=spaces, sent_starts=sent_starts),
                    range(len(words)))
    words: list[str] = []
    spaces: list[bool] = []
    where: list[int] = []
    sents = set(toks.sentences) if toks.sentences is not None else None
    firsts: list[bool] = []
    pos = 0

    def gap(upto: int) -> None:
        g = text[pos:upto]
        if g.startswith(" ") and words and not spaces[-1]:
            spaces[-1] = True
            g = g[1:]
        if g:
            words.append(g)
            spaces.append(False)
            firsts.append(False)

    for i, (s, e) in enumerate(zip(toks.starts, toks.ends)):
        if s > pos:
            gap(s)
        where.append(len(words))
        words.append(text[s:e])
        spaces.append(False)
        if sents is not None:
            firsts.append(i in sents)
        pos = e
    if pos < len(text):
        gap(len(text))
    sent_starts = None
    if sents is not None and words:
        firsts[0] = True
        sent_starts = firsts
    return Doc(vocab, words=words, spaces=spaces, sent_starts=sent_starts), where


def to_doc(rec: DocumentRecord, index: int, vocab, options: ExportOptions,
           report: ExportReport, schema: Schema | None = None):
    """The spaCy Doc for one record (ents, spans, doc._.marginalia)."""

    toks = tokens_of(rec, options)
    doc, where = doc_from_tokens(vocab, rec.text, toks)
    tokens = TokenIndex(toks, rec.text)
    kept_spans: list[tuple[int, int, SpanRecord]] = []
    for s in rec.spans:
        if unanswered(s):
            report.add(rec, "unanswered", s.label, s.start, s.end, UNANSWERED)
            continue
        se = align_span(s, tokens, rec, options, report)
        if se is not None:
            kept_spans.append((se[0], se[1], s))
    group, data_spans = set_labels(doc, where, rec, kept_spans, tokens, options, report,
                                   schema)
    kept_ids = {span.id for _, _, span in kept_spans if span.id}
    event_ids = {ev.id for ev in rec.events if ev.id}
    # events whose trigger was left out go too, and then what points at them (repeat)
    dropped_events: set[str] = set()
    changed = True
    while changed:
        changed = False
        for ev in rec.events:
            if ev.id in dropped_events:
                continue
            if ev.trigger not in kept_ids:
                dropped_events.add(ev.id)
                changed = True
    data_events = []
    alive = kept_ids | (event_ids - dropped_events)
    for ev in rec.events:
        if ev.id in dropped_events or not ev.id:
            report.add(rec, "event", ev.type, None, None,
                       "left out: its trigger span is not exported" if ev.id else
                       "left out: it has no id")
            continue
        d = dict(ev.__dict__)
        args = []
        for a in ev.arguments:
            if a.target in alive:
                args.append({"role": a.role, "target": a.target})
            else:
                report.add(rec, "argument", f"{ev.type}.{a.role}", None, None,
                           "left out: its target is not exported")
        d["arguments"] = args
        data_events.append(d)
    data_rels = []
    for r in rec.relations:
        if r.head in alive and r.tail in alive:
            data_rels.append(dict(r.__dict__))
        else:
            report.add(rec, "relation", r.label, None, None,
                       "left out: it points to a span that is not exported")
    doc.cats = textcat.doc_cats(rec, schema, textcat.names_of(schema, [rec]))
    doc._.set(EXT, {
        "version": VERSION,
        "spans": data_spans,
        "relations": data_rels,
        "events": data_events,
        "categories": [dict(c.__dict__) for c in rec.categories],
        "doc": {"title": rec.title, "source": rec.source, "meta": rec.meta,
                "status": rec.status, "annotator": rec.annotator,
                "comments": list(rec.comments), "doc_id": rec.doc_id, "index": index,
                "active_seconds": rec.active_seconds,
                "tasks": [dict(t.__dict__) for t in rec.tasks]},
    })
    report.spans += len(group)
    report.relations += len(data_rels)
    report.events += len(data_events)
    report.categories += len(doc.cats)
    return doc


INCORRECT_KEY = "incorrect_spans"  # the ner component's incorrect_spans_key
EVENTS_KEY = "events"  # event triggers


def set_labels(doc, where, rec: DocumentRecord, kept_spans, tokens: TokenIndex,
               options: ExportOptions, report: ExportReport, schema: Schema | None):
    """doc.ents, doc.spans[key], doc.spans["events"] and doc.spans["incorrect_spans"] from
    the record's token-aligned spans; (spans in doc.spans[key], their data dicts).

    * entities (accepted, or suggested under --state all, but never a span of an imported
      task answered ignore or not at all: to_doc leaves those out) go to doc.spans[key] and, the
      longest first where they overlap (spacy.util.filter_spans), to doc.ents; the others
      are reported;
    * event triggers go to doc.spans["events"], not doc.ents (unless their event type
      says export_as_entity);
    * rejected spans go to doc.spans["incorrect_spans"], for ner's incorrect_spans_key
      (a rejected span where an accepted entity stands is left out, reported);
    * a document whose labels are incomplete (binary tasks, rec.binary) leaves the tokens
      it says nothing about missing, not O; a complete one keeps O."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    triggers = {ev.trigger: ev.type for ev in rec.events}
    both = {e.name for e in schema.events if e.export_as_entity} if schema else set()
    group, ent_spans, events, incorrect, data_spans = [], [], [], [], []
    for s, e, span in kept_spans:
        first, last = tokens.token_range(s, e)
        sp = Span(doc, where[first], where[last] + 1, label=span.label, kb_id=span.kb_id or "")
        d = dict(span.__dict__)  # shallow: dataclasses.asdict deep-copies, 10x slower
        d["start"], d["end"] = s, e
        d["fragments"] = [list(f) for f in span.fragments] if span.fragments else None
        data_spans.append(d)
        if span.state == "rejected":
            incorrect.append((sp, span))
            continue
        group.append(sp)
        if span.id in triggers:
            events.append(sp)
            if triggers[span.id] not in both:
                continue
        ent_spans.append((sp, span))
    chosen = filter_spans([sp for sp, _ in ent_spans])
    kept = {(sp.start, sp.end, sp.label) for sp in chosen}
    taken = set()
    for sp, span in ent_spans:
        key = (sp.start, sp.end, sp.label)
        if key not in kept or key in taken:
            report.add(rec, "overlap", span.label, span.start, span.end,
                       f"left out of doc.ents (it overlaps a longer span); kept in "
                       f"doc.spans[{options.spans_key!r}]")
        taken.add(key)
    doc.set_ents(chosen, default="missing" if rec.binary else "outside")
    wrong = []
    for sp, span in incorrect:
        if (sp.start, sp.end, sp.label) in kept:
            report.add(rec, "incorrect", span.label, span.start, span.end,
                       "a rejected span where the same span is accepted: left out of "
                       f"doc.spans[{INCORRECT_KEY!r}]")
        else:
            wrong.append(sp)
    doc.spans[options.spans_key] = group
    doc.spans[EVENTS_KEY] = events
    doc.spans[INCORRECT_KEY] = wrong
    return group, data_spans


def _vocab_of(tokenizer) -> Any:
    """The vocab of options.tokenizer (a Tokenizer or nlp.make_doc), else the blank one's."""
    found = getattr(tokenizer, "vocab", None) or getattr(
        getattr(tokenizer, "__self__", None), "vocab", None)
    return found if found is not None else blank_tokenizer().__self__.vocab


def split(n: int, ratio: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices of train and dev documents: a seeded shuffle, `ratio` of them in dev."""
    idx = list(range(n))
    random.Random(seed).shuffle(idx)
    n_dev = round(n * ratio)
    if ratio > 0 and n >= 2:
        n_dev = min(max(n_dev, 1), n - 1)
    elif n < 2:
        n_dev = 0
    return sorted(idx[n_dev:]), sorted(idx[:n_dev])


@contextlib.contextmanager
def _msgpack_registries_looked_up_once():
    """srsly looks its msgpack encoders and decoders up in catalogue's registries (entry
    points included) on every pack and unpack: 0.2 ms each, three per Doc added to a DocBin,
    a quarter of an export. Nothing registers one while a DocBin is built or read, so the
    registries are looked up once for the while."""
    from srsly import msgpack

    registries = (msgpack.msgpack_encoders, msgpack.msgpack_decoders)
    snapshots = [reg.get_all() for reg in registries]
    for reg, snap in zip(registries, snapshots):
        reg.get_all = lambda snap=snap: dict(snap)  # an instance attribute over the method
    try:
        yield
    finally:
        for reg in registries:
            reg.__dict__.pop("get_all", None)


def write(records: Iterable[DocumentRecord], out: Path, schema: Schema | None = None,
          options: ExportOptions | None = None) -> ExportReport:
    with _msgpack_registries_looked_up_once():
        return _write(records, out, schema, options)


def _write(records: Iterable[DocumentRecord], out: Path, schema: Schema | None,
           options: ExportOptions | None) -> ExportReport:
    from spacy.tokens import DocBin

    _register()
    options = options or ExportOptions()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = ExportReport(NAME)
    vocab = _vocab_of(options.tokenizer)
    docs = []
    labels: set[str] = set(schema.entity_names) if schema else set()
    for n, rec in enumerate(records):
        doc = to_doc(rec, n, vocab, options, report, schema)
        labels.update(e.label_ for e in doc.ents)
        docs.append(doc)
        report.documents += 1
        if options.progress:
            options.progress(n + 1)
    train_idx, dev_idx = split(len(docs), options.dev_ratio, options.seed)
    if len(docs) == 1 and options.dev_ratio > 0:
        dev_idx = [0]
        report.problems.append(Problem(doc_name_of(docs[0]), "split", "", None, None,
                                       "only one document: it is in both train.spacy and "
                                       "dev.spacy"))
    elif not dev_idx:
        report.problems.append(_problem_empty_dev())
    for name, idx in (("train.spacy", train_idx), ("dev.spacy", dev_idx)):
        db = DocBin(store_user_data=True)
        for i in idx:
            db.add(docs[i])
        atomic_write_bytes(out / name, db.to_bytes())
        report.files.append(out / name)
    names = [n for n in textcat.names_of(schema, [])
             if any(n in d.cats for d in docs)] + sorted(
        {n for d in docs for n in d.cats} - set(textcat.names_of(schema, [])))
    component = textcat.component_for(schema, names, [d.cats for d in docs])
    atomic_write_text(out / "config.cfg", training_config(
        sorted(labels), component, names,
        ner=component is None or any(d.ents or d.spans[INCORRECT_KEY] for d in docs)))
    report.files.append(out / "config.cfg")
    return report


def doc_name_of(doc) -> str:
    data = doc._.get(EXT) or {}
    return (data.get("doc") or {}).get("title") or "document"


def _problem_empty_dev() -> Problem:
    return Problem("all documents", "split", "", None, None,
                   "dev.spacy is empty (dev ratio 0 or fewer than two documents): give "
                   "spacy train another --paths.dev")


@functools.lru_cache(maxsize=8)
def _base_config(pipeline: tuple[str, ...]) -> Any:
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=list(pipeline), optimize="efficiency",
                         gpu=False, pretraining=False, silent=True)
    config["paths"]["train"] = "train.spacy"
    config["paths"]["dev"] = "dev.spacy"
    # the labels are inferred from the training data by `spacy train` (or `spacy init
    # labels`); rejected spans of binary tasks are what the model must not predict
    if "ner" in pipeline:
        config["components"]["ner"]["incorrect_spans_key"] = INCORRECT_KEY
    return config


def training_config(labels: list[str], component: str | None = None,
                    categories: list[str] = (), ner: bool = True) -> str:
    """spaCy's own `init config` for a blank English pipeline on CPU (ner, and textcat or
    textcat_multilabel for the categories), paths filled in. The categories are given to
    the component's initialize: the ones doc.cats leaves unknown are still its labels."""
    pipeline = (("ner",) if ner or component is None else ()) + (
        (component,) if component else ())
    config = _base_config(pipeline).copy()
    if component:
        config["initialize"]["components"] = {component: {"labels": list(categories)}}
    head = ("# Written by Marginalia. Entity labels: " + (", ".join(labels) or "(none)") + "\n"
            + (f"# Document categories ({component}): " + ", ".join(categories) + "\n"
               if component else "")
            + "# Train: python -m spacy train config.cfg --output model "
            "(in this folder)\n")
    return head + config.to_str()


# ---- reading -----------------------------------------------------------------------------------

def spacy_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.spacy") if p.is_file())
    return [path]


def read(path: Path) -> Iterator[DocumentRecord]:
    records: list[tuple[int | None, DocumentRecord]] = []
    files = spacy_files(path)
    for file in files:
        for rec, index in read_file(file):
            records.append((index, rec))
    if len(files) > 1 and all(i is not None for i, _ in records):
        # our own export: back to the original order; a document that is in both
        # train.spacy and dev.spacy (a one-document export) is read once
        records.sort(key=lambda x: x[0])
        records = [r for n, r in enumerate(records) if n == 0 or r[0] != records[n - 1][0]]
    for _, rec in records:
        yield rec


def read_file(path: Path) -> Iterator[tuple[DocumentRecord, int | None]]:
    from spacy.tokens import DocBin

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    inflated_size(data, path)
    try:
        with _msgpack_registries_looked_up_once():
            db = DocBin(store_user_data=True).from_bytes(data)
            docs = list(db.get_docs(blank_tokenizer().__self__.vocab))
    except Exception as exc:  # noqa: BLE001  zlib, msgpack, KeyError...: not a DocBin
        raise FormatError(str(path), None, f"not a spaCy DocBin file ({type(exc).__name__})"
                          ) from None
    for n, doc in enumerate(docs, 1):
        try:
            yield _record(doc, path, n)
        except FormatError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FormatError(str(path), None, f"document {n}: malformed Marginalia data "
                                               f"({type(exc).__name__}: {exc})") from None


# A DocBin inflates to some tens of times its size; one that inflates further than
# exports.base.inflate_limit allows is refused before it is inflated in memory.
def inflated_size(data: bytes, path: Path) -> int:
    """The size `data` inflates to, found by streaming zlib (a chunk at a time, nothing
    kept), or a FormatError as soon as it passes the limit: a "zip bomb" of a few MB that
    inflates to GBs never reaches memory."""
    limit = inflate_limit(len(data))
    inflater = zlib.decompressobj()
    total, view, chunk = 0, memoryview(data), 1 << 20
    try:
        for i in range(0, len(data), chunk):
            piece = inflater.decompress(view[i:i + chunk], chunk)
            while True:
                total += len(piece)
                if total > limit:
                    raise FormatError(str(path), None, f"inflates past {limit // 2**20} MB "
                                      f"({len(data):,} bytes on disk): refused")
                if not inflater.unconsumed_tail:
                    break
                piece = inflater.decompress(inflater.unconsumed_tail, chunk)
    except zlib.error:
        raise FormatError(str(path), None, "not a spaCy DocBin file (not zlib data)") from None
    return total


def _lists(value: Any) -> Any:
    """msgpack hands lists back as tuples: make JSON-like data JSON-like again."""
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _category(d: dict, path: Path, n: int) -> CategoryRecord:
    """One category of doc._.marginalia, every field checked (the import checks name,
    state and source)."""
    cat = CategoryRecord(**d)
    score, task = cat.score, cat.task
    if not (score is None or (isinstance(score, (int, float)) and not isinstance(score, bool)
                              and 0.0 <= score <= 1.0)) \
            or not (task is None or (type(task) is int and task >= 0)) \
            or not isinstance(cat.extra, dict):
        raise FormatError(str(path), None, f"document {n}: category {cat.name!r}: its score, "
                          "task or extra is not a score in [0, 1], a task index or an object")
    return cat


def _from_cats(cats: dict, path: Path, n: int) -> list[CategoryRecord]:
    """A DocBin of another tool: 1.0 accepted, 0.0 rejected (someone said no), a value in
    between a suggestion with that score."""
    out = []
    for name, value in cats.items():
        if not isinstance(name, str) or not name or isinstance(value, bool) or not isinstance(
                value, (int, float)) or not 0.0 <= value <= 1.0:
            raise FormatError(str(path), None, f"document {n}: doc.cats {name!r}: {value!r} "
                                               "is not a score in [0, 1]")
        state = "accepted" if value == 1.0 else "rejected" if value == 0.0 else "suggested"
        out.append(CategoryRecord(name, state=state, source="import",
                                  score=None if state != "suggested" else float(value)))
    return out


def _record(doc, path: Path, n: int) -> tuple[DocumentRecord, int | None]:
    data = doc.user_data.get(USER_DATA_KEY)
    rec = DocumentRecord(text=doc.text, origin=(str(path), None),
                         tokens=from_doc(doc, source="file", made_by="spacy DocBin",
                                         sentences=True))
    if not isinstance(data, dict) or "spans" not in data:
        rec.categories = _from_cats(doc.cats, path, n)
        seen: set[tuple[int, int, str]] = set()
        wrong = list(doc.spans[INCORRECT_KEY]) if INCORRECT_KEY in doc.spans else []
        groups = [s for k, g in doc.spans.items() if k != INCORRECT_KEY for s in g]
        for span, state in [*((s, "accepted") for s in [*doc.ents, *groups]),
                            *((s, "rejected") for s in wrong)]:
            key = (span.start_char, span.end_char, span.label_)
            if key in seen or span.start_char >= span.end_char:
                continue
            seen.add(key)
            rec.spans.append(SpanRecord(*key, id=f"T{len(rec.spans) + 1}",
                                        kb_id=span.kb_id_ or None, state=state))
        return rec, None
    data = _lists(data)
    text_len = len(doc.text)
    for d in data["spans"]:
        d = dict(d)
        frags = d.get("fragments")
        d["fragments"] = [tuple(f) for f in frags] if frags else None
        span = SpanRecord(**d)
        if not 0 <= span.start < span.end <= text_len:
            raise FormatError(str(path), None, f"document {n}: span {span.label!r} "
                                               f"[{span.start}, {span.end}) is outside the text")
        rec.spans.append(span)
    rec.relations = [RelationRecord(**d) for d in data.get("relations", [])]
    for d in data.get("events", []):
        d = dict(d)
        d["arguments"] = [ArgumentRecord(**a) for a in d.get("arguments", [])]
        rec.events.append(EventRecord(**d))
    ids = {s.id for s in rec.spans if s.id} | {e.id for e in rec.events if e.id}
    for r in rec.relations:
        for ref in (r.head, r.tail):
            if ref not in ids:
                raise FormatError(str(path), None, f"document {n}: relation {r.label!r} "
                                                   f"points to {ref}, which is not there")
    for e in rec.events:
        for ref in [e.trigger, *(a.target for a in e.arguments)]:
            if ref not in ids:
                raise FormatError(str(path), None, f"document {n}: event {e.type!r} points "
                                                   f"to {ref}, which is not there")
    rec.categories = [_category(d, path, n) for d in data.get("categories") or []]
    info: dict[str, Any] = data.get("doc") or {}
    rec.title = info.get("title") or ""
    rec.source = info.get("source") or ""
    rec.meta = dict(info.get("meta") or {})
    rec.status = info.get("status")
    rec.annotator = info.get("annotator")
    rec.active_seconds = info.get("active_seconds")
    rec.comments = list(info.get("comments") or [])
    rec.tasks = [TaskRecord(**t) for t in info.get("tasks") or []]
    return rec, info.get("index")


__all__ = [
    "EXTENSIONS",
    "NAME",
    "USER_DATA_KEY",
    "doc_name",
    "read",
    "split",
    "to_doc",
    "training_config",
    "write",
]


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.format import MISALIGNED, Format, Option  # noqa: E402 (the declaration stays at the end)


FORMAT = Format(
    name=NAME, extensions=EXTENSIONS, read=read, write=write, reads_folders=True,
    writes_folder=True, carries_rejections=True, options=(MISALIGNED,
             Option("dev_ratio", "--dev-ratio", type=float,
                    help="the share of documents in dev.spacy"),
             Option("seed", "--seed", type=int, help="seed of the train/dev shuffle")))
