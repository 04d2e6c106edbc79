"""CoNLL-2003 NER: one token per line, the tag in the last column.

Tokens are the document's own: the stored ones, or those its CoNLL file brought, with the
file's sentences, the columns between token and tag (POS, chunk, anything), its
``-DOCSTART-`` line (or none, when the document had none; those of no document, such as one
closing the file, stay with a neighbour) and its tag scheme, so a CoNLL file
comes back line for line (one space between columns). A document with no tokens of a CoNLL
file is written as ``TOKEN _ _ TAG`` (the four CoNLL-2003 columns, part-of-speech and chunk
``_``) after ``-DOCSTART- -X- -X- O`` and a blank line; a record without tokens is tokenized
with the tokenizer in ExportOptions (default ``spacy.blank("en")``). White-space tokens are
not written. Without the file's sentences, sentences end at line breaks of the text and
after ``.``, ``!``, ``?`` tokens, never inside a span; a sentence break of the file that a
span now crosses is dropped (reported). A blank line ends each sentence. Tags are IOB2 by
default (the file's own scheme for a document read from CoNLL: an IOBES file comes back
IOBES), IOB1, BILUO or IOBES on request (``ExportOptions.conll_scheme``).

A document whose labels are incomplete (``DocumentRecord.binary``: binary tasks such as
``ner.teach``, or imported tasks none of which was accepted) is left out and reported: its
other tokens are unknown, and an O tag would teach that they are no entity.

Event triggers are not entities: they are left out and reported (the event itself too, as
CoNLL has no events), unless their event type says ``export_as_entity``.

Carried: tokens, non-overlapping contiguous spans with their label. Not carried, each
reported: overlapping spans (the longest are kept, first come first on ties, like
``spacy.util.filter_spans``), relations, events, attributes, kb_ids, notes, comments,
discontinuous fragments (the covering span is written), titles and meta are not kept.
A span that does not start and end on token boundaries is expanded or skipped as
``options.misaligned`` says, and reported.

Reading: CoNLL keeps no original text, so the reader rebuilds it by joining a sentence's
tokens with single spaces and the sentences with "\\n"; span offsets are computed in that
text (code points). Columns are split on spaces and TABs; the first is the token, the last
the tag. The scheme is detected per file: BILUO when an ``L-`` or ``U-`` tag occurs, else
IOBES when an ``E-`` or ``S-`` tag does (the reader takes either prefix in both); IOB1 when
an ``I-`` tag opens an entity; else IOB2. An illegal sequence (``I-X`` after ``O`` or ``B-Y``
in IOB2, ``L-X`` without ``B-X``, an unfinished ``B-X`` in BILUO, an unknown prefix) is
refused with the file and line.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from exports.base import (
    output_file,
    ExportOptions,
    ExportReport,
    UNANSWERED,
    TokenIndex,
    align_span,
    atomic_open,
    read_text,
    report_unsupported,
    tokens_of,
    unanswered,
)
from models.errors import FormatError
from models.records import DocumentRecord, SpanRecord, Tokenization
from models.schema import Schema

NAME = "conll"
EXTENSIONS = (".conll", ".conll03", ".iob", ".bio", ".bilou", ".biluo")
DOCSTART = "-DOCSTART- -X- -X- O"
_SENT_END = {".", "!", "?", "...", "…"}
IOBES_OF = {"L-": "E-", "U-": "S-"}  # BILUO prefix -> IOBES prefix


def tags_for(n_tokens: int, chunks: list[tuple[int, int, str]], scheme: str,
             sentence_starts: set[int] = frozenset()) -> list[str]:
    """Tags for tokens [0, n) given chunks (first, last inclusive, label), by hand: the
    writer uses it for IOB1 only, which spaCy has no helper for (IOB2 and BILUO come from
    spacy.training). IOB1 needs B- only between two chunks of one label that touch in one
    sentence."""
    tags = ["O"] * n_tokens
    prev_end, prev_label = -2, None
    for first, last, label in sorted(chunks):
        for i in range(first, last + 1):
            tags[i] = f"I-{label}"
        if scheme == "iob2":
            tags[first] = f"B-{label}"
        elif scheme == "iob1":
            if (prev_end == first - 1 and prev_label == label
                    and first not in sentence_starts):
                tags[first] = f"B-{label}"
        else:  # biluo
            if first == last:
                tags[first] = f"U-{label}"
            else:
                tags[first] = f"B-{label}"
                tags[last] = f"L-{label}"
        prev_end, prev_label = last, label
    return tags


INCOMPLETE = ("left out: labels incomplete (binary or unaccepted tasks), and CoNLL has no "
              "tag for an unknown token (the spacy format marks it missing)")


TRIGGER = ("left out: an event trigger is not an entity (the event type's "
           "export_as_entity writes it as one)")


def write(records: Iterable[DocumentRecord], out: Path, schema: Schema | None = None,
          options: ExportOptions | None = None) -> ExportReport:
    options = options or ExportOptions()
    out = output_file(out, "data.conll", EXTENSIONS + (".txt", ".tsv"))
    report = ExportReport(NAME)
    # event types whose triggers are written as entities too (the schema says so)
    both = {e.name for e in schema.events if e.export_as_entity} if schema else set()
    with atomic_open(out, "w") as f:
        for n, doc in enumerate(records, 1):
            if doc.binary:  # every token gets a tag here: O would be a claim nobody made
                report.add(doc, "incomplete", "", None, None, INCOMPLETE)
                if options.progress:
                    options.progress(n)
                continue
            toks = tokens_of(doc, options)
            cols = toks.columns or {}
            head = cols["docstart"] if "docstart" in cols else DOCSTART
            for line in cols.get("before", []):  # -DOCSTART- lines of no document
                f.write(line + "\n\n")
            if head:
                f.write(head + "\n\n")
            for sentence in _doc_sentences(doc, toks, options, report, both):
                for row in sentence:
                    f.write(" ".join(row) + "\n")
                f.write("\n")
            for line in cols.get("after", []):
                f.write(line + "\n\n")
            report.documents += 1
            if options.progress:
                options.progress(n)
    report.files.append(out)
    return report


def _doc_sentences(doc: DocumentRecord, toks: Tokenization, options: ExportOptions,
                   report: ExportReport, both: set[str] = frozenset()
                   ) -> list[list[list[str]]]:
    """The document's sentences, each a list of rows (token, extra columns..., tag).
    `both`: the event types whose triggers are tagged as entities too."""
    report_unsupported(doc, report, "CoNLL", kb_ids=True, relations=True,
                       categories=True)
    text = doc.text
    index = TokenIndex(toks, text)
    triggers = {ev.trigger: ev.type for ev in doc.events}
    aligned = []
    for s in doc.spans:
        if s.id in triggers and triggers[s.id] not in both:
            report.add(doc, "trigger", s.label, s.start, s.end, TRIGGER)
            continue
        if unanswered(s):
            report.add(doc, "unanswered", s.label, s.start, s.end, UNANSWERED)
            continue
        se = align_span(s, index, doc, options, report)
        if se is not None:
            aligned.append((se[0], se[1], s))
    # a spaCy Doc of the stored tokens: filter_spans and offsets_to_biluo_tags work on it
    from exports.docbin import doc_from_tokens

    tdoc, where = doc_from_tokens(_vocab(), text, toks)
    kept = _longest_first(tdoc, where, index, aligned)
    for s, e, span in aligned:
        if not any(k[2] is span for k in kept):
            report.add(doc, "overlap", span.label, span.start, span.end,
                       "left out: CoNLL tags cannot overlap")
    report.spans += len(kept)
    chunks = []
    inside: dict[int, SpanRecord] = {}  # token i continues a chunk begun before it
    for s, e, span in kept:
        first, last = index.token_range(s, e)
        chunks.append((first, last, span.label))
        for i in range(first + 1, last + 1):
            inside[i] = span
    words = toks.content(text)
    starts = _sentence_starts(doc, toks, words, inside, report)
    cols = toks.columns or {}
    scheme = options.conll_scheme or cols.get("scheme") or "iob2"
    if scheme == "iob1":  # spaCy has no IOB1 helper: by hand
        tags = _iob1_on_written(len(toks), words, chunks, starts)
    else:
        from spacy.training import biluo_to_iob, offsets_to_biluo_tags

        biluo = offsets_to_biluo_tags(tdoc, [(toks.starts[first], toks.ends[last], label)
                                             for first, last, label in chunks])
        tags = [biluo[where[k]] for k in range(len(toks))]
        if scheme == "iob2":
            tags = biluo_to_iob(tags)
        elif scheme == "iobes":  # the same tags, E- for L- and S- for U-
            tags = [IOBES_OF.get(t[:2], t[:2]) + t[2:] for t in tags]
    extra = cols.get("extra")
    sentences: list[list[list[str]]] = []
    current: list[list[str]] = []
    for i in words:
        if i in starts and current:
            sentences.append(current)
            current = []
        s, e = toks.starts[i], toks.ends[i]
        word = text[s:e]
        if re.search(r"[ \t\r\n]", word):
            word = re.sub(r"[ \t\r\n]+", "_", word)
            report.add(doc, "token", word, s, e, "white space inside the token written as '_'")
        current.append([word, *extra[i], tags[i]] if extra is not None
                       else [word, "_", "_", tags[i]])
    if current:
        sentences.append(current)
    return sentences


def _iob1_on_written(n_tokens: int, words: list[int], chunks, starts: set[int]) -> list[str]:
    """IOB1 tags of all n tokens, worked out on the tokens written (`words`): two chunks
    with only white space between them touch there, so the second needs its B- (a
    white-space token is not written). A chunk's ends found by bisection, in case one is
    white space."""
    at = [(bisect.bisect_left(words, first), bisect.bisect_right(words, last) - 1, label)
          for first, last, label in chunks]
    written = tags_for(len(words), [c for c in at if c[0] <= c[1]], "iob1",
                       {bisect.bisect_left(words, i) for i in starts})
    tags = ["O"] * n_tokens
    for k, i in enumerate(words):
        tags[i] = written[k]
    return tags


@functools.cache
def _vocab():
    from spacy.vocab import Vocab

    return Vocab()


def _longest_first(tdoc, where, index: TokenIndex, aligned: list) -> list:
    """The (start, end, span) that spacy.util.filter_spans keeps (the longest first, then
    the earliest), in text order."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    pairs = []
    for item in aligned:
        first, last = index.token_range(item[0], item[1])
        pairs.append((Span(tdoc, where[first], where[last] + 1, label=item[2].label), item))
    of = {id(sp): item for sp, item in pairs}
    chosen = filter_spans([sp for sp, _ in pairs])
    return sorted((of[id(sp)] for sp in chosen), key=lambda x: (x[0], x[1]))


