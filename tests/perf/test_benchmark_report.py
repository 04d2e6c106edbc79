"""The benchmark report: `make bench` fails when a row missed its target, and the README's
table is rewritten from bench-results.json between its markers, nothing else touched."""

import json
import subprocess
import sys

from tests.benchmarks.report import END, START
from tests.conftest import ROOT


def _results(tmp_path, met_values):
    rows = [{"name": f"row {i}", "value": 2.0 + i, "unit": "s", "baseline": 1.0,
             "ratio": 2.0 + i, "target": "<= 3x", "met": met}
            for i, met in enumerate(met_values)]
    path = tmp_path / "bench-results.json"
    path.write_text(json.dumps({"machine": {"cpus": 2, "python": "3.11", "system": "Linux",
                                            "scale": 1.0}, "results": rows}))
    return path


def _run(*args):
    return subprocess.run([sys.executable, "-m", "tests.benchmarks.report", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_a_missed_target_fails_the_run(tmp_path):
    out = _run(_results(tmp_path, [True, False, None]))
    assert out.returncode == 1
    assert "targets missed: row 1" in out.stdout


def test_all_met_or_untargeted_passes(tmp_path):
    out = _run(_results(tmp_path, [True, None]))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "row 0" in out.stdout and "row 1" in out.stdout


def test_readme_table_is_regenerated_between_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n\n{START}\n| old | table |\n{END}\n\nafter\n")
    out = _run(_results(tmp_path, [True, False]), "--readme", readme)
    assert out.returncode == 1  # the README is still rewritten, the miss still reported
    text = readme.read_text()
    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith(f"{END}\n\nafter\n")
    assert "| old | table |" not in text
    assert "| row 0 | 2 s | 1 s | 2.00x | <= 3x | yes |" in text
    assert "| row 1 | 3 s | 1 s | 3.00x | <= 3x | NO |" in text


def test_readme_without_markers_is_one_line_and_left_alone(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n")
    out = _run(_results(tmp_path, [True]), "--readme", readme)
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "README.md" in out.stderr
    assert readme.read_text() == "no markers here\n"


def test_a_row_missing_a_field_is_refused(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"machine": {}, "results": [{"name": "x", "value": 1}]}))
    out = _run(path)
    assert out.returncode == 1 and "result 1 lacks unit" in out.stderr
