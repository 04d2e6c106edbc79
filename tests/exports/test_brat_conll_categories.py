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


def test_the_conf_keeps_category_groups_as_comments_brat_skips():
    from models.brat_conf import parse_brat_conf, to_brat_conf
    from models.schema import Category, CategoryGroup

    conf = ("# categories\tone-of\tTopic\tpolitics|business\n"
            "# categories\tany-of\tFlags\tbreaking_news\n"
            "[entities]\nORG\n[relations]\n[events]\n[attributes]\n")
    schema = parse_brat_conf(conf)
    assert [(g.name, g.exclusive, [c.name for c in g.categories])
            for g in schema.categories] == [("Topic", True, ["politics", "business"]),
                                            ("Flags", False, ["breaking_news"])]
    assert schema.entity_names == ["ORG"]
    assert to_brat_conf(schema) == conf
    # a category added since is written in its group (the lines are made anew)
    schema.categories[1].categories.append(Category("exclusive"))
    schema.categories.append(CategoryGroup("Stance", False, [Category("pro")]))
    assert to_brat_conf(schema).splitlines()[:3] == [
        "# categories\tone-of\tTopic\tpolitics|business",
        "# categories\tany-of\tFlags\tbreaking_news|exclusive",
        "# categories\tany-of\tStance\tpro"]


def test_a_category_in_two_groups_of_the_conf_names_the_line(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Siemens hired Ada.", encoding="utf-8")
    (src / "a.ann").write_text("T1\tORG 0 7\tSiemens\n", encoding="utf-8")
    (src / "annotation.conf").write_text(
        "# categories\tone-of\tTopic\tpolitics|business\n"
        "# categories\tany-of\tFlags\tbusiness\n[entities]\nORG\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", db, "--user", "ana", "import", "--project", "p", str(src)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (f"marginalia: error: {src / 'annotation.conf'}:2: category "
                   "'business' is in two groups")
