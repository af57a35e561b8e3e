"""Campaign measurement against a holdout, and holdouts reserved at export time (notebook 05)."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path
from statistics import NormalDist

import duckdb
import pandas as pd

from helpers import ingest
from helpers.core.errors import ParamError
from helpers.core.params import RunParams
from helpers.core.paths import resolve
from helpers.core.safety import check_key, inside
from helpers.core.schemes import Scheme
from helpers.engine import db
from helpers.kit import rfm
from helpers.kit.export import CHANNELS, csv_rows
from helpers.kit.texts import pick
from helpers.pages.campaigns import days, files, measure, plan

EMPTY_CAMPAIGNS = """
create or replace temp table campaigns as
select cast(null as varchar) as campaign_id, cast(null as varchar) as name,
       cast(null as varchar) as channel, cast(null as varchar) as target,
       cast(null as integer) as attribution_days, cast(null as decimal(18, 2)) as cost_per_message,
       cast(null as date) as start_date, cast(null as double) as planned_holdout_share,
       cast(null as double) as margin, '' as outcomes
where false;
create or replace temp table campaign_sends as
select cast(null as varchar) as campaign_id, cast(null as varchar) as customer_id,
       cast(null as varchar) as channel, cast(null as varchar) as status,
       cast(null as decimal(18, 2)) as cost, cast(null as boolean) as is_opened,
       cast(null as boolean) as is_interacted,
       cast(null as timestamp) as sent_at
where false;
create or replace temp table campaign_holdout as
select cast(null as varchar) as campaign_id, cast(null as varchar) as customer_id where false;
create or replace temp table campaign_outcome_values as
select cast(null as varchar) as campaign_id, cast(null as varchar) as customer_id,
       cast(null as varchar) as arm, cast(null as varchar) as outcome, cast(null as double) as value
