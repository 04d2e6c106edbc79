"""The table of benchmark results (bench-results.json), as `make bench` prints it at the end.

Run: python -m tests.benchmarks.report [FILE]"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def table(data: dict) -> str:
    lines = ["", f"{'benchmark':<44} {'value':>10} {'unit':<5} {'baseline':>10} "
             f"{'ratio':>7}  target  met"]
    for r in data["results"]:
        base = "" if r["baseline"] is None else f"{r['baseline']:.4g}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        lines.append(f"{r['name']:<44} {r['value']:>10.4g} {r['unit']:<5} {base:>10} "
                     f"{ratio:>7}  {r['target']:<7} {met}")
    lines.append(f"(machine: {data['machine']})")
    return "\n".join(lines)


def main(path: str = "bench-results.json") -> int:
    data = json.loads(Path(path).read_text())
    print(table(data))
    missed = [r["name"] for r in data["results"] if r["met"] is False]
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
