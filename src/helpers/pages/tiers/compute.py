"""Loyalty tiers by rolling spend, points, next-tier gaps and the lists to act on (notebook 04)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from helpers.core.params import month_end_before
from helpers.core.paths import resolve
from helpers.core.yamlsafe import read_yaml
from helpers.engine import db
from helpers.kit.rfm import order_params

LISTS = ("close_to_next", "upgraded", "downgraded", "birthdays", "will_drop")


class LoyaltyError(ValueError):
    """A loyalty file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class LoyaltyConfig:
    tiers: pd.DataFrame  # tier, tier_rank (1 = lowest), threshold, name_vi, name_en
    period_days: int
    point_value: float
    close_share: float
    reranking_day: tuple[int, int]  # (day, month)
    path: str

    def names(self, lang: str) -> dict[str, str]:
        return dict(zip(self.tiers.tier, self.tiers[f"name_{lang}"]))

    @property
    def order(self) -> list[str]:
        return list(self.tiers.tier)


def load_loyalty(path: str | Path = "params/loyalty.yaml") -> LoyaltyConfig:
    path = resolve(path)
    if not path.exists():
        raise LoyaltyError(f"loyalty file not found: {path}")
    doc = read_yaml(path, error=LoyaltyError) or {}
    unknown = set(doc) - {"tiers", "period_days", "point_value", "close_share", "reranking_date"}
    if unknown:
        raise LoyaltyError(f"{path}: unknown field(s) {sorted(unknown)}")
    tiers = doc.get("tiers") or []
    if len(tiers) < 2:
        raise LoyaltyError(f"{path}: give at least two tiers, lowest first")
    rows = []
    for i, tier in enumerate(tiers, start=1):
        missing = {"key", "vi", "en", "threshold"} - set(tier)
        if missing:
            raise LoyaltyError(f"{path}: tier {i} lacks {sorted(missing)}")
        if not str(tier["key"]).isidentifier():
            raise LoyaltyError(f"{path}: tier key {tier['key']!r} must be ASCII snake_case")
        rows.append({"tier": tier["key"], "tier_rank": i, "threshold": float(tier["threshold"]),
                     "name_vi": tier["vi"], "name_en": tier["en"]})
    frame = pd.DataFrame(rows)
    if not frame.threshold.is_monotonic_increasing or frame.threshold.duplicated().any():
        raise LoyaltyError(f"{path}: thresholds must rise strictly from the lowest tier up")
    period_days = int(doc.get("period_days", 365))
    point_value = float(doc.get("point_value", 10_000))
    close_share = float(doc.get("close_share", 0.2))
    if period_days <= 0 or point_value <= 0 or not 0 <= close_share <= 1:
        raise LoyaltyError(f"{path}: period_days and point_value must be positive, close_share "
                           f"between 0 and 1")
    text = str(doc.get("reranking_date", "31/12"))
    try:
        day, month = (int(x) for x in text.replace("-", "/").split("/")[:2])
        date(2024, month, day)
    except (ValueError, TypeError):
        raise LoyaltyError(f"{path}: reranking_date {text!r} must be a day of the year as dd/mm, "
                           f"e.g. 31/12") from None
    return LoyaltyConfig(frame, period_days, point_value, close_share, (day, month), str(path))


def next_reranking(as_of: date, day_month: tuple[int, int]) -> date:
    """The next re-ranking date strictly after as_of."""
    day, month = day_month
    for year in (as_of.year, as_of.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29/02 in a common year
            candidate = date(year, month, 28)
        if candidate > as_of:
            return candidate
    raise AssertionError("unreachable")


def _tier_table(con, name: str, *, as_of: date, spend_as_of: date, config: LoyaltyConfig,
                excluded_statuses) -> None:
    """Source `name` (tier_now, tier_previous, tier_reranking): spend and tier as of
    `spend_as_of`, from the orders known as of `as_of`."""
    table = db.table_name(con, "loyalty_spend", spend_as_of=spend_as_of,
                          period_days=config.period_days,
                          **order_params(as_of=as_of, excluded_statuses=excluded_statuses))
    db.alias(con, name, table)


def build_loyalty_members(con, *, as_of: date, config: LoyaltyConfig,
                          excluded_statuses=()) -> duckdb.DuckDBPyRelation:
    """One row per member: spend, tier, points, next tier, gap, change (loyalty_members.sql)."""
    # thresholds are money: exact decimals, so gaps and comparisons are exact too
    tiers = pa.Table.from_pandas(config.tiers.drop(columns="threshold"), preserve_index=False)
    threshold = pa.array([Decimal(str(v)).quantize(Decimal("0.01"))
                          for v in config.tiers.threshold], pa.decimal128(18, 2))
    position = list(config.tiers.columns).index("threshold")
    db.register(con, "loyalty_tiers", tiers.add_column(position, "threshold", threshold))
    previous = month_end_before(as_of)
    _tier_table(con, "tier_previous", as_of=previous, spend_as_of=previous, config=config,
                excluded_statuses=excluded_statuses)
    # "if nothing changes": the orders known today, seen from the next re-ranking date
    _tier_table(con, "tier_reranking", as_of=as_of,
                spend_as_of=next_reranking(as_of, config.reranking_day), config=config,
                excluded_statuses=excluded_statuses)
    _tier_table(con, "tier_now", as_of=as_of, spend_as_of=as_of, config=config,
                excluded_statuses=excluded_statuses)
    return db.build(con, "loyalty_members", **_member_params(config))


def _member_params(config: LoyaltyConfig) -> dict:
    return {"point_value": config.point_value, "close_share": config.close_share}


def build_tier_lists(con, *, as_of: date, config: LoyaltyConfig) -> duckdb.DuckDBPyRelation:
    """One row per (list, member) for the lists to act on, with contacts (tier_lists.sql)."""
    return db.build(con, "tier_lists", as_of=as_of, **_member_params(config))


def tier_summary(con, config: LoyaltyConfig) -> pd.DataFrame:
    return db.build(con, "tier_summary", **_member_params(config)).df()


GAP_BINS = 40  # about this many bins of the gap to the next tier on page 04


def gap_histogram(con, config: LoyaltyConfig) -> pd.DataFrame:
    """Members per next tier and bin of the gap to it (tier_gap_histogram.sql): the chart draws
    these counts, so no member's own figure reaches the page (or the driver, on Spark)."""
    return db.build(con, "tier_gap_histogram", gap_bins=GAP_BINS, **_member_params(config)).df()
