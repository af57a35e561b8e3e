"""Page 05's output files: campaign results and the next campaign's send list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from helpers.engine import db
from helpers.kit.contract import CONSENT_EVIDENCE_COLUMNS
from helpers.kit.export import (
    CHANNELS,
    arrow,
    build_contact_lists,
    consent_columns_used,
    left_out_counts,
    write_csv,
    write_send_manifest,
)
from helpers.kit.person_lists import PersonList, check_lang, segment_labels, write_person_list
from helpers.pages.campaigns.measure import MEASURE_COLUMNS
from helpers.pages.campaigns.plan import PLAN_COLUMNS

# ---------------------------------------------------------------- notebook 05's outputs

# the columns the campaign issue gives, exactly, in its order
CAMPAIGN_RESULT_COLUMNS = [
    "campaign_id", "segment", "targeted", "holdout", "sent", "delivered", "failed",
    "delivery_rate", "cost", "open_rate", "interaction_rate", "treated_converters", "treated_rate",
    "holdout_converters", "holdout_rate", "uplift", "uplift_ci_low", "uplift_ci_high",
    "incremental_converters", "treated_revenue", "holdout_revenue", "incremental_revenue",
    "cost_per_incremental_converter", "roi",
]
# the model's columns that measure.measure computes again: the purchase interval (Newcombe's
# where counts are small) and the ROI (on margin when one is given)
OVERRIDDEN = ("uplift_ci_low", "uplift_ci_high", "roi")
CAMPAIGN_INFO_COLUMNS = ["campaign_id", "name", "channel", "target", "start_date",
                         "attribution_days", "is_window_complete"]
# the next campaign's send list as agreed with the campaign tools (send_<channel>.csv): kept as it
# is, although it carries both contacts on every channel's list
SEND_LIST_COLUMNS = ["customer_id", "name", "phone", "email", "segment", "suggested_action",
                     *CONSENT_EVIDENCE_COLUMNS]
# ... and the one a person opens (send_<channel>.xlsx): only the channel's contact
CONTACT = {"sms": "phone", "zalo": "phone", "email": "email"}
SEND_SHEETS = {"sms": ("Gửi SMS", "SMS send list"), "zalo": ("Gửi Zalo", "Zalo send list"),
               "email": ("Gửi email", "E-mail send list")}


def write_campaign_results(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                           measured: pd.DataFrame | None = None,
                           plan: pd.DataFrame | None = None,
                           outcomes: pd.DataFrame | None = None,
                           results: str | None = None) -> list[Path]:
    """campaign_results.csv (segment 'all' holds each campaign's totals): the model's columns as
    it computes them (exact decimals) with, from `measured` (measure.measure), the purchase
    interval, the ROI and every column of MEASURE_COLUMNS; campaigns_measured.csv (what each
    measured campaign was, and whether its attribution window is over); campaign_plan.csv (the
    next campaign's plan per segment) and campaign_outcomes.csv (the outcomes besides purchases)
    when given. `results` is the campaign_results table compute.build_campaign_results returned
    (its relation's `alias`); without it, the one built last (db.latest): callers should pass it."""
    output_dir = Path(output_dir)
    table = results or db.latest(con, "campaign_results")
    if not table.replace("_", "").isalnum():
        raise ValueError(f"invalid table name {table!r}")
    columns = [f"results.{c}" for c in CAMPAIGN_RESULT_COLUMNS]
    sql = f"select {', '.join(columns)} from {table} as results"
    if measured is not None:
        keep = ["campaign_id", "segment", *OVERRIDDEN, *MEASURE_COLUMNS, "roi_basis"]
        con.register("campaign_measures", pa.Table.from_pandas(measured[keep],
                                                               preserve_index=False))
        columns = [f"measures.{c}" if c in OVERRIDDEN else f"results.{c}"
                   for c in CAMPAIGN_RESULT_COLUMNS] + [f"measures.{c}" for c in MEASURE_COLUMNS]
        sql = (f"select {', '.join(columns)} from {table} as results "
               f"inner join campaign_measures as measures "
               f"on results.campaign_id = measures.campaign_id "
               f"and results.segment = measures.segment "
               f"order by results.start_date, results.campaign_id, results.segment <> 'all', "
               f"results.segment")
    info = (f"select distinct {', '.join(CAMPAIGN_INFO_COLUMNS)} "
            f"from {table} order by start_date, campaign_id")
    if measured is not None:  # and the ROI's basis: 'margin' or 'revenue'
        info = (f"select distinct {', '.join('results.' + c for c in CAMPAIGN_INFO_COLUMNS)}, "
                f"measures.roi_basis from {table} as results "
                f"inner join campaign_measures as measures "
                f"on results.campaign_id = measures.campaign_id and measures.segment = 'all' "
                f"order by results.start_date, results.campaign_id")
    written = [
        write_csv(arrow(con, sql), output_dir / "campaign_results.csv"),
        write_csv(arrow(con, info), output_dir / "campaigns_measured.csv"),
    ]
    if measured is not None:
        con.unregister("campaign_measures")
    if plan is not None:
        plan = plan[PLAN_COLUMNS]
    for frame, name in ((plan, "campaign_plan.csv"), (outcomes, "campaign_outcomes.csv")):
        if frame is not None:
            written.append(write_csv(pa.Table.from_pandas(frame, preserve_index=False),
                                     output_dir / name))
    return written


def write_campaign_list(con: duckdb.DuckDBPyConnection, *, folder: Path,
                        as_of: date, lang: str = "vi",
                        written_at: datetime | None = None, split: str | None = None) -> dict:
    """For the next campaign, from `split` (the holdout_split table compute.split_holdout
    returned; without it, the one built last, db.latest): holdout.csv (never contacted) and one send
    list per channel (consent and valid contact), the holdout left out of every send list; each
    send list with its manifest (send_<channel>.manifest.json: the holdout, no consent, masked,
    invalid or no contact, counted) and its version for a person (send_<channel>.xlsx, in
    `lang`: the key, name, the channel's contact, the segment's label and suggested action)."""
    check_lang(lang)
    split = split or db.latest(con, "holdout_split")
    if not split.replace("_", "").isalnum():
        raise ValueError(f"invalid table name {split!r}")
    con.execute(f"create or replace temp table campaign_send_candidates as "
                f"select * from {split} where not is_holdout")
    folder = Path(folder)
    files = [write_csv(arrow(con, f"select customer_id from {split} where is_holdout "
                                  f"order by customer_id"), folder / "holdout.csv")]
    built = build_contact_lists(con, "campaign_send_candidates", "segment").alias
    counts = {}
    cols = SEND_LIST_COLUMNS
    labels = segment_labels(con)
    held = db.one(con, f"select count(*) filter (where is_holdout), count(*) from {split}")
    why = left_out_counts(con, f"select * from {built}")
    used = consent_columns_used(con)
    for channel in CHANNELS:
        rows = arrow(con, f"select {', '.join(cols)} from {built} where can_send_{channel} "
                          f"order by customer_id")
        counts[channel] = rows.num_rows
        files.append(write_csv(rows, folder / f"send_{channel}.csv"))
        files.append(write_send_manifest(
            folder / f"send_{channel}.csv", list_key="next_campaign", channel=channel,
            rows=rows.num_rows, counts=why[channel], consent_columns=used[channel], as_of=as_of,
            written_at=written_at, held_out={"holdout": held[0]}))
        person = PersonList(
            columns=["customer_id", "name", CONTACT[channel], "segment", "suggested_action",
                     f"consent_{channel}_date", "consent_source"],
            lang=lang, segments=labels,
            sheets={channel: SEND_SHEETS[channel][0 if lang == "vi" else 1]})
        book, _ = write_person_list(con, folder / f"send_{channel}.xlsx", person,
                                    source=built,
                                    lists={channel: (f"can_send_{channel}", {})}, as_of=as_of,
                                    rows=rows.num_rows)
        files += [book] if book else []
    return {"files": files, "holdout": held[0], "list": held[1], "send": counts}
