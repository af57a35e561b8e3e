"""Page 06 against page 01, and whether the fit can call anyone fading.

`against_rfm` counts, among the customers the scheme's worst buying segment holds (rfm11:
"lost", "Đã mất"), how many the model still thinks likely to buy (P(alive) >= 0.5), with their
rhythm: the usual gap between their purchases and the days since their last one.

`verdict` says whether the fit can be used to call anyone fading; `write_fit_check` writes it to
value/fit_check.json, for page 00 (documented in data/raw/README.md's neighbour, README.md's
outputs table, and here):

    {"verdict": "ok" | "nobody_leaves" | "everybody_left" | "not_fitted",
     "fading_action": "show" | "drop",   # drop: leave the fading best customers out of the month
     "reason": "...", "as_of": "YYYY-MM-DD", "model": "bg_nbd" | "mbg_nbd",
     "status": "ok" | ..., "judged_on": "buyers" | "repeat_buyers",
     "mean_dropout": a / (a + b), "long_inactive_days": 180, "long_inactive_customers": n,
     "long_inactive_likely_share": s, "buyers": n, "likely_share": s,
     "lost_segment": "lost", "lost_customers": n, "lost_likely": n}

nobody_leaves: on average under 1% of customers leave after a purchase, or 90% or more of the
buyers silent for 180 days or more are still called likely to buy (at least 20 of them);
everybody_left: 5% of buyers or fewer are called likely to buy. Either way the list of fading
best customers means nothing, and the page says so in words.

Under the BG/NBD (value_model: bg_nbd) a customer who bought once cannot have left (P(alive) = 1
by the model's assumption, not by the data), so the buyers silent for 180 days and the share
called likely are those of the repeat buyers (`judged_on`: repeat_buyers; `buyers` is then their
number): a shop of many one-time buyers is not called one where nobody leaves for them alone.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import duckdb

from helpers.core.schemes import PROSPECT

LIKELY = 0.5  # P(alive) from which the model thinks a customer likely to buy again
LONG_INACTIVE_DAYS = 180
RULE_DAYS = 45  # the fixed rule page 06's P(alive) chart draws: "gone after 45 days"
NOBODY_LEAVES_DROPOUT = 0.01
NOBODY_LEAVES_SHARE = 0.9
MIN_LONG_INACTIVE = 20
EVERYBODY_LEFT_SHARE = 0.05
VERDICTS = ("ok", "nobody_leaves", "everybody_left", "not_fitted")


def lost_segment(scheme) -> str:
    """The scheme's worst segment of buyers (prospects never bought): rfm11's lost."""
    return [s for s in scheme.order if s != PROSPECT][-1]


def against_rfm(con: duckdb.DuckDBPyConnection, lost: str) -> dict:
    """From source customer_value (write_values' file): the lost segment's customers, and for
    those the model calls likely to buy (`likely_…`) and those it calls gone (`gone_…`): how many,
    how many bought once (`…_once`, with the median days since that purchase), and for those who
    bought more than once the medians of their usual gap between purchases and of the days since
    their last one; then the buyers silent for LONG_INACTIVE_DAYS or more, every buyer, and the
    fixed rule's count: silent over RULE_DAYS (`rule_lost`), of them likely to buy, and those
    within it the model calls gone (`rule_kept_gone`)."""
    row = con.execute("""
        with v as (
            select *, p_alive >= $likely as likely, segment = $lost as lost,
                   (T - t_x) * 7 as since_days,
                   case when x > 0 then t_x / x * 7 end as gap_days
            from customer_value
            where p_alive is not null
        )
        select
            count(*) filter (where lost),
            count(*) filter (where lost and likely),
            count(*) filter (where lost and likely and x = 0),
            median(since_days) filter (where lost and likely and x = 0),
            median(gap_days) filter (where lost and likely and x > 0),
            median(since_days) filter (where lost and likely and x > 0),
            count(*) filter (where lost and not likely and x = 0),
            median(since_days) filter (where lost and not likely and x = 0),
            median(gap_days) filter (where lost and not likely and x > 0),
            median(since_days) filter (where lost and not likely and x > 0),
            count(*) filter (where since_days >= $long),
            count(*) filter (where since_days >= $long and likely),
            count(*),
            count(*) filter (where likely),
            count(*) filter (where since_days > $rule),
            count(*) filter (where since_days > $rule and likely),
            count(*) filter (where since_days <= $rule and not likely),
            count(*) filter (where since_days >= $long and x > 0),
            count(*) filter (where since_days >= $long and likely and x > 0),
            count(*) filter (where x > 0),
            count(*) filter (where likely and x > 0)
        from v
    """, {"likely": LIKELY, "lost": lost, "long": LONG_INACTIVE_DAYS,
          "rule": RULE_DAYS}).fetchall()[0]
    keys = ("lost_customers", "lost_likely", "likely_once", "likely_once_since_days",
            "likely_gap_days", "likely_since_days", "gone_once", "gone_once_since_days",
            "gone_gap_days", "gone_since_days", "long_inactive_customers",
            "long_inactive_likely", "buyers", "likely", "rule_lost", "rule_lost_likely",
            "rule_kept_gone", "long_inactive_repeat", "long_inactive_repeat_likely",
            "repeat_buyers", "repeat_likely")
    return {"lost_segment": lost, "rule_days": RULE_DAYS, **dict(zip(keys, row))}


def verdict(fit, figures: dict) -> dict:
    """What the fit says about leaving, from `figures` (against_rfm): ok, nobody_leaves,
    everybody_left, or not_fitted; with the figures behind it (the repeat buyers' under the
    BG/NBD, where a one-time buyer is alive by assumption: see the module)."""
    repeat_only = fit.model == "bg_nbd"
    # the figures judged: every buyer's, or the repeat buyers' (against_rfm's keys)
    buyers, likely, long_key, long_likely = (
        ("repeat_buyers", "repeat_likely", "long_inactive_repeat", "long_inactive_repeat_likely")
        if repeat_only else
        ("buyers", "likely", "long_inactive_customers", "long_inactive_likely"))
    who = "repeat buyers" if repeat_only else "buyers"
    out = {"model": fit.model, "status": fit.status,
           "judged_on": "repeat_buyers" if repeat_only else "buyers", "mean_dropout": None,
           "long_inactive_days": LONG_INACTIVE_DAYS,
           "long_inactive_customers": figures.get(long_key) or 0,
           "long_inactive_likely_share": None, "buyers": figures.get(buyers) or 0,
           "likely_share": None, "lost_segment": figures.get("lost_segment"),
           "lost_customers": figures.get("lost_customers") or 0,
           "lost_likely": figures.get("lost_likely") or 0}
    if not fit.ok or not out["buyers"]:
        return {"verdict": "not_fitted", "fading_action": "drop",
                "reason": f"the model was not fitted ({fit.status})" if not fit.ok else
                          f"no {who} to judge the fit on", **out}
    a, b = fit.bgnbd["a"], fit.bgnbd["b"]
    out["mean_dropout"] = a / (a + b)
    out["likely_share"] = (figures.get(likely) or 0) / out["buyers"]
    long = out["long_inactive_customers"]
    if long:
        out["long_inactive_likely_share"] = (figures.get(long_likely) or 0) / long
    if out["mean_dropout"] < NOBODY_LEAVES_DROPOUT:
        return {"verdict": "nobody_leaves", "fading_action": "drop",
                "reason": f"a / (a + b) = {out['mean_dropout']:.4g} < {NOBODY_LEAVES_DROPOUT}",
                **out}
    if long >= MIN_LONG_INACTIVE and out["long_inactive_likely_share"] >= NOBODY_LEAVES_SHARE:
        return {"verdict": "nobody_leaves", "fading_action": "drop",
                "reason": f"{out['long_inactive_likely_share']:.0%} of {long} {who} silent for "
                          f"{LONG_INACTIVE_DAYS} days or more are called likely to buy", **out}
    if out["likely_share"] <= EVERYBODY_LEFT_SHARE:
        return {"verdict": "everybody_left", "fading_action": "drop",
                "reason": f"only {out['likely_share']:.1%} of {who} are called likely to buy",
                **out}
    return {"verdict": "ok", "fading_action": "show", "reason": "", **out}


def write_fit_check(check: dict, path: Path, *, as_of: date) -> Path:
    """value/fit_check.json: the verdict and its figures (see the module's docstring)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"verdict": check["verdict"], "fading_action": check["fading_action"],
            "reason": check["reason"], "as_of": as_of.isoformat(),
            **{k: _plain(v) for k, v in check.items()
               if k not in ("verdict", "fading_action", "reason")}}
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def _plain(value):
    """JSON's numbers: floats rounded to 6 digits, integers as they are."""
    if isinstance(value, float):
        return round(value, 6)
    return value


# ---------------------------------------------------------------- one-time buyers by age

# days since a one-time buyer's purchase: the lower bounds of the bands page 06 shows them in
ONE_TIME_AGES = (0, 31, 91, 181, 366, 731)


def one_time_buyers(con: duckdb.DuckDBPyConnection, backtest: str | None = None):
    """One-time buyers (x = 0) by days since their purchase (ONE_TIME_AGES), from source
    customer_value: how many and their mean P(alive) (1 under the BG/NBD whatever the age); with
    `backtest` (backtest.SCRATCH: every customer at the back-test's fit, with what they bought
    since), the share of those who were one-time buyers of that age then who bought since: what
    happened to them, which the BG/NBD's P(alive) cannot say. `backtest` comes from the calling
    code."""
    import pandas as pd

    cases = " ".join(f"when since >= $age{i} then {i}"
                     for i in reversed(range(len(ONE_TIME_AGES))))
    ages = {f"age{i}": low for i, low in enumerate(ONE_TIME_AGES)}
    now = con.execute(f"""
        with v as (select (T - t_x) * 7 as since, p_alive from customer_value where x = 0)
        select case {cases} else 0 end as band, count(*) as customers, avg(p_alive) as p_alive
        from v group by band order by band
    """, ages).df()
    frame = pd.DataFrame({"band": range(len(ONE_TIME_AGES))})
    frame = frame.merge(now, on="band", how="left")
    if backtest:
        then = con.execute(f"""
            with b as (select (T - t_x) * 7 as since, actual_purchases from {backtest}
                       where x = 0)
            select case {cases} else 0 end as band,
                   avg(case when actual_purchases > 0 then 1.0 else 0.0 end) as bought_share
            from b group by band
        """, ages).df()
        frame = frame.merge(then, on="band", how="left")
    else:
        frame["bought_share"] = None
    frame["customers"] = frame.customers.fillna(0).astype(int)
    frame["low_days"] = [ONE_TIME_AGES[b] for b in frame.band]
    frame["high_days"] = [ONE_TIME_AGES[b + 1] - 1 if b + 1 < len(ONE_TIME_AGES) else None
                          for b in frame.band]
    frame = frame[frame.customers > 0]
    return frame[["low_days", "high_days", "customers", "p_alive", "bought_share"]
                 ].reset_index(drop=True)
