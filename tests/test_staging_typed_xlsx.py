"""Typed cells stay typed (issue 34, item 5): a workbook's date cells and number cells are staged
from their values (ingest.sheets, ingest.typed's "cells"); its text cells go through the text
rules. A workbook stages as the CSV of the same cells' text, except where the issue says: a
number cell is a number whatever the decimal mark of the text cells."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from helpers import ingest
from helpers.ingest.sheets import excel_cells, excel_column, excel_text

HEADER = ["order_id", "customer_id", "order_date", "amount", "status", "channel"]
ROWS = [
    # date-time and whole number cells
    ["O1", "KH1", dt.datetime(2026, 1, 5, 10, 0, 1), 120000, "completed", "web"],
    # a date cell (no time), a number with cents, a boolean cell in a text column
    ["O2", "KH2", dt.date(2026, 2, 1), 19.99, "completed", True],
    # a readable text cell in the date column (it decides day first), a text amount
    ["O3", "KH1", "25/03/2026", "15500", "completed", "shop"],
    # a text cell in the date column that is no date: set aside with its reason
    ["O4", "KH3", "soon", 5000, "completed", "shop"],
    # an id typed as a number (Excel shows 8.4E+11): every digit kept, as its text
    ["O5", 840123456789, dt.datetime(2026, 4, 1, 8, 30), 7500.5, "completed", "shop"],
    # an empty amount cell, an empty channel
    ["O6", "KH4", dt.datetime(2026, 4, 2), None, "completed", None],
    # a time of day in the date column is no date
    ["O7", "KH4", dt.time(10, 30), 1000, "completed", "web"],
    # dates before 1970 and a text date before 1900: placeholders, never orders (set aside,
    # whether a date cell, text or a typed column: one rule)
    ["O8", "KH5", dt.datetime(1950, 6, 1, 12, 0), 2000, "completed", "web"],
    ["O9", "KH5", "1899-12-31", 3000, "completed", "web"],
    # a number that is no money (1e-05, as the reader writes it): set aside, as its text is
    ["O10", "KH6", dt.datetime(2026, 5, 1), 1e-05, "completed", "web"],
    # an order of two lines, date cells
    ["O11", "KH7", dt.datetime(2026, 5, 2, 9), 100000, "completed", "web"],
    ["O11", "KH7", dt.datetime(2026, 5, 2, 9), 50000, "completed", "web"],
]


def workbook(path: Path, rows) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def csv_of(path: Path, rows) -> Path:
    """The CSV of the same cells: each cell as the workbook reader writes its text."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([excel_text(v) or "" for v in row])
    return path


def staged(con, tmp_path: Path, path: Path, **kwargs):
    report = ingest.load(con, "orders", path, mapping="generic", cache_dir=tmp_path / "cache",
                         quarantine_dir=tmp_path / "q", **kwargs)
    got = con.execute("select * exclude (source_file) from order_lines "
                      "order by source_line").fetchall()
    return report, got


def reasons_by_line(con, report) -> dict:
    return dict(con.execute(
        "select source_line, reject_reason from read_csv(?, all_varchar = true)",
        [report.quarantine_paths[0]]).fetchall())


def test_a_workbook_stages_as_the_csv_of_its_cells(con, tmp_path):
    book_report, book_rows = staged(con, tmp_path, workbook(tmp_path / "o.xlsx", ROWS))
    text_report, text_rows = staged(con, tmp_path, csv_of(tmp_path / "o.csv", ROWS))
    assert book_rows == text_rows
    assert book_report.reasons == text_report.reasons
    assert book_report.reconciles and book_report.rows_read == len(ROWS)
    assert reasons_by_line(con, book_report) == reasons_by_line(con, text_report) == {
        "5": "unparseable_date",  # 'soon'
        "7": "unparseable_amount",  # empty
        "8": "unparseable_date",  # a time of day
        "9": "unparseable_date",  # a 1950 date cell
        "10": "unparseable_date",  # '1899-12-31' as text
        "11": "unparseable_amount"}  # 1e-05
    got = {r[0]: r for r in con.execute(
        "select order_id, customer_id, ordered_at, amount, status from order_lines").fetchall()}
    assert got["O1"][1:4] == ("KH1", dt.datetime(2026, 1, 5, 10, 0, 1), Decimal("120000"))
    assert got["O2"][2:4] == (dt.datetime(2026, 2, 1), Decimal("19.99"))
    assert got["O3"][2] == dt.datetime(2026, 3, 25)
    assert got["O5"][1:4] == ("840123456789", dt.datetime(2026, 4, 1, 8, 30), Decimal("7500.5"))
    assert "O8" not in got and "O9" not in got
    # the quarantine file keeps what was written, as text
    assert con.execute("select order_date, customer_id from read_csv(?, all_varchar = true) "
                       "where source_line = '8'",
                       [book_report.quarantine_paths[0]]).fetchall() == [("10:30:00", "KH4")]


