"""A deterministic, realistic sample shop: customers, order lines and campaigns.

A Vietnamese retailer over about three years: most buyers buy once, spend is heavy-tailed, a few
percent of customers carry most revenue, sales peak at Tết, 11/11 and 12/12. Some campaigns have a
true effect on purchases, others none, and each has a holdout that was not contacted.

    python -m helpers.sample_data [--customers N] [--orders N] [--seed S] [--out data/raw]

`--orders` is the number of order lines. Everything is vectorised, so 10 million lines take well
under a minute; the same seed always writes the same bytes.
"""

from __future__ import annotations

import argparse
import shutil
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from helpers.core.paths import DATA_RAW
from helpers.core.privacy import DEFAULT_FILE_MODE, use_file_mode
from helpers.ingest.sample_people import (
    ASCII_FOLD,
    CHANNEL_W,
    CHANNELS,
    PROVINCE_W,
    PROVINCES,
    dates_str,
    ddmmyyyy,
    people_names,
    phones,
)

# The shop's history follows the as-of date it is made for (by default the last day of the previous
# month, what `make report` analyses): about three years up to 20 days past it, so that the last
# month is complete and the as-of rule has lines to cut.
DAYS_PAST_AS_OF = 20
# the as-of date the sample's documented figures (README, tests) were computed for
REFERENCE_AS_OF = date(2026, 10, 31)
HISTORY_YEARS = 3


