"""Loyalty tiers by rolling spend, points, next-tier gaps and the lists to act on (notebook 04)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.params import month_end, month_end_before
from helpers.core.paths import resolve
from helpers.core.yamlsafe import read_yaml
from helpers.engine import db, graph
from helpers.kit import snapshots
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


def tier_store() -> Path:
    """Page 04's kept tiers: every member's spend and tier at a month end, from the orders known
    then (tier_now of that month), which the next month reads as its tier_previous instead of
    building the orders and spend of the month before again. Beside the segment snapshots (it
    follows the root snapshots.segments_source reads: data/processed/snapshots; a test's private
    store moves it)."""
    return snapshots.root() / "loyalty_tiers"


# what the spend and tier at a date are made of, besides the lines up to it and the settings
_TIER_MODELS = ("int_order_totals", "int_orders", "loyalty_spend")


def _kept_file(con, store: Path, *, day: date, config: LoyaltyConfig, excluded_statuses) -> Path:
    """Where the tiers at `day` (orders known as of `day`) are kept: keyed by what they depend on,
    the content of the staged lines dated up to `day` (snapshots.content_checksums, as segment
    snapshots are), the statuses excluded, the period and the tiers, the models' text and DuckDB's
    version. A new month's file that adds only later lines leaves it valid; a changed line on
    or before `day` makes another key."""
    content = snapshots.content_checksums(con, [day], excluded_statuses)[day]
    material = json.dumps({"content": content, "excluded": [str(x) for x in excluded_statuses],
                           "period_days": config.period_days,
                           "tiers": config.tiers[["tier", "tier_rank", "threshold"]]
                           .astype(str).values.tolist(),
                           "models": [graph.model(m).text for m in _TIER_MODELS],
                           "duckdb": duckdb.__version__}, sort_keys=True)
    key = hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]
    return Path(store) / f"as_of={day.isoformat()}" / f"key={key}" / "tiers.parquet"


def _readable(path: Path) -> bool:
    try:
        pq.ParquetFile(path).metadata  # noqa: B018 (a truncated or damaged file raises)
    except (OSError, pa.ArrowException):
        return False
    return True


def _tier_table(con, name: str, *, as_of: date, spend_as_of: date, config: LoyaltyConfig,
                excluded_statuses, store: Path | None = None) -> str:
    """Source `name` (tier_now, tier_previous, tier_reranking): spend and tier as of
    `spend_as_of`, from the orders known as of `as_of`. With a `store` (tier_store()), the tiers
    at a month end seen from that month end are read from it when kept there, else built and
    kept (returns 'kept', 'built and kept' or 'built'); DuckDB only (Spark builds them)."""
    path = None
    if store is not None and as_of == spend_as_of and db.engine(con).attached is None:
        path = _kept_file(con, store, day=as_of, config=config,
                          excluded_statuses=excluded_statuses)
        if path.exists() and _readable(path):
            db.register_parquet(con, name, path, replace=True)
            return "kept"
    table = db.table_name(con, "loyalty_spend", spend_as_of=spend_as_of,
                          period_days=config.period_days,
                          **order_params(as_of=as_of, excluded_statuses=excluded_statuses))
    db.alias(con, name, table, replace=True)
    if path is None:
        return "built"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        literal = str(tmp).replace("'", "''")
        con.execute(f"copy (select * from {table} order by customer_id) to '{literal}' "
                    f"(format parquet, compression zstd)")
        os.replace(tmp, path)
    except (OSError, duckdb.IOException, duckdb.PermissionException):
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)  # a folder that cannot be written: built each month
        return "built"
    return "built and kept"


def build_loyalty_members(con, *, as_of: date, config: LoyaltyConfig,
                          excluded_statuses=(), store: Path | None = None
                          ) -> duckdb.DuckDBPyRelation:
    """One row per member: spend, tier, points, next tier, gap, change (loyalty_members.sql).
    With a `store` (tier_store()), the tiers of the month before come from last month's kept
    tier_now, and this month's are kept for the next (_tier_table)."""
    # thresholds are money: exact decimals, so gaps and comparisons are exact too
    tiers = pa.Table.from_pandas(config.tiers.drop(columns="threshold"), preserve_index=False)
    threshold = pa.array([Decimal(str(v)).quantize(Decimal("0.01"))
                          for v in config.tiers.threshold], pa.decimal128(18, 2))
    position = list(config.tiers.columns).index("threshold")
    db.register(con, "loyalty_tiers", tiers.add_column(position, "threshold", threshold))
    previous = month_end_before(as_of)
    _tier_table(con, "tier_previous", as_of=previous, spend_as_of=previous, config=config,
                excluded_statuses=excluded_statuses, store=store)
    # "if nothing changes": the orders known today, seen from the next re-ranking date
    _tier_table(con, "tier_reranking", as_of=as_of,
                spend_as_of=next_reranking(as_of, config.reranking_day), config=config,
                excluded_statuses=excluded_statuses)
    # kept only at a month end: the next month's tier_previous
    _tier_table(con, "tier_now", as_of=as_of, spend_as_of=as_of, config=config,
                excluded_statuses=excluded_statuses,
                store=store if as_of == month_end(as_of) else None)
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