def test_a_workbook_keeps_its_date_and_number_cells_typed(con, tmp_path):
    report, _ = staged(con, tmp_path, workbook(tmp_path / "o.xlsx", ROWS))
    raw = next(p for p in (tmp_path / "cache" / "files").glob("raw-*.parquet"))
    table = pq.read_table(raw)
    assert table.schema.field("d2").type == pa.timestamp("us")
    assert table.schema.field("n3").type == pa.float64()
    dates = table.column("d2").to_pylist()
    assert dates[0] == dt.datetime(2026, 1, 5, 10, 0, 1) and dates[1] == dt.datetime(2026, 2, 1)
    assert dates[2] is None and dates[3] is None  # text cells
    assert table.column("n3").to_pylist()[:3] == [120000.0, 19.99, None]
    # the text of every cell stays, for ids, statuses and the quarantine file
    assert table.column("c1").to_pylist()[4] == "840123456789"
    assert table.column("c5").to_pylist()[1] == "true"
    # the date order is decided by the text cells alone (the date cells are no evidence)
    assert report.facts["date_order"] == "dmy"


def test_a_number_cell_is_a_number_whatever_the_text_cells_decimal_mark(con, tmp_path):
    """Text cells written with a decimal comma (19,99) decide the mark for text; a number cell
    (19.99, stored as a number) is read as its number, never through that mark."""
    rows = [["O1", "KH1", dt.datetime(2026, 1, 5), "19,99", "completed", "web"],
            ["O2", "KH1", dt.datetime(2026, 1, 6), "1.250,5", "completed", "web"],
            ["O3", "KH2", dt.datetime(2026, 1, 7), 19.99, "completed", "web"],
            ["O4", "KH2", dt.datetime(2026, 1, 8), 120000, "completed", "web"]]
    report, _ = staged(con, tmp_path, workbook(tmp_path / "comma.xlsx", rows))
    assert report.rows_loaded == 4 and report.facts["decimal_mark"] == ","
    assert con.execute("select order_id, amount from order_lines order by order_id").fetchall() \
        == [("O1", Decimal("19.99")), ("O2", Decimal("1250.5")), ("O3", Decimal("19.99")),
            ("O4", Decimal("120000"))]


def test_a_date_column_with_text_cells_converts_as_cell_by_cell():
    """A column of date-times with a date typed by hand ('31/02/2025') and empty cells: its text
    in one Arrow step is the cell-by-cell text; its dates are the date cells alone."""
    column = (dt.datetime(2025, 1, 2, 3, 4, 5, 999999), "31/02/2025", None, "",
              dt.datetime(1950, 6, 1), dt.datetime(2024, 2, 29, 23, 59, 59))
    counted = [0]
    assert excel_column(column, counted).to_pylist() == [excel_text(v) for v in column]
    text, dates, numbers = excel_cells(column, counted)
    assert dates.to_pylist() == [column[0], None, None, None, column[4], column[5]]
    assert numbers.null_count == len(column) and counted == [0]
    mixed = (True, 17850, 2.5, dt.date(2024, 1, 2), dt.time(10, 30), "x", float("nan"))
    text, dates, numbers = excel_cells(mixed, counted)
    assert text.to_pylist() == [excel_text(v) for v in mixed]
    assert dates.to_pylist() == [None, None, None, dt.datetime(2024, 1, 2), None, None, None]
    assert numbers.to_pylist() == [None, 17850.0, 2.5, None, None, None, None]
