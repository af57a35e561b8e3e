"""Page 03's output files: cohort revenue, second-purchase gap, repurchase lists."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from helpers.engine import db
from helpers.kit.export import (
    arrow,
    build_contact_lists,
    contact_list_counts,
    write_contact_lists,
    write_csv,
)
from helpers.kit.person_lists import EVIDENCE, PersonList, check_lang

# ---------------------------------------------------------------- notebook 03's outputs

REPURCHASE_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                      "consent_email", "window_key", "buyer_type", "days_since_purchase",
                      "last_purchase_date", "purchases", "monetary"]


def write_cohort_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                         window_keys: list[str], as_of: date, lang: str = "vi",
                         written_at: datetime | None = None,
                         tables: dict[str, str] | None = None) -> dict:
    """cohort_revenue.csv, second_purchase_gap.csv, repurchase/window=<lo>-<hi>d.csv (+ channels,
    each send list with its manifest stating `as_of`) and repurchase/window=<lo>-<hi>d.xlsx (the
    list for a person, in `lang`). `tables`: the cohort_revenue, second_purchase_gap and
    repurchase_windows tables the builds returned, by model name (their relations' `alias`); a
    model not given is read as built last (db.latest): pass them."""
    output_dir = Path(output_dir)
    check_lang(lang)
    read = {name: (tables or {}).get(name) or db.latest(con, name)
            for name in ("cohort_revenue", "second_purchase_gap", "repurchase_windows")}
    files = [
        write_csv(arrow(con, f"select cohort, period, customers, purchases, revenue, cohort_size, "
                             f"retention from {read['cohort_revenue']} "
                             f"order by cohort_start, period"),
                  output_dir / "cohort_revenue.csv"),
        write_csv(arrow(con, f"select * from {read['second_purchase_gap']} order by gap_days"),
                  output_dir / "second_purchase_gap.csv"),
    ]
    built = build_contact_lists(con, read["repurchase_windows"], "window_key").alias
    counts = contact_list_counts(con, built).df()
    # each window's sheet: "Mua 1–7 ngày trước" / "Bought 1–7 days ago" (a window's workbook
    # holds its own sheet only); every window's files from one pass over the lists
    sheets = {}
    for key in window_keys:
        span = key.removesuffix("d").replace("-", "–")
        sheets[key] = f"Mua {span} ngày trước" if lang == "vi" else f"Bought {span} days ago"
    person = PersonList(columns=REPURCHASE_COLUMNS + EVIDENCE, lang=lang, sheets=sheets)
    files += write_contact_lists(con, output_dir / "repurchase", file_name="window={key}.csv",
                                 keys=list(window_keys), columns=REPURCHASE_COLUMNS, as_of=as_of,
                                 person=person, table=built, written_at=written_at)
    return {"files": files, "send_list_counts": counts}
