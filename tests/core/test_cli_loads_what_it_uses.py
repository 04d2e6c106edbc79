"""A CLI command loads only what it uses: reading commands never import spaCy, the format
modules or the edit operations; an export of stored tokens to Prodigy JSONL never imports
spaCy. Each command runs in a fresh interpreter, which then reports its sys.modules."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("spacy", "exports.registry", "exports.docbin", "models.operations",
         "models.review.adjudication", "models.services.importing", "PySide6")
PROBE = ("import gc, json, sys\n"
         "from desktop.cli.main import main\n"
         "code = main(sys.argv[1:])\n"
         f"print(json.dumps({{'code': code, 'loaded': [m for m in {HEAVY!r} "
         "if m in sys.modules], 'gc': gc.isenabled(), 'frozen': gc.get_freeze_count()}))\n")


def probe(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MARGINALIA_USER": "alice"}
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, out.stderr
    return result


def loaded(*args: str) -> list[str]:
    return probe(*args)["loaded"]


@pytest.fixture
def db(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "Ana Lopez met officials in Lisbon on Monday.",
                               "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 9, "label": "PERSON"},
        {"id": 2, "start_offset": 28, "end_offset": 34, "label": "GPE"}], "relations": []}) + "\n")
    r = cli("--db", url, "import", "--project", "news", "--format", "doccano", str(src))
    assert r.returncode == 0, r.stderr
    return url


def test_stats_and_project_list_load_no_spacy_formats_or_edits(db):
    assert loaded("--db", db, "stats", "--project", "news", "--json") == []
    assert loaded("--db", db, "project", "list") == []


def test_a_command_freezes_what_it_loaded_and_leaves_the_collector_on(db):
    # the modules' objects live as long as the process: out of the collector's walks
    result = probe("--db", db, "project", "list")
    assert result["gc"] is True
    assert result["frozen"] > 50_000  # SQLAlchemy alone: ~45,000


def test_export_of_stored_tokens_loads_no_spacy(db, tmp_path, cli):
    # the first export tokenizes (spaCy) and stores the tokens; the next needs no spaCy
    first = tmp_path / "first"
    r = cli("--db", db, "export", "--project", "news", "--status", "all", "--format",
            "prodigy", "--out", str(first))
    assert r.returncode == 0, r.stderr
    again = tmp_path / "again"
    mods = loaded("--db", db, "export", "--project", "news", "--status", "all", "--format",
                  "prodigy", "--out", str(again))
    assert "spacy" not in mods and "PySide6" not in mods
    assert (again / "prodigy.jsonl").read_text() == (first / "prodigy.jsonl").read_text()
