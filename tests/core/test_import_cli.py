"""`marginalia import`, `stats`, `project` as a user runs them: exit codes, one-line errors,
and all-or-nothing imports."""

import json
import shutil
from pathlib import Path

import pytest

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "import"
SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'x.db'}"


def stats(cli, db, project="demo"):
    r = cli("--db", db, "stats", "--project", project, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_import_seeds_then_stats(cli, db):
    r = cli("--db", db, "import", str(SEEDS), "--project", "demo")
    assert r.returncode == 0, r.stderr
    data = stats(cli, db)
    assert data["documents"] == 1
    for key in ("spans", "relations", "events", "suggestions", "layers"):
        assert key in data
    again = cli("--db", db, "import", str(SEEDS), "--project", "demo")
    assert again.returncode == 0
    assert "already stored" in again.stderr
    assert stats(cli, db)["documents"] == 1


def test_encodings_html_and_jsonl(cli, db, tmp_path):
    r = cli("--db", db, "import", str(FIX), "--project", "demo")
    assert r.returncode == 0, r.stderr
    assert stats(cli, db)["documents"] == 5
    from models.service import Service
    from models.store import Store

    svc = Service(Store(db), "alice")
    pid = svc.project_id("demo")
    texts = {d.title: svc.load(d.id).text for d in svc.documents(pid)}
    assert any("Zürich" in t for t in texts.values())
    assert any("über Berlin" in t for t in texts.values())
    page = texts["Harbor bridge reopens after repairs"]
    assert "Mayor Ana Lopez" in page
    for junk in ("Sports menu", "Cookie settings", "Privacy"):
        assert junk not in page
    assert texts["Visit"] == "Ana Lopez visited Lisbon."


def test_project_create_and_list(cli, db, tmp_path):
    schema = tmp_path / "s.toml"
    schema.write_text('name = "tiny"\n[[entities]]\nname = "THING"\nkey = "1"\n')
    assert cli("--db", db, "project", "create", "p1", "--schema", str(schema)).returncode == 0
    r = cli("--db", db, "project", "list", "--json")
    assert json.loads(r.stdout)[0]["name"] == "p1"
    dup = cli("--db", db, "project", "create", "p1")
    assert dup.returncode == 1 and "already exists" in dup.stderr


def _bad(cli, db, path, expect):
    r = cli("--db", db, "import", str(path), "--project", "demo")
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert expect in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("content,expect", [
    (b'{"text": "fine"}\n{"text": broken}\n', "bad.jsonl:2: bad JSON"),
    (b'{"text": "fine"}\n{"title": "no text"}\n', 'bad.jsonl:2: no "text" field'),
    (b'{"text": 42}\n', 'bad.jsonl:1: "text" is not a string'),
    (b'{"text": "   "}\n', "bad.jsonl:1: empty document"),
    (b'[1, 2]\n', "bad.jsonl:1: each line must be a JSON object"),
])
def test_malformed_jsonl_is_one_line_and_stores_nothing(cli, db, tmp_path, content, expect):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    _bad(cli, db, bad, expect)
    r = cli("--db", db, "stats", "--project", "demo", "--json")
    assert r.returncode == 1 and "no project named 'demo'" in r.stderr


def test_binary_and_empty_files_refused(cli, db, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _bad(cli, db, binary, "photo.txt: binary file")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    _bad(cli, db, empty, "empty.txt: empty document")
    _bad(cli, db, tmp_path / "missing.txt", "missing.txt: no such file")


def test_one_bad_file_in_a_folder_stores_nothing(cli, db, tmp_path):
    folder = tmp_path / "batch"
    shutil.copytree(SEEDS, folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "zz.jsonl").write_text('{"text": "ok"}\nnot json\n')
    _bad(cli, db, folder, "zz.jsonl:2")
    assert cli("--db", db, "stats", "--project", "demo").returncode == 1


def test_usage_errors_exit_2(cli, db):
    r = cli("--db", db, "import", "--project", "demo")
    assert r.returncode == 2
    r = cli("--db", db, "export", "--project", "demo", "--format", "xml", "--out", "x")
    assert r.returncode == 2


def test_bad_database_url_is_one_line(cli, tmp_path):
    r = cli("--db", "nonsense://", "project", "list")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    r = cli("--db", f"sqlite:///{tmp_path}/no/such/dir/x.db", "project", "list")
    assert r.returncode == 1 and "does not exist" in r.stderr


def test_label_with_white_space_is_refused_naming_file_and_line(cli, db, tmp_path):
    src = tmp_path / "odd.jsonl"
    src.write_text(json.dumps({"text": "Ana Lopez", "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER\rSON"}]}) + "\n")
    line = _bad(cli, db, src, "odd.jsonl:1: entity name")
    assert "white space" in line and "\\r" in line  # the CR is shown, not obeyed


def test_errors_are_one_line_whatever_they_quote():
    from desktop.cli.main import one_line

    assert one_line("bad line 'T1\tPerson\r\n'") == "bad line 'T1\\tPerson\\r\\n'"


BRAT_TXT = "Ana met Bo in Lisbon.\n"
BRAT_ANN = ("T1\tPERSON 0 3\tAna\nT2\tPERSON 8 10\tBo\nT3\tMeet 4 7\tmet\n"
            "R1\tpart_of Arg1:T1 Arg2:T2\nE1\tMeet:T3 Entity:T1 Entity:T2\n")


def test_brat_files_given_twice_or_again_store_each_label_once(cli, db, tmp_path):
    """`import brat/*` names each document twice (.txt and .ann), and an import run again
    names everything again: the labels are stored once, and the rerun says so."""
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d.txt").write_text(BRAT_TXT)
    (folder / "d.ann").write_text(BRAT_ANN)
    r = cli("--db", db, "import", "--project", "demo", str(folder / "d.txt"),
            str(folder / "d.ann"))
    assert r.returncode == 0, r.stderr
    once = stats(cli, db)
    assert (once["documents"], once["spans"], once["relations"], once["events"]) == (1, 3, 1, 1)
    again = cli("--db", db, "import", "--project", "demo", str(folder))
    assert again.returncode == 0, again.stderr
    assert "5 labels already there, not stored twice" in again.stdout
    assert stats(cli, db) == once
