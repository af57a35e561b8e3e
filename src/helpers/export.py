"""Files for people and campaign tools: exact CSV with BOM, Parquet, XLSX, per-channel send lists.

Every file is written to a temporary name and renamed, so a reader never sees half a file, and the
same inputs always give the same bytes.
"""

from __future__ import annotations

import codecs
import contextlib
import os
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from helpers import db
from helpers.rfm import CONTACT_COLUMNS, CONTRACT_COLUMNS
from helpers.safety import check_key, csv_safe_table, inside
from helpers.xlsx import write_xlsx

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
    db._make_room(con, "contact_source", "VIEW")
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


# ---------------------------------------------------------------- notebook 01's outputs

# the columns the RFM issue gives for campaign tools, exactly
RFM_EXPORT_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                      "consent_email", "segment", "suggested_action"]


XLSX_HEADERS = {
    "vi": {"customer_id": "Mã khách hàng", "name": "Họ tên", "phone": "Điện thoại",
           "email": "Email", "consent_sms": "Đồng ý SMS", "consent_zalo": "Đồng ý Zalo",
           "consent_email": "Đồng ý email", "segment": "Nhóm khách",
           "suggested_action": "Gợi ý chăm sóc"},
    "en": {"customer_id": "Customer ID", "name": "Name", "phone": "Phone", "email": "Email",
           "consent_sms": "SMS consent", "consent_zalo": "Zalo consent",
           "consent_email": "E-mail consent", "segment": "Segment",
           "suggested_action": "Suggested action"},
}


# The most customers written to exports/segments.xlsx: about 5 million cells, a file of ~40 MB
# that Excel on an office laptop opens in well under a minute. Larger shops get CSV only.
XLSX_MAX_ROWS = 500_000


def write_rfm_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path, segment_keys: list[str],
                      as_of: date, with_contacts: bool, xlsx: bool = True,
                      labels: dict[str, str] | None = None, lang: str = "vi") -> dict:
    """rfm_customers.parquet/.csv, segment_summary.csv, exports/segment=<key>.csv (+ per channel),
    exports/segments.xlsx. Returns what was written and the send-list counts."""

    output_dir = Path(output_dir)
    cols = CONTRACT_COLUMNS + (CONTACT_COLUMNS if with_contacts else [])
    # every customer: streamed to Parquet once (sorted once), and the CSV from that file
    parquet = write_query_parquet(con, f"select {', '.join(cols)} from rfm_customers "
                                       f"order by customer_id", output_dir / "rfm_customers.parquet")
    csv_file, rows = write_query_csv(con, "select * from read_parquet($path)",
                                     output_dir / "rfm_customers.csv", {"path": str(parquet)})
    files = [parquet, csv_file]
    summary = arrow(con, "select * exclude (segment_rank) from segment_summary")
    files.append(write_csv(summary, output_dir / "segment_summary.csv"))

    build_contact_lists(con, "rfm_customers", "segment")
    counts = contact_list_counts(con).df()
    files += write_contact_lists(con, output_dir / "exports", file_name="segment={key}.csv",
                                 keys=segment_keys, columns=RFM_EXPORT_COLUMNS)
    skipped = []
    # a workbook a person can open: above XLSX_MAX_ROWS customers it would take minutes to write
    # and to open (and over a million rows, Excel cuts a sheet), so the CSV files are the lists
    too_large = xlsx and rows > XLSX_MAX_ROWS
    if xlsx and not too_large:  # about a second per 100,000 customers
        # the workbook a person opens: segments by their label, headers in words, a filter on
        # the header row; the CSV files keep the contract's columns and keys for campaign tools
        shown = [("segment_label as segment" if c == "segment" else c)
                 for c in RFM_EXPORT_COLUMNS]
        query = f"select {', '.join(shown)} from contact_lists where list_key = $key"
        sheets = {key: (query, {"key": key}) for key in segment_keys}
        book, skipped = write_xlsx(con, sheets, output_dir / "exports" / "segments.xlsx",
                                   as_of=as_of, sheet_labels=labels,
                                   headers=XLSX_HEADERS["vi" if lang == "vi" else "en"])
        files.append(book)
    return {"files": files, "send_list_counts": counts, "xlsx_skipped": skipped,
            "rows": rows, "xlsx": xlsx and not too_large,
            "xlsx_too_large": too_large, "xlsx_max_rows": XLSX_MAX_ROWS}


