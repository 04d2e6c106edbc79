"""2. Suggest over N articles (storing every suggestion) on every core, against plain
`nlp.pipe` over the same texts with the same pipeline and batch size: in one process
(target: at most 0.65x on two cores) and with `n_process` = the cores (target: at most
1.15x). One process alone beside them (the figure before issue 19: target 1.15x)."""

import time

from tests.benchmarks.conftest import scaled
from tests.benchmarks.corpus import article


def test_bench_suggest(tmp_path, bench):
    import random

    from models.records import DocumentRecord
    from models.service import Service
    from models.store import Store
    from models.suggest import pipeline
    from models.suggest.runner import cores

    n = scaled(1000, 40)
    k = cores()
    rng = random.Random(11)
    texts = [f"Report {i}. " + article(rng, 500, 0)[0] for i in range(n)]
    nlp, name = pipeline.load(pipeline.project_pipeline({}, None))
    list(nlp.pipe(texts[:8]))  # warm every run alike

    def plain(n_process: int) -> float:
        t0 = time.perf_counter()
        docs = sum(1 for _ in nlp.pipe(texts, batch_size=32, n_process=n_process))
        assert docs == n
        return time.perf_counter() - t0

    def ours(processes: int | None, db: str) -> float:
        svc = Service(Store(f"sqlite:///{tmp_path / db}"), "bench")
        svc.import_records("bench", [DocumentRecord(text=t) for t in texts])
        t0 = time.perf_counter()
        report = svc.suggest("bench", batch_size=32, processes=processes)
        elapsed = time.perf_counter() - t0
        assert report.documents == n and report.spans > n  # something was stored for each
        return elapsed

    single = plain(1)
    multi = plain(k)
    every_core = ours(None, "every.db")
    one = ours(1, "one.db")
    bench.record(f"suggest over {n} articles (stored), {k} cores, vs nlp.pipe in one process",
                 every_core, "s", baseline=single, target="<= 0.65x",
                 ok=every_core <= 0.65 * single)
    bench.record(f"suggest over {n} articles (stored), {k} cores, vs nlp.pipe(n_process={k})",
                 every_core, "s", baseline=multi, target="<= 1.15x",
                 ok=every_core <= 1.15 * multi)
    bench.record(f"suggest over {n} articles (stored), one process, vs nlp.pipe", one, "s",
                 baseline=single, target="<= 1.15x", ok=one <= 1.15 * single)