def _sentence_starts(doc: DocumentRecord, toks: Tokenization, words: list[int],
                     inside: dict[int, SpanRecord], report: ExportReport) -> set[int]:
    """Token indices that begin a sentence: the tokens' own sentences when they have some
    (a break inside a span is dropped, and reported); else after a line break and after
    ``.``, ``!``, ``?``, never inside a span."""
    text = doc.text
    starts: set[int] = set()
    if toks.sentences is not None:
        for k in toks.sentences:  # a sentence that begins with white space: its first word
            j = bisect.bisect_left(words, k)
            if j < len(words):
                i = words[j]
                if i in inside:
                    span = inside[i]
                    report.add(doc, "sentence", span.label, span.start, span.end,
                               "a sentence break inside the span was dropped")
                else:
                    starts.add(i)
        return starts
    prev = None
    for i in words:
        if prev is not None and i not in inside:
            gap = text[toks.ends[prev]:toks.starts[i]]
            if "\n" in gap or text[toks.starts[prev]:toks.ends[prev]] in _SENT_END:
                starts.add(i)
        prev = i
    return starts


# ---- reading -----------------------------------------------------------------------------------

_TAG = re.compile(r"^(?:O|([BILUES])-(\S+))$")


def conll_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file()
                      and (p.suffix.lower() in EXTENSIONS or p.suffix.lower() == ".txt"))
    return [path]


