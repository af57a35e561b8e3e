"""Output files: CSV (UTF-8 with BOM for Excel, formula-safe), XLSX, Parquet, each written
atomically; contact lists per channel. Each page's own files are in pages/<page>/files.py."""

from __future__ import annotations

import codecs
import contextlib
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from helpers.core.safety import check_key, csv_safe_table, inside
from helpers.engine import db

CHANNELS = ("sms", "zalo", "email")


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_csv(table: pa.Table, path: Path) -> Path:
    """UTF-8 with BOM (Excel shows Vietnamese), exact decimals, ISO dates, no thousands marks,
    and no cell that a spreadsheet would run as a formula (see safety.csv_safe_table)."""
    path = Path(path)
    table = _plain_money(csv_safe_table(table))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    with open(tmp, "wb") as f:
        f.write(codecs.BOM_UTF8)
        pacsv.write_csv(table, f, write_options=pacsv.WriteOptions(quoting_style="needed"))
    tmp.replace(path)
    return path


def _plain_money(table: pa.Table) -> pa.Table:
    """Exact decimals with no padding zeros: each decimal column keeps the fewest decimal places
    its values need (VND: 3257000, not 3257000.0000; 0.001 stays 0.001), and stays a number."""
    columns = []
    for column in table.columns:
        if pa.types.is_decimal(column.type) and column.type.scale > 0:
            text = pc.replace_substring_regex(pc.cast(column, pa.string()), r"0+$", "")
            decimals = pc.utf8_length(pc.replace_substring_regex(text, r"^[^.]*\.?", ""))
            scale = pc.max(decimals).as_py() or 0
            column = column.cast(pa.decimal128(column.type.precision, scale))
        columns.append(column)
    return pa.table(columns, names=table.column_names)


# rows a query's result is written in when it is streamed to a file: a table of every customer
# (18.7M at 100M lines) never sits whole in Python beside DuckDB's own memory
BATCH_ROWS = 1 << 20


def _relation(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None):
    return con.sql(sql, params=params) if params else con.sql(sql)


def _money_scales(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None,
                  schema: pa.Schema) -> pa.Schema:
    """The schema _plain_money gives the whole result, computed by DuckDB before it is streamed:
    each decimal column with the fewest decimal places its values need."""
    money = [f for f in schema if pa.types.is_decimal(f.type) and f.type.scale > 0]
    if not money:
        return schema
    # a decimal as text has all its scale's digits (3257000.0000): count those before the zeros
    needed = ", ".join(
        f"coalesce(max(length(rtrim(split_part(cast(\"{f.name}\" as varchar), '.', 2), '0'))), 0)"
        for f in money)
    query = f"select {needed} from ({sql})"
    scales = dict(zip([f.name for f in money], _relation(con, query, params).fetchall()[0]))
    return pa.schema([f.with_type(pa.decimal128(f.type.precision, scales[f.name]))
                      if f.name in scales else f for f in schema])


def write_query_csv(con: duckdb.DuckDBPyConnection, sql: str, path: Path,
                    params: dict | None = None) -> tuple[Path, int]:
    """A query's result as write_csv writes a table (the same bytes), streamed in batches of
    BATCH_ROWS; returns the file and its rows. `sql` comes from the calling code, its values
    are bound through `params`."""
    return write_query_csvs(con, sql, [(Path(path), None)], params)[0]


