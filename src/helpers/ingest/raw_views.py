"""The views staging reads: per file, the mapped columns of the file as read (raw_orders,
raw_returns, raw_customers), the mapping's amount expression (mapped_amount) and the parsing
macros; on DuckDB, or on Spark through a SparkStager."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import duckdb

from helpers.core.errors import IngestError
from helpers.engine import db, spark_staging
from helpers.ingest import typed
from helpers.ingest.detect import pick_columns_privately
from helpers.ingest.mappings import MAX_AMOUNT_COLUMNS
from helpers.ingest.readers import RawFile


def slot(raw: RawFile, header: str | None, null_text: str = "cast(null as varchar)") -> str:
    """The Parquet column (c<i>) holding a header, or a typed null."""
    if header is None:
        return null_text
    return f"c{raw.headers.index(header)}"


def raw_view(con, name: str, raws: list[RawFile], section: str, mapping: dict,
              columns: list[str], stager=None) -> list[dict]:
    """View <name>: per file, the mapped columns as text (only our own identifiers in SQL). With
    a SparkStager, the view is Spark's."""
    picks = []
    rels = []
    null_text = "cast(null as varchar)" if stager is None else spark_staging.NULL_TEXT
    for raw in raws:
        if stager is not None and any(raw.kinds):
            raw = as_text(con, raw, stager.work)  # Spark reads the file as it was read before
        kinds = dict(enumerate(raw.kinds))
        picked = pick_columns_privately(raw.headers, section, mapping, file_name=raw.label)
        picks.append({"file": raw.label, "columns": picked.columns,
                      "amount": str(picked.amount) if picked.amount else None,
                      "expr": picked.amount, "amount_headers": picked.amount_headers})
        width = len(raw.headers)
        every = [f"c{i}" for i in range(width)] or [null_text]
        row_hash = (f"hash({', '.join(every)})" if stager is None
                    else spark_staging.row_hash_sql([f"c{i}" for i in range(width)]))
        select = ["source_file", "source_line", f"{row_hash} as row_hash",
                  # a row with nothing in any column (a blank line, an empty sheet row); a case
                  # stops at the first column with something in it, where `and` tries them all
                  "case " + " ".join(f"when {c} is not null then false"
                                     if kinds.get(i) not in (None, "", typed.CELLS) else
                                     f"when trim(coalesce({c}, '')) <> '' then false"
                                     for i, c in enumerate(every)) + " else true end as is_blank_row"]
        # a typed column (ingest.typed): its text for the text rules, or, for the orders' date
        # and amounts, its value (order_date_value, amount_number_<i>) and no text to parse
        values = {}

        def column(header, canonical, raw=raw, kinds=kinds, values=values):
            if header is None:
                return null_text
            i = raw.headers.index(header)
            if kinds.get(i) == typed.CELLS:  # a workbook's column: typed cells and text cells
                cells = typed.cell_sql(i, canonical) if section == "orders" else None
                if cells is None:
                    return f"c{i}"
                values[canonical] = cells[0]
                return cells[1]
            value = typed.value_sql(f"c{i}", kinds.get(i, ""), canonical)
            if section == "orders" and value is not None:
                values[canonical] = value
                return null_text
            return typed.text_sql(f"c{i}", kinds.get(i, ""))

        for canonical in columns:
            select.append(f"{column(picked.columns.get(canonical), canonical)} as {canonical}")
        if "amount" in picked.columns:
            headers = list(picked.amount_headers or [])
            headers += [None] * (MAX_AMOUNT_COLUMNS - len(headers))
            select += [f"{column(h, f'amount_{i + 1}')} as amount_{i + 1}"
                       for i, h in enumerate(headers)]
        if section == "orders":
            select.append(f"{values.get('order_date', 'cast(null as timestamp)')} "
                          f"as order_date_value")
            select += [f"{values.get(f'amount_{i}', 'cast(null as decimal(38, 10))')} "
                       f"as amount_number_{i}" for i in range(1, MAX_AMOUNT_COLUMNS + 1)]
        if stager is not None:
            rels.append((raw.parquet, select))
            continue
        path = str(raw.parquet).replace("'", "''")
        rels.append(f"select {', '.join(select)} from read_parquet('{path}')")
    if stager is not None:
        stager.raw_view(name, rels)
        return picks
    # one statement for every file (a relation per file, joined one by one, costs a bind each)
    con.execute(f"create or replace temp view {name} as {' union all '.join(rels)}")
    return picks


def as_text(con, raw: RawFile, work: Path) -> RawFile:
    """The file as read with every typed column as text (what Spark stages from)."""
    target = work / f"text-{raw.key or id(raw)}.parquet"
    columns = [f"{typed.text_sql(f'c{i}', k)} as c{i}" for i, k in enumerate(raw.kinds)]
    con.execute(f"copy (select {', '.join(columns + ['source_file', 'source_line'])} "
                f"from read_parquet(?)) to '{str(target).replace(chr(39), chr(39) * 2)}' "
                f"(format parquet)", [str(raw.parquet)])
    return replace(raw, parquet=target, kinds=[])


def amount_macro(con, picks: list[dict], mapping: dict, stager=None) -> int:
    """mapped_amount(a1..a6): the mapping's amount expression; returns how many columns it uses."""
    expressions = {p["amount"] for p in picks}
    if len(expressions) > 1:
        raise IngestError(f"the files read through mapping {mapping.get('name')} match different "
                          f"amount columns ({', '.join(sorted(expressions))}); give each kind of "
                          f"export its own folder or mapping")
    first = picks[0]
    expr = first["expr"]
    names = list(first["amount_headers"] or [])
    # the expression's columns, in order, are the slots a1..a6 of the raw view's amount_1..6
    slots = {column: f"a{i + 1}" for i, column in enumerate(expr.columns())} if expr else {}
    body = expr.to_sql(slots) if expr else "cast(null as decimal(38, 10))"
    if stager is not None:
        stager.amount_function(body)
        return max(1, len(names))
    con.execute(f"create or replace temp macro mapped_amount(a1, a2, a3, a4, a5, a6) as "
                f"(cast({body} as decimal(38, 10)))")
    return max(1, len(names))


_MACROS_VERSION = hashlib.sha256(db.sql_text("macros").encode()).hexdigest()[:12]


def ensure_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The parsing macros, created once per connection (a marker table holds their version)."""
    marker = con.execute("select count(*) from duckdb_tables() where table_name = ?",
                         [f"workbook_macros_{_MACROS_VERSION}"]).fetchall()[0][0]
    if marker:
        return
    con.execute(db.sql_text("macros"))
    con.execute(f"create temp table workbook_macros_{_MACROS_VERSION} (x integer)")


