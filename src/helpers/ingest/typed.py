"""Typed columns stay typed (issue 34, item 5): a Parquet column of whole numbers, decimals,
dates or timestamps without a zone is kept as it is in the file as read, never printed to text
and parsed back. The order date of such a column is its time (to the second, as a text date is
read; a time before 1970 or from 2200 on is set aside as unparseable_date), an amount its
number; only text columns go through the text rules (ingest.detect, the
staging macros).

A workbook's column (kind "cells", ingest.sheets) keeps every cell's text in c<i>, its date cells
in d<i> and its number cells in n<i>: the order date of a date cell is its time (to the second, as
its text is read), an amount of a number cell its
number (a whole number as it is, a fraction as the shortest decimal that is the cell's number,
read with a dot whatever the decimal mark of the text cells). Only the text cells of those
columns go through the text rules, and a text cell that cannot be read is set aside as before.
Whatever the source, an order time before 1970 or from 2200 on is a placeholder, never an
order: set aside as unparseable_date (stg_order_lines_parsed: one rule for text, date cells and
typed columns).

What stays text, as before: floating-point numbers (NaN, 0.1 + 0.2: read by the text rule, so a
value that is not money is set aside as such), timestamps with a zone (turned into the shop's
time by the staging macros), decimals too wide for the staged number, booleans, times.
"""

from __future__ import annotations

import pyarrow as pa

# every column of a workbook (ingest.sheets): text, and its date and number cells beside it
CELLS = "cells"

# the widest whole part the staging number (decimal(38, 10)) holds
_WHOLE_DIGITS = 28


def kind_of(arrow_type: pa.DataType) -> str:
    """'integer', 'decimal', 'date', 'timestamp', or '' (the column is read as text)."""
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_decimal(arrow_type) and (
            arrow_type.precision - arrow_type.scale <= _WHOLE_DIGITS):
        return "decimal"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type) and arrow_type.tz is None:
        return "timestamp"
    return ""


def kept(column: pa.Array, kind: str) -> pa.Array:
    """The column as the file as read keeps it: dates as date32, timestamps in microseconds
    (what every engine reads; a nanosecond's fraction is below the second staging keeps)."""
    if kind == "date":
        return column.cast(pa.date32())
    if kind == "timestamp" and column.type.unit == "ns":
        return column.cast(pa.timestamp("us"), safe=False)
    if kind == "decimal" and pa.types.is_decimal256(column.type):
        return column.cast(pa.decimal128(column.type.precision, column.type.scale))
    return column


def kept_type(arrow_type: pa.DataType, kind: str) -> pa.DataType:
    if kind == "date":
        return pa.date32()
    if kind == "timestamp" and arrow_type.unit == "ns":
        return pa.timestamp("us")
    if kind == "decimal" and pa.types.is_decimal256(arrow_type):
        return pa.decimal128(arrow_type.precision, arrow_type.scale)
    return arrow_type


def text_sql(column: str, kind: str) -> str:
    """DuckDB SQL for a typed column as the text the reader wrote before it kept types (a
    timestamp to its second), for the text rules of ids, statuses and quarantine files."""
    if kind == CELLS:  # a workbook's text of every cell
        return column
    if kind == "timestamp":
        return f"strftime({column}, '%Y-%m-%d %H:%M:%S')"
    if kind:
        return f"cast({column} as varchar)"
    return column


def value_sql(column: str, kind: str, canonical: str) -> str | None:
    """DuckDB SQL for the typed value staging reads in place of the text, or None: the order
    time of a date or timestamp column, the number of an amount column."""
    if canonical == "order_date" and kind in ("timestamp", "date"):
        # (a time before 1970 or from 2200 on is set aside by stg_order_lines_parsed)
        return (f"date_trunc('second', {column})" if kind == "timestamp"
                else f"cast({column} as timestamp)")
    if canonical.startswith("amount_") and kind in ("integer", "decimal"):
        return f"cast({column} as decimal(38, 10))"
    return None


def cell_sql(index: int, canonical: str) -> tuple[str, str] | None:
    """(value, text) of a workbook's column (kind CELLS) read as the orders' date or an amount:
    the typed value of its date or number cells, and the text of its other cells (the text
    rules and their reasons); None for every other column (its text alone)."""
    text, stamp, number = f"c{index}", f"d{index}", f"n{index}"
    if canonical == "order_date":
        value = f"date_trunc('second', {stamp})"
    elif canonical.startswith("amount_"):
        # a whole number within 15 digits is exact in a float; a fraction is the shortest
        # decimal that is the number (excel_text: Python's repr), never the float's binary digits
        value = (f"case when {number} = trunc({number}) and abs({number}) < 1e15 "
                 f"then cast(cast({number} as bigint) as decimal(38, 10)) "
                 f"when {number} is not null then parse_amount({text}, '.') end")
    else:
        return None
    # a cell of another kind, or a number that is no money (0.1 + 0.2, 1e-05): its text, read by
    # the text rules (set aside as such when they cannot read it either)
    return value, f"case when ({value}) is null then {text} end"