where false;
"""


def load_campaigns(con, *, campaigns_path, sends_path, holdout_path) -> dict[str, int]:
    """Tables campaigns, campaign_sends, campaign_holdout (columns exactly as the files define).

    A shop that runs no campaigns has none of the three files: the tables are then empty and the
    notebook says so. Some files without the others is an error naming the missing ones.
    """

    paths = {"campaigns_path": campaigns_path, "campaign_sends_path": sends_path,
             "campaign_holdout_path": holdout_path}
    missing = [k for k, v in paths.items() if not v or not resolve(v).exists()]
    if len(missing) == len(paths):
        con.execute(EMPTY_CAMPAIGNS)
        return {}
    if missing:
        raise ingest.IngestError(
            f"campaign files incomplete: {', '.join(missing)} not found "
            f"({', '.join(str(paths[k]) for k in missing)}). Give all three files, or none.")
    return ingest.load_campaign_files(con, campaigns_path=campaigns_path, sends_path=sends_path,
                                      holdout_path=holdout_path)


def build_campaign_segments(con, *, run: RunParams, scheme: Scheme,
                            input_checksums: dict[str, str],
                            store: Path | None = None) -> duckdb.DuckDBPyRelation:
    """Table campaign_segments: each targeted customer's segment the day before the campaign.

    Each day's segments come from `store` (days.campaign_store(): page 05's own) when it keeps
    them, else from page 01/02's snapshot of that day, else they are computed (and kept in
    `store` when one is given). A campaign's day lies in the past: a new month's export
    leaves it as it was, so a later month reads it instead of computing it again."""
    starts = con.execute("select campaign_id, start_date from campaigns where start_date <= ? "
                         "order by start_date", [run.as_of]).fetchall()
    # built in DuckDB, campaign by campaign: at 100M lines a campaign's day holds 18.7M
    # customers, so nothing of it passes through Python
    con.execute("create or replace temp table campaign_segments (customer_id varchar, "
                "segment varchar, campaign_id varchar)")
    for campaign_id, start in starts:
        days.segments_at(con, "seg_campaign", run=run, scheme=scheme,
                         day=start - timedelta(days=1), input_checksums=input_checksums,
                         store=store)
        con.execute("insert into campaign_segments select customer_id, segment, ? "
                    "from seg_campaign", [campaign_id])
    return con.table("campaign_segments")


def build_campaign_results(con, *, as_of: date, excluded_statuses=()) -> duckdb.DuckDBPyRelation:
    """Per campaign and per (campaign, segment): delivery, conversions, uplift, revenue, ROI."""
    return db.build(con, "campaign_results",
                    **rfm.order_params(as_of=as_of, excluded_statuses=excluded_statuses))


def check_params(*, holdout_share, detectable_uplift, target_uplift=None, margin=None) -> None:
    """The campaign page's own parameters, each a share: holdout_share in [0, 1),
    detectable_uplift and target_uplift in (0, 1) (0.005 = 0.5 points; target_uplift None: the
    detectable_uplift), margin in (0, 1] or None (ROI then on revenue)."""

    def share(key, value, example, *, upper=False, optional=False, zero=False):
        if optional and value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                0 < value < 1 or (upper and value == 1) or (zero and value == 0)):
            raise ParamError(f"{key} = {value!r}: give a share between 0 and 1 such as {example}"
                             + (" (or leave it empty)" if optional else ""))

    share("holdout_share", holdout_share, "0.1 (10% of the list held out; 0 for none)",
          zero=True)
    share("detectable_uplift", detectable_uplift, "0.02 (2 points of purchase rate)")
    share("target_uplift", target_uplift, "0.005 (0.5 points of purchase rate)", optional=True)
    share("margin", margin, "0.3 (30% of revenue is margin)", upper=True, optional=True)


# the tables notebook 05 makes itself (the campaign files, each campaign's segments, the other
# outcomes): the campaign models' sources
CAMPAIGN_SOURCES = ("campaigns", "campaign_sends", "campaign_holdout", "campaign_segments",
                    "campaign_outcome_values")


def share_sources(con, names=CAMPAIGN_SOURCES) -> None:
    """With `engine: spark`, tables made on this connection become sources the attached engine
    holds too (db.register), so the campaign models run there like pages 01-04's; on DuckDB
    alone nothing changes."""
    if db.engine(con).attached is None:
        return
    for name in names:
        db.register(con, name, con.table(name).to_arrow_table(), replace=True)


def measured_campaigns(con, *, as_of: date, excluded_statuses=(), holdout_share: float,
                       margin: float | None = None) -> pd.DataFrame:
    """campaign_results with every interval and check (pages/campaigns/measure.py): the
    campaign_results model's per-arm sums measured, overlapping campaigns named
    (campaign_overlaps.sql), each campaign's planned holdout share and margin joined."""
    share_sources(con)
    results = build_campaign_results(con, as_of=as_of, excluded_statuses=excluded_statuses).df()
    overlaps = db.build(con, "campaign_overlaps", as_of=as_of).df()
    settings = con.execute("select campaign_id, planned_holdout_share, margin "
                           "from campaigns").df()
    results = results.merge(settings, on="campaign_id", how="left")
    return measure.measure(results, holdout_share=holdout_share, margin=margin,
                           overlaps=overlaps)


def outcome_results(con, *, as_of: date) -> pd.DataFrame:
    """The outcomes besides purchases that campaigns.csv names (campaign_outcomes.sql), measured
    against the holdout."""
    return measure.outcome_effects(db.build(con, "campaign_outcomes", as_of=as_of).df())


