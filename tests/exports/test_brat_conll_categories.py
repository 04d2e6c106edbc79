"""Document categories in brat (a Category note on DOCUMENT per accepted category, both
ways) and in CoNLL (not carried: reported)."""

from __future__ import annotations

from desktop.cli.main import main
from models.records import CategoryRecord, DocumentRecord, SpanRecord
from models.service import Service
from models.store import Store

ANN = ("T1\tORG 0 7\tSiemens\n"
       "#1\tAnnotatorNotes T1\tthe company\n"
       "#2\tCategory DOCUMENT\tbusiness\n"
       "#3\tCategory DOCUMENT\tbreaking_news\n")


def test_brat_category_notes_come_back_as_they_were(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Siemens hired Ada.", encoding="utf-8")
    (src / "a.ann").write_text(ANN, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", db, "--user", "ana", "import", "--project", "p", str(src)]) == 0
    service = Service(Store(db), "ana")
    [doc] = service.documents(service.project_id("p"))
    assert sorted(doc.categories) == ["breaking_news", "business"]
    service.toggle_category(doc.id, "breaking_news")  # off: rejected, so not written
    out = tmp_path / "out"
    assert main(["--db", db, "--user", "ana", "export", "--project", "p", "--format",
                 "brat", "--out", str(out)]) == 0
    lines = (out / "a.ann").read_text(encoding="utf-8").splitlines()
    assert lines == ANN.splitlines()[:3]


def test_a_category_note_without_a_name_names_the_line(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Siemens hired Ada.", encoding="utf-8")
    (src / "a.ann").write_text("T1\tORG 0 7\tSiemens\n#1\tCategory DOCUMENT\n",
                               encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", db, "--user", "ana", "import", "--project", "p", str(src)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"marginalia: error: {src / 'a.ann'}:2: a Category note on DOCUMENT has no category "
        "name")


def test_conll_reports_categories_as_not_carried(tmp_path):
    from exports import conll

    rec = DocumentRecord("Siemens hired Ada .", spans=[SpanRecord(0, 7, "ORG")],
                         categories=[CategoryRecord("business"),
                                     CategoryRecord("sports", state="rejected")])
    report = conll.write([rec], tmp_path / "x.conll")
    assert [str(p).split(": ", 1)[1] for p in report.problems
            if p.kind == "category"] == [
        "category 'business': left out (accepted): CoNLL has no document categories",
        "category 'sports': left out (rejected): CoNLL has no document categories"]
