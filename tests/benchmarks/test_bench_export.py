"""5. Export N documents to DocBin through `marginalia export`'s path (read the layer from
the database, build the Docs, write train/dev), against building the same DocBin directly
with spaCy from lists in memory. Target: at most 1.5x. JSONL and brat times beside it."""

import time

from tests.benchmarks.conftest import scaled
from tests.benchmarks.corpus import write_doccano


def spacy_directly(docs, out):
    """The floor: spaCy alone, from (text, [(start, end, label)]) lists in memory."""
    import spacy
    from spacy.tokens import DocBin, SpanGroup

    nlp = spacy.blank("en")
    t0 = time.perf_counter()
    db = DocBin(store_user_data=True)
    for text, spans in docs:
        doc = nlp.make_doc(text)
        ents = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in spans]
        doc.ents = ents
        doc.spans["sc"] = SpanGroup(doc, name="sc", spans=ents)
        db.add(doc)
    (out / "direct.spacy").write_bytes(db.to_bytes())
    return time.perf_counter() - t0


def test_bench_export(tmp_path, bench):
    from exports import registry
    from exports.base import ExportOptions
    from exports.collect import expand, read_all
    from models.service import Service
    from models.store import Store

    n = scaled(10_000, 50)
    src = tmp_path / "corpus.jsonl"
    docs = write_doccano(src, n)
    svc = Service(Store(f"sqlite:///{tmp_path / 'm.db'}"), "bench")
    svc.import_records("bench", list(read_all(expand([src], "doccano"))))
    schema = svc.schema("bench")
    baseline = spacy_directly(docs, tmp_path)

    def export(fmt):
        t0 = time.perf_counter()
        _, records = svc.export_records("bench")
        report = registry.get(fmt).write(records, tmp_path / fmt, schema, ExportOptions())
        assert report.documents == n
        return time.perf_counter() - t0

    ours = export("spacy")
    bench.record(f"export {n} docs to DocBin", ours, "s", baseline=baseline,
                 target="<= 1.5x", ok=ours <= 1.5 * baseline)
    for fmt in ("prodigy", "brat"):
        bench.record(f"export {n} docs to {fmt}", export(fmt), "s", baseline=baseline)
