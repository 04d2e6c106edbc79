"""doccano's import dialog lets a file's text and label keys have the names a user chose
("column_data" and "column_label"); `--doccano-text-column` and `--doccano-label-column`
read such files. Exports write doccano's own names back ("text", "label"), as doccano's
export does. A JSONL record spread over several lines is refused, saying so."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop.cli.main import main
from exports import doccano
from exports.base import ImportOptions
from models.orm import Document, DocumentCategory, Span
from models.store import Store

TEXT_A = "Terrible customer service in Leeds."
TEXT_B = "Ada Lovelace met Charles Babbage."
TEXT_C = "Great price."


def where(text: str, part: str) -> list:
    start = text.index(part)  # offsets worked out from the text, not by the reader
    return [start, start + len(part)]


ROWS = [
    # text classification: the label column holds names
    {"review": TEXT_A, "verdict": ["negative", "service"], "shop": 12},
    # sequence labeling: [start, end, label], and doccano's dict form of a span
    {"review": TEXT_B, "verdict": [[*where(TEXT_B, "Ada Lovelace"), "PER"],
                                   {"start_offset": where(TEXT_B, "Charles Babbage")[0],
                                    "end_offset": where(TEXT_B, "Charles Babbage")[1],
                                    "label": "PER"}]},
    # one name, not a list (doccano's CSV and Excel columns hold it so; its JSONL too)
    {"review": TEXT_C, "verdict": "positive"},
    # no label column: an unlabeled record, as doccano stores it
    {"review": "Nothing to say.", "text": "an old column, kept as meta"},
]


def cli(*argv: str) -> int:
    return main(list(argv))


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def import_(db, src, *extra):
    return cli("--db", db, "--user", "alice", "import", "--project", "p", "--format",
               "doccano", *extra, str(src))


COLUMNS = ("--doccano-text-column", "review", "--doccano-label-column", "verdict")


def stored(db):
    with Store(db).session() as s:
        texts = sorted(d.text for d in s.scalars(select(Document)))
        spans = sorted((s_.start, s_.end, s_.label) for s_ in s.scalars(select(Span)))
        cats = sorted(c.category for c in s.scalars(select(DocumentCategory)))
    return texts, spans, cats


@pytest.mark.parametrize("array", [False, True], ids=["jsonl", "json-array"])
def test_named_columns_are_read(tmp_path, array):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    if array:
        src = tmp_path / "in.json"
        src.write_text(json.dumps(ROWS, indent=4), encoding="utf-8")
    else:
        src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    assert import_(db, src, *COLUMNS) == 0
    texts, spans, cats = stored(db)
    assert texts == sorted(r["review"] for r in ROWS)
    assert spans == [(0, 12, "PER"), (17, 32, "PER")]  # counted by hand in TEXT_B
    assert cats == ["negative", "positive", "service"]


def test_export_writes_doccanos_own_column_names(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, write_jsonl(tmp_path / "in.jsonl", ROWS), *COLUMNS) == 0
    out = tmp_path / "out.jsonl"
    assert cli("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "doccano", "--doccano-form", "classification", "--out", str(out),
               "--status", "all") == 0
    back = {r["text"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert back[TEXT_A] == {"text": TEXT_A, "label": ["negative", "service"], "shop": 12}
    assert back[TEXT_C] == {"text": TEXT_C, "label": ["positive"]}
    assert all("review" not in r and "verdict" not in r for r in back.values())
    # read back with doccano's defaults, the export is the same documents
    db2 = f"sqlite:///{tmp_path / 'y.db'}"
    assert import_(db2, out) == 0
    assert stored(db2)[0] == stored(db)[0] and stored(db2)[2] == stored(db)[2]


def test_a_record_without_the_named_text_column_stops_the_import(tmp_path, capsys):
    rows = [ROWS[0], {"text": "the default name, not the one chosen", "verdict": []}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, *COLUMNS) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"marginalia: error: {src}:2: ")
    assert '"review" is missing' in err[0]
    assert stored(db) == ([], [], [])  # nothing half-stored


def test_a_label_column_no_record_has_is_refused(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-text-column", "review",
                   "--doccano-label-column", "verdicts") == 1  # a typo
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(src) in err[0] and '"verdicts"' in err[0]
    assert stored(db) == ([], [], [])


@pytest.mark.parametrize("argv, words", [
    (("--doccano-text-column", "review"), "--format doccano"),  # not with auto-detection
    (("--format", "doccano", "--doccano-text-column", "x", "--doccano-label-column", "x"),
     "two names"),
    (("--format", "doccano", "--doccano-text-column", " "), "needs a name"),
])
def test_column_options_that_cannot_apply_are_refused(tmp_path, capsys, argv, words):
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", *argv,
               str(src)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]


def test_default_columns_still_read_text_and_label(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": TEXT_C, "label": "positive"},
                                              {"text": TEXT_B, "label": [[0, 12, "PER"]]}])
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    assert stored(db) == (sorted([TEXT_B, TEXT_C]), [(0, 12, "PER")], ["positive"])


# ---- a record spread over several lines ----------------------------------------------------

PRETTY = json.dumps({"text": TEXT_C, "label": ["positive"]}, indent=2)  # 6 lines


@pytest.mark.parametrize("content, line, words", [
    (PRETTY + "\n", 1, "a record spread over lines 1 to 6"),
    ('{"text": "one"}\n' + PRETTY + "\n" + PRETTY + "\n", 2,
     "a record spread over lines 2 to 7"),
    # spread and broken: the line it starts on, and where it breaks
    ('{"text": "one"}\n{\n  "text": "two",\n  "label": [\n}\n', 2, "and at line 5"),
    # one line cut short stays a malformed line
    ('{"text": "one"}\n{"text": "broken",\n', 2, "malformed JSON: Expecting property"),
])
def test_a_record_spread_over_lines_is_refused_saying_so(tmp_path, capsys, content, line,
                                                         words):
    src = tmp_path / "pretty.jsonl"
    src.write_text(content, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"marginalia: error: {src}:{line}: ")
    assert words in err[0]
    assert stored(db) == ([], [], [])


@pytest.mark.parametrize("label_column", ["entities", "cats"])
def test_a_label_column_doccano_reads_anyway_is_read_once(tmp_path, label_column):
    row = {"body": TEXT_B, "entities": [[0, 12, "PER"]], "cats": ["history"]}
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, write_jsonl(tmp_path / "in.jsonl", [row]), "--doccano-text-column",
                   "body", "--doccano-label-column", label_column) == 0
    assert stored(db) == ([TEXT_B], [(0, 12, "PER")], ["history"])
    # and read once, not twice (the store would hide a duplicate it is given)
    options = ImportOptions(doccano_text_column="body", doccano_label_column=label_column)
    (doc,) = doccano.read(tmp_path / "in.jsonl", options)
    assert len(doc.spans) == 1 and len(doc.categories) == 1


def test_a_text_column_named_like_doccanos_labels_is_not_a_category(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    row = {"labels": TEXT_C, "label": ["positive"]}
    assert import_(db, write_jsonl(tmp_path / "in.jsonl", [row]), "--doccano-text-column",
                   "labels") == 0
    assert stored(db) == ([TEXT_C], [], ["positive"])


def test_a_json_file_holding_one_object_is_refused_saying_what_doccano_wants(tmp_path,
                                                                           capsys):
    src = tmp_path / "one.json"  # doccano's .json import is an array of records
    src.write_text(PRETTY + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"marginalia: error: {src}:1: ")
    assert "lines 1 to 6" in err[0] and "array" in err[0]
