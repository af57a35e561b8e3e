"""Page 04's output files: loyalty members and tier lists."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from helpers.engine import db
from helpers.kit.export import (
    build_contact_lists,
    contact_list_counts,
    write_contact_lists,
    write_query_csv,
)
from helpers.kit.narrative import LIST_LABELS
from helpers.kit.person_lists import EVIDENCE, PersonList, check_lang, tier_labels

# ---------------------------------------------------------------- notebook 04's outputs

LOYALTY_COLUMNS = ["customer_id", "spend", "tier", "points", "next_tier", "gap_to_next",
                   "close_to_next", "previous_tier", "tier_change"]
TIER_LIST_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                     "consent_email", "birthday", "tier", "spend", "points", "next_tier",
                     "gap_to_next", "previous_tier", "tier_change", "tier_at_reranking"]
# each tier list's sheet in the XLSX a person opens (tiers/<list>.xlsx): the list's own name, as
# pages 00 and 04 say it (kit.narrative.LIST_LABELS), within Excel's 31 characters
TIER_LIST_SHEETS = LIST_LABELS | {"will_drop": ("Sẽ xuống hạng ở kỳ xét tới",
                                                "Will drop at re-ranking")}


def write_loyalty_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                          lists: tuple[str, ...], as_of: date, lang: str = "vi",
                          written_at: datetime | None = None, members: str | None = None,
                          tier_lists: str | None = None) -> dict:
    """loyalty_members.csv and tiers/<list>.csv (+ per channel, each send list with its
    manifest stating `as_of`) and tiers/<list>.xlsx (the list for a person, in `lang`, tiers by
    the loyalty file's names). `members` and `tier_lists`: the loyalty_members and tier_lists
    tables the builds returned (their relations' `alias`); without them, the ones built last
    (db.latest): pass them."""
    output_dir = Path(output_dir)
    check_lang(lang)
    names = tier_labels(con, lang)
    members = members or db.latest(con, "loyalty_members")
    tier_lists = tier_lists or db.latest(con, "tier_lists")
    files = [write_query_csv(con, f"select {', '.join(LOYALTY_COLUMNS)} from {members} "
                                  f"order by customer_id", output_dir / "loyalty_members.csv")[0]]
    built = build_contact_lists(con, tier_lists, "list_key").alias
    counts = contact_list_counts(con, built).df()
    # every list's files in one pass over the lists (write_contact_lists), each list's XLSX
    # sheet under its own name
    sheets = {key: TIER_LIST_SHEETS.get(key, (key.replace("_", " "),) * 2)[lang != "vi"]
              for key in lists}
    person = PersonList(columns=TIER_LIST_COLUMNS + EVIDENCE, lang=lang, tiers=names,
                        sheets=sheets)
    files += write_contact_lists(con, output_dir / "tiers", file_name="{key}.csv",
                                 keys=list(lists), columns=TIER_LIST_COLUMNS, as_of=as_of,
                                 person=person, table=built, written_at=written_at)
    return {"files": files, "send_list_counts": counts}
