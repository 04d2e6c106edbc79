"""The annotator's active time on a document goes out with the formats that have room for
it (Prodigy meta, doccano top level, DocBin user data) and comes back into the layer."""

from __future__ import annotations

import json

import pytest

from exports.usecases import export_project, import_paths
from models.errors import FormatError

SECONDS = 754  # 12 min 34 s


def _one_timed_document(service, project):
    pid, doc = project
    text = service.load(doc).text
    start = text.index("Honduras")
    service.create_span(doc, start, start + len("Honduras"), "GPE")
    service.add_active_time(doc, SECONDS)
    service.set_status(doc, "done")
    return pid, doc


def _prodigy_rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _docbin_infos(folder):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    infos = []
    for f in sorted(folder.glob("*.spacy")):
        for d in DocBin(store_user_data=True).from_disk(f).get_docs(nlp.vocab):
            infos.extend(v["doc"] for k, v in d.user_data.items()
                         if isinstance(k, tuple) and k[1] == "marginalia")
    return infos


@pytest.mark.parametrize("fmt, out", [("prodigy", "o.jsonl"), ("doccano", "o.jsonl"),
                                      ("spacy", "out")])
def test_active_time_goes_out_and_comes_back(service, project, tmp_path, fmt, out):
    _one_timed_document(service, project)
    path = tmp_path / out
    export_project(service, "news", fmt, path)
    # where each format's users look for it, read without our readers
    if fmt == "prodigy":
        [row] = _prodigy_rows(path)
        assert row["meta"]["active_seconds"] == SECONDS
    elif fmt == "doccano":
        [row] = _prodigy_rows(path)
        assert row["active_seconds"] == SECONDS
    else:
        infos = _docbin_infos(path)  # one document: in train.spacy and in dev.spacy
        assert infos and {i["active_seconds"] for i in infos} == {SECONDS}
    import_paths(service, "copy", [path], fmt=fmt)
    [doc] = service.documents(service.project_id("copy"))
    assert doc.active_seconds == SECONDS
    assert "active_seconds" not in service.load(doc.id).meta  # the layer's, not the text's
    # imported again into the first project: the time is not counted twice
    import_paths(service, "news", [path], fmt=fmt)
    assert service.documents(service.project_id("news"))[0].active_seconds == SECONDS


def test_a_document_nobody_timed_gains_no_field(service, project, tmp_path):
    pid, doc = project
    service.set_status(doc, "done")
    export_project(service, "news", "prodigy", tmp_path / "p.jsonl")
    export_project(service, "news", "doccano", tmp_path / "d.jsonl")
    assert "active_seconds" not in _prodigy_rows(tmp_path / "p.jsonl")[0]["meta"]
    assert "active_seconds" not in _prodigy_rows(tmp_path / "d.jsonl")[0]


@pytest.mark.parametrize("value, words", [("ten", "'ten' is not an integer"),
                                          (-5, "-5 is not between 0"),
                                          (2**40, "is not between 0 and 2147483647")])
def test_a_wrong_active_time_names_the_line_and_stores_nothing(service, tmp_path, value,
                                                                 words):
    path = tmp_path / "t.jsonl"
    rows = [{"text": "Ann met Bob.", "meta": {}, "answer": "accept", "spans": []},
            {"text": "Bob left.", "meta": {"active_seconds": value}, "answer": "accept",
             "spans": []}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(FormatError) as info:
        import_paths(service, "p", [path], fmt="prodigy")
    msg = str(info.value)
    assert "t.jsonl:2" in msg and "active_seconds" in msg and words in msg, msg
    assert "p" not in {p.name for p in service.list_projects()}
