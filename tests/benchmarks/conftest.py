"""The benchmark suite (`make bench`): each figure is measured beside its limit in the same
run, because absolute times drift from machine to machine. Results go to a table on stdout
and to bench-results.json (name, value, unit, baseline, ratio, target).

Corpus sizes scale with MARGINALIA_BENCH_SCALE (1.0 = the sizes of the benchmark issue)."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import pytest

SCALE = float(os.environ.get("MARGINALIA_BENCH_SCALE", "1.0"))
OUT = Path(os.environ.get("MARGINALIA_BENCH_OUT", "bench-results.json"))
_results: list[dict] = []


def scaled(n: int, minimum: int = 1) -> int:
    return max(minimum, int(n * SCALE))


class Recorder:
    def record(self, name: str, value: float, unit: str, *, baseline: float | None = None,
               target: str = "", ok: bool | None = None) -> dict:
        ratio = round(value / baseline, 3) if baseline else None
        row = {"name": name, "value": round(value, 4), "unit": unit,
               "baseline": round(baseline, 4) if baseline is not None else None,
               "ratio": ratio, "target": target, "met": ok}
        _results.append(row)
        return row


@pytest.fixture(scope="session")
def bench() -> Recorder:
    return Recorder()


def best_of(fn, repeat: int = 3) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def pytest_sessionfinish(session, exitstatus):
    if not _results:
        return
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(), "system": platform.platform(terse=True),
               "scale": SCALE}
    OUT.write_text(json.dumps({"machine": machine, "results": _results}, indent=2))
    lines = ["", f"{'benchmark':<44} {'value':>10} {'unit':<5} {'baseline':>10} "
             f"{'ratio':>7}  target  met"]
    for r in _results:
        base = "" if r["baseline"] is None else f"{r['baseline']:.4g}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        lines.append(f"{r['name']:<44} {r['value']:>10.4g} {r['unit']:<5} {base:>10} "
                     f"{ratio:>7}  {r['target']:<7} {met}")
    lines.append(f"(machine: {machine}; written to {OUT})")
    print("\n".join(lines))