def read(path: Path) -> Iterator[DocumentRecord]:
    for file in conll_files(path):
        yield from read_file(file)


def _rows(path: Path) -> list[tuple[int, str | None, str | None, list[str]]]:
    """(line, token, tag, columns between them) per line; token None for a sentence break,
    tag None for DOCSTART (its columns then hold the line, one space between columns)."""
    rows = []
    for lineno, line in enumerate(read_text(path).split("\n"), 1):
        line = line.rstrip("\r").strip(" \t")
        if not line:
            rows.append((lineno, None, "", []))
            continue
        cols = re.split(r"[ \t]+", line)
        if cols[0] == "-DOCSTART-":
            rows.append((lineno, None, None, [" ".join(cols)]))
            continue
        if len(cols) < 2:
            raise FormatError(str(path), lineno, f"token line {line!r} has no tag column")
        tag = cols[-1]
        if not _TAG.match(tag):
            raise FormatError(str(path), lineno, f"tag {tag!r} is not O or B-, I-, L-, U-, E-, "
                                                 "S- and a label")
        rows.append((lineno, cols[0], tag, cols[1:-1]))
    return rows


def detect_scheme(tags: list[str | None]) -> str:
    """'biluo', 'iobes', 'iob1' or 'iob2' for a sequence of tags (None/'' between
    sentences)."""
    if any(t and t[0] in "LU" for t in tags):
        return "biluo"
    if any(t and t[0] in "ES" for t in tags):  # BILUO by other names: E- ends, S- is single
        return "iobes"
    # IOB2 opens every entity with B-; IOB1 opens with I- and uses B- only right after an
    # entity of the same type. A B- that opens an entity therefore means IOB2 (and an I- that
    # opens one is then an error); else an I- that opens an entity means IOB1.
    prev = "O"
    i_opens = False
    for t in tags:
        if not t:
            prev = "O"
            continue
        opens = prev == "O" or prev[2:] != t[2:]
        if t.startswith("B-") and opens:
            return "iob2"
        if t.startswith("I-") and opens:
            i_opens = True
        prev = t
    return "iob1" if i_opens else "iob2"


