"""Page 05's output files: campaign results and the next campaign's send list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

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
# the next campaign's send list as agreed with the campaign tools (send_<channel>.csv): kept as it
# is, although it carries both contacts on every channel's list
SEND_LIST_COLUMNS = ["customer_id", "name", "phone", "email", "segment", "suggested_action",
                     *CONSENT_EVIDENCE_COLUMNS]
# ... and the one a person opens (send_<channel>.xlsx): only the channel's contact
CONTACT = {"sms": "phone", "zalo": "phone", "email": "email"}
SEND_SHEETS = {"sms": ("Gửi SMS", "SMS send list"), "zalo": ("Gửi Zalo", "Zalo send list"),
               "email": ("Gửi email", "E-mail send list")}


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


def write_campaign_list(con: duckdb.DuckDBPyConnection, *, folder: Path,
                        as_of: date, lang: str = "vi",
                        written_at: datetime | None = None) -> dict:
    """For the next campaign, from table holdout_split: holdout.csv (never contacted) and one send
    list per channel (consent and valid contact), the holdout left out of every send list; each
    send list with its manifest (send_<channel>.manifest.json: the holdout, no consent, masked,
    invalid or no contact, counted) and its version for a person (send_<channel>.xlsx, in
    `lang`: the key, name, the channel's contact, the segment's label and suggested action)."""
    check_lang(lang)
    con.execute("create or replace temp table campaign_send_candidates as "
                "select * from holdout_split where not is_holdout")
    folder = Path(folder)
    files = [write_csv(arrow(con, "select customer_id from holdout_split where is_holdout "
                                  "order by customer_id"), folder / "holdout.csv")]
    built = build_contact_lists(con, "campaign_send_candidates", "segment").alias
    counts = {}
    cols = SEND_LIST_COLUMNS
    labels = segment_labels(con)
    held = db.one(con, "select count(*) filter (where is_holdout), count(*) from holdout_split")
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
