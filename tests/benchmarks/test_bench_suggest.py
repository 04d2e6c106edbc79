"""2. Suggest over N articles (storing every suggestion) against plain `nlp.pipe` over the
same texts with the same pipeline and batch size. Target: at most 1.15x."""

import time

from tests.benchmarks.conftest import scaled
from tests.benchmarks.corpus import article


def test_bench_suggest(tmp_path, bench):
    import random

    from models.records import DocumentRecord
    from models.service import Service
    from models.store import Store
    from models.suggest import pipeline

    n = scaled(1000, 20)
    rng = random.Random(11)
    texts = [f"Report {i}. " + article(rng, 500, 0)[0] for i in range(n)]
    svc = Service(Store(f"sqlite:///{tmp_path / 's.db'}"), "bench")
    svc.import_records("bench", [DocumentRecord(text=t) for t in texts])
    nlp, name = pipeline.load(pipeline.project_pipeline({}, None))
    list(nlp.pipe(texts[:8]))  # warm both runs alike

    t0 = time.perf_counter()
    docs = sum(1 for _ in nlp.pipe(texts, batch_size=32))
    baseline = time.perf_counter() - t0
    assert docs == n

    t0 = time.perf_counter()
    report = svc.suggest("bench", batch_size=32)
    ours = time.perf_counter() - t0
    assert report.documents == n and report.spans > n  # something was stored for each
    bench.record(f"suggest over {n} articles (stored)", ours, "s", baseline=baseline,
                 target="<= 1.15x", ok=ours <= 1.15 * baseline)
