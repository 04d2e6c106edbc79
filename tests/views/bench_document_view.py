"""Measure the document view on a 100,000-word article with 5,000 spans and 500 relations.

Run: QT_QPA_PLATFORM=offscreen python -m tests.views.bench_document_view
Prints open time (set_document + first paint), repaint time after a one-page scroll, and the
time of the first token snap. Targets: open < 300 ms, repaint < 16 ms.
"""

from __future__ import annotations

import statistics
import time


def main() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from desktop.views.document_view import DocumentView
    from models.schema import default_schema
    from tests.views.sample import big_layer

    layer = big_layer()
    view = DocumentView()
    view.resize(1000, 800)
    view.show()
    app.processEvents()
    schema = default_schema()
    t = time.perf_counter()
    view.set_document(layer, schema)
    view.canvas.viewport().repaint()
    open_ms = (time.perf_counter() - t) * 1000
    pages, paints, cpu = [], [], []
    for _ in range(40):
        t, c = time.perf_counter(), time.process_time()
        view.canvas.scroll_to(view.canvas.scroll_y() + view.canvas.viewport().height())
        view.canvas.viewport().repaint()
        pages.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)  # CPU time: robust to a busy machine
        paints.append(view.canvas.paint_ms)
    t = time.perf_counter()
    start = view.visible_range()[0]
    view.canvas.tokens.snap(start + 3, start + 40)
    snap_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    view.apply(layer)
    view.canvas.viewport().repaint()
    apply_ms = (time.perf_counter() - t) * 1000
    print(f"text {len(layer.text):,} chars, {len(layer.spans):,} spans, "
          f"{len(layer.relations)} relations")
    print(f"open: {open_ms:.1f} ms")
    print(f"one-page scroll + repaint: median {statistics.median(pages):.1f} ms, "
          f"p90 {sorted(pages)[int(len(pages) * 0.9)]:.1f} ms "
          f"(paintEvent alone median {statistics.median(paints):.1f} ms; "
          f"CPU time median {statistics.median(cpu):.1f} ms)")
    warm = []
    for _ in range(20):  # as a reader scrolls: the prefetch runs between pages
        app.processEvents()
        view.canvas._prefetch_pages()
        t = time.perf_counter()
        view.canvas.scroll_to(view.canvas.scroll_y() + view.canvas.viewport().height())
        view.canvas.viewport().repaint()
        warm.append((time.perf_counter() - t) * 1000)
    print(f"one-page scroll + repaint with the next page prefetched: median "
          f"{statistics.median(warm):.1f} ms")
    print(f"first token snap: {snap_ms:.1f} ms; apply (no change) + repaint: {apply_ms:.1f} ms")


if __name__ == "__main__":
    main()
