"""Write then read gives back, equal, everything the format carries (hypothesis-generated).

Documents have Unicode text (emoji with skin tones and ZWJ sequences, combining marks, CJK,
RTL), overlapping and nested spans, relations, events whose arguments include other events,
attributes and kb_ids. For token-based formats spans lie on the blank("en") token
boundaries, so nothing needs expanding.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from format_strategies import FUZZ, canon, documents
from hypothesis import given
from hypothesis import strategies as st

from exports import brat, conll, docbin, doccano, prodigy
from exports.base import ExportOptions, TokenIndex, blank_tokenizer


def roundtrip(module, docs, **opts):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        report = module.write(docs, out, None, ExportOptions(**opts))
        back = list(module.read(out if out.is_dir() else report.files[0]))
    return report, back


@FUZZ
@given(st.lists(documents(extras=True), min_size=1, max_size=4), st.floats(0.0, 0.9),
       st.integers(0, 3))
def test_spacy_docbin_expands_char_spans_to_tokens_and_reports_each(docs, ratio, seed):
    report, back = roundtrip(docbin, docs, dev_ratio=ratio, seed=seed, misaligned="expand")
    assert [d.text for d in back] == [d.text for d in docs]  # original order, no loss
    misaligned = [p for p in report.problems if p.kind == "misaligned"]
    n_expected = 0
    for orig, got in zip(docs, back):
        index = TokenIndex.of_doc(blank_tokenizer()(orig.text))
        have = {(s.start, s.end, s.label) for s in got.spans}
        for s in orig.spans:
            snapped = index.snap(s.start, s.end)
            if snapped != (s.start, s.end):
                n_expected += 1
            if snapped is not None:
                assert (*snapped, s.label) in have
    assert len(misaligned) == n_expected
    train, dev = docbin.split(len(docs), ratio, seed)
    assert sorted(train + dev) == list(range(len(docs)))
    assert docbin.split(len(docs), ratio, seed) == (train, dev)  # seeded: repeatable


@FUZZ
@given(st.lists(documents(aligned=True, extras=True, fragments=True), min_size=1, max_size=3))
def test_spacy_docbin_aligned_spans_equal_and_ents_do_not_overlap(docs):
    with tempfile.TemporaryDirectory() as tmp:
        report = docbin.write(docs, Path(tmp), None, ExportOptions(dev_ratio=0.5))
        back = list(docbin.read(Path(tmp)))
        from spacy.tokens import DocBin
        vocab = blank_tokenizer().__self__.vocab
        files = ("train.spacy", "dev.spacy") if len(docs) > 1 else ("train.spacy",)
        sdocs = [d for f in files
                 for d in DocBin().from_disk(Path(tmp) / f).get_docs(vocab)]
    for orig, got in zip(docs, back):
        got.origin = orig.origin
        # the Doc's tokens come back as the document's tokens: spaCy's own, here
        want = blank_tokenizer()(orig.text)
        assert got.tokens.starts == [t.idx for t in want]
        assert got.tokens.ends == [t.idx + len(t) for t in want]
        got.tokens = None
        assert got == orig
    assert not any(p.kind == "misaligned" for p in report.problems)
    n_overlap = sum(p.kind == "overlap" for p in report.problems)
    # entities only: rejected spans go to incorrect_spans, triggers to doc.spans["events"]
    entities = [[s for s in d.spans if s.state != "rejected"
                 and s.id not in {e.trigger for e in d.events}] for d in docs]
    assert sum(len(d.ents) for d in sdocs) == sum(map(len, entities)) - n_overlap
    assert sum(len(d.spans["incorrect_spans"]) for d in sdocs) + sum(
        p.kind == "incorrect" for p in report.problems) == sum(
        s.state == "rejected" for o in docs for s in o.spans)
    for d in sdocs:
        assert len(d.spans["sc"]) >= len(d.ents)
        kb = {(s.start_char, s.end_char, s.label_): s.kb_id_ for s in d.ents}
        assert all(k in {(s.start_char, s.end_char, s.label_) for s in d.spans["sc"]}
                   for k in kb)


@FUZZ
@given(st.lists(documents(extras=True), min_size=1, max_size=3),
       st.sampled_from(["entities", "label"]))
def test_doccano_roundtrip(docs, form):
    report, back = roundtrip(doccano, docs, doccano_form=form)
    assert len(back) == len(docs)
    for orig, got in zip(docs, back):
        assert canon(got, relations=form == "entities", events=None) == \
            canon(orig, relations=form == "entities", events=None)
        assert got.title == orig.title and got.meta == orig.meta
    lost_events = sum(len(d.events) for d in docs)
    assert sum(p.kind == "event" for p in report.problems) == lost_events


@FUZZ
@given(st.lists(documents(aligned=True, extras=True), min_size=1, max_size=3))
def test_prodigy_roundtrip(docs):
    report, back = roundtrip(prodigy, docs)
    for orig, got in zip(docs, back):
        assert canon(got, spans=("kb_id", "state"), events=None) == \
            canon(orig, spans=("kb_id", "state"), events=None)
        assert got.title == orig.title and got.meta == orig.meta
        assert got.status == (orig.status or "in_progress")  # no answer: not finished
    assert not any(p.kind == "misaligned" for p in report.problems)
    assert sum(p.kind == "event" for p in report.problems) == sum(len(d.events) for d in docs)


@FUZZ
@given(st.lists(documents(fragments=True), min_size=1, max_size=3))
def test_brat_roundtrip(docs):
    report, back = roundtrip(brat, docs)
    fields = ("fragments", "attributes", "kb_id", "note")
    for orig, got in zip(docs, back):
        # brat numbers a repeated role (Agent, Agent2, Agent3), and the reader keeps it so
        for ev in orig.events:
            seen: dict[str, int] = {}
            for arg in ev.arguments:
                seen[arg.role] = seen.get(arg.role, 0) + 1
                if seen[arg.role] > 1:
                    arg.role = f"{arg.role}{seen[arg.role]}"
        assert canon(got, spans=fields, events=("attributes",)) == \
            canon(orig, spans=fields, events=("attributes",))
    assert report.problems == []


@FUZZ
@given(st.lists(documents(aligned=True, overlap=False, relations=False, events=False,
                          attributes=False, kb_ids=False, notes=False),
                min_size=1, max_size=3),
       st.sampled_from(["iob2", "iob1", "biluo"]))
def test_conll_roundtrip_tokens_and_labels(docs, scheme):
    """CoNLL keeps tokens and labels: the text comes back as the tokens joined by spaces."""
    report, back = roundtrip(conll, docs, conll_scheme=scheme)
    tok = blank_tokenizer()
    assert len(back) == len(docs)
    for orig, got in zip(docs, back):
        words = [t.text for t in tok(orig.text) if not t.is_space]
        assert got.text.split() == words

        def surface(doc, s):
            return " ".join(t.text for t in tok(doc.text)
                            if not t.is_space and s.start <= t.idx < s.end)

        want = sorted((surface(orig, s), s.label) for s in orig.spans)
        have = sorted((got.text[s.start:s.end], s.label) for s in got.spans)
        assert have == want
    assert report.problems == []
