"""Page 05's output files: campaign results and the next campaign's send list."""

from __future__ import annotations

from pathlib import Path

import duckdb

from helpers.engine import db
from helpers.kit.export import CHANNELS, arrow, build_contact_lists, write_csv

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
