"""4. Open a 100,000-word document with 5,000 spans and 500 relations until the view has
painted (target <= 300 ms), and repaint after scrolling one page (p95 <= 16 ms).
The limit here is absolute (a frame at 60 Hz), so the baseline column stays empty."""

import statistics
import time

from tests.benchmarks.conftest import scaled


def p95(values):
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def test_bench_open_and_scroll(qapp, bench):
    from desktop.views.document_view import DocumentView
    from models.schema import default_schema
    from tests.views.sample import big_layer

    layer = big_layer(words=scaled(100_000, 2000), spans=scaled(5000, 100),
                      relations=scaled(500, 10))
    from desktop import theme

    view = DocumentView()
    theme.style_scrollbars(view, dark=False)  # as the main window styles it
    view.resize(1280, 800)
    view.show()
    qapp.processEvents()
    schema = default_schema()
    t0 = time.perf_counter()
    view.set_document(layer, schema)
    view.canvas.viewport().repaint()
    open_ms = (time.perf_counter() - t0) * 1000
    bench.record("open 100k-word document, first paint", open_ms, "ms", target="<= 300 ms",
                 ok=open_ms <= 300)
    pages = []
    for _ in range(60):
        qapp.processEvents()  # as between a reader's scrolls: idle work may run
        t0 = time.perf_counter()
        view.canvas.scroll_to(view.canvas.scroll_y() + view.canvas.viewport().height())
        view.canvas.viewport().repaint()
        pages.append((time.perf_counter() - t0) * 1000)
    bench.record("scroll one page + repaint, p95", p95(pages), "ms", target="<= 16 ms",
                 ok=p95(pages) <= 16)
    bench.record("scroll one page + repaint, p50", statistics.median(pages), "ms")
