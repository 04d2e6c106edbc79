"""doccano's text classification (label: names), intent detection (entities as lists and
cats) and cats beside entities and relations, both ways; a pretty-printed JSON array names
the real line of a bad item."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop.cli.main import main
from models.orm import DocumentCategory, Span
from models.store import Store

CLASSIFICATION = [
    {"id": 7, "text": "What a wonderful little film.", "label": ["positive"]},
    {"id": 8, "text": "Dull and far too long.", "label": ["negative", "long"]},
    {"id": 9, "text": "No opinion here.", "label": []},
    # the label column under its other name, with a meta object beside it
    {"text": "Loud but fun.", "labels": ["positive", "loud"], "meta": {"page": 4}},
]

INTENT = [
    {"text": "Book a flight from Lyon to Oslo tomorrow",
     "entities": [[19, 23, "CITY"], [27, 31, "CITY"], [32, 40, "DATE"]],
     "cats": ["book_flight"]},
    {"text": "Is it raining in Bergen", "entities": [[17, 23, "CITY"]],
     "cats": ["weather", "smalltalk"]},
]

RELATIONS = [
    {"id": 3, "text": "Ada Lovelace worked with Charles Babbage.",
     "entities": [{"id": 11, "start_offset": 0, "end_offset": 12, "label": "PER"},
                  {"id": 12, "start_offset": 25, "end_offset": 40, "label": "PER"}],
     "relations": [{"id": 1, "from_id": 11, "to_id": 12, "type": "colleague"}],
     "cats": ["history"]},
]


def cli(*argv: str) -> int:
    return main(list(argv))


def roundtrip(tmp_path, rows, form, *, array=False):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    if array:
        src = tmp_path / "in.json"
        src.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    else:
        src = tmp_path / "in.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 0
    out = tmp_path / "out.jsonl"
    assert cli("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "doccano", "--doccano-form", form, "--out", str(out), "--status", "all") == 0
    return db, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _ids(rows):
    # doccano numbers its entities and relations itself; the ones written are 1, 2, ...
    out = []
    for r in rows:
        r = dict(r)
        if r.get("entities") and isinstance(r["entities"][0], dict):
            new = {e["id"]: n for n, e in enumerate(r["entities"], 1)}
            r["entities"] = [dict(e, id=new[e["id"]]) for e in r["entities"]]
            r["relations"] = [dict(x, from_id=new[x["from_id"]], to_id=new[x["to_id"]])
                              for x in r["relations"]]
        out.append(r)
    return out


@pytest.mark.parametrize("rows, form, array", [
    (CLASSIFICATION, "classification", False),
    (CLASSIFICATION, "classification", True),
    (INTENT, "intent", False),
    (RELATIONS, "entities", False),
], ids=["classification", "classification-array", "intent", "relations-cats"])
def test_every_form_comes_back_equal(tmp_path, rows, form, array):
    db, back = roundtrip(tmp_path, rows, form, array=array)
    assert back == _ids(rows)
    with Store(db).session() as s:
        cats = sorted(c.category for c in s.scalars(select(DocumentCategory)))
    assert cats == sorted(n for r in rows
                          for n in r.get("cats", r.get("label", r.get("labels", []))))


def test_categories_and_spans_in_the_forms_that_cannot_carry_them_are_reported(tmp_path,
                                                                             capsys):
    db, back = roundtrip(tmp_path, INTENT, "label")
    err = capsys.readouterr().err
    assert "category 'book_flight': left out (accepted)" in err
    assert back[0]["label"] == [[19, 23, "CITY"], [27, 31, "CITY"], [32, 40, "DATE"]]
    assert "cats" not in back[0]
    out = tmp_path / "c.jsonl"
    assert cli("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "doccano", "--doccano-form", "classification", "--out", str(out)) == 0
    assert "span 'CITY' [19, 23): left out" in capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[1] == {"text": "Is it raining in Bergen", "label": ["weather", "smalltalk"]}


def test_a_category_rejected_in_the_app_is_not_written(tmp_path):
    from models.service import Service

    db, _ = roundtrip(tmp_path, RELATIONS, "entities")
    service = Service(Store(db), "alice")
    doc = service.documents(service.project_id("p"))[0].id
    service.toggle_category(doc, "history")  # off: an imported one becomes rejected
    out = tmp_path / "again.jsonl"
    assert cli("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "doccano", "--out", str(out)) == 0
    row = json.loads(out.read_text())
    assert "cats" not in row and len(row["entities"]) == 2
    with Store(db).session() as s:
        assert len(list(s.scalars(select(Span)))) == 2


@pytest.mark.parametrize("item, line, message", [
    ('{\n    "text": "b",\n    "cats": "weather"\n  }', 6, '"cats" is not a list of category '
                                                         'names'),
    ('{\n    "text": "b",\n    "entities": [[0, 9, "X"]]\n  }', 6,
     "entity 1: [0, 9) is outside the text"),
    ('{\n    "text": "b",\n    "label": [1, 2]\n  }', 6, "label 1 is not [start, end, label]"),
    ('{\n    "text": "b",\n    "cats": [\n  }', 9, "malformed JSON: Expecting value"),
    ('7', 6, "item 2 is not a JSON object"),
])
def test_a_pretty_printed_array_names_the_real_line(tmp_path, capsys, item, line, message):
    src = tmp_path / "bad.json"
    src.write_text('[\n  {\n    "text": "a",\n    "label": ["x"]\n  },\n  ' + item + "\n]\n",
                   encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", "--format",
               "doccano", str(src)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"marginalia: error: {src}:{line}: {message}")


def test_a_document_without_categories_keeps_the_labels_column_of_its_file(tmp_path):
    # a file that names the column "labels" throughout, one record with none chosen
    rows = [{"text": "Loud but fun.", "labels": ["positive"], "meta": {"page": 1}},
            {"text": "Nothing to say.", "labels": [], "meta": {"page": 2}},
            {"text": "Too long.", "labels": ["negative", "long"], "meta": {"page": 3}}]
    _, back = roundtrip(tmp_path, rows, "classification")
    assert back == rows
