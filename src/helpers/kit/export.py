"""Output files: CSV (UTF-8 with BOM for Excel, formula-safe), XLSX, Parquet, each written
atomically; contact lists per channel, each send list with its manifest. Each page's own files
are in pages/<page>/files.py."""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from helpers.core.safety import check_key, csv_safe_table, inside
from helpers.engine import db
from helpers.kit.contract import CONSENT_COLUMNS, CONSENT_EVIDENCE_COLUMNS, LEFT_OUT_REASONS
from helpers.kit.person_lists import PersonList, write_person_list

CHANNELS = ("sms", "zalo", "email")


def csv_rows(path: Path) -> int | None:
    """Data rows of a CSV the workbook wrote (quoted newlines counted right), None if absent:
    what pages 00 and 05 count their lists by."""
    path = Path(path)
    if not path.exists():
        return None
    return pacsv.read_csv(path).num_rows


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
# never sits whole in Python beside DuckDB's own memory (figures: benchmarks/results.md)
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
                     columns: list[str] | None = None,
                     file_columns: list[list[str] | None] | None = None
                     ) -> list[tuple[Path, int]]:
    """Several CSV files from one pass over a query, each as write_csv would write its rows:
    a file takes the rows where its flag column is true (None: every row), in the query's
    order, with `columns` (default: all), or the file's own of `file_columns` where given.
    Returns each file and its rows."""
    rel = _relation(con, sql, params)
    full = rel.limit(0).to_arrow_table().schema
    own = file_columns or [None] * len(files)
    bases = [pa.schema([full.field(c) for c in (cols or columns or full.names)]) for cols in own]
    # the scales first (each file its own): a query run on the connection would end the stream
    schemas = [_money_scales(con, f"select * from ({sql}) where {flag}" if flag else sql,
                             params, base) for (_, flag), base in zip(files, bases)]
    rows = _stream_csvs(rel.to_arrow_reader(BATCH_ROWS), files, schemas)
    return [(Path(path), n) for (path, _), n in zip(files, rows)]


def write_query_parquet_csv(con: duckdb.DuckDBPyConnection, sql: str, parquet: Path,
                           csv: Path, params: dict | None = None) -> tuple[Path, Path, int]:
    """A query's result as write_query_parquet writes it and as write_query_csv writes it (the
    same bytes as each alone), from one pass over the query: a table of every customer is
    sorted and read once, not a second time back from the Parquet file. Returns both files
    and the rows."""
    parquet, csv = Path(parquet), Path(csv)
    rel = _relation(con, sql, params)
    full = rel.limit(0).to_arrow_table().schema
    # the CSV's scales first: a query run on the connection would end the stream
    scaled = _money_scales(con, sql, params, full)
    reader = rel.to_arrow_reader(BATCH_ROWS)
    rows = 0
    temps = [_tmp(parquet), _tmp(csv)]
    try:
        for path in (parquet, csv):
            path.parent.mkdir(parents=True, exist_ok=True)
        with (pq.ParquetWriter(temps[0], reader.schema, compression="zstd") as book,
              open(temps[1], "wb") as f):
            f.write(codecs.BOM_UTF8)
            with pacsv.CSVWriter(f, scaled, write_options=pacsv.WriteOptions(
                    quoting_style="needed")) as writer:
                for batch in reader:
                    book.write_batch(batch)
                    table = csv_safe_table(pa.Table.from_batches([batch], reader.schema))
                    writer.write_table(table.select(scaled.names).cast(scaled))
                    rows += batch.num_rows
        temps[0].replace(parquet)
        temps[1].replace(csv)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return parquet, csv, rows


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


# what contact_lists.sql reads of the customers table beside a list's own columns, with its type
# where the table lacks it (a run without a customers file)
CONTACT_CHECKS = {"is_email_valid": "boolean", "is_phone_masked": "boolean",
                  "is_email_masked": "boolean", "consent_sms_date": "date",
                  "consent_zalo_date": "date", "consent_email_date": "date",
                  "consent_source": "varchar"}


