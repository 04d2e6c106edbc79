"""CoNLL-2003 NER: one token per line, the tag in the last column.

Written as ``TOKEN _ _ TAG`` (the four CoNLL-2003 columns, part-of-speech and chunk left
empty as ``_``), a blank line between sentences, and ``-DOCSTART- -X- -X- O`` plus a blank
line before each document. Tags are IOB2 by default, IOB1 or BILUO on request
(``ExportOptions.conll_scheme``).

Tokens come from the tokenizer in ExportOptions (default ``spacy.blank("en")``);
white-space tokens are not written. Sentences end at line breaks of the text and after
``.``, ``!``, ``?`` tokens, but never inside a span.

Carried: tokens, non-overlapping contiguous spans with their label. Not carried, each
reported: overlapping spans (the longest are kept, first come first on ties, like
``spacy.util.filter_spans``), relations, events, attributes, kb_ids, notes, comments,
discontinuous fragments (the covering span is written), titles and meta are not kept.
A span that does not start and end on token boundaries is expanded or skipped as
``options.misaligned`` says, and reported.

Reading: CoNLL keeps no original text, so the reader rebuilds it by joining a sentence's
tokens with single spaces and the sentences with "\\n"; span offsets are computed in that
text (code points). Columns are split on spaces and TABs; the first is the token, the last
the tag. The scheme is detected per file: BILUO (also IOBES: ``E-``/``S-``) when an ``L-``,
``U-``, ``E-`` or ``S-`` tag occurs; IOB1 when an ``I-`` tag opens an entity; else IOB2. An
illegal sequence (``I-X`` after ``O`` or ``B-Y`` in IOB2, ``L-X`` without ``B-X``, an
unfinished ``B-X`` in BILUO, an unknown prefix) is refused with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from exports.base import (
    output_file,
    ExportOptions,
    ExportReport,
    TokenIndex,
    align_span,
    atomic_open,
    read_text,
    report_unsupported,
    tokenizer_of,
)
from models.errors import FormatError
from models.records import DocumentRecord, SpanRecord
from models.schema import Schema

NAME = "conll"
EXTENSIONS = (".conll", ".conll03", ".iob", ".bio", ".bilou", ".biluo")
DOCSTART = "-DOCSTART- -X- -X- O"
_SENT_END = {".", "!", "?", "...", "…"}


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


def write(records: Iterable[DocumentRecord], out: Path, schema: Schema | None = None,
          options: ExportOptions | None = None) -> ExportReport:
    options = options or ExportOptions()
    out = output_file(out, "data.conll")
    report = ExportReport(NAME)
    tokenize = tokenizer_of(options)
    with atomic_open(out, "w") as f:
        for n, doc in enumerate(records, 1):
            f.write(DOCSTART + "\n\n")
            for sentence in _doc_sentences(doc, tokenize, options, report):
                for tok, tag in sentence:
                    f.write(f"{tok} _ _ {tag}\n")
                f.write("\n")
            report.documents += 1
            if options.progress:
                options.progress(n)
    report.files.append(out)
    return report


def _doc_sentences(doc: DocumentRecord, tokenize, options: ExportOptions,
                   report: ExportReport) -> list[list[tuple[str, str]]]:
    report_unsupported(doc, report, "CoNLL", kb_ids=True, relations=True)
    tdoc = tokenize(doc.text)
    index = TokenIndex(tdoc)
    aligned = []
    for s in doc.spans:
        se = align_span(s, index, doc, options, report)
        if se is not None:
            aligned.append((se[0], se[1], s))
    kept = _longest_first(tdoc, index, aligned)
    for s, e, span in aligned:
        if not any(k[2] is span for k in kept):
            report.add(doc, "overlap", span.label, span.start, span.end,
                       "left out: CoNLL tags cannot overlap")
    report.spans += len(kept)
    chunks = []
    inside = [False] * len(tdoc)  # token i continues a chunk begun before it
    for s, e, span in kept:
        first, last = index.token_range(s, e)
        chunks.append((first, last, span.label))
        for i in range(first + 1, last + 1):
            inside[i] = True
    words = [tok for tok in tdoc if not tok.is_space]
    starts: set[int] = set()
    prev = None
    for tok in words:
        gap = doc.text[prev.idx + len(prev.text):tok.idx] if prev is not None else ""
        if prev is not None and not inside[tok.i] and ("\n" in gap or prev.text in _SENT_END):
            starts.add(tok.i)
        prev = tok
    if options.conll_scheme == "iob1":
        tags = tags_for(len(tdoc), chunks, "iob1", starts)
    else:
        from spacy.training import biluo_to_iob, offsets_to_biluo_tags

        tags = offsets_to_biluo_tags(tdoc, [(s, e, span.label) for s, e, span in kept])
        if options.conll_scheme == "iob2":
            tags = biluo_to_iob(tags)
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for tok in words:
        if tok.i in starts and current:
            sentences.append(current)
            current = []
        text = tok.text
        if re.search(r"[ \t\r\n]", text):
            text = re.sub(r"[ \t\r\n]+", "_", text)
            report.add(doc, "token", text, tok.idx, tok.idx + len(tok.text),
                       "white space inside the token written as '_'")
        current.append((text, tags[tok.i]))
    if current:
        sentences.append(current)
    return sentences


def _longest_first(tdoc, index: TokenIndex, aligned: list) -> list:
    """The (start, end, span) that spacy.util.filter_spans keeps (the longest first, then
    the earliest), in text order."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    pairs = []
    for item in aligned:
        first, last = index.token_range(item[0], item[1])
        pairs.append((Span(tdoc, first, last + 1, label=item[2].label), item))
    of = {id(sp): item for sp, item in pairs}
    chosen = filter_spans([sp for sp, _ in pairs])
    return sorted((of[id(sp)] for sp in chosen), key=lambda x: (x[0], x[1]))


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


