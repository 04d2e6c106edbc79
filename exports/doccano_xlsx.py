"""doccano's Excel files (text classification), read only: doccano imports them and does not
export Excel, nor do we (write CSV for a spreadsheet).

What doccano does (backend/data_import/pipeline/parsers.py, ExcelParser; catalog.py, the
"Excel" option of text classification and seq2seq with ArgColumn): pyexcel's iget_records
over the first visible sheet, its first row the header, each further row one document; the
text and label columns named by column_data and column_label, the other columns meta. The
cells come as openpyxl gives them (pyexcel-xlsx), so a number stays a number, and doccano's
pydantic (2.x) refuses a number as a text and drops it as a label.

Here: openpyxl in read-only mode, cached values only (no formulas), the first visible
sheet, a header row and the same columns and label cells as doccano's CSV
(exports/doccano_csv.py: names joined by '#'). Every cell is read as text, a number as
Excel writes it (3, 0.25; a sentiment column of 0 and 1 gives categories "0" and "1"), a
date in ISO form, TRUE and FALSE. Blank rows are passed over; a cell with a value right of
the header's named columns is refused. Hidden rows and columns are read (pyexcel skips
them). A workbook is a zip: one whose parts would inflate past exports.base.inflate_limit
is refused before anything is inflated (zipfile inflates no part past the size its
directory declares).
"""

from __future__ import annotations

import datetime
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from exports.base import inflate_limit
from exports.doccano_csv import check_header, row_record
from models.errors import FormatError
from models.records import DocumentRecord

MAX_ROWS = 1_048_576  # Excel's own limit: a row number past it is a crafted file


def read(path: Path, text_col: str, label_col: str,
         custom_label: bool) -> Iterator[DocumentRecord]:
    where = str(path)
    check_size(path)
    import openpyxl  # only a workbook needs it

    try:
        with warnings.catch_warnings():  # its warnings on styles it does not know: not ours
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises what its parts raise (KeyError, XML errors)
        raise FormatError(where, None, f"not an Excel .xlsx workbook: {exc}") from None
    try:
        sheet = next((ws for ws in book.worksheets if ws.sheet_state == "visible"), None)
        if sheet is None:
            return
        sheet.reset_dimensions()  # rows as long as their cells, whatever the file declares
        yield from _records(sheet.iter_rows(values_only=True), where, text_col, label_col,
                            custom_label)
    except (zipfile.BadZipFile, ParseError, EOFError) as exc:  # a sheet cut or lying
        raise FormatError(where, None, f"sheet {sheet.title!r} cannot be read: {exc}"
                          ) from None
    finally:
        book.close()


def check_size(path: Path) -> None:
    """Refuse a workbook whose parts inflate past the bound, from its zip directory."""
    where, size = str(path), Path(path).stat().st_size
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise FormatError(where, None, "not an Excel .xlsx workbook (not a zip file)"
                          ) from None
    limit = inflate_limit(size)
    if total > limit:
        raise FormatError(where, None, f"inflates to {total:,} bytes ({size:,} on disk; "
                                       f"{limit // 2**20} MB at most): refused")


def _records(rows, where: str, text_col: str, label_col: str,
             custom_label: bool) -> Iterator[DocumentRecord]:
    header: list[str] | None = None
    for n, row in enumerate(rows, 1):
        if n > MAX_ROWS:
            raise FormatError(where, n, f"more rows than Excel's {MAX_ROWS:,}")
        cells = [text_of(v) for v in row]
        if not any(cells):
            continue
        if header is None:
            while cells and not cells[-1]:
                cells.pop()
            header = cells
            for i, name in enumerate(header):
                if not name:
                    raise FormatError(where, n, f"column {_letter(i)}: no name in the header")
            check_header(header, where, n, text_col, label_col, custom_label)
            continue
        for i in range(len(header), len(cells)):
            if cells[i]:
                raise FormatError(where, n, f"column {_letter(i)}: {cells[i][:40]!r} under "
                                            "no name in the header")
        cells += [""] * (len(header) - len(cells))
        yield row_record(dict(zip(header, cells)), where, n, text_col, label_col)


def text_of(value: object) -> str:
    """A cell as text: a number as Excel shows it, a date in ISO form, TRUE or FALSE."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)  # int, float (shortest repr), timedelta


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)
