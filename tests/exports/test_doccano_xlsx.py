"""doccano's Excel workbooks (import only) and its CSV delimiters other than comma and tab
(semicolon, pipe, space: the choices of doccano's CSV import).

The workbooks are written here with openpyxl; the expected documents are the rows as
written, and exports are compared with Python's csv module's reading of them."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile

import openpyxl
import pytest

from tests.exports.test_doccano_csv import cli, export, import_, rows, stored

# A header, two categories joined by '#', a row without a label, numbers in the label and
# meta columns (a sentiment of 0 and 1 is common), a blank row between the documents.
SHEET = [
    ["text", "label", "shop"],
    ["Terrible customer service.", "negative#service", 12],
    ["Great price.", 1, 0.25],
    [None, None, None],
    ["No label.", None, "Leeds"],
]
# the same rows as text, as a user reads them off the sheet
SHEET_ROWS = [{"text": "Terrible customer service.", "label": "negative#service",
               "shop": "12"},
              {"text": "Great price.", "label": "1", "shop": "0.25"},
              {"text": "No label.", "label": "", "shop": "Leeds"}]


def workbook(path, sheet_rows, title="reviews"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for r in sheet_rows:
        ws.append(r)
    book.save(path)
    return path


def error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_a_workbook_comes_back_as_a_csv_export_equal_to_its_rows(tmp_path):
    src = workbook(tmp_path / "reviews.xlsx", SHEET)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 0  # by its extension
    assert stored(db) == {"Terrible customer service.": ["negative", "service"],
                          "Great price.": ["1"], "No label.": []}
    out = tmp_path / "out.csv"
    assert export(db, out, "csv") == 0
    assert rows(out.read_text(encoding="utf-8"), ",") == SHEET_ROWS


def test_a_workbook_is_detected_as_doccano(tmp_path):
    src = workbook(tmp_path / "reviews.xlsx", SHEET)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 0
    assert set(stored(db)) == {r["text"] for r in SHEET_ROWS}


def test_the_first_visible_sheet_is_read_with_named_columns(tmp_path):
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.append(["text", "label"])
    hidden.append(["Hidden sheet.", "no"])
    hidden.sheet_state = "hidden"  # pyexcel, so doccano, passes hidden sheets over
    ws = book.create_sheet("shown")
    ws.append(["verdict", "review", "when"])
    ws.append(["positive", "Great price.", datetime.datetime(2024, 3, 5, 9, 30)])
    src = tmp_path / "named.xlsx"
    book.save(src)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-text-column", "review",
                   "--doccano-label-column", "verdict") == 0
    assert stored(db) == {"Great price.": ["positive"]}
    out = tmp_path / "out.csv"
    assert export(db, out, "csv") == 0
    assert rows(out.read_text(), ",") == [{"text": "Great price.",
                                           "when": "2024-03-05T09:30:00",
                                           "label": "positive"}]


@pytest.mark.parametrize("name, delimiter", [("semicolon", ";"), ("pipe", "|"),
                                             ("space", " ")])
def test_doccanos_other_csv_delimiters_are_read(tmp_path, name, delimiter):
    cells = [["text", "label", "shop"], ["Terrible.", "negative#service", "12"],
             ["Great!", "positive", ""]]
    content = "".join(delimiter.join(r) + "\n" for r in cells)
    src = tmp_path / "in.csv"
    src.write_text(content, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-delimiter", name) == 0
    assert stored(db) == {"Terrible.": ["negative", "service"], "Great!": ["positive"]}
    out = tmp_path / "out.csv"  # written with doccano's comma
    assert export(db, out, "csv") == 0
    assert rows(out.read_text(), ",") == rows(content, delimiter)


def test_a_delimiter_is_refused_with_a_form_that_is_not_csv(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    ft = tmp_path / "in.txt"
    ft.write_text("__label__positive Great price.\n", encoding="utf-8")
    js = tmp_path / "in.jsonl"
    js.write_text('{"text": "Great price.", "label": ["positive"]}\n', encoding="utf-8")
    xl = workbook(tmp_path / "in.xlsx", SHEET)
    for src, extra in ((ft, ("--doccano-form", "fasttext")), (js, ()), (xl, ())):
        assert import_(db, src, "--doccano-delimiter", "semicolon", *extra) == 1
        line = error_line(capsys)
        assert line.startswith(f"marginalia: error: {src}: --doccano-delimiter is for "
                               "doccano's CSV"), line
    assert stored(db) == {}


# ---- refusals: one line naming the file, the row (and the column), exit 1, nothing stored ---

@pytest.mark.parametrize("sheet, extra, where, words", [
    ([["review", "label"], ["Great price.", "positive"]], (), ":1:",
     'no text column "text" in the header'),
    ([["text", "label"], ["Great price.", "positive"], [None, "negative"]], (), ":3:",
     'column "text": empty text'),
    ([["text", "label"], ["Great price.", "positive", "extra"]], (), ":2:",
     "column C: 'extra' under no name in the header"),
    ([["text", None, "label"], ["Great price.", "x", "positive"]], (), ":1:",
     "column B: no name in the header"),
    ([["text", "label"], ["Great price.", "positive##cheap"]], (), ":2:",
     "an empty label name"),
    ([["text", "label"], ["Great price.", "positive"]], ("--doccano-label-column", "verdict"),
     ":1:", 'no label column "verdict"'),
])
def test_bad_workbooks_are_refused_at_their_row(tmp_path, capsys, sheet, extra, where, words):
    src = workbook(tmp_path / "bad.xlsx", sheet)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, *extra) == 1
    line = error_line(capsys)
    assert line.startswith(f"marginalia: error: {src}{where} "), line
    assert words in line
    assert stored(db) == {}


def test_a_short_row_of_a_semicolon_csv_is_refused_at_its_line(tmp_path, capsys):
    src = tmp_path / "short.csv"
    src.write_text("text;label;shop\nGreat price.;positive;1\nBad.;negative\n",
                   encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src, "--doccano-delimiter", "semicolon") == 1
    line = error_line(capsys)
    assert line.startswith(f"marginalia: error: {src}:3: ") and "2 cells, the header has 3" \
        in line
    assert stored(db) == {}


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, capsys):
    src = tmp_path / "fake.xlsx"
    src.write_text("text,label\nGreat price.,positive\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 1
    assert "not an Excel .xlsx workbook" in error_line(capsys)


def test_a_workbook_that_would_inflate_too_far_is_refused_before_it_is_opened(
        tmp_path, capsys, monkeypatch):
    """A valid workbook whose sheet XML is padded with 40 MB of spaces (legal between its
    elements): some 40 KB on disk. Refused from the zip's directory; openpyxl never runs."""
    plain = io.BytesIO()
    workbook(plain, SHEET)
    src = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info, data)
                continue
            head, sep, tail = data.partition(b"<sheetData>")
            with new.open(info.filename, "w") as part:
                part.write(head)
                for _ in range(40):
                    part.write(b" " * 2**20)
                part.write(sep + tail)
    assert src.stat().st_size < 2**20
    monkeypatch.setattr(openpyxl, "load_workbook",
                        lambda *a, **k: pytest.fail("the workbook was opened"))
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 1
    line = error_line(capsys)
    assert line.startswith(f"marginalia: error: {src}: inflates to ") and "refused" in line
    assert stored(db) == {}


def test_a_sheet_that_inflates_past_its_declared_size_is_refused(tmp_path, capsys):
    """The zip's directory says the sheet is 10 bytes shorter than it inflates to: zipfile
    stops at the declared size, its CRC then fails, while the rows are read. Refused in one
    line, nothing stored (the rows before are not)."""
    many = [["text", "label"]] + [[f"Review {i}.", "positive"] for i in range(3000)]
    src = workbook(tmp_path / "lying.xlsx", many)
    data = bytearray(src.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(name.decode())
        local, short = info.header_offset, info.file_size - 10
    struct.pack_into("<I", data, local + 22, short)  # the local header's uncompressed size
    at = data.find(b"PK\x01\x02")
    while at != -1:  # the central directory's record of the sheet
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, short)
        at = data.find(b"PK\x01\x02", at + 4)
    src.write_bytes(bytes(data))
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert import_(db, src) == 1
    line = error_line(capsys)
    assert line.startswith(f"marginalia: error: {src}: sheet 'reviews' cannot be read"), line
    assert "CRC" in line
    assert stored(db) == {}
