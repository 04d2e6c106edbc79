"""`marginalia suggest` as a user runs it: summary, stats, and bad input (one line, exit 1,
nothing stored)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "seeds" / "000_8c189482ad872ddc.txt"


@pytest.fixture
def db(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    r = cli("--db", url, "import", "--project", "news", str(SAMPLE))
    assert r.returncode == 0, r.stderr
    return url


def _suggestions(cli, db) -> int:
    r = cli("--db", db, "stats", "--project", "news", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["suggestions"]


def test_suggest_prints_a_summary_and_stats_show_the_suggestions(cli, db):
    r = cli("--db", db, "suggest", "--project", "news")
    assert r.returncode == 0, r.stderr
    assert "for 1 document(s)" in r.stdout and "relations" in r.stdout
    assert "en_core_web_sm" in r.stdout and "rules:" in r.stdout
    data = json.loads(cli("--db", db, "stats", "--project", "news", "--json").stdout)
    assert data["suggestions"] > 50 and data["layers"]["alice"]["suggestions"] > 50
    row = next(v for k, v in data["suggesters"].items() if k.startswith("en_core_web_sm"))
    assert row["suggested"] > 40 and row["edited"] == 0


def test_patterns_file_good_and_with_a_bad_line(cli, db, tmp_path):
    good = tmp_path / "terms.jsonl"
    good.write_text('{"label": "LOC", "pattern": "railway track"}\n'
                    '{"label": "FAC", "pattern": [{"LOWER": "white"}, {"LOWER": "house"},'
                    ' {"LOWER": "news"}, {"LOWER": "conference"}]}\n', encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "LOC", "pattern": "railway track"}\n'
                   '{"label": "LOC", "pattern": [{"NO_SUCH_ATTR": "x"}]}\n', encoding="utf-8")
    r = cli("--db", db, "suggest", "--project", "news", "--model", str(bad))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:2" in lines[0] and "Traceback" not in r.stderr
    notjson = tmp_path / "notjson.jsonl"
    notjson.write_text('{"label": "LOC", "pattern": "x"}\n\n{oops\n', encoding="utf-8")
    r = cli("--db", db, "suggest", "--project", "news", "--model", str(notjson))
    assert r.returncode == 1 and f"{notjson}:3" in r.stderr
    assert _suggestions(cli, db) == 0

    r = cli("--db", db, "suggest", "--project", "news", "--model", str(good))
    assert r.returncode == 0, r.stderr
    assert "patterns:terms.jsonl: 2 spans" in r.stdout


def test_pipeline_not_installed_or_not_a_pipeline(cli, db, tmp_path):
    r = cli("--db", db, "suggest", "--project", "news", "--model", "xx_no_such_pipeline")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "xx_no_such_pipeline" in r.stderr
    assert "not installed" in r.stderr
    folder = tmp_path / "empty"
    folder.mkdir()
    r = cli("--db", db, "suggest", "--project", "news", "--model", str(folder))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "not a spaCy pipeline" in r.stderr
    assert _suggestions(cli, db) == 0
