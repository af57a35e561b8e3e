"""Page 01's output files: the segment file, contact lists per segment, the summary."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from helpers.engine import db
from helpers.kit.contract import CONSENT_EVIDENCE_COLUMNS, CONTACT_COLUMNS, CONTRACT_COLUMNS
from helpers.kit.export import (
    arrow,
    build_contact_lists,
    contact_list_counts,
    write_contact_lists,
    write_csv,
    write_query_parquet_csv,
)
from helpers.kit.person_lists import PersonList, check_lang, segment_labels, write_person_list

# ---------------------------------------------------------------- notebook 01's outputs

# the columns the RFM issue gives for campaign tools, exactly
RFM_EXPORT_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                      "consent_email", "segment", "suggested_action"]


# The most customers written to exports/segments.xlsx: a file Excel on an office laptop opens
# quickly (figures: benchmarks/results.md). Larger shops get CSV only.
XLSX_MAX_ROWS = 500_000


def write_rfm_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path, segment_keys: list[str],
                      as_of: date, with_contacts: bool, xlsx: bool = True,
                      labels: dict[str, str] | None = None, lang: str = "vi",
                      written_at: datetime | None = None, customers: str | None = None,
                      summary: str | None = None) -> dict:
    """rfm_customers.parquet/.csv, segment_summary.csv, exports/segment=<key>.csv (+ per channel,
    each send list with its manifest), exports/segments.xlsx. Returns what was written, the
    send-list counts and the cells cut to Excel's limit per column (`xlsx_cut`, never a value).
    `customers` and `summary`: the rfm_customers and segment_summary tables the builds returned
    (their relations' `alias`); without them, the ones built last (db.latest): pass them."""

    output_dir = Path(output_dir)
    check_lang(lang)
    cols = CONTRACT_COLUMNS + (CONTACT_COLUMNS if with_contacts else [])
    # every customer: sorted once and streamed to the Parquet and the CSV file together
    customers = customers or db.latest(con, "rfm_customers")
    summary = summary or db.latest(con, "segment_summary")
    parquet, csv_file, rows = write_query_parquet_csv(
        con, f"select {', '.join(cols)} from {customers} order by customer_id",
        output_dir / "rfm_customers.parquet", output_dir / "rfm_customers.csv")
    files = [parquet, csv_file]
    summary_rows = arrow(con, f"select * exclude (segment_rank) from {summary}")
    files.append(write_csv(summary_rows, output_dir / "segment_summary.csv"))

    # the lists are built from the columns they write, not every column of every customer
    db.make_room(con, "rfm_contact_source", "VIEW")
    con.execute(f"create or replace temp view rfm_contact_source as "
                f"select {', '.join(RFM_EXPORT_COLUMNS)} from {customers}")
    built = build_contact_lists(con, "rfm_contact_source", "segment").alias
    counts = contact_list_counts(con, built).df()
    files += write_contact_lists(con, output_dir / "exports", file_name="segment={key}.csv",
                                 keys=segment_keys, columns=RFM_EXPORT_COLUMNS, as_of=as_of,
                                 table=built, written_at=written_at)
    skipped, cut = [], {}
    # a workbook a person can open: above XLSX_MAX_ROWS customers it would take minutes to write
    # and to open (and over a million rows, Excel cuts a sheet), so the CSV files are the lists
    too_large = xlsx and rows > XLSX_MAX_ROWS
    if xlsx and not too_large:
        # the workbook a person opens (kit.person_lists): a sheet per segment named by its label,
        # headers in words, segments by their label, consent Có/Không, the consent evidence a
        # segment holds; the CSV files keep the contract's columns and keys for campaign tools
        spec = PersonList(columns=RFM_EXPORT_COLUMNS + CONSENT_EVIDENCE_COLUMNS, lang=lang,
                          segments=labels or segment_labels(con), sheets=labels or {})
        book, skipped = write_person_list(
            con, output_dir / "exports" / "segments.xlsx", spec, source=built,
            lists={key: ("list_key = $key", {"key": key}) for key in segment_keys},
            as_of=as_of, cut=cut)
        files.append(book)
    return {"files": files, "send_list_counts": counts, "xlsx_skipped": skipped, "xlsx_cut": cut,
            "rows": rows, "xlsx": xlsx and not too_large,
            "xlsx_too_large": too_large, "xlsx_max_rows": XLSX_MAX_ROWS}
