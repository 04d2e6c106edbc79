"""Document categories in a DocBin: doc.cats as spaCy's textcat reads it, the textcat or
textcat_multilabel component in config.cfg, read back, and `spacy train` on it as is."""

from __future__ import annotations

import subprocess
import sys

import pytest

from exports import docbin
from exports.base import ExportOptions
from models.records import CategoryRecord, DocumentRecord, SpanRecord, TaskRecord
from models.schema import Category, CategoryGroup, Schema


def _schema(*groups: tuple[str, bool, list[str]]) -> Schema:
    return Schema(categories=[CategoryGroup(name, exclusive=excl,
                                            categories=[Category(n) for n in names])
                              for name, excl, names in groups])


TOPIC = ("Topic", True, ["politics", "sports", "business"])
FLAGS = ("Flags", False, ["opinion", "breaking"])


def _spacy_docs(path):
    from spacy.tokens import DocBin
    import spacy

    vocab = spacy.blank("en").vocab
    return [d for f in ("train.spacy", "dev.spacy")
            for d in DocBin().from_disk(path / f).get_docs(vocab)]


def test_a_finished_layer_decides_every_category_and_trains_textcat(tmp_path):
    schema = _schema(TOPIC)
    recs = [DocumentRecord("Parliament passed the budget.",
                           categories=[CategoryRecord("politics")]),
            DocumentRecord("Nothing to see.")]  # decided too: none of them applies
    report = docbin.write(recs, tmp_path, schema, ExportOptions(dev_ratio=0.0))
    [a, b] = _spacy_docs(tmp_path)
    assert a.cats == {"politics": 1.0, "sports": 0.0, "business": 0.0}
    assert b.cats == {"politics": 0.0, "sports": 0.0, "business": 0.0}
    assert report.categories == 6
    cfg = (tmp_path / "config.cfg").read_text(encoding="utf-8")
    assert "[components.textcat]" in cfg and "textcat_multilabel" not in cfg
    assert 'labels = ["politics", "sports", "business"]' in cfg
    back = list(docbin.read(tmp_path))
    assert [[(c.name, c.state) for c in r.categories] for r in back] == [
        [("politics", "accepted")], []]


def test_binary_textcat_tasks_leave_what_they_do_not_say_unknown_for_multilabel(tmp_path):
    schema = _schema(TOPIC, FLAGS)
    # textcat.teach: one label per task, accepted or rejected; nothing about the others
    said_yes = DocumentRecord("Shares fell sharply.", tasks=[
        TaskRecord("accept", "binary", {"label": "business"}),
        TaskRecord("reject", "binary", {"label": "opinion"})],
        categories=[CategoryRecord("business", task=0),
                    CategoryRecord("opinion", state="rejected", task=1)])
    said_no = DocumentRecord("The vote was close.",
                             tasks=[TaskRecord("reject", "binary", {"label": "sports"})],
                             categories=[CategoryRecord("sports", state="rejected", task=0),
                                         CategoryRecord("breaking", state="suggested",
                                                        score=0.4)])
    docbin.write([said_yes, said_no], tmp_path, schema, ExportOptions(dev_ratio=0.0))
    [a, b] = _spacy_docs(tmp_path)
    # business accepted: the rest of its exclusive group is 0.0; breaking is unknown
    assert a.cats == {"business": 1.0, "politics": 0.0, "sports": 0.0, "opinion": 0.0}
    assert b.cats == {"sports": 0.0}  # a rejected task is 0.0; a suggestion is no decision
    cfg = (tmp_path / "config.cfg").read_text(encoding="utf-8")
    assert "[components.textcat_multilabel]" in cfg
    back = {r.text: r for r in docbin.read(tmp_path)}
    assert back["The vote was close."].categories == said_no.categories  # kept exactly
    assert back["Shares fell sharply."].categories == said_yes.categories


def test_another_tools_docbin_gives_its_cats_as_categories(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp.make_doc("A quiet day in the markets.")
    doc.cats = {"business": 1.0, "sports": 0.0, "opinion": 0.25}
    DocBin(docs=[doc]).to_disk(tmp_path / "x.spacy")
    [rec] = docbin.read(tmp_path / "x.spacy")
    assert [(c.name, c.state, c.score) for c in rec.categories] == [
        ("business", "accepted", None), ("sports", "rejected", None),
        ("opinion", "suggested", 0.25)]


@pytest.mark.slow
@pytest.mark.parametrize("groups", [(TOPIC,), (TOPIC, FLAGS)], ids=["textcat", "multilabel"])
def test_spacy_trains_the_exported_categories_as_is(tmp_path, groups):
    schema = _schema(*groups)
    texts = [("Parliament passed the budget.", ["politics"]),
             ("The striker scored twice.", ["sports", "breaking"]),
             ("Shares fell sharply.", ["business"]),
             ("The minister resigned.", ["politics", "opinion"]),
             ("A late goal won the cup.", ["sports"]),
             ("Profits rose at the bank.", ["business", "breaking"])]
    names = set(schema.category_names)
    recs = [DocumentRecord(t, spans=[SpanRecord(0, 3, "ORG")] if i % 2 else [],
                           categories=[CategoryRecord(c) for c in cs if c in names])
            for i, (t, cs) in enumerate(texts)]
    docbin.write(recs, tmp_path, schema, ExportOptions(dev_ratio=0.34, seed=1))
    component = "textcat" if len(groups) == 1 else "textcat_multilabel"
    proc = subprocess.run(
        [sys.executable, "-m", "spacy", "train", "config.cfg", "--output", "model",
         "--training.max_steps", "6", "--training.eval_frequency", "3"],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    import spacy

    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert nlp.pipe_names[-1] == component
    assert set(nlp.get_pipe(component).labels) == names
    assert set(nlp("The cabinet met.").cats) == names


def test_a_tampered_category_in_our_data_is_refused_naming_the_document(tmp_path):
    from spacy.tokens import DocBin
    import spacy

    from models.errors import FormatError

    rec = DocumentRecord("Shares fell.", categories=[CategoryRecord("business")])
    docbin.write([rec], tmp_path, _schema(TOPIC), ExportOptions(dev_ratio=0.0))
    vocab = spacy.blank("en").vocab
    [doc] = DocBin(store_user_data=True).from_disk(tmp_path / "train.spacy").get_docs(vocab)
    doc.user_data[docbin.USER_DATA_KEY]["categories"][0]["score"] = "high"
    DocBin(docs=[doc], store_user_data=True).to_disk(tmp_path / "bad.spacy")
    with pytest.raises(FormatError, match="document 1: category 'business': its score"):
        list(docbin.read(tmp_path / "bad.spacy"))
