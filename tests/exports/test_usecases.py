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
