"""The benchmark suite (`make bench`): each figure is measured beside its limit in the same
run, because absolute times drift from machine to machine. Results go to a table on stdout
and to bench-results.json (name, value, unit, baseline, ratio, target).

Corpus sizes scale with MARGINALIA_BENCH_SCALE (1.0 = the sizes of the benchmark issue)."""

from __future__ import annotations

import json
import os
import platform
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


def pytest_sessionfinish(session, exitstatus):
    """Add this run's results to the JSON file (`make bench` runs each benchmark file in a
    process of its own: what one leaves in memory must not slow the next) and print them."""
    if not _results:
        return
    from tests.benchmarks.report import table

    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(), "system": platform.platform(terse=True),
               "scale": SCALE}
    names = {r["name"] for r in _results}
    earlier = []
    if os.environ.get("MARGINALIA_BENCH_APPEND") and OUT.exists():
        earlier = [r for r in json.loads(OUT.read_text())["results"] if r["name"] not in names]
    OUT.write_text(json.dumps({"machine": machine, "results": earlier + _results}, indent=2))
    print(table({"machine": machine, "results": _results}))
