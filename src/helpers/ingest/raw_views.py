"""The views staging reads: per file, the mapped columns of the file as read (raw_orders,
raw_returns, raw_customers), the mapping's amount expression (mapped_amount) and the parsing
macros; on DuckDB, or on Spark through a SparkStager."""

from __future__ import annotations

import hashlib

import duckdb

from helpers.core.errors import IngestError
from helpers.engine import db, spark_staging
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
                  "case " + " ".join(f"when trim(coalesce({c}, '')) <> '' then false"
                                     for c in every) + " else true end as is_blank_row"]
        for canonical in columns:
            select.append(f"{slot(raw, picked.columns.get(canonical), null_text)} "
                          f"as {canonical}")
        if "amount" in picked.columns:
            slots = [slot(raw, h, null_text) for h in (picked.amount_headers or [])]
            slots += [null_text] * (MAX_AMOUNT_COLUMNS - len(slots))
            select += [f"{s} as amount_{i + 1}" for i, s in enumerate(slots)]
        if stager is not None:
            rels.append((raw.parquet, select))
            continue
        rels.append(con.read_parquet(str(raw.parquet)).select(", ".join(select)))
    if stager is not None:
        stager.raw_view(name, rels)
        return picks
    rel = rels[0]
    for other in rels[1:]:
        rel = rel.union(other)
    rel.create_view(name, replace=True)
    return picks


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