def next_campaign_plan(con, *, run: RunParams, scheme: Scheme, results: pd.DataFrame,
                       input_checksums: dict[str, str], holdout_share: float,
                       target_uplift: float, store: Path | None = None) -> pd.DataFrame:
    """campaign_plan.csv's rows: per segment of the scheme, its customers at the as-of, its base
    rate (the measured campaigns' holdouts, else its own window before the as-of) and what a
    campaign on it can detect (pages/campaigns/plan.py). The segments at the window's start are
    kept in `store` (days.segments_at)."""
    customers = rfm.build_rfm_customers(con, run=run, scheme=scheme).alias
    counted = dict(con.execute(f"select segment, count(*) from {customers} group by segment")
                   .fetchall())
    sizes = {key: int(counted.get(key, 0)) for key in scheme.keys}
    history = plan.holdout_history(results)
    own = None
    if any(k not in set(history.segment) for k in sizes):
        started = results[results.segment == "all"].sort_values("start_date")
        window = (int(started.attribution_days.iloc[-1]) if len(started)
                  else plan.PLAN_WINDOW_DAYS)
        own = plan.own_history(con, run=run, scheme=scheme, input_checksums=input_checksums,
                               window_days=window, store=store)
    return plan.campaign_plan(sizes, history=history, own=own, holdout_share=holdout_share,
                              target_uplift=target_uplift)


def sample_size(*, base_rate: float, uplift: float, holdout_share: float = 0.1,
                alpha: float = 0.05, power: float = 0.8) -> dict:
    """Customers a segment needs so that `uplift` (absolute, e.g. 0.02) would be detected.

    Two-sided test of two proportions with unequal groups (treated : holdout = k : 1).
    """
    if not 0 < base_rate < 1 or uplift <= 0 or base_rate + uplift >= 1:
        raise ValueError("base_rate must be in (0, 1) and base_rate + uplift below 1")
    if not 0 < holdout_share < 1:
        raise ValueError("holdout_share must be between 0 and 1")
    p1, p2 = base_rate, base_rate + uplift
    k = (1 - holdout_share) / holdout_share
    z_a = NormalDist().inv_cdf(1 - alpha / 2)
    z_b = NormalDist().inv_cdf(power)
    p_bar = (p1 + k * p2) / (1 + k)
    n_holdout = (z_a * math.sqrt(p_bar * (1 - p_bar) * (1 + 1 / k))
                 + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)) ** 2 / uplift ** 2
    n_holdout = math.ceil(n_holdout)
    n_treated = math.ceil(k * n_holdout)
    return {"holdout": n_holdout, "treated": n_treated, "total": n_holdout + n_treated}


def split_holdout(con, *, source_table: str, campaign_key: str,
                  holdout_share: float) -> duckdb.DuckDBPyRelation:
    """Table holdout_split: the list with is_holdout from a stable hash (holdout_split.sql)."""
    if not source_table.replace("_", "").isalnum():
        raise ValueError(f"invalid table name {source_table!r}")
    if not 0 <= holdout_share < 1:
        raise ValueError(f"holdout_share = {holdout_share}: must be in [0, 1)")
    return db.build(con, "holdout_split", inputs={"campaign_list": source_table},
                    campaign_key=campaign_key, holdout_share=holdout_share)


def plain_verdict(row, lang: str = "vi") -> str:
    """'the campaign increased purchases' or 'no evidence the campaign changed behaviour'."""
    if pd.isna(row.uplift_ci_low) or pd.isna(row.uplift_ci_high):
        return pick(lang, "không đủ dữ liệu để kết luận", "not enough data to tell")
    if row.uplift_ci_low > 0:
        return pick(lang, "chiến dịch đã làm tăng mua hàng", "the campaign increased purchases")
    if row.uplift_ci_high < 0:
        return pick(lang, "chiến dịch đã làm giảm mua hàng", "the campaign reduced purchases")
    return pick(lang, "không có bằng chứng chiến dịch làm thay đổi hành vi",
                "no evidence the campaign changed behaviour")


def next_campaign_path(output_dir: Path, campaign_key: str) -> Path:
    """<output_dir>/campaign_lists/<key>: the key is a plain name, never a path."""

    folder = Path(output_dir) / "campaign_lists"
    return inside(folder, folder / check_key(campaign_key, "next_campaign_key"))


