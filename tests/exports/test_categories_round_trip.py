"""Document categories end to end, as a user does it in the CLI: a project with the news
schema, the seed article imported, its topic labelled, exported to every format and each
export imported into a fresh project. The category comes back in its exclusive group from
every format that carries categories; CoNLL reports them as not carried."""

from __future__ import annotations

import pytest

from desktop.cli.main import main
from models.service import Service
from models.store import Store
from tests.conftest import ROOT

FORMATS = ["spacy", "prodigy", "doccano", "brat", "conll"]
TOPIC = ["politics", "business", "crime", "conflict", "science", "sports", "culture"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The labelled project's export in each format, with what each export said."""
    tmp = tmp_path_factory.mktemp("cats")
    db = f"sqlite:///{tmp / 'src.db'}"
    cli = ["--db", db, "--user", "alice"]
    assert main([*cli, "project", "create", "news", "--schema",
                 str(ROOT / "resources" / "schemas" / "news.toml")]) == 0
    assert main([*cli, "import", "--project", "news", str(ROOT / "seeds")]) == 0
    store = Store(db)
    svc = Service(store, "alice")
    [doc] = svc.documents(svc.project_id("news"))
    text = svc.load(doc.id).text
    start = text.index("Joe Biden")
    svc.create_span(doc.id, start, start + len("Joe Biden"), "PERSON")
    svc.toggle_category(doc.id, "politics")  # the Topic key, as the window does
    svc.set_category(doc.id, "crime", state="rejected")  # an explicit no
    svc.set_status(doc.id, "done")
    store.dispose()
    out = {}
    for fmt in FORMATS:
        assert main([*cli, "export", "--project", "news", "--format", fmt,
                     "--out", str(tmp / fmt)]) == 0
        out[fmt] = tmp / fmt
    return tmp, out


def _reimport(tmp, fmt, path):
    db = f"sqlite:///{tmp / f're-{fmt}.db'}"
    src = path / "train.spacy" if fmt == "spacy" else path
    assert main(["--db", db, "--user", "bob", "import", "--project", "back", "--format", fmt,
                 str(src)]) == 0
    store = Store(db)
    svc = Service(store, "bob")
    pid = svc.project_id("back")
    [doc] = svc.documents(pid)
    stats = svc.stats("back")
    [layer] = stats["layers"]  # bob's, or the annotator a DocBin names
    view = svc.load(doc.id, layer=layer)
    found = {"categories": [(c.category, c.state) for c in view.categories],
             "spans": [(s.label, view.text[s.start:s.end]) for s in view.spans],
             "counted": stats["categories"],
             "groups": [(g.name, g.exclusive, [c.name for c in g.categories])
                        for g in svc.schema(pid).categories]}
    store.dispose()
    return found


@pytest.mark.parametrize("fmt", ["spacy", "prodigy", "doccano", "brat"])
def test_the_topic_comes_back_in_its_exclusive_group(exported, fmt):
    tmp, out = exported
    found = _reimport(tmp, fmt, out[fmt])
    accepted = [name for name, state in found["categories"] if state == "accepted"]
    assert accepted == ["politics"] and found["counted"] == {"politics": 1}
    # the explicit no: kept by the DocBin; the others say only what applies
    assert ("crime", "rejected") in found["categories"] or fmt != "spacy"
    assert found["spans"] == [("PERSON", "Joe Biden")]
    # the group comes back as it was, and no other (no "Imported", no empty choice group)
    assert found["groups"] == [("Topic", True, TOPIC)]


def test_conll_carries_the_spans_not_the_categories(exported):
    tmp, out = exported
    found = _reimport(tmp, "conll", out["conll"])
    assert found["categories"] == [] and found["counted"] == {}
    assert found["spans"] == [("PERSON", "Joe Biden")]


def test_the_conll_export_says_it_left_the_categories_out(tmp_path, exported, capsys):
    tmp, _out = exported
    db = f"sqlite:///{tmp / 'src.db'}"
    assert main(["--db", db, "--user", "alice", "export", "--project", "news", "--format",
                 "conll", "--out", str(tmp_path / "c")]) == 0
    err = capsys.readouterr().err
    assert "category 'politics': left out (accepted): CoNLL has no document categories" in err
    assert "category 'crime': left out (rejected): CoNLL has no document categories" in err