def write_query_csvs(con: duckdb.DuckDBPyConnection, sql: str,
                     files: list[tuple[Path, str | None]], params: dict | None = None,
                     columns: list[str] | None = None) -> list[tuple[Path, int]]:
    """Several CSV files from one pass over a query, each as write_csv would write its rows:
    a file takes the rows where its flag column is true (None: every row), in the query's
    order, with `columns` (default: all). Returns each file and its rows."""
    rel = _relation(con, sql, params)
    full = rel.limit(0).to_arrow_table().schema
    base = pa.schema([full.field(c) for c in (columns or full.names)])
    # the scales first (each file its own): a query run on the connection would end the stream
    schemas = [_money_scales(con, f"select * from ({sql}) where {flag}" if flag else sql,
                             params, base) for _, flag in files]
    reader = rel.to_arrow_reader(BATCH_ROWS)
    rows = [0] * len(files)
    temps = [_tmp(Path(path)) for path, _ in files]
    try:
        with contextlib.ExitStack() as stack:
            writers = []
            for (path, _), tmp, schema in zip(files, temps, schemas):
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                f = stack.enter_context(open(tmp, "wb"))
                f.write(codecs.BOM_UTF8)
                writers.append(stack.enter_context(pacsv.CSVWriter(
                    f, schema, write_options=pacsv.WriteOptions(quoting_style="needed"))))
            for batch in reader:
                table = csv_safe_table(pa.Table.from_batches([batch], reader.schema))
                for i, ((_, flag), writer) in enumerate(zip(files, writers)):
                    part = table if flag is None else table.filter(pc.fill_null(table[flag],
                                                                                False))
                    writer.write_table(part.select(base.names).cast(schemas[i]))
                    rows[i] += part.num_rows
        for (path, _), tmp in zip(files, temps):
            tmp.replace(path)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return [(Path(path), n) for (path, _), n in zip(files, rows)]


def write_query_parquet(con: duckdb.DuckDBPyConnection, sql: str, path: Path,
                        params: dict | None = None) -> Path:
    """A query's result as Parquet (zstd), streamed in batches of BATCH_ROWS.

    Written by pyarrow from DuckDB's Arrow stream, not by DuckDB's COPY: COPY marks a column
    required when its source says NOT NULL, so the same rows built on DuckDB and read back from
    Spark's files gave two files (a snapshot must be the same bytes on both engines)."""
    path = Path(path)
    reader = _relation(con, sql, params).to_arrow_reader(BATCH_ROWS)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    try:
        with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pa.Table:
    """A query's result as Arrow (exact DECIMAL, DATE kept), never through pandas."""
    return con.sql(sql, params=params).to_arrow_table() if params else con.sql(sql).to_arrow_table()


def build_contact_lists(con: duckdb.DuckDBPyConnection, source_table: str,
                        group_column: str) -> duckdb.DuckDBPyRelation:
    """Table contact_lists: one row per customer of `source_table` with a send flag per channel.

    `source_table` and `group_column` come from the calling code, never from parameters.
    """
    for name in (source_table, group_column):
        if not name.replace("_", "").isalnum():
            raise ValueError(f"invalid identifier {name!r}")
    # a view, not a copy: at 100M lines the source is 18.7M customers with their contacts
    db.make_room(con, "contact_source", "VIEW")
    con.execute(f"create or replace temp view contact_source as "
                f"select *, {group_column} as list_key from {source_table}")
    return db.build(con, "contact_lists")


def contact_list_counts(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """Per list and channel: customers, in the send list, left out for no consent or no contact."""
    return db.build(con, "contact_list_counts")


ORDERINGS = {"customer_id": "customer_id",
             "expected_revenue": "expected_revenue desc nulls last, customer_id",
             "monetary_from": "monetary_from desc nulls last, customer_id"}


def write_contact_lists(con: duckdb.DuckDBPyConnection, folder: Path, *, file_name: str,
                        keys: list[str], columns: list[str],
                        order_by: str = "customer_id") -> list[Path]:
    """<folder>/<file_name> with everyone of each list, and <folder>/<channel>/<file_name> with
    only those who can be sent to on that channel (consent and a valid contact).

    file_name is a pattern such as "segment={key}.csv"; order_by names one of ORDERINGS.
    """
    written = []
    flags = [f"can_send_{channel}" for channel in CHANNELS]
    order = ORDERINGS[order_by]
    for key in keys:
        # list keys come from schemes and params: plain names, and every file lands in `folder`
        name = file_name.format(key=check_key(key, "list name"))
        inside(folder, Path(folder) / name)
        # one pass over the list: every row to its file, the sendable ones to each channel's
        # (a segment of millions of customers is never held whole in Python)
        files = [(Path(folder) / name, None)] + [(Path(folder) / channel / name, flag)
                                                 for channel, flag in zip(CHANNELS, flags)]
        written += [path for path, _ in write_query_csvs(
            con, f"select {', '.join(columns + flags)} from contact_lists "
                 f"where list_key = $key order by {order}", files, {"key": key}, columns)]
    return written


