"""XLSX and XLS workbooks read with python-calamine: the first sheet streamed to a Parquet file
of text columns (c<i>, every cell as text, as ingest.readers writes every file) with, beside
each column, its cells that are dates (d<i>, a timestamp) and numbers (n<i>, a float: what Excel
stores). Staging reads an order's date and amounts from those typed cells (ingest.typed, kind
"cells"): a date cell is not parsed from its text again and a number cell is a number whatever
the decimal mark of the text cells; only text cells go through the text rules. The text of
every cell stays for ids, statuses, the repeats check and the quarantine file."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from helpers.core.errors import IngestError
from helpers.ingest.file_checks import check_first_sheet, check_workbook
from helpers.ingest.files_read import (
    BATCH_ROWS,
    TITLE_ROWS_LOOKED_AT,
    RawFile,
    title_note,
    title_rows,
)

# the kind ingest.typed gives every column of a workbook
CELLS = "cells"

STAMP = pa.timestamp("us")


def xlsx_to_parquet(path: Path, label: str, target: Path, *, cells: bool = True) -> RawFile:
    """The first sheet, row by row (python-calamine), written in batches; without `cells`, its
    text alone (c0..cN, source_file, source_line: what a small file's reader wants)."""
    rows = sheet_rows(path)
    top = list(itertools.islice(rows, TITLE_ROWS_LOOKED_AT))
    check_first_sheet(path, sum(1 for r in top for v in r if excel_text(v) not in (None, "")))
    skipped = title_rows([[excel_text(v) for v in r] for r in top])
    header_row = top[skipped]
    rows = itertools.chain(top[skipped + 1:], rows)
    headers = [excel_text(h) or "" for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    width = len(headers)

    long_numbers = [0]

    def batches():
        held: list = []  # empty rows not yet known to be followed by a filled one
        while True:
            chunk = list(itertools.islice(rows, BATCH_ROWS))
            if not chunk:
                break
            chunk = held + chunk
            # calamine pads sheets with empty trailing rows: rows where every cell is empty are
            # held back until a filled row follows (at the end of the sheet they are dropped)
            end = len(chunk)
            while end and all(excel_text(v) in (None, "") for v in chunk[end - 1][:width]):
                end -= 1
            held = chunk[end:]
            if end:
                filled = chunk[:end]
                if min(map(len, filled)) < width:  # calamine's rows are even; never trust it
                    filled = [list(r[:width]) + [None] * (width - len(r)) for r in filled]
                columns = list(zip(*filled))[:width]  # columns past the header are not read
                yield [excel_cells(c, long_numbers) for c in columns]

    count = _write(target, label, width, batches(), first_line=2 + skipped,
                   typed_cells=cells)
    notes = [title_note(path, skipped)] if skipped else []
    if long_numbers[0]:
        notes.append(f"{path.name}: {long_numbers[0]:,} number cells have 16 digits or more; Excel "
                     f"keeps only 15, so ids stored as numbers may have lost digits. Format id "
                     f"columns as text in the export")
    return RawFile(path, label, headers, target, count, notes=notes,
                   kinds=[CELLS] * width if cells else [])


def _write(target: Path, label: str, width: int, batches, first_line: int,
           typed_cells: bool) -> int:
    """c0..cN (text), source_file, source_line, d0..dN (date cells), n0..nN (number cells)."""
    schema = pa.schema([(f"c{i}", pa.string()) for i in range(width)]
                       + [("source_file", pa.string()), ("source_line", pa.int64())]
                       + ([(f"d{i}", STAMP) for i in range(width)]
                          + [(f"n{i}", pa.float64()) for i in range(width)] if typed_cells else []))
    line = first_line
    with pq.ParquetWriter(target, schema, compression="snappy") as writer:
        for columns in batches:
            n = len(columns[0][0]) if columns else 0
            if n == 0:
                continue
            arrays = ([text for text, _, _ in columns]
                      + [pa.repeat(pa.scalar(label, pa.string()), n),
                         pa.array(np.arange(line, line + n, dtype=np.int64))])
            if typed_cells:
                arrays += ([dates for _, dates, _ in columns]
                           + [numbers for _, _, numbers in columns])
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            line += n
    return line - first_line


def excel_cells(values: tuple, long_numbers: list[int]) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(text, dates, numbers) of one column of sheet cells: the text of every cell
    (excel_column), the date and date-time cells as timestamps, the number cells as floats
    (a boolean is no number); null where the cell is of another kind."""
    text = excel_column(values, long_numbers)
    n = len(values)
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= {str}:
        return text, pa.nulls(n, STAMP), pa.nulls(n, pa.float64())
    if kinds <= {float, str}:
        numbers = pa.array([None if type(v) is str else v for v in values] if str in kinds
                           else values, pa.float64(), from_pandas=True)  # NaN: an empty cell
        return text, pa.nulls(n, STAMP), numbers
    if kinds <= {dt.datetime, str} and not any(
            v.tzinfo for v in values if type(v) is dt.datetime):
        dates = pa.array([None if type(v) is str else v for v in values], STAMP)
        return text, dates, pa.nulls(n, pa.float64())
    # several kinds in one column (a text cell in a date column, dates as dates and as text)
    dates = pa.array([_date_cell(v) for v in values], STAMP)
    numbers = pa.array([float(v) if type(v) in (float, int) and v == v else None
                        for v in values], pa.float64())
    return text, dates, numbers


def _date_cell(value):
    if type(value) is dt.datetime:
        return None if value.tzinfo else value
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return None


def sheet_rows(path: Path):
    """The first sheet's rows (python-calamine), after file_checks.check_workbook; every error
    of the reader said in words that name the file (never the reader's own message, which may
    quote a cell)."""
    import python_calamine

    check_workbook(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).iter_rows()
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise IngestError(_workbook_error(path, exc)) from None

    def guarded():
        try:
            yield from rows
        except Exception as exc:  # noqa: BLE001
            raise IngestError(_workbook_error(path, exc)) from None

    return guarded()


def _workbook_error(path: Path, exc: Exception) -> str:
    import python_calamine

    if isinstance(exc, python_calamine.PasswordError):
        return (f"{path.name}: not a readable Excel workbook: it is password-protected. Open "
                f"it in Excel, remove the password, save it and try again.")
    if isinstance(exc, python_calamine.WorksheetNotFound):
        return f"{path.name}: the workbook has no worksheet to read."
    what = {"ZipError": "its zip structure is damaged or truncated",
            "XmlError": "its XML is damaged or not as Excel writes it"}.get(
        type(exc).__name__, "the reader could not make sense of it")
    with open(path, "rb") as f:
        zipped = f.read(2) == b"PK"
    if path.suffix.lower() == ".xls" and zipped:
        what = "it is an .xlsx workbook named .xls: rename it to .xlsx"
    return (f"{path.name}: not a readable Excel workbook ({what}). Open it in Excel and save it "
            f"again as .xlsx, or export the data as CSV.")


def excel_column(values: tuple, long_numbers: list[int]) -> pa.Array:
    """One column of sheet cells as text, the same as excel_text cell by cell, but a column of
    one kind (text, whole numbers, date-times, dates: what POS exports hold) in one Arrow step."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if str in kinds and len(kinds) > 1 and not any(v for v in values if type(v) is str):
        # numbers or dates with empty cells, which calamine gives as '': kept as ''
        blanks = pa.array([type(v) is str for v in values], pa.bool_())
        inner = excel_column(tuple(None if type(v) is str else v for v in values), long_numbers)
        return pc.if_else(blanks, pa.scalar("", pa.string()), inner)
    if kinds == {float}:
        numbers = pa.array(values, pa.float64(), from_pandas=True)  # NaN is an empty cell
        long_numbers[0] += pc.sum(pc.greater_equal(pc.abs(numbers), 1e15)).as_py() or 0
        whole = pc.and_(pc.equal(numbers, pc.floor(numbers)),
                        pc.less(pc.abs(numbers), 9e18))  # within int64
        if pc.all(pc.or_kleene(whole, pc.is_null(numbers))).as_py() is not False:
            return numbers.cast(pa.int64()).cast(pa.string())
    elif kinds <= {str}:
        return pa.array(values, pa.string())
    elif kinds == {int}:
        return pa.array(values, pa.int64()).cast(pa.string())
    elif kinds == {dt.datetime} and not any(v.tzinfo for v in values if v is not None):
        stamps = pa.array(values, pa.timestamp("us")).cast(pa.timestamp("s"), safe=False)
        return pc.strftime(stamps, format="%Y-%m-%d %H:%M:%S")
    elif kinds == {dt.date}:
        return pa.array(values, pa.date32()).cast(pa.string())
    elif kinds <= {dt.datetime, str} and not any(
            v.tzinfo for v in values if type(v) is dt.datetime):
        # date-times with a few text cells (a date typed by hand): the dates in one Arrow step
        texts = [v if type(v) is str else None for v in values]
        stamps = pa.array([None if type(v) is str else v for v in values], pa.timestamp("us"))
        printed = pc.strftime(stamps.cast(pa.timestamp("s"), safe=False),
                              format="%Y-%m-%d %H:%M:%S")
        return pc.if_else(pa.array([t is not None for t in texts], pa.bool_()),
                          pa.array(texts, pa.string()), printed)
    if float in kinds and kinds != {float}:  # a column of floats alone was counted above
        long_numbers[0] += sum(1 for v in values if isinstance(v, float) and abs(v) >= 1e15)
    return pa.array([excel_text(v) for v in values], pa.string())


def excel_text(value) -> str | None:
    """One sheet cell as text: a date-time to its second, a whole number without '.0'."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)