def prepare_next_campaign(con, *, run: RunParams, scheme: Scheme, target: str, key: str,
                          holdout_share: float) -> dict | None:
    """Send lists and a holdout for the next campaign on segment `target` (None when no target)."""

    if not target:
        return None
    if target not in scheme.keys:
        raise ValueError(f"next_campaign_target = {target!r} is not a segment of scheme "
                         f"{scheme.name}: use one of {scheme.keys}")
    key = key or f"{target}-{run.as_of.isoformat()}"
    customers = rfm.build_rfm_customers(con, run=run, scheme=scheme).alias
    con.execute(f"create or replace temp table next_campaign_base as "
                f"select * from {customers} where segment = ?", [target])
    split = split_holdout(con, source_table="next_campaign_base", campaign_key=key,
                          holdout_share=holdout_share).alias
    folder = next_campaign_path(run.output_dir, key)
    result = files.write_campaign_list(con, folder=folder, as_of=run.as_of, lang=run.lang,
                                       split=split)
    # the segment the list was drawn from: page 00 reads its row of campaign_plan.csv
    (folder / CAMPAIGN_FILE).write_text(json.dumps({"segment": target, "key": key,
                                                    "as_of": run.as_of.isoformat(),
                                                    "holdout_share": holdout_share}),
                                        encoding="utf-8")
    # the sizes the page says are read back from the lists written, as page 00 reads them
    # (next_campaign_size): one source for the campaign's size on both pages
    # pages show where the lists are inside the month folder, never a server path
    return result | next_campaign_size(folder) | {"folder": f"campaign_lists/{key}/", "key": key,
                                                  "target": scheme.label(target, run.lang)}


CAMPAIGN_FILE = "campaign.json"  # in campaign_lists/<key>/: which segment, as of when


def next_campaign_segment(folder: Path) -> str | None:
    """The segment key the next campaign's list in `folder` was drawn from (None for lists
    written before campaign.json was)."""
    path = Path(folder) / CAMPAIGN_FILE
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("segment")
    except (ValueError, AttributeError):
        return None


def next_campaign_size(folder: Path) -> dict:
    """The next campaign's size, as pages 05 and 00 both show it, from the lists in `folder`
    (campaign_lists/<key>/): every customer of the target segment is on the campaign's list,
    `customers` = `treated` (to contact) + `holdout` (kept out, never contacted); `send` counts,
    per channel, the treated customers that channel can reach (consent and a valid contact).

    Read from the send lists' manifests (their `candidates` and `left_out.holdout`) and checked
    against holdout.csv: a folder without them is an error naming what is missing."""

    folder = Path(folder)
    manifests = {c: folder / f"send_{c}.manifest.json" for c in CHANNELS}
    missing = [p.name for p in manifests.values() if not p.exists()]
    if missing or not (folder / "holdout.csv").exists():
        raise FileNotFoundError(
            f"{folder.name}: the next campaign's lists are incomplete "
            f"({', '.join(missing + ([] if (folder / 'holdout.csv').exists() else ['holdout.csv']))}"
            f" missing); run notebook 05 again to write them.")
    read = {c: json.loads(p.read_text(encoding="utf-8")) for c, p in manifests.items()}
    candidates = {m["candidates"] for m in read.values()}
    holdouts = {m["left_out"].get("holdout", 0) for m in read.values()}
    held = csv_rows(folder / "holdout.csv")
    if len(candidates) != 1 or holdouts != {held}:
        raise ValueError(f"{folder.name}: the send lists' manifests disagree on the campaign's "
                         f"size (candidates {sorted(candidates)}, holdout {sorted(holdouts)}, "
                         f"holdout.csv {held} rows); run notebook 05 again.")
    customers = candidates.pop()
    return {"customers": customers, "holdout": held, "treated": customers - held,
            "send": {c: int(m["rows"]) for c, m in read.items()}}


def totals(results: pd.DataFrame) -> pd.DataFrame:
    """One row per campaign (segment 'all')."""
    return results[results.segment == "all"]


def segment_detail(results: pd.DataFrame, *, min_group: int = 30) -> pd.DataFrame:
    """Per (campaign, segment) rows where both groups are large enough to say something."""
    return results[(results.segment != "all") & (results.sent >= min_group)
                   & (results.holdout >= min_group)]
