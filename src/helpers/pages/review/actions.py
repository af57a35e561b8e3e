"""Page 00's actions: this month's lists, how many customers each holds, who can be reached, and
which file a person opens (the labelled XLSX beside the data CSV when there is one).

Counts are read from the files the pages wrote, so page 00 says what the pages say; the next
campaign's size comes from campaigns.compute.next_campaign_size, as page 05's does.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.kit.export import CHANNELS
from helpers.kit.export import csv_rows as rows
from helpers.pages.campaigns import compute as campaigns

# (key, list file in the month folder): the lists notebooks 02-06 write, in the order to act
ACTION_FILES = [
    ("win_back", "movers/win_back.csv"),
    ("fading_champions", "value/fading_champions.csv"),
    ("slipping", "value/slipping.csv"),
    ("close_to_next", "tiers/close_to_next.csv"),
    ("will_drop", "tiers/will_drop.csv"),
    ("repurchase_1_7", "repurchase/window=1-7d.csv"),
    ("repurchase_8_14", "repurchase/window=8-14d.csv"),
    ("repurchase_15_28", "repurchase/window=15-28d.csv"),
    ("birthdays", "tiers/birthdays.csv"),
]
# page 06's verdict on its fit (value/fit_check.json, pages/value/check.py): the fading-best-
# customers list means nothing when the model says nobody ever leaves, that everybody has left,
# or could not be fitted; page 06 says so with "fading_action": "drop"
FIT_CHECK = "value/fit_check.json"
DEGENERATE_FITS = ("nobody_leaves", "everybody_left", "not_fitted")
# lists shown only when written and not empty (page 06's slipping customers: nobody slipping is
# no action)
ONLY_WHEN_NOT_EMPTY = ("slipping",)


def person_file(folder: Path, relative: str) -> str:
    """The file a person opens for a list: its labelled XLSX beside the CSV when it was written
    (headers in the page's language, labels, Có/Không), else the CSV itself."""
    xlsx = Path(relative).with_suffix(".xlsx")
    return xlsx.as_posix() if (Path(folder) / xlsx).exists() else Path(relative).as_posix()


def fit_verdict(folder: Path) -> str | None:
    """Why page 06 drops the fading best customers ("nobody_leaves", "everybody_left",
    "not_fitted", or "drop" for a reason page 00 does not know), None when it keeps them or
    wrote no verdict (an older run, or no page 06)."""
    path = Path(folder) / FIT_CHECK
    if not path.exists():
        return None
    try:
        check = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if not isinstance(check, dict):
        return None
    verdict = check.get("verdict")
    if verdict in DEGENERATE_FITS:
        return verdict
    return "drop" if check.get("fading_action") == "drop" else None


def month_actions(output_dir: Path, *, plan: dict[str, dict] | None = None) -> list[dict]:
    """This month's lists to act on: how many customers, how many can be reached on each channel
    (consent and a valid contact), and the files relative to the month folder: `file` the data
    list, `open` what a person opens (None when the list is empty: nothing to open).

    An action whose list was not written (its page did not run) is left out; the fading best
    customers are left out, with `dropped`, when page 06 says its fit is degenerate; the
    slipping customers when nobody slips. The next campaign carries its segment's row of
    campaign_plan.csv (`plan`: segment -> row, as page 05 wrote it) as `plan`, and `too_small`
    when its list is smaller than the plan needs for the target uplift."""

    folder = Path(output_dir)
    actions = []
    verdict = fit_verdict(folder)
    for key, relative in ACTION_FILES:
        count = rows(folder / relative)
        if count is None or (key in ONLY_WHEN_NOT_EMPTY and not count):
            continue
        if key == "fading_champions" and verdict:
            actions.append({"key": key, "dropped": verdict, "customers": None, "channels": {},
                            "file": relative, "open": None})
            continue
        channels = {c: rows(folder / Path(relative).parent / c / Path(relative).name) or 0
                    for c in CHANNELS}
        actions.append({"key": key, "customers": count, "channels": channels, "file": relative,
                        "open": person_file(folder, relative) if count else None})
    for campaign in sorted(p for p in (folder / "campaign_lists").glob("*/") if p.is_dir()):
        size = campaigns.next_campaign_size(campaign)
        relative = f"campaign_lists/{campaign.name}/"
        action = {"key": "next_campaign", "customers": size["customers"],
                  "treated": size["treated"], "holdout": size["holdout"],
                  "channels": size["send"], "file": relative,
                  # a person opens the send list of the channel they use
                  "open": {c: person_file(folder, f"{relative}send_{c}.csv")
                           for c, n in size["send"].items() if n},
                  "campaign": campaign.name}
        segment = campaigns.next_campaign_segment(campaign)
        row = (plan or {}).get(segment) if segment else None
        if row is not None:
            action["plan"] = row
            needed = row.get("customers_needed")
            action["too_small"] = bool(needed == needed and needed is not None
                                       and size["customers"] < needed)
        actions.append(action)
    return actions


def month_folder_name(output_dir: Path) -> str:
    """The month folder's name as published (reports/<as_of>/): the run writes into
    .staging-<name>/ and renames it when every page is done."""
    return Path(output_dir).name.removeprefix(".staging-")


def month_folder(output_dir: Path) -> str:
    """Where the lists are, relative, for whoever runs the workbook: 'reports/2026-11-30/'
    (the reports folder's own name, never the path to it on this machine)."""
    parent = Path(output_dir).resolve().parent.name or "reports"
    return f"{parent}/{month_folder_name(output_dir)}/"