# ---------------------------------------------------------------- notebook 03's outputs

REPURCHASE_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                      "consent_email", "window_key", "buyer_type", "days_since_purchase",
                      "last_purchase_date", "purchases", "monetary"]


def write_cohort_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                         window_keys: list[str]) -> dict:
    """cohort_revenue.csv, second_purchase_gap.csv, repurchase/window=<lo>-<hi>d.csv (+ channels)."""
    output_dir = Path(output_dir)
    files = [
        write_csv(arrow(con, "select cohort, period, customers, purchases, revenue, cohort_size, "
                             "retention from cohort_revenue order by cohort_start, period"),
                  output_dir / "cohort_revenue.csv"),
        write_csv(arrow(con, "select * from second_purchase_gap order by gap_days"),
                  output_dir / "second_purchase_gap.csv"),
    ]
    build_contact_lists(con, "repurchase_windows", "window_key")
    counts = contact_list_counts(con).df()
    files += write_contact_lists(con, output_dir / "repurchase", file_name="window={key}.csv",
                                 keys=window_keys, columns=REPURCHASE_COLUMNS)
    return {"files": files, "send_list_counts": counts}


# ---------------------------------------------------------------- notebook 02's outputs

MOVERS_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                  "consent_email", "from_segment", "to_segment", "r_score_from", "f_score_from",
                  "m_score_from", "r_score_to", "f_score_to", "m_score_to", "recency_days_from",
                  "recency_days_to", "frequency_from", "frequency_to", "monetary_from",
                  "monetary_to"]


def write_migration_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                            movers: dict[str, str], trend, headline: dict) -> dict:
    """migration_matrix.csv, migration_summary.csv (the headline: up, same, down, revenue at
    stake, new; page 00 reads it), movers/<name>.csv (+ per channel), segment_trend.csv; `movers`
    maps each list's name to the table holding it (migration.build_movers_lists)."""
    output_dir = Path(output_dir)
    files = [write_csv(arrow(con, "select from_segment, to_segment, customers, share_of_from "
                                  "from segment_migration order by from_rank, to_rank"),
                       output_dir / "migration_matrix.csv"),
             write_csv(pa.Table.from_pylist([headline]), output_dir / "migration_summary.csv")]
    sizes, counts = {}, []
    for name, table in movers.items():
        sizes[name] = db.one(con, f"select count(*) from {table}")[0]
        build_contact_lists(con, table, "list_name")
        counts.append(contact_list_counts(con).df())
        # the most valuable movers first: the win-back list is worked from the top
        files += write_contact_lists(con, output_dir / "movers", file_name="{key}.csv",
                                     keys=[name], columns=MOVERS_COLUMNS,
                                     order_by="monetary_from")
    trend_table = pa.Table.from_pandas(trend[["month_end", "segment", "customers", "share"]],
                                       preserve_index=False)
    files.append(write_csv(trend_table, output_dir / "segment_trend.csv"))
    return {"files": files, "sizes": sizes,
            "send_list_counts": pd.concat(counts) if counts else pd.DataFrame()}


# ---------------------------------------------------------------- notebook 04's outputs

LOYALTY_COLUMNS = ["customer_id", "spend", "tier", "points", "next_tier", "gap_to_next",
                   "close_to_next", "previous_tier", "tier_change"]
TIER_LIST_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                     "consent_email", "birthday", "tier", "spend", "points", "next_tier",
                     "gap_to_next", "previous_tier", "tier_change", "tier_at_reranking"]


def write_loyalty_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                          lists: tuple[str, ...]) -> dict:
    """loyalty_members.csv and tiers/<list>.csv (+ per channel)."""
    output_dir = Path(output_dir)
    files = [write_query_csv(con, f"select {', '.join(LOYALTY_COLUMNS)} from loyalty_members "
                                  f"order by customer_id", output_dir / "loyalty_members.csv")[0]]
    build_contact_lists(con, "tier_lists", "list_key")
    counts = contact_list_counts(con).df()
    files += write_contact_lists(con, output_dir / "tiers", file_name="{key}.csv",
                                 keys=list(lists), columns=TIER_LIST_COLUMNS)
    return {"files": files, "send_list_counts": counts}


