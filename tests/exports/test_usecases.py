"""The import and export use cases the CLI and the window share, without either of them."""

from __future__ import annotations

import pytest

from exports.usecases import export_project, import_paths
from tests.conftest import ROOT

BRAT = ROOT / "tests" / "fixtures" / "formats" / "brat"


class Stop(Exception):
    pass


def test_a_cancel_while_storing_stores_nothing(service):
    def progress(done, total, what):
        if what == "storing" and done > 0:
            raise Stop()

    with pytest.raises(Stop):
        import_paths(service, "p", [ROOT / "seeds"], progress=progress)
    assert [p.name for p in service.list_projects()] == []


def test_a_brat_import_takes_its_conf_and_says_so(service):
    out = import_paths(service, "p", [BRAT])
    schema = service.schema("p")
    assert {"Attacker", "Target"} <= {r.name for r in schema.event("Attack").roles}
    assert any(line.startswith("schema read from") and "annotation.conf" in line
               for line in out.lines())
    again = import_paths(service, "p", [BRAT])
    assert again.report.documents_added == 0 and again.report.documents_existing == 1
    assert any("skipped 1 document(s) already stored" in line for line in again.lines())


def test_export_leaves_out_unfinished_documents_and_counts_them(service, tmp_path):
    import_paths(service, "p", [ROOT / "seeds"])
    docs = service.documents(service.project_id("p"))
    service.set_status(docs[0].id, "done")
    outcome = export_project(service, "p", "prodigy", tmp_path / "o.jsonl")
    assert outcome.report.documents == 1
    assert sum(outcome.left_out.values()) == len(docs) - 1
    every = export_project(service, "p", "prodigy", tmp_path / "all.jsonl", status="all")
    assert every.report.documents == len(docs) and not every.left_out


def test_what_an_export_left_out_is_one_block_the_same_in_the_cli(service, tmp_path, cli,
                                                                  db_url):
    """Documents by status, spans by misalignment, what the format cannot carry: one block,
    with counts worked out by hand, and the CLI prints exactly that block."""
    from models.records import ArgumentRecord, DocumentRecord, EventRecord, SpanRecord

    text = "Angela Merkel visited Paris."
    done = DocumentRecord(text=text, title="visit", status="done", spans=[
        SpanRecord(2, 9, "PER", id="T1"),  # "gela Me": not on token boundaries
        SpanRecord(14, 21, "Meet", id="T2"), SpanRecord(22, 27, "LOC", id="T3")],
        events=[EventRecord("T2", "Meet", id="E1", arguments=[ArgumentRecord("Place", "T3")])])
    also = DocumentRecord(text="Olaf Scholz stayed home.", title="stay", status="done",
                          spans=[SpanRecord(1, 4, "PER")])
    busy = DocumentRecord(text="Nobody finished this one.", status="in_progress",
                          spans=[SpanRecord(0, 6, "PER")])
    service.import_records("p", [done, also, busy, DocumentRecord(text="Not labeled.")])
    outcome = export_project(service, "p", "prodigy", tmp_path / "o.jsonl")
    block = outcome.left_out_block()
    assert block == [
        "prodigy: left out or changed:",
        "  2 documents not finished (done or approved): 1 in progress, 1 new; "
        "--status all writes them",
        "  2 misaligned spans: expanded to whole tokens (in 2 documents)",
        "  1 event: left out: Prodigy has no events"]
    assert outcome.lines()[1 + len(outcome.report.files):][:len(block)] == block
    r = cli("--db", db_url, "--user", "alice", "export", "--project", "p", "--format",
            "prodigy", "--out", str(tmp_path / "cli.jsonl"))
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines()[:len(block)] == block
    every = export_project(service, "p", "prodigy", tmp_path / "all.jsonl", status="all")
    assert every.left_out_block() == [block[0], *block[2:]]
    service.import_records("q", [DocumentRecord(text=text, status="done",
                                                spans=[SpanRecord(0, 13, "PER")])])
    clean = export_project(service, "q", "prodigy", tmp_path / "q.jsonl")
    assert clean.left_out_block() == ["prodigy: nothing left out"]