def _customer_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The columns of the customers table, none when the run has no such table."""
    try:
        return set(con.table("customers").columns)
    except duckdb.CatalogException:
        return set()


def build_contact_lists(con: duckdb.DuckDBPyConnection, source_table: str,
                        group_column: str) -> duckdb.DuckDBPyRelation:
    """Table contact_lists: one row per customer of `source_table` (the table a build returned)
    with a send flag per channel and, where it is false, why (contact_lists.sql).

    The model reads two declared inputs (`-- inputs:` in its file), given at this build:
    contact_source (the customers of `source_table`, `group_column` as list_key) and
    contact_checks (the customers file's own rules per customer). `source_table` and
    `group_column` come from the calling code, never from parameters.
    """
    for name in (source_table, group_column):
        if not name.replace("_", "").isalnum():
            raise ValueError(f"invalid identifier {name!r}")
    # a view, not a copy: on a large shop the source is every customer with their contacts
    db.make_room(con, "contact_source", "VIEW")
    con.execute(f"create or replace temp view contact_source as "
                f"select *, {group_column} as list_key from {source_table}")
    # the customers file's own rules per customer (identifiers from CONTACT_CHECKS only)
    have = _customer_columns(con)
    columns = [c if c in have else f"cast(null as {kind}) as {c}"
               for c, kind in CONTACT_CHECKS.items()]
    if "customer_id" in have:
        has_phone = "phone_raw is not null" if "phone_raw" in have else "false"
        checks = (f"select customer_id, {has_phone} as has_phone_text, {', '.join(columns)} "
                  f"from customers")
    else:
        checks = (f"select cast(null as varchar) as customer_id, false as has_phone_text, "
                  f"{', '.join(columns)} where false")
    db.make_room(con, "contact_checks", "VIEW")
    con.execute(f"create or replace temp view contact_checks as {checks}")
    return db.build(con, "contact_lists", inputs={"contact_source": "contact_source",
                                                  "contact_checks": "contact_checks"})


def contact_list_counts(con: duckdb.DuckDBPyConnection,
                        lists: str | None = None) -> duckdb.DuckDBPyRelation:
    """Per list and channel: customers, in the send list, left out for no consent or no contact
    (masked, invalid or missing), of `lists`: the table build_contact_lists returned (its
    relation's `alias`). Without it, the contact lists built last (db.latest): callers should
    pass it."""
    lists = lists or db.latest(con, "contact_lists")
    return db.build(con, "contact_list_counts", inputs={"contact_lists": lists})


# what a channel's send list carries: the key, the name, that channel's contact and the consent
# it stands on (the channel's yes, its date and where it was given: the README's promise that
# every list carries its consent evidence); never another channel's contact
CHANNEL_COLUMNS = {
    channel: ["customer_id", "name", contact, f"consent_{channel}", f"consent_{channel}_date",
              "consent_source"]
    for channel, contact in (("sms", "phone"), ("zalo", "phone"), ("email", "email"))
}

ORDERINGS = {"customer_id": "customer_id",
             "expected_revenue": "expected_revenue desc nulls last, customer_id",
             "monetary_from": "monetary_from desc nulls last, customer_id",
             "revenue_at_stake": "revenue_at_stake desc nulls last, customer_id"}


def write_contact_lists(con: duckdb.DuckDBPyConnection, folder: Path, *, file_name: str,
                        keys: list[str], columns: list[str], order_by: str = "customer_id",
                        as_of: date, person: PersonList | None = None,
                        table: str | None = None,
                        written_at: datetime | None = None) -> list[Path]:
    """<folder>/<file_name> with everyone of each list, and <folder>/<channel>/<file_name> with
    only those who can be sent to on that channel (consent and a valid contact) and only what
    the channel needs (CHANNEL_COLUMNS), each send list with its manifest
    (<channel>/<name>.manifest.json, `write_send_manifest`). The whole list carries the consent
    evidence (contract.CONSENT_EVIDENCE_COLUMNS) after `columns`. With `person`, the whole list
    is also written for a person beside its CSV (<folder>/<stem>.xlsx, kit.person_lists).

    file_name is a pattern such as "segment={key}.csv"; order_by names one of ORDERINGS; `table`
    is the table build_contact_lists returned (its relation's `alias`); without it, the contact
    lists built last (db.latest): callers should pass it.
    """
    table = table or db.latest(con, "contact_lists")
    if not table.replace("_", "").isalnum():
        raise ValueError(f"invalid table name {table!r}")
    written = []
    flags = [f"can_send_{channel}" for channel in CHANNELS]
    order = ORDERINGS[order_by]
    columns = columns + [c for c in CONSENT_EVIDENCE_COLUMNS if c not in columns]
    used = consent_columns_used(con)
    # list keys come from schemes and params: plain names, and every file lands in `folder`
    names = {key: file_name.format(key=check_key(key, "list name")) for key in keys}
    for name in names.values():
        inside(folder, Path(folder) / name)
    if len(set(names.values())) < len(names):
        raise ValueError(f"file_name = {file_name!r} gives several lists the same file: "
                         f"put {{key}} in it, e.g. \"{{key}}.csv\"")
    channel_columns = [CHANNEL_COLUMNS[channel] for channel in CHANNELS]
    needed = columns + [c for cols in channel_columns for c in cols if c not in columns]
    # one pass over every list: each row to its list's file, the sendable ones to each channel's
    # (a segment of millions of customers is never held whole in Python); the lists were each
    # a pass of their own, and their left-out counts another
    files = {key: [(Path(folder) / name, None)] + [(Path(folder) / channel / name, flag)
                                                   for channel, flag in zip(CHANNELS, flags)]
             for key, name in names.items()}
    results = _write_lists(con, table, files, needed + flags, order,
                           [columns, *channel_columns])
    counted = left_out_counts_by_list(con, table, list(names))
    for key in keys:
        results_key = results[key]
        written += [path for path, _ in results_key]
        if person is not None:
            book, _ = write_person_list(
                con, (Path(folder) / names[key]).with_suffix(".xlsx"),
                dataclasses.replace(person, order_by=order), source=table,
                lists={key: ("list_key = $key", {"key": key})}, as_of=as_of,
                rows=results_key[0][1])
            written += [book] if book else []
        for (path, rows), channel in zip(results_key[1:], CHANNELS):
            written.append(write_send_manifest(
                path, list_key=key, channel=channel, rows=rows, counts=counted[key][channel],
                consent_columns=used[channel], as_of=as_of, written_at=written_at))
    return written


def _list_scales(con: duckdb.DuckDBPyConnection, table: str, keys: list[str],
                 files: list[tuple[str | None, pa.Schema]]) -> dict[str, list[pa.Schema]]:
    """Per list key, each file's schema as _money_scales gives it for that list's rows (with
    the file's flag), from one grouped query over `table` (identifiers from the calling code)."""
    needed = [(i, f, flag) for i, (flag, schema) in enumerate(files) for f in schema
              if pa.types.is_decimal(f.type) and f.type.scale > 0]
    found: dict[str, list] = {}
    if needed:
        parts = ", ".join(
            f"coalesce(max(length(rtrim(split_part(cast(\"{f.name}\" as varchar), '.', 2), "
            f"'0'))){f' filter (where {flag})' if flag else ''}, 0)" for _, f, flag in needed)
        for key, *scales in con.execute(
                f"select cast(list_key as varchar), {parts} from {table} "
                f"where list_contains($keys, cast(list_key as varchar)) group by all",
                {"keys": keys}).fetchall():
            found[key] = scales
    out = {}
    for key in keys:
        scales = found.get(key, [0] * len(needed))
        by_file: dict[int, dict[str, int]] = {}
        for (i, f, _), scale in zip(needed, scales):
            by_file.setdefault(i, {})[f.name] = scale
        out[key] = [pa.schema([f.with_type(pa.decimal128(f.type.precision, by_file[i][f.name]))
                               if f.name in by_file.get(i, {}) else f for f in schema])
                    for i, (_, schema) in enumerate(files)]
    return out


def _stream_csvs(reader, files: list[tuple[Path, str | None]], schemas: list) -> list[int]:
    """Each of `files` ((path, flag column or None)) written from `reader`'s batches: a UTF-8
    BOM, the rows whose flag is true (every row for None) under its own schema, cells made safe
    for a spreadsheet (csv_safe_table), through a temporary file renamed when all are written.
    Returns each file's rows."""
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
                    writer.write_table(part.select(schemas[i].names).cast(schemas[i]))
                    rows[i] += part.num_rows
        for (path, _), tmp in zip(files, temps):
            tmp.replace(path)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return rows


def _write_lists(con: duckdb.DuckDBPyConnection, table: str,
                 files: dict[str, list[tuple[Path, str | None]]], selected: list[str], order: str,
                 file_columns: list[list[str]]) -> dict[str, list[tuple[Path, int]]]:
    """Every list's files (files[key]: its (path, flag) in file_columns' order), each file as
    write_query_csvs writes it from that list's rows alone. Returns each list's files and their
    rows.

    One sorted read per list, not one sort of every list together: at 100M lines page 01's
    lists hold 18.7M customers with their contacts, and sorting them all at once spilled more
    than a notebook's share of the temporary disk (15.8 GiB with memory_limit 8GB shared by two
    notebooks: the month stopped in write_rfm_outputs), where a list at a time spills what one
    list holds. The decimals and the counts of who is left out stay one grouped query each."""
    keys = list(files)
    if not keys:
        return {}
    sql = (f"select {', '.join(dict.fromkeys(selected))}, cast(list_key as varchar) as "
           f"list_key__ from {table} where list_contains($keys, cast(list_key as varchar)) "
           f"order by {order}")
    full = con.sql(sql, params={"keys": keys}).limit(0).to_arrow_table().schema
    bases = [pa.schema([full.field(c) for c in cols]) for cols in file_columns]
    flags = [flag for _, flag in next(iter(files.values()))] if files else []
    schemas = _list_scales(con, table, keys, list(zip(flags, bases)))
    rows = {key: _stream_csvs(con.sql(sql, params={"keys": [key]}).to_arrow_reader(BATCH_ROWS),
                              paths, schemas[key])
            for key, paths in files.items()}
    return {key: [(Path(path), n) for (path, _), n in zip(paths, rows[key])]
            for key, paths in files.items()}


# ---------------------------------------------------------------- send-list manifests

def left_out_counts(con: duckdb.DuckDBPyConnection, sql: str,
                    params: dict | None = None) -> dict[str, dict[str, int]]:
    """Per channel, of the rows of `sql` (a select over contact_lists, from the calling code):
    candidates, in the list, and left out per reason (contract.LEFT_OUT_REASONS)."""
    parts = ["count(*)"]
    for channel in CHANNELS:
        parts.append(f"count(*) filter (where {channel}_left_out is null)")
        parts += [f"count(*) filter (where {channel}_left_out = '{reason}')"
                  for reason in LEFT_OUT_REASONS]
    row = list(_relation(con, f"select {', '.join(parts)} from ({sql})", params).fetchall()[0])
    total, out, width = row[0], {}, 1 + len(LEFT_OUT_REASONS)
    for i, channel in enumerate(CHANNELS):
        values = row[1 + i * width:1 + (i + 1) * width]
        out[channel] = {"candidates": total, "in_list": values[0],
                        "left_out": dict(zip(LEFT_OUT_REASONS, values[1:]))}
    return out


def left_out_counts_by_list(con: duckdb.DuckDBPyConnection, table: str,
                            keys: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """left_out_counts of each list of `table` (a contact_lists table) by its key, in one
    grouped pass (a list without rows counts zero everywhere)."""
    parts = ["count(*)"]
    for channel in CHANNELS:
        parts.append(f"count(*) filter (where {channel}_left_out is null)")
        parts += [f"count(*) filter (where {channel}_left_out = '{reason}')"
                  for reason in LEFT_OUT_REASONS]
    found = {key: row for key, *row in con.execute(
        f"select cast(list_key as varchar), {', '.join(parts)} from {table} "
        f"where list_contains($keys, cast(list_key as varchar)) group by all",
        {"keys": keys}).fetchall()} if keys else {}
    width = 1 + len(LEFT_OUT_REASONS)
    out = {}
    for key in keys:
        row = found.get(key, [0] * len(parts))
        out[key] = {channel: {"candidates": row[0], "in_list": row[1 + i * width],
                              "left_out": dict(zip(LEFT_OUT_REASONS,
                                                   row[2 + i * width:1 + (i + 1) * width]))}
                    for i, channel in enumerate(CHANNELS)}
    return out


def consent_columns_used(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Per channel, the customers file's consent columns (contract.CONSENT_COLUMNS) that hold
    at least one value (a yes, a date, a source): the evidence each send list stands on."""
    have = _customer_columns(con)
    names = sorted({c for cols in CONSENT_COLUMNS.values() for c in cols} & have)
    held: set[str] = set()
    if names:
        tests = [f"coalesce(bool_or({c}), false)" if c in ("consent_sms", "consent_zalo",
                                                             "consent_email")
                 else f"count({c}) > 0" for c in names]
        row = con.execute(f"select {', '.join(tests)} from customers").fetchall()[0]
        held = {c for c, value in zip(names, row) if value}
    return {channel: [c for c in cols if c in held] for channel, cols in CONSENT_COLUMNS.items()}


def _written_at(written_at: datetime | None) -> str:
    """The write time in UTC to the second: the given one, else SOURCE_DATE_EPOCH when set
    (reproducible builds: the same inputs give the same bytes), else now."""
    if written_at is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        written_at = (datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit()
                      else datetime.now(UTC))
    if written_at.tzinfo is None:
        written_at = written_at.astimezone()
    return written_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


RULES = {
    "consent": "a yes in the channel's consent column, or a consent date with that column empty; "
               "a withdrawal (consent_withdrawn_date for every channel, or the channel's own) as "
               "late as the yes or later, or undated, wins",
    "sms": "a valid mobile number of the phone region (phonenumbers), written with digits, "
           "spaces, dots, dashes, brackets and a leading + only",
    "zalo": "as sms: a valid mobile number",
    "email": "the workbook's e-mail rule (stg_customers.sql is_email_valid)",
}


def write_send_manifest(path: Path, *, list_key: str, channel: str, rows: int, counts: dict,
                        consent_columns: list[str], as_of: date,
                        written_at: datetime | None = None,
                        held_out: dict[str, int] | None = None) -> Path:
    """<list>.manifest.json beside a send list: when it was written, which consent columns it
    stands on, how many of the list's customers are in it and how many were left out and why.
    Counts, names of columns and rules only: no personal data. `held_out` adds reasons decided
    before the contact rules (a campaign's holdout)."""
    path = Path(path)
    left_out = {**(held_out or {}), **counts["left_out"]}
    candidates = counts["candidates"] + sum((held_out or {}).values())
    manifest = {
        "send_list": path.name, "list": list_key, "channel": channel,
        "as_of": as_of.isoformat(), "written_at": _written_at(written_at),
        "rows": rows, "candidates": candidates, "left_out": left_out,
        "left_out_total": sum(left_out.values()),
        "reconciles": rows == counts["in_list"] and rows + sum(left_out.values()) == candidates,
        "consent_columns": consent_columns,
        "rules": {"consent": RULES["consent"], "contact": RULES[channel]},
    }
    target = path.with_name(f"{path.name.rsplit('.', 1)[0]}.manifest.json")
    tmp = _tmp(target)
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(target)
    return target
