"""doccano's text-classification files that are not JSON, both ways: CSV and TSV (a header
row, the text and label columns, several categories joined by '#' as doccano's export
joins them) and fastText (`__label__NAME ... text`, read only with `--doccano-form
fasttext`: a .txt is plain text otherwise). The categories are document categories.

The sample files are written here by hand in doccano's dialect; the expected documents
and categories are read off them by eye, and exports are compared with Python's csv
module's reading of the files, not with our reader."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from desktop.cli.main import main
from models.orm import Document, DocumentCategory, Layer
from models.store import Store

# A header, a quoted cell with a comma, one with a line break, two categories joined by '#'
# (sorted, as doccano's export sorts them), a row without categories, a meta column.
CSV_TEXT = (
    'text,label,shop\n'
    '"Terrible, customer service.",negative#service,12\n'
    'Great price.,positive,\n'
    '"Line one.\nLine two.",,3\n'
)
EXPECTED = {
    "Terrible, customer service.": ["negative", "service"],
    "Great price.": ["positive"],
    "Line one.\nLine two.": [],
}
FASTTEXT = (
    "__label__negative __label__service Terrible customer service.\n"
    "__label__positive Great price.\n"
    "No label at all.\n"
)
FT_EXPECTED = {
    "Terrible customer service.": ["negative", "service"],
    "Great price.": ["positive"],
    "No label at all.": [],
}


def cli(*argv: str) -> int:
    return main(list(argv))


def import_(db, src, *extra):
    return cli("--db", db, "--user", "alice", "import", "--project", "p", "--format",
               "doccano", *extra, str(src))


def export(db, out, form):
    return cli("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "doccano", "--doccano-form", form, "--out", str(out), "--status", "all")


def stored(db) -> dict[str, list[str]]:
    """Each stored text and its categories."""
    with Store(db).session() as s:
        docs = {d.id: d.text for d in s.scalars(select(Document))}
        out: dict[str, list[str]] = {t: [] for t in docs.values()}
        for doc_id, name in s.execute(select(Layer.document_id, DocumentCategory.category)
                                      .join(Layer, DocumentCategory.layer_id == Layer.id)
                                      .where(DocumentCategory.state == "accepted")):
            out[docs[doc_id]].append(name)
    return {t: sorted(c) for t, c in out.items()}


def rows(text: str, delimiter: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".tsv", "\t")])
def test_csv_and_tsv_are_read_and_written_back_equal(tmp_path, suffix, delimiter):
    content = CSV_TEXT if delimiter == "," else "".join(
        delimiter.join(r) + "\n" for r in [["text", "label", "shop"],
                                           ["Terrible, customer service.", "negative#service",
                                            "12"],
                                           ["Great price.", "positive", ""]])
    src = tmp_path / f"in{suffix}"
    src.write_text(content, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0  # by its extension
    expected = EXPECTED if delimiter == "," else {
        k: v for k, v in EXPECTED.items() if "\n" not in k}
    assert stored(db) == expected
    out = tmp_path / f"out{suffix}"
    assert export(db, out, suffix[1:]) == 0
    # the same rows (columns text, the meta, label: the order doccano's export has too)
    assert rows(out.read_text(encoding="utf-8"), delimiter) == rows(content, delimiter)
    assert list(rows(out.read_text(encoding="utf-8"), delimiter)[0]) == ["text", "shop",
                                                                           "label"]


def test_categories_are_written_sorted_as_doccano_does(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text,label\nGreat price.,positive#cheap#positive\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    assert stored(db) == {"Great price.": ["cheap", "positive"]}  # once each
    out = tmp_path / "out.csv"
    assert export(db, out, "csv") == 0
    assert rows(out.read_text(), ",") == [{"text": "Great price.", "label": "cheap#positive"}]


def test_named_columns_are_read_from_a_csv(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("verdict,review\npositive,Great price.\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-text-column", "review",
                   "--doccano-label-column", "verdict") == 0
    assert stored(db) == {"Great price.": ["positive"]}


def test_fasttext_is_read_with_the_form_chosen_and_written_back_equal(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(FASTTEXT, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-form", "fasttext") == 0
    assert stored(db) == FT_EXPECTED
    out = tmp_path / "out.txt"
    assert export(db, out, "fasttext") == 0
    assert out.read_text(encoding="utf-8") == FASTTEXT


def test_fasttext_labels_anywhere_in_the_line_are_labels_as_doccano_reads_them(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("Great __label__positive price.\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-form", "fasttext") == 0
    assert stored(db) == {"Great price.": ["positive"]}


def test_a_txt_without_the_form_is_still_plain_text(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("__label__positive Great price.\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 0
    assert stored(db) == {"__label__positive Great price.\n": []}


def test_a_csv_export_reports_what_it_cannot_carry(tmp_path, capsys):
    src = tmp_path / "in.jsonl"  # spans, and a category whose name holds doccano's '#'
    src.write_text('{"text": "Ada met Bob.", "label": [[0, 3, "PER"]], "cats": ["a#b", "c"]}'
                   '\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    capsys.readouterr()
    out = tmp_path / "out.csv"
    assert export(db, out, "csv") == 0
    said = capsys.readouterr()
    report = said.out + said.err
    assert "span 'PER' [0, 3): left out: doccano's csv form has no spans" in report
    assert "category 'a#b': left out: a name with # would be read back as several" in report
    assert rows(out.read_text(), ",") == [{"text": "Ada met Bob.", "label": "c"}]


def test_a_fasttext_export_writes_a_text_with_line_breaks_on_one_line(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(CSV_TEXT, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    out = tmp_path / "out.txt"
    assert export(db, out, "fasttext") == 0
    assert out.read_text().splitlines() == [
        "__label__negative __label__service Terrible, customer service.",
        "__label__positive Great price.",
        "Line one. Line two."]


# ---- refusals: one line naming the file and the line, exit 1, nothing stored -----------------

@pytest.mark.parametrize("name, content, extra, line, words", [
    ("short.csv", "text,label,shop\nGreat price.,positive,1\nBad.,negative\n", (), 3,
     "2 cells, the header has 3"),
    ("long.tsv", "text\tlabel\nGreat price.\tpositive\textra\n", (), 2,
     "3 cells, the header has 2"),
    ("notext.csv", "review,label\nGreat price.,positive\n", (), 1,
     'no text column "text" in the header'),
    ("twice.csv", "text,label,text\na,b,c\n", (), 1, 'column "text" is twice'),
    ("emptyname.csv", "text,label\nGreat price.,positive##cheap\n", (), 2,
     "an empty label name"),
    ("emptytext.csv", "text,label\nGreat price.,positive\n,negative\n", (), 3,
     "empty text"),
    ("active.csv", "text,label,active_seconds\nGreat price.,positive,1.5\n", (), 2,
     "not a whole number of seconds"),
    ("quote.csv", 'text,label\n"Great price.,positive\n', (), 2, "not CSV"),
    ("nolabelcol.csv", "text,label\nGreat price.,positive\n",
     ("--doccano-label-column", "verdict"), 1, 'no label column "verdict"'),
    ("notext.txt", "__label__positive Great price.\n__label__negative\n",
     ("--doccano-form", "fasttext"), 2, "labels but no text"),
    ("noname.txt", "__label__ Great price.\n", ("--doccano-form", "fasttext"), 1,
     "without a label name"),
])
def test_bad_files_are_refused_at_their_line(tmp_path, capsys, name, content, extra, line,
                                             words):
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, *extra) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"marginalia: error: {src}:{line}: "), err
    assert words in err[0]
    assert stored(db) == {}  # nothing half-stored


def test_the_form_is_read_with_format_doccano_only(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(FASTTEXT, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "--user", "alice", "import", "--project", "p",
               "--doccano-form", "fasttext", str(src)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--format doccano" in err[0]


def test_column_names_are_refused_with_fasttext(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(FASTTEXT, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-form", "fasttext",
                   "--doccano-text-column", "review") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "fastText" in err[0]
    assert stored(db) == {}


def test_a_csv_as_doccanos_export_writes_it_comes_back_with_its_columns(tmp_path):
    # doccano's export: id, text, label (sorted, joined by '#'), Comments
    content = ("id,text,label,Comments\n"
               "7,Terrible customer service.,negative#service,\n"
               "8,Great price.,positive,too short\n")
    src = tmp_path / "doccano-export.csv"
    src.write_text(content, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    assert stored(db) == {"Terrible customer service.": ["negative", "service"],
                          "Great price.": ["positive"]}
    out = tmp_path / "out.csv"
    assert export(db, out, "csv") == 0
    back = rows(out.read_text(), ",")
    assert back == rows(content, ",")  # the same cells (id and Comments kept as meta)
    assert list(back[0]) == ["text", "id", "Comments", "label"]  # in our column order


def test_a_fasttext_line_as_doccanos_export_writes_it(tmp_path):
    src = tmp_path / "doccano-export.txt"  # doccano ends each line with a space
    src.write_text("__label__positive __label__cheap Great price. \n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-form", "fasttext") == 0
    assert stored(db) == {"Great price.": ["cheap", "positive"]}


def test_a_utf16_csv_with_its_byte_order_mark_is_read(tmp_path):
    src = tmp_path / "excel.csv"
    src.write_bytes("text,label\nGreat price.,positive\n".encode("utf-16"))  # with a BOM
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    assert stored(db) == {"Great price.": ["positive"]}


def test_a_fasttext_export_says_when_a_word_of_the_text_would_be_read_as_a_label(tmp_path,
                                                                                 capsys):
    src = tmp_path / "in.csv"
    src.write_text("text,label\nRename __label__x to y.,positive\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    capsys.readouterr()
    assert export(db, tmp_path / "out.txt", "fasttext") == 0
    said = capsys.readouterr()
    assert "a word of its text starts with __label__: read back, it is a label" in \
        said.out + said.err


def test_title_meta_and_active_time_come_back_through_a_csv(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Great price.", "title": "Review 1", "shop": "Leeds", '
                   '"active_seconds": 12, "cats": ["positive"]}\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    out = tmp_path / "out.tsv"
    assert export(db, out, "tsv") == 0
    assert rows(out.read_text(), "\t") == [{"text": "Great price.", "title": "Review 1",
                                            "shop": "Leeds", "active_seconds": "12",
                                            "label": "positive"}]
    db2 = f"sqlite:///{tmp_path / 'y.db'}"
    renamed = out.rename(tmp_path / "out.txt")  # a .txt read as TSV when the form says so
    assert import_(db2, renamed, "--doccano-form", "tsv") == 0
    with Store(db2).session() as s:
        (doc,) = s.scalars(select(Document))
        (layer,) = s.scalars(select(Layer))
        assert (doc.title, doc.meta, layer.active_seconds) == ("Review 1", {"shop": "Leeds"},
                                                                12)
    assert stored(db2) == {"Great price.": ["positive"]}


def test_an_article_longer_than_csvs_default_cell_limit_is_read(tmp_path):
    text = "word " * 60_000 + "end."  # 300,004 characters; csv's default limit is 131,072
    src = tmp_path / "long.csv"
    src.write_text(f'text,label\n"{text}",long\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0
    assert stored(db) == {text: ["long"]}