# ---------------------------------------------------------------- notebook 05's outputs

# the columns the campaign issue gives, exactly, in its order
CAMPAIGN_RESULT_COLUMNS = [
    "campaign_id", "segment", "targeted", "holdout", "sent", "delivered", "failed",
    "delivery_rate", "cost", "open_rate", "interaction_rate", "treated_converters", "treated_rate",
    "holdout_converters", "holdout_rate", "uplift", "uplift_ci_low", "uplift_ci_high",
    "incremental_converters", "treated_revenue", "holdout_revenue", "incremental_revenue",
    "cost_per_incremental_converter", "roi",
]
CAMPAIGN_INFO_COLUMNS = ["campaign_id", "name", "channel", "target", "start_date",
                         "attribution_days", "is_window_complete"]


def write_campaign_results(con: duckdb.DuckDBPyConnection, *, output_dir: Path) -> list[Path]:
    """campaign_results.csv (segment 'all' holds each campaign's totals) and campaigns_measured.csv
    (what each measured campaign was, and whether its attribution window is over)."""
    return [
        write_csv(arrow(con, f"select {', '.join(CAMPAIGN_RESULT_COLUMNS)} "
                             f"from campaign_results"),
                  Path(output_dir) / "campaign_results.csv"),
        write_csv(arrow(con, f"select distinct {', '.join(CAMPAIGN_INFO_COLUMNS)} "
                             f"from campaign_results order by start_date, campaign_id"),
                  Path(output_dir) / "campaigns_measured.csv"),
    ]


def write_campaign_list(con: duckdb.DuckDBPyConnection, *, folder: Path) -> dict:
    """For the next campaign, from table holdout_split: holdout.csv (never contacted) and one send
    list per channel (consent and valid contact), the holdout left out of every send list."""
    con.execute("create or replace temp table campaign_send_candidates as "
                "select * from holdout_split where not is_holdout")
    folder = Path(folder)
    files = [write_csv(arrow(con, "select customer_id from holdout_split where is_holdout "
                                  "order by customer_id"), folder / "holdout.csv")]
    build_contact_lists(con, "campaign_send_candidates", "segment")
    counts = {}
    cols = ["customer_id", "name", "phone", "email", "segment", "suggested_action"]
    for channel in CHANNELS:
        rows = arrow(con, f"select {', '.join(cols)} from contact_lists where can_send_{channel} "
                          f"order by customer_id")
        counts[channel] = rows.num_rows
        files.append(write_csv(rows, folder / f"send_{channel}.csv"))
    held = db.one(con, "select count(*) filter (where is_holdout), count(*) from holdout_split")
    return {"files": files, "holdout": held[0], "list": held[1], "send": counts}


# ---------------------------------------------------------------- notebook 06's outputs

FADING_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                  "consent_email", "segment", "p_alive", "expected_revenue"]
FADING_BELOW = 0.5  # P(alive) under which a customer of the best segment is listed


def write_customer_value(con: duckdb.DuckDBPyConnection, *, output_dir: Path, values: Path,
                         model: pa.Table, fading_segment: str) -> dict:
    """customer_value.csv from `values` (customer_value.parquet, written by
    customer_value.write_values), customer_value_model.csv, and value/fading_champions.csv (with
    a list per channel): the customers of the best segment whose P(alive) is below 50%. The
    file is the source customer_value from here on (read where it lies)."""
    output_dir = Path(output_dir)
    written = [Path(values),
               write_query_csv(con, "select * from read_parquet($path)",
                               output_dir / "customer_value.csv", {"path": str(values)})[0],
               write_csv(model, output_dir / "customer_value_model.csv")]
    db.register_parquet(con, "customer_value", values)
    fading = db.table_name(con, "fading_customers", segment=fading_segment,
                           p_alive_below=FADING_BELOW)
    build_contact_lists(con, fading, "fading_key")
    written += write_contact_lists(con, output_dir / "value", file_name="{key}.csv",
                                   keys=["fading_champions"], columns=FADING_COLUMNS,
                                   order_by="expected_revenue")
    count = con.execute(f"select count(*) from {fading}").fetchall()[0][0]
    return {"files": written, "fading": count, "fading_segment": fading_segment}