def read_file(path: Path) -> Iterator[DocumentRecord]:
    rows = _rows(path)
    scheme = detect_scheme([r[2] for r in rows])
    # (first line, its -DOCSTART- line or None, sentences)
    docs: list[tuple[int, str | None, list[list[tuple[int, str, str, list[str]]]]]] = []
    sentence: list[tuple[int, str, str, list[str]]] = []
    current: list[list[tuple[int, str, str, list[str]]]] | None = None
    start_line = 1
    for lineno, tok, tag, extra in rows:
        if tok is None:
            if sentence:
                if current is None:
                    current = []
                    docs.append((start_line, None, current))
                current.append(sentence)
                sentence = []
            if tag is None:  # DOCSTART
                current = []
                docs.append((lineno, extra[0], current))
            continue
        sentence.append((lineno, tok, tag, extra))
    if sentence:
        if current is None:
            current = []
            docs.append((start_line, None, current))
        current.append(sentence)
    # a -DOCSTART- with no sentence after it (copies of CoNLL-2003 that end with one, or two in
    # a row) makes no document: its line stays with the document before it ("after"), or,
    # before the first one, with the first ("before"), so the file comes back line for line
    kept: list[tuple[int, str | None, list, list[str], list[str]]] = []
    waiting: list[str] = []
    for line, docstart, sentences in docs:
        if sentences:
            kept.append((line, docstart, sentences, waiting if not kept else [], []))
            waiting = []
        elif kept:
            kept[-1][4].append(docstart or DOCSTART)
        else:
            waiting.append(docstart or DOCSTART)
    for line, docstart, sentences, before, after in kept:
        yield _decode(path, line, sentences, scheme, docstart, before, after)


