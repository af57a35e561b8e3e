"""Page 04's output files: loyalty members and tier lists."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from helpers.kit.export import (
    build_contact_lists,
    contact_list_counts,
    write_contact_lists,
    write_query_csv,
)

# ---------------------------------------------------------------- notebook 04's outputs

LOYALTY_COLUMNS = ["customer_id", "spend", "tier", "points", "next_tier", "gap_to_next",
                   "close_to_next", "previous_tier", "tier_change"]
TIER_LIST_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                     "consent_email", "birthday", "tier", "spend", "points", "next_tier",
                     "gap_to_next", "previous_tier", "tier_change", "tier_at_reranking"]


def write_loyalty_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                          lists: tuple[str, ...], as_of: date,
                          written_at: datetime | None = None) -> dict:
    """loyalty_members.csv and tiers/<list>.csv (+ per channel, each send list with its
    manifest stating `as_of`)."""
    output_dir = Path(output_dir)
    files = [write_query_csv(con, f"select {', '.join(LOYALTY_COLUMNS)} from loyalty_members "
                                  f"order by customer_id", output_dir / "loyalty_members.csv")[0]]
    build_contact_lists(con, "tier_lists", "list_key")
    counts = contact_list_counts(con).df()
    files += write_contact_lists(con, output_dir / "tiers", file_name="{key}.csv",
                                 keys=list(lists), columns=TIER_LIST_COLUMNS, as_of=as_of,
                                 written_at=written_at)
    return {"files": files, "send_list_counts": counts}