def history(as_of: date, today: date | None = None) -> tuple[date, date]:
    """(first day, last day) of the sample's orders for an as-of date: never after `today` (the
    day the sample is made), so no order is dated in the future."""
    today = today or date.today()
    if as_of > today:
        raise ValueError(f"as_of {as_of} is after today ({today}): a shop has no orders yet for "
                         f"a month that has not happened; give a date up to {today}")
    end = min(as_of + timedelta(days=DAYS_PAST_AS_OF), today)
    first_of_next = (as_of.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next.replace(year=first_of_next.year - HISTORY_YEARS), end


def default_as_of(today: date | None = None) -> date:
    today = today or date.today()
    return today.replace(day=1) - timedelta(days=1)

@dataclass(frozen=True)
class SampleCounts:
    customers: int
    prospects: int
    order_lines: int
    campaigns: int
    sends: int
    holdout: int
    truth: Truth | None = None


def _day_weights(days: np.ndarray) -> np.ndarray:
    """Relative daily signups: growth over time, and the season (_season)."""
    w = (0.7 + 0.6 * np.linspace(0.0, 1.0, len(days))) * _season(days)
    return w / w.sum()


def _season(days: np.ndarray) -> np.ndarray:
    """How busy each day is, 1 on average: Tết, 11/11, 12/12, weekends. Repeat purchases run on
    this clock, so a customer's rate is per average week."""
    d = days.astype("datetime64[D]")
    month = (d.astype("datetime64[M]").astype(int) % 12) + 1
    dom = (d - d.astype("datetime64[M]")).astype(int) + 1
    dow = (d.astype(int) + 3) % 7  # 0 = Monday
    w = np.where(dow >= 5, 1.25, 1.0)
    w *= np.where((month == 11) & (dom == 11), 6.0, 1.0)
    w *= np.where((month == 12) & (dom == 12), 5.0, 1.0)
    w *= np.where((month == 11) & (dom >= 9) & (dom <= 12), 1.6, 1.0)
    # the weeks before Tết (late January / early February)
    w *= np.where(((month == 1) & (dom >= 10)) | ((month == 2) & (dom <= 5)), 2.0, 1.0)
    return w / w.mean()


# Customers made together from one random stream. A shop of more customers is made unit by unit
# (unit 0 from the seed itself, unit u from [seed, u]), so memory stays bounded and the bytes do
# not depend on how many units are held at once.
UNIT_CUSTOMERS = 250_000


# ---------------------------------------------------------------- the true process
# Customers buy and leave as in the MBG/NBD model (Batislam, Denizel & Filiztekin 2007): while a
# customer, each buys at their own rate (purchases per week, gamma across customers: shape r, rate
# alpha) and after every purchase, the first included, leaves for good with their own chance
# (beta across customers: a, b). Each spends per purchase as in the Gamma-Gamma model (Fader,
# Hardie & Lee 2005; Colombo & Jiang 1999): gamma of shape p and a rate of the customer's own,
# gamma across customers (shape q, rate v, in đồng). r, a and b are the MBG/NBD fit of the CDNOW
# sample (an online music retailer; lifetimes' ModifiedBetaGeoFitter, and notebook 06 on it),
# p and q its Gamma-Gamma fit; v puts the mean purchase near 340,000 đ. alpha is set so that
# the shop has about `orders` order lines (true_parameters): 20,000 customers and 100,000 lines
# give alpha ≈ 4 weeks, near CDNOW's 6.2 (a customer buying a little more often).
TRUE_R, TRUE_A, TRUE_B = 0.525, 0.891, 1.614
TRUE_P, TRUE_Q, TRUE_V = 6.25, 3.74, 150_000.0
MAX_PURCHASES = 150  # a customer's purchases at most (the rare one who never leaves)
CANCELLED_SHARE = 0.075  # more orders, cancelled or failed, on a purchase's day
MIN_AMOUNT = 20_000
# order lines per purchase: 10% of orders have 2-4 lines, the cancelled ones, 2% refunded
LINES_PER_PURCHASE = 1.2 * (1 + CANCELLED_SHARE) + 0.02
PROSPECT_SHARE = 0.14


@dataclass(frozen=True)
class Truth:
    """The parameters the sample was made with (time in weeks, money in đồng)."""

    r: float
    alpha: float
    a: float
    b: float
    p: float = TRUE_P
    q: float = TRUE_Q
    v: float = TRUE_V

    def as_dict(self) -> dict:
        return dict(vars(self))


def true_parameters(as_of: date, *, customers: int = 20_000, orders: int = 100_000,
                    today: date | None = None) -> Truth:
    """The parameters generate() uses for this shop: alpha such that the expected repeat
    purchases give about `orders` lines, from 100,000 buyers of a fixed stream (so it depends on
    the calendar and on orders per customer only, never on the seed)."""
    history_start, history_end = history(as_of, today)
    all_days = np.arange(np.datetime64(history_start), np.datetime64(history_end) + 1)
    busy, cdf = _clocks(all_days)
    per_buyer = max(orders / customers / LINES_PER_PURCHASE / (1 - PROSPECT_SHARE) - 1, 0.01)
    rng = np.random.default_rng(20071)
    first = np.minimum(np.searchsorted(cdf, rng.random(100_000)) + rng.geometric(0.15, 100_000) - 1,
                       len(all_days) - 1)
    weeks = busy[-1] - busy[first + 1]
    rate = rng.gamma(TRUE_R, 1.0, 100_000)  # times alpha
    leave = rng.beta(TRUE_A, TRUE_B, 100_000)
    low, high = np.log(1e-3), np.log(1e5)
    for _ in range(60):  # E[repeats | rate, leave, weeks] = (1-p)(1-exp(-rate p weeks))/p
        alpha = np.exp((low + high) / 2)
        mean = np.mean((1 - leave) * -np.expm1(-rate / alpha * leave * weeks) / leave)
        low, high = (low, np.log(alpha)) if mean < per_buyer else (np.log(alpha), high)
    return Truth(r=TRUE_R, alpha=round(float(alpha), 4), a=TRUE_A, b=TRUE_B)


def _clocks(all_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """busy: the busy weeks passed at the start of each day (and the end of the last one);
    cdf: the cumulative share of signups by day."""
    busy = np.r_[0.0, np.cumsum(_season(all_days))] / 7.0
    return busy, np.cumsum(_day_weights(all_days))


def generate(
    out: Path = DATA_RAW, *, customers: int = 20_000, orders: int = 100_000, seed: int = 42,
    as_of: date | None = None, chunk_units: int = 2, today: date | None = None,
) -> SampleCounts:
    """Write customers.csv, orders.csv, campaigns.csv, campaign_sends.csv, campaign_holdout.csv
    for a shop analysed as of `as_of` (default: the last day of the previous month), with orders
    up to 20 days after it but never after `today` (default: the day it runs). The same seed,
    as-of date and last day give the same bytes; `counts.truth` are the true parameters.

    Up to UNIT_CUSTOMERS customers everything is made at once; a larger shop is made in units of
    that size, `chunk_units` at a time, its order lines sorted by DuckDB with bounded memory."""
    as_of = as_of or default_as_of(today)
    history_start, history_end = history(as_of, today)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = np.datetime64(history_start)
    all_days = np.arange(start, np.datetime64(history_end) + 1)
    n_cust = int(customers)
    truth = true_parameters(as_of, customers=n_cust, orders=int(orders), today=today)
    calendar = (all_days, *_clocks(all_days), truth)
    sizes = [min(UNIT_CUSTOMERS, n_cust - i) for i in range(0, n_cust, UNIT_CUSTOMERS)]
    if len(sizes) == 1:
        unit = _unit(np.random.default_rng(seed), calendar, first_customer=1,
                     n_cust=n_cust, order_offset=0, ref_offset=0)
        campaigns, sends, holdout, extra = _unit_campaigns(unit, seed, as_of, history_start)
        for key in unit.lines:
            unit.lines[key] = np.concatenate([unit.lines[key], extra[key]])
        orders_table = _add_messy_rows(_sorted_lines(unit.lines, all_days))
        pacsv.write_csv(orders_table, out / "orders.csv")
        pacsv.write_csv(unit.customers, out / "customers.csv")
        order_lines, prospects = orders_table.num_rows, unit.prospects
    else:
        campaigns, sends, holdout, order_lines, prospects = _generate_units(
            out, sizes, seed=seed, as_of=as_of, history_start=history_start,
            calendar=calendar, chunk_units=chunk_units)
    pacsv.write_csv(campaigns, out / "campaigns.csv")
    pacsv.write_csv(sends, out / "campaign_sends.csv")
    pacsv.write_csv(holdout, out / "campaign_holdout.csv")
    return SampleCounts(
        customers=n_cust,
        prospects=prospects,
        order_lines=order_lines,
        campaigns=campaigns.num_rows,
        sends=sends.num_rows,
        holdout=holdout.num_rows,
        truth=truth,
    )


@dataclass
class _Unit:
    lines: dict            # order lines, unsorted: order_id, customer_id, day, sec, amount, ...
    customers: pa.Table    # the customers file's rows of this unit
    buyer_ids: np.ndarray
    first_order_day: np.ndarray
    left_day: np.ndarray  # the day each buyer left for good (their last purchase), or n_days
    last_day: int  # the history's last day (its index)
    spend: tuple  # (p, each buyer's rate): what a purchase costs, gamma(p, rate)
    prospects: int
    orders: int
    refunds: int


def _unit(rng: np.random.Generator, calendar, *, first_customer: int, n_cust: int,
          order_offset: int, ref_offset: int) -> _Unit:
    """One unit of customers with their orders, from one random stream."""
    all_days, busy, cdf, truth = calendar
    n_days = len(all_days)

    # ---------- customers
    cust_ids = np.char.add("KH", np.char.zfill(
        np.arange(first_customer, first_customer + n_cust).astype(str), 7))
    # signups grow over time; a share never buys (prospects)
    signup_idx = np.minimum(np.searchsorted(cdf, rng.random(n_cust)), n_days - 1)
    signup = all_days[signup_idx]
    is_prospect = rng.random(n_cust) < PROSPECT_SHARE
    buyers = np.flatnonzero(~is_prospect)
    n_buyers = len(buyers)

    # ---------- purchases: when each buyer buys and leaves (MBG/NBD), what each spends
    # (Gamma-Gamma); the parameters are `truth`'s, written in data/raw/README.md
    first_idx = np.minimum(signup_idx[buyers] + rng.geometric(0.15, n_buyers) - 1, n_days - 1)
    rate = np.maximum(rng.gamma(truth.r, 1.0 / truth.alpha, n_buyers), 1e-12)  # a week
    leave = rng.beta(truth.a, truth.b, n_buyers)  # the chance of leaving after each purchase
    allowed = np.minimum(rng.geometric(leave) - 1, MAX_PURCHASES - 1)  # repeats before leaving
    # repeat purchases: a Poisson process of `rate` in the shop's busy weeks (Tết, 11/11 and
    # 12/12 are busier) from the day after the first, until the customer leaves or history ends
    owner = np.repeat(np.arange(n_buyers), allowed)
    total = np.cumsum(rng.exponential(1.0, len(owner)) / rate[owner])
    starts = np.r_[0, np.cumsum(allowed)[:-1]]
    when = total - np.repeat(np.r_[0.0, total][starts], allowed)
    busy_at = busy[first_idx + 1][owner] + when
    kept = busy_at < busy[-1]
    repeat_day = np.searchsorted(busy, busy_at[kept], side="right") - 1
    made = np.bincount(owner[kept], minlength=n_buyers)
    purchase_cust = np.r_[np.arange(n_buyers), owner[kept]]
    purchase_day = np.r_[first_idx, repeat_day]
    order = np.lexsort((purchase_day, purchase_cust))
    purchase_cust, purchase_day = purchase_cust[order], purchase_day[order]
    k = made + 1
    group_start = np.r_[0, np.cumsum(k)[:-1]]
    # the day each left for good (their last purchase), or n_days: still a customer
    left_day = np.where(made == allowed, purchase_day[group_start + k - 1], n_days)
    # ~7% more orders are cancelled or failed: the same customer and day, never a purchase
    again = np.flatnonzero(rng.random(len(purchase_cust)) < CANCELLED_SHARE)
    order_cust = np.r_[purchase_cust, purchase_cust[again]]
    day_idx = np.r_[purchase_day, purchase_day[again]]
    n_ord = len(order_cust)
    order_status = np.r_[np.zeros(len(purchase_cust), np.int64),
                         rng.choice([1, 2], len(again), p=[0.7, 0.3])]  # cancelled, failed
    spend_rate = rng.gamma(truth.q, 1.0 / truth.v, n_buyers)
    order_amount = np.round(rng.gamma(truth.p, 1.0, n_ord) / spend_rate[order_cust], -3
                            ).clip(MIN_AMOUNT, None)
    order_channel = rng.choice(len(CHANNELS), n_ord, p=CHANNEL_W)

    # ---------- lines: ~10% of orders have 2-4 lines
    lines_per = np.where(rng.random(n_ord) < 0.10, rng.integers(2, 5, n_ord), 1)
    line_order = np.repeat(np.arange(n_ord), lines_per)
    n_ln = len(line_order)
    share = rng.random(n_ln) + 0.2
    share_sum = np.bincount(line_order, weights=share)
    line_amount = np.round(order_amount[line_order] * share / share_sum[line_order], -3)
    line_amount = np.maximum(line_amount, 1000)
    seconds = rng.integers(8 * 3600, 24 * 3600, n_ord)  # shops open 8:00 to midnight
    line_day = day_idx[line_order]
    line_sec = seconds[line_order]

    # refunds: ~2% of completed orders get a negative line a few days later, as its own order
    refund_of = np.flatnonzero((order_status == 0) & (rng.random(n_ord) < 0.02))
    n_ref = len(refund_of)
    ref_day = np.minimum(day_idx[refund_of] + rng.integers(1, 15, n_ref), n_days - 1)
    ref_amount = -np.round(order_amount[refund_of] * rng.choice([1.0, 0.5, 0.3], n_ref), -3)

    order_ids = np.char.add("DH", np.char.zfill(
        np.arange(order_offset + 1, order_offset + n_ord + 1).astype(str), 8))
    ref_ids = np.char.add("TH", np.char.zfill(
        np.arange(ref_offset + 1, ref_offset + n_ref + 1).astype(str), 8))
    status_names = np.array(["completed", "cancelled", "failed"])

    cust_of_line = cust_ids[buyers][order_cust[line_order]]
    lines = {
        "order_id": np.concatenate([order_ids[line_order], ref_ids]),
        "customer_id": np.concatenate([cust_of_line, cust_ids[buyers][order_cust[refund_of]]]),
        "day": np.concatenate([line_day, ref_day]),
        "sec": np.concatenate([line_sec, seconds[refund_of]]),
        "amount": np.concatenate([line_amount, ref_amount]).astype(np.int64),
        "status": np.concatenate([status_names[order_status[line_order]],
                                  np.full(n_ref, "refunded")]),
        "channel": np.concatenate([np.array(CHANNELS)[order_channel[line_order]],
                                   np.array(CHANNELS)[order_channel[refund_of]]]),
    }

    # ---------- customers file
    names = people_names(rng, n_cust)
    uniq, inverse = np.unique(names, return_inverse=True)
    email_user = np.array([s.lower().translate(ASCII_FOLD).replace(" ", ".") for s in uniq])[inverse]
    emails = np.char.add(np.char.add(email_user, rng.integers(1, 999, n_cust).astype(str)),
                         "@gmail.com")
    emails = np.where(rng.random(n_cust) < 0.25, "", emails)
    birth = (np.datetime64("1965-01-01") + rng.integers(0, 365 * 40, n_cust)).astype("datetime64[D]")
    birth_str = ddmmyyyy(birth)
    birth_str = np.where(rng.random(n_cust) < 0.2, "", birth_str)
    consent_sms = (rng.random(n_cust) < 0.72).astype(int)
    consent_zalo = (rng.random(n_cust) < 0.60).astype(int)
    consent_email = ((rng.random(n_cust) < 0.45) & (emails != "")).astype(int)
    customers_table = pa.table({
        "customer_id": cust_ids,
        "name": names,
        "phone": phones(rng, n_cust),
        "email": emails,
        "province": rng.choice(PROVINCES, n_cust, p=np.array(PROVINCE_W) / sum(PROVINCE_W)),
        "signup_date": dates_str(signup),
        "birthday": birth_str,
        "consent_sms": consent_sms,
        "consent_zalo": consent_zalo,
        "consent_email": consent_email,
    })
    return _Unit(lines=lines, customers=customers_table, buyer_ids=cust_ids[buyers],
                 first_order_day=first_idx, left_day=left_day, last_day=n_days - 1,
                 spend=(truth.p, spend_rate), prospects=int(is_prospect.sum()),
                 orders=n_ord, refunds=n_ref)


def _unit_campaigns(unit: _Unit, seed: int, as_of: date, history_start: date):
    """The campaigns, drawn among the first unit's buyers from their own stream, so changes
    elsewhere in the shop do not move them."""
    return _campaigns(np.random.default_rng([seed, 2026]), unit, as_of=as_of,
                      first_day=history_start)


def _sorted_lines(lines: dict, all_days: np.ndarray) -> pa.Table:
    """Chronological order, as a POS export would list them."""
    order = np.lexsort((lines["order_id"], lines["sec"], lines["day"]))
    ts = (all_days[lines["day"][order]].astype("datetime64[s]")
          + lines["sec"][order].astype("timedelta64[s]"))
    table = pa.table({
        "order_id": lines["order_id"][order],
        "customer_id": lines["customer_id"][order],
        "order_date": np.datetime_as_string(ts, unit="s").astype(object),
        "amount": lines["amount"][order],
        "status": lines["status"][order],
        "channel": lines["channel"][order],
    })
    return table.set_column(2, "order_date",
                            pa.compute.replace_substring(table["order_date"], "T", " "))


def _generate_units(out: Path, sizes: list[int], *, seed: int, as_of: date,
                    history_start: date, calendar, chunk_units: int):
    """A large shop, unit by unit: each unit's lines to a Parquet part, its customers appended
    to customers.csv; then every line sorted by day, second, order id (and unit, row: no tie is
    left to chance) and written in batches."""
    all_days = calendar[0]
    parts = out / ".sample-parts"
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir()
    offsets = {"order": 0, "ref": 0}
    first_customer, prospects = 1, 0
    campaigns = sends = holdout = None
    try:
        with open(out / "customers.csv", "wb") as customers_file:
            writer = None
            for begin in range(0, len(sizes), max(1, int(chunk_units))):
                for u in range(begin, min(begin + max(1, int(chunk_units)), len(sizes))):
                    rng = np.random.default_rng(seed if u == 0 else [seed, u])
                    unit = _unit(rng, calendar, first_customer=first_customer, n_cust=sizes[u],
                                 order_offset=offsets["order"],
                                 ref_offset=offsets["ref"])
                    if u == 0:
                        campaigns, sends, holdout, extra = _unit_campaigns(
                            unit, seed, as_of, history_start)
                        for key in unit.lines:
                            unit.lines[key] = np.concatenate([unit.lines[key], extra[key]])
                    n = len(unit.lines["day"])
                    pq.write_table(pa.table({**unit.lines, "unit": np.full(n, u, np.int32),
                                             "row": np.arange(n, dtype=np.int64)}),
                                   parts / f"{u:05d}.parquet")
                    if writer is None:
                        writer = pacsv.CSVWriter(customers_file, unit.customers.schema)
                    writer.write_table(unit.customers)
                    first_customer += sizes[u]
                    offsets["order"] += unit.orders
                    offsets["ref"] += unit.refunds
                    prospects += unit.prospects
                    del unit
            writer.close()
        con = duckdb.connect(config={"memory_limit": "1GB", "temp_directory": str(parts / "tmp"),
                                     "preserve_insertion_order": True})
        reader = con.sql(
            """
            select order_id, customer_id,
                   strftime(cast(? as date) + cast(day as integer)
                            + to_seconds(sec), '%Y-%m-%d %H:%M:%S') as order_date,
                   amount, status, channel
            from read_parquet(?)
            order by day, sec, order_id, unit, row
            """, params=[all_days[0].astype(object), str(parts / "*.parquet")]
        ).to_arrow_reader(1 << 20)
        rows, duplicate = 0, None
        with open(out / "orders.csv", "wb") as orders_file:
            writer = None
            for batch in reader:
                table = pa.Table.from_batches([batch])
                if writer is None:
                    writer = pacsv.CSVWriter(orders_file, table.schema)
                    duplicate = table.slice(min(10, table.num_rows - 1), 1)
                writer.write_table(table)
                rows += table.num_rows
            messy = _add_messy_rows(table.slice(0, 0), duplicate)
            writer.write_table(messy)
            writer.close()
        rows += messy.num_rows
        con.close()
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return campaigns, sends, holdout, rows, prospects


# name, channel, target, (months before the as-of month, day), attribution days, cost per
# message, true uplift in purchase rate. For as-of 2026-10-31 they start 2025-11-03, 2026-03-09,
# 2026-06-01, 2026-08-10 and 2026-10-05.
CAMPAIGNS = [
    ("Tri ân khách xuất sắc", "zns", "champions", (11, 3), 14, 300, 0.12),
    ("Giành lại khách sắp rời", "sms", "at_risk", (7, 9), 14, 650, 0.0),
    ("Ưu đãi sinh nhật", "email", "loyal", (4, 1), 30, 50, 0.10),
    ("Đánh thức khách ngủ đông", "sms", "hibernating", (2, 10), 14, 650, 0.0),
    ("Ưu đãi thành viên", "zns", "potential_loyalists", (0, 5), 14, 300, 0.15),
]


def campaign_effects(as_of: date) -> dict[str, float]:
    """campaign_id -> the true uplift planted in the sample made for `as_of`."""
    return {f"CP{_campaign_start(as_of, *when):%Y-%m}": uplift
            for *_, when, _days, _cost, uplift in CAMPAIGNS}


def _campaign_start(as_of: date, months_before: int, day: int) -> date:
    month = as_of.year * 12 + as_of.month - 1 - months_before
    return date(month // 12, month % 12 + 1, day)


def _campaigns(rng, unit: _Unit, *, as_of: date, first_day: date):
    """Campaign files and the extra purchases a campaign with a true effect causes.

    Each campaign targets existing customers (first order before it starts), a random 10% held out.
    Its extra purchases come from customers who had not left (a customer gone for good stays
    gone), as many as the true uplift times the list: the uplift over the whole list, as the
    campaign page measures it (intention to treat), is the one planted."""
    buyer_ids, first_order_day, lines = unit.buyer_ids, unit.first_order_day, unit.lines
    camp_rows, send_rows, hold_rows = [], [], []
    extra = {k: [] for k in lines}
    n_buyers = len(buyer_ids)
    size = max(min(n_buyers // 6, 60_000), 50)
    day0 = np.datetime64(first_day)
    for name, channel, target, (months_before, day), attr_days, cpm, uplift in CAMPAIGNS:
        start = _campaign_start(as_of, months_before, day)
        cid = f"CP{start:%Y-%m}"
        start_day = (np.datetime64(start) - day0).astype(int)
        eligible = np.flatnonzero(first_order_day < start_day)
        chosen = rng.choice(eligible, min(size, len(eligible)), replace=False)
        is_hold = rng.random(len(chosen)) < 0.10
        treated = buyer_ids[chosen[~is_hold]]
        held = buyer_ids[chosen[is_hold]]
        n_t = len(treated)
        delivered = rng.random(n_t) < (0.93 if channel != "email" else 0.97)
        opened = delivered & (rng.random(n_t) < (0.55 if channel == "zns" else 0.25))
        interacted = opened & (rng.random(n_t) < 0.3)
        sent_sec = rng.integers(9 * 3600, 11 * 3600, n_t)
        sent_at = (np.datetime64(start).astype("datetime64[s]") + sent_sec.astype("timedelta64[s]"))
        camp_rows.append((cid, name, channel, target, start.isoformat(), attr_days, cpm))
        send_rows.append(pa.table({
            "campaign_id": np.full(n_t, cid),
            "customer_id": treated,
            "channel": np.full(n_t, channel),
            "sent_at": np.char.replace(np.datetime_as_string(sent_at, unit="s"), "T", " "),
            "status": np.where(delivered, "delivered", "failed"),
            "cost": np.where(delivered, cpm, 0),
            "opened": opened.astype(int),
            "interacted": interacted.astype(int),
        }))
        hold_rows.append(pa.table({"campaign_id": np.full(len(held), cid), "customer_id": held}))
        if uplift > 0:
            staying = delivered & (unit.left_day[chosen[~is_hold]] >= start_day)
            converts = staying & (rng.random(n_t) < uplift * n_t / max(staying.sum(), 1))
            days = start_day + rng.integers(0, attr_days, n_t)
            converts &= days <= unit.last_day  # never after the history's end
            n_c = int(converts.sum())
            days = days[converts]
            extra["order_id"].append(np.char.add(f"DH{cid[2:]}-", np.arange(1, n_c + 1).astype(str)))
            extra["customer_id"].append(treated[converts])
            extra["day"].append(days)
            extra["sec"].append(rng.integers(8 * 3600, 22 * 3600, n_c))
            shape, spend_rate = unit.spend  # the customer's own spend (Gamma-Gamma)
            extra["amount"].append(np.round(rng.gamma(shape, 1.0, n_c)
                                            / spend_rate[chosen[~is_hold]][converts], -3)
                                   .clip(MIN_AMOUNT, None).astype(np.int64))
            extra["status"].append(np.full(n_c, "completed"))
            extra["channel"].append(rng.choice(CHANNELS, n_c, p=CHANNEL_W))
    for key in extra:
        extra[key] = (np.concatenate(extra[key]) if extra[key]
                      else np.array([], dtype=lines[key].dtype))
    campaigns = pa.table(
        list(map(list, zip(*camp_rows))),
        names=["campaign_id", "name", "channel", "target", "start_date", "attribution_days",
               "cost_per_message"],
    )
    return campaigns, pa.concat_tables(send_rows), pa.concat_tables(hold_rows), extra


def _add_messy_rows(table: pa.Table, duplicate: pa.Table | None = None) -> pa.Table:
    """A handful of rows a real export carries: they must be quarantined, never silently used.
    `duplicate` is the line repeated (by default the table's eleventh)."""
    rows = [
        {"order_id": "DH-BAD-1", "customer_id": "", "order_date": "2025-05-05 10:00:00",
         "amount": 150000, "status": "completed", "channel": "POS"},
        {"order_id": "DH-BAD-2", "customer_id": "KH0000001", "order_date": "31/02/2025",
         "amount": 99000, "status": "completed", "channel": "POS"},
        {"order_id": "DH-BAD-3", "customer_id": "KH0000002", "order_date": "2025-06-01 09:15:00",
         "amount": None, "status": "completed", "channel": "website"},
    ]
    extra = pa.Table.from_pylist(rows, schema=table.schema)
    # an exact duplicate line, as POS exports sometimes repeat rows
    dup = table.slice(min(10, table.num_rows - 1), 1) if duplicate is None else duplicate
    return pa.concat_tables([table, extra, dup.cast(table.schema)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=None,
                        help="customers (default 20,000, or one per 5 order lines)")
    parser.add_argument("--orders", type=int, default=100_000, help="order lines")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=DATA_RAW)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="the as-of date the shop is made for (default: the last day of the "
                             "previous month); its orders run 20 days past it")
    args = parser.parse_args(argv)
    use_file_mode(DEFAULT_FILE_MODE)  # a customers file, even a made-up one, is private
    customers = args.customers or max(20_000, args.orders // 5)
    t0 = time.perf_counter()
    counts = generate(args.out, customers=customers, orders=args.orders, seed=args.seed,
                      as_of=args.as_of)
    print(
        f"Wrote a sample shop to {args.out} in {time.perf_counter() - t0:.1f} s: "
        f"{counts.customers:,} customers ({counts.prospects:,} never bought), "
        f"{counts.order_lines:,} order lines, {counts.campaigns} campaigns, "
        f"{counts.sends:,} sends, {counts.holdout:,} in holdout."
    )


if __name__ == "__main__":
    main()