def _decode(path: Path, line: int, sentences, scheme: str, docstart: str | None,
            before: list[str] = (), after: list[str] = ()) -> DocumentRecord:
    parts: list[str] = []
    spans: list[SpanRecord] = []
    starts: list[int] = []
    ends: list[int] = []
    sent_starts: list[int] = []
    extras: list[list[str]] = []
    offset = 0
    last = "E" if scheme == "iobes" else "L"  # the prefix that closes a chunk, for messages
    for si, sent in enumerate(sentences):
        sent_starts.append(len(starts))
        if si:
            parts.append("\n")
            offset += 1
        open_: tuple[int, str, int] | None = None  # (start offset, label, line)
        prev_end = offset

        def close(end: int) -> None:
            nonlocal open_
            if open_ is not None:
                spans.append(SpanRecord(open_[0], end, open_[1], id=f"T{len(spans) + 1}"))
                open_ = None

        for ti, (lineno, tok, tag, extra) in enumerate(sent):
            if ti:
                parts.append(" ")
                offset += 1
            start, end = offset, offset + len(tok)
            starts.append(start)
            ends.append(end)
            extras.append(extra)
            parts.append(tok)
            offset = end
            prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", "")
            bad = None
            if scheme == "iob2":
                if prefix == "O":
                    close(prev_end)
                elif prefix == "B":
                    close(prev_end)
                    open_ = (start, label, lineno)
                elif prefix == "I" and (open_ is None or open_[1] != label):
                    bad = f"{tag} does not continue a B-{label} or I-{label} (IOB2)"
            elif scheme == "iob1":
                if prefix == "O":
                    close(prev_end)
                elif prefix == "B" or open_ is None or open_[1] != label:
                    close(prev_end)
                    open_ = (start, label, lineno)
            else:  # biluo / iobes
                prefix = {"E": "L", "S": "U"}.get(prefix, prefix)
                if open_ is not None and prefix in ("O", "B", "U"):
                    bad = (f"{tag} comes while B-{open_[1]} is not closed by {last}-{open_[1]} "
                           f"({scheme.upper()})")
                elif prefix in ("I", "L") and (open_ is None or open_[1] != label):
                    bad = f"{tag} without a B-{label} before it ({scheme.upper()})"
                elif prefix == "B":
                    open_ = (start, label, lineno)
                elif prefix == "U":
                    spans.append(SpanRecord(start, end, label, id=f"T{len(spans) + 1}"))
                elif prefix == "L":
                    close(end)
            if bad:
                raise FormatError(str(path), lineno, f"illegal tag sequence: {bad}")
            prev_end = end
        if open_ is not None:
            if scheme in ("biluo", "iobes"):
                raise FormatError(str(path), sent[-1][0], f"illegal tag sequence: B-{open_[1]}"
                                                          f" is not closed by {last}-{open_[1]} "
                                                          f"before the sentence ends "
                                                          f"({scheme.upper()})")
            close(prev_end)
    # the file's tokens, sentences, columns, -DOCSTART- line and tag scheme stay with it
    columns = {"extra": extras, "docstart": docstart, "scheme": scheme}
    if before:
        columns["before"] = list(before)
    if after:
        columns["after"] = list(after)
    tokens = Tokenization(starts, ends, sent_starts, columns, source="file", made_by="conll")
    return DocumentRecord(text="".join(parts), spans=spans, origin=(str(path), line),
                          tokens=tokens)


# ---- the declaration the registry reads ---------------------------------------------------------

from exports.base import CONLL_SCHEMES  # noqa: E402 (the declaration stays at the end)
from exports.format import MISALIGNED, Format, Option, Probe  # noqa: E402 (the declaration stays at the end)


_TOKEN_LINE = re.compile(r"^\S+([ \t]+\S+)*[ \t]+(O|[BILUES]-\S+)$")


def _sniff(probe: Probe) -> bool:
    """A CoNLL extension, or a .txt whose lines are all token ... tag (or -DOCSTART-)."""
    if probe.suffix in EXTENSIONS:
        return True
    if probe.suffix != ".txt" or not probe.lines:
        return False
    return all(ln.startswith("-DOCSTART-") or _TOKEN_LINE.match(ln) for ln in probe.lines)


FORMAT = Format(
    name=NAME, extensions=EXTENSIONS, read=read, write=write, sniff=_sniff, reads_folders=True,
    options=(MISALIGNED, Option("conll_scheme", "--scheme", choices=CONLL_SCHEMES,
                                help="CoNLL tag scheme (default: the one the document's CoNLL file had, else iob2)")))