def _rows(path: Path) -> list[tuple[int, str | None, str | None]]:
    """(line, token, tag) per line; token None for a sentence break, tag None for DOCSTART."""
    rows = []
    for lineno, line in enumerate(read_text(path).split("\n"), 1):
        line = line.rstrip("\r").strip(" \t")
        if not line:
            rows.append((lineno, None, ""))
            continue
        cols = re.split(r"[ \t]+", line)
        if cols[0] == "-DOCSTART-":
            rows.append((lineno, None, None))
            continue
        if len(cols) < 2:
            raise FormatError(str(path), lineno, f"token line {line!r} has no tag column")
        tag = cols[-1]
        if not _TAG.match(tag):
            raise FormatError(str(path), lineno, f"tag {tag!r} is not O or B-, I-, L-, U-, E-, "
                                                 "S- and a label")
        rows.append((lineno, cols[0], tag))
    return rows


def detect_scheme(tags: list[str | None]) -> str:
    """'biluo', 'iob1' or 'iob2' for a sequence of tags (None/'' between sentences)."""
    if any(t and t[0] in "LUES" for t in tags):
        return "biluo"
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
    docs: list[tuple[int, list[list[tuple[int, str, str]]]]] = []
    sentence: list[tuple[int, str, str]] = []
    current: list[list[tuple[int, str, str]]] | None = None
    start_line = 1
    for lineno, tok, tag in rows:
        if tok is None:
            if sentence:
                if current is None:
                    current = []
                    docs.append((start_line, current))
                current.append(sentence)
                sentence = []
            if tag is None:  # DOCSTART
                current = []
                docs.append((lineno, current))
            continue
        sentence.append((lineno, tok, tag))
    if sentence:
        if current is None:
            current = []
            docs.append((start_line, current))
        current.append(sentence)
    for line, sentences in docs:
        if not sentences:
            continue
        yield _decode(path, line, sentences, scheme)


def _decode(path: Path, line: int, sentences, scheme: str) -> DocumentRecord:
    parts: list[str] = []
    spans: list[SpanRecord] = []
    offset = 0
    for si, sent in enumerate(sentences):
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

        for ti, (lineno, tok, tag) in enumerate(sent):
            if ti:
                parts.append(" ")
                offset += 1
            start, end = offset, offset + len(tok)
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
                    bad = (f"{tag} comes while B-{open_[1]} is not closed by L-{open_[1]} "
                           "(BILUO)")
                elif prefix in ("I", "L") and (open_ is None or open_[1] != label):
                    bad = f"{tag} without a B-{label} before it (BILUO)"
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
            if scheme == "biluo":
                raise FormatError(str(path), sent[-1][0], f"illegal tag sequence: B-{open_[1]}"
                                                          f" is not closed by L-{open_[1]} "
                                                          "before the sentence ends (BILUO)")
            close(prev_end)
    return DocumentRecord(text="".join(parts), spans=spans, origin=(str(path), line))
