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

# The shop's history follows the as-of date it is made for (by default the last day of the previous
# month, what `make report` analyses): about three years up to 20 days past it, so that the last
# month is complete and the as-of rule has lines to cut.
DAYS_PAST_AS_OF = 20
# the as-of date the sample's documented figures (README, tests) were computed for
REFERENCE_AS_OF = date(2026, 10, 31)
HISTORY_YEARS = 3


def history(as_of: date) -> tuple[date, date]:
    """(first day, last day) of the sample's orders for an as-of date."""
    end = as_of + timedelta(days=DAYS_PAST_AS_OF)
    first_of_next = (as_of.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next.replace(year=first_of_next.year - HISTORY_YEARS), end


def default_as_of(today: date | None = None) -> date:
    today = today or date.today()
    return today.replace(day=1) - timedelta(days=1)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý"]
FAMILY_W = [38, 11, 9.5, 7, 5.1, 5, 4.5, 3.9, 3.5, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Đức", "Thu", "Quang", "Hữu", "Phương", "Gia"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Huy",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngân", "Nhung", "Phúc",
         "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Uyên",
         "Vy", "Yến"]
PROVINCES = ["Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Bình Dương", "Đồng Nai",
             "Khánh Hòa", "Thừa Thiên Huế", "Nghệ An", "Quảng Ninh", "Lâm Đồng"]
PROVINCE_W = [32, 26, 7, 5, 4, 6, 5, 3, 3, 3, 3, 3]
CHANNELS = ["POS", "website", "Shopee", "Zalo shop"]
CHANNEL_W = [0.45, 0.20, 0.25, 0.10]
MOBILE_PREFIXES = ["90", "91", "93", "94", "96", "97", "98", "32", "33", "35", "37", "38", "39", "70",
                   "76", "77", "79", "81", "83", "84", "85", "86", "88", "89"]

_ASCII = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


@dataclass(frozen=True)
class SampleCounts:
    customers: int
    prospects: int
    order_lines: int
    campaigns: int
    sends: int
    holdout: int


def _day_weights(days: np.ndarray) -> np.ndarray:
    """Relative daily demand: growth over time, Tết, 11/11, 12/12, weekends."""
    d = days.astype("datetime64[D]")
    month = (d.astype("datetime64[M]").astype(int) % 12) + 1
    dom = (d - d.astype("datetime64[M]")).astype(int) + 1
    dow = (d.astype(int) + 3) % 7  # 0 = Monday
    t = np.linspace(0.0, 1.0, len(days))
    w = 0.7 + 0.6 * t
    w *= np.where(dow >= 5, 1.25, 1.0)
    w *= np.where((month == 11) & (dom == 11), 6.0, 1.0)
    w *= np.where((month == 12) & (dom == 12), 5.0, 1.0)
    w *= np.where((month == 11) & (dom >= 9) & (dom <= 12), 1.6, 1.0)
    # the weeks before Tết (late January / early February)
    w *= np.where(((month == 1) & (dom >= 10)) | ((month == 2) & (dom <= 5)), 2.0, 1.0)
    return w / w.sum()


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    fam = rng.choice(FAMILY, n, p=np.array(FAMILY_W) / sum(FAMILY_W))
    mid = rng.choice(MIDDLE, n)
    giv = rng.choice(GIVEN, n)
    return np.char.add(np.char.add(np.char.add(fam, " "), np.char.add(mid, " ")), giv)


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Vietnamese mobiles in the forms people type, with about 1% invalid."""
    prefix = rng.choice(MOBILE_PREFIXES, n)
    rest = np.char.zfill(rng.integers(0, 10_000_000, n).astype(str), 7)
    nine = np.char.add(prefix, rest)  # 9 digits after the country code
    form = rng.choice(5, n, p=[0.45, 0.25, 0.12, 0.12, 0.06])
    p1 = np.char.add("0", nine)
    spaced = np.char.add(np.char.add(np.char.add(np.char.add("0", _slice(nine, 0, 3)), " "),
                                     np.char.add(_slice(nine, 3, 6), " ")), _slice(nine, 6, 9))
    out = np.where(form == 0, p1, "")
    out = np.where(form == 1, spaced, out)
    out = np.where(form == 2, np.char.add("+84 ", nine), out)
    out = np.where(form == 3, np.char.add("84", nine), out)
    # invalid: too short, or a landline-like number
    bad = np.char.add("0", _slice(nine, 0, 6))
    out = np.where(form == 4, np.where(rng.random(n) < 0.2, bad, p1), out)
    return out


def _slice(a: np.ndarray, i: int, j: int) -> np.ndarray:
    """Characters i..j of every string (vectorised)."""
    b = a.astype(f"U{max(j, 1)}").view("U1").reshape(len(a), -1)[:, i:j]
    return np.ascontiguousarray(b).view(f"U{j - i}").ravel()


def _dates_str(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


# Customers made together from one random stream. A shop of more customers is made unit by unit
# (unit 0 from the seed itself, unit u from [seed, u]), so memory stays bounded and the bytes do
# not depend on how many units are held at once.
UNIT_CUSTOMERS = 250_000


def generate(
    out: Path = DATA_RAW, *, customers: int = 20_000, orders: int = 100_000, seed: int = 42,
    as_of: date | None = None, chunk_units: int = 2,
) -> SampleCounts:
    """Write customers.csv, orders.csv, campaigns.csv, campaign_sends.csv, campaign_holdout.csv
    for a shop analysed as of `as_of` (default: the last day of the previous month).

    Up to UNIT_CUSTOMERS customers everything is made at once; a larger shop is made in units of
    that size, `chunk_units` at a time, its order lines sorted by DuckDB with bounded memory."""
    as_of = as_of or default_as_of()
    history_start, history_end = history(as_of)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = np.datetime64(history_start)
    all_days = np.arange(start, np.datetime64(history_end) + 1)
    calendar = (all_days, np.cumsum(_day_weights(all_days)))
    n_cust = int(customers)
    sizes = [min(UNIT_CUSTOMERS, n_cust - i) for i in range(0, n_cust, UNIT_CUSTOMERS)]
    # order lines are shared out by customers; every unit knows where its ids start
    targets = [int(orders) * n // n_cust for n in sizes]
    targets[0] += int(orders) - sum(targets)
    if len(sizes) == 1:
        unit = _unit(np.random.default_rng(seed), calendar, first_customer=1,
                     n_cust=n_cust, n_lines_target=targets[0], order_offset=0, ref_offset=0)
        campaigns, sends, holdout, extra = _unit_campaigns(unit, seed, as_of, history_start)
        for key in unit.lines:
            unit.lines[key] = np.concatenate([unit.lines[key], extra[key]])
        orders_table = _add_messy_rows(_sorted_lines(unit.lines, all_days))
        pacsv.write_csv(orders_table, out / "orders.csv")
        pacsv.write_csv(unit.customers, out / "customers.csv")
        order_lines, prospects = orders_table.num_rows, unit.prospects
    else:
        campaigns, sends, holdout, order_lines, prospects = _generate_units(
            out, sizes, targets, seed=seed, as_of=as_of, history_start=history_start,
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
    )


@dataclass
class _Unit:
    lines: dict            # order lines, unsorted: order_id, customer_id, day, sec, amount, ...
    customers: pa.Table    # the customers file's rows of this unit
    buyer_ids: np.ndarray
    first_order_day: np.ndarray
    prospects: int
    orders: int
    refunds: int


def _unit(rng: np.random.Generator, calendar, *, first_customer: int, n_cust: int,
          n_lines_target: int, order_offset: int, ref_offset: int) -> _Unit:
    """One unit of customers with their orders, from one random stream."""
    all_days, cdf = calendar
    n_days = len(all_days)

    # ---------- customers
    cust_ids = np.char.add("KH", np.char.zfill(
        np.arange(first_customer, first_customer + n_cust).astype(str), 7))
    # signups grow over time; a share never buys (prospects)
    signup_idx = np.minimum(np.searchsorted(cdf, rng.random(n_cust)), n_days - 1)
    signup = all_days[signup_idx]
    is_prospect = rng.random(n_cust) < 0.14
    buyers = np.flatnonzero(~is_prospect)
    n_buyers = len(buyers)

    # orders per buyer: about 70% buy once, the rest heavy-tailed
    n_orders_target = n_lines_target / 1.16
    repeat = rng.random(n_buyers) >= 0.70
    n_repeat = max(int(repeat.sum()), 1)
    extra_mean = max((n_orders_target - n_buyers) / n_repeat, 0.5)
    sigma = 1.0
    mu = np.log(extra_mean) - sigma**2 / 2
    k = np.where(repeat, 1 + np.maximum(1, np.round(rng.lognormal(mu, sigma, n_buyers))), 1)
    k = np.minimum(k, 150).astype(np.int64)
    # value of a customer: lognormal, higher for frequent buyers
    value = rng.lognormal(0.0, 0.55, n_buyers) * (1 + 0.15 * np.log(k))

    order_cust = np.repeat(np.arange(n_buyers), k)
    n_ord = len(order_cust)
    first_in_cust = np.zeros(n_ord, dtype=bool)
    first_in_cust[np.concatenate([[0], np.cumsum(k)[:-1]])] = True
    # the first order comes soon after signup; later orders follow demand from then on
    b_signup_idx = signup_idx[buyers]
    lo = cdf[b_signup_idx][order_cust]
    u = lo + rng.random(n_ord) * (1 - lo)
    later_idx = np.minimum(np.searchsorted(cdf, u), n_days - 1)
    soon_idx = np.minimum(b_signup_idx[order_cust] + rng.geometric(0.15, n_ord) - 1, n_days - 1)
    day_idx = np.where(first_in_cust, soon_idx, np.maximum(later_idx, soon_idx))
    # some repeat purchases land 7, 14 or 28 days after the previous: the windows shops use
    # (kept simple: a share of later orders is pulled close to the first)
    pull = (~first_in_cust) & (rng.random(n_ord) < 0.12)
    first_day = np.maximum.reduceat(np.where(first_in_cust, day_idx, 0), np.r_[0, np.cumsum(k)[:-1]])
    gap = rng.choice([7, 14, 28], n_ord, p=[0.4, 0.35, 0.25]) + rng.integers(-2, 3, n_ord)
    day_idx = np.where(pull, np.minimum(first_day[order_cust] + gap, n_days - 1), day_idx)

    order_amount = np.round(
        rng.lognormal(np.log(330_000), 0.75, n_ord) * value[order_cust], -3
    ).clip(20_000, None)
    order_channel = rng.choice(len(CHANNELS), n_ord, p=CHANNEL_W)
    order_status = rng.choice(3, n_ord, p=[0.93, 0.05, 0.02])  # completed, cancelled, failed

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
    first_order_day = np.minimum.reduceat(day_idx, np.r_[0, np.cumsum(k)[:-1]])

    # ---------- customers file
    names = _names(rng, n_cust)
    uniq, inverse = np.unique(names, return_inverse=True)
    email_user = np.array([s.lower().translate(_ASCII).replace(" ", ".") for s in uniq])[inverse]
    emails = np.char.add(np.char.add(email_user, rng.integers(1, 999, n_cust).astype(str)),
                         "@gmail.com")
    emails = np.where(rng.random(n_cust) < 0.25, "", emails)
    birth = (np.datetime64("1965-01-01") + rng.integers(0, 365 * 40, n_cust)).astype("datetime64[D]")
    birth_str = _ddmmyyyy(birth)
    birth_str = np.where(rng.random(n_cust) < 0.2, "", birth_str)
    consent_sms = (rng.random(n_cust) < 0.72).astype(int)
    consent_zalo = (rng.random(n_cust) < 0.60).astype(int)
    consent_email = ((rng.random(n_cust) < 0.45) & (emails != "")).astype(int)
    customers_table = pa.table({
        "customer_id": cust_ids,
        "name": names,
        "phone": _phones(rng, n_cust),
        "email": emails,
        "province": rng.choice(PROVINCES, n_cust, p=np.array(PROVINCE_W) / sum(PROVINCE_W)),
        "signup_date": _dates_str(signup),
        "birthday": birth_str,
        "consent_sms": consent_sms,
        "consent_zalo": consent_zalo,
        "consent_email": consent_email,
    })
    return _Unit(lines=lines, customers=customers_table, buyer_ids=cust_ids[buyers],
                 first_order_day=first_order_day, prospects=int(is_prospect.sum()),
                 orders=n_ord, refunds=n_ref)


def _unit_campaigns(unit: _Unit, seed: int, as_of: date, history_start: date):
    """The campaigns, drawn among the first unit's buyers from their own stream, so changes
    elsewhere in the shop do not move them."""
    return _campaigns(np.random.default_rng([seed, 2025]), unit.buyer_ids, unit.first_order_day,
                      unit.lines, as_of=as_of, first_day=history_start)


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


def _generate_units(out: Path, sizes: list[int], targets: list[int], *, seed: int, as_of: date,
                    history_start: date, calendar, chunk_units: int):
    """A large shop, unit by unit: each unit's lines to a Parquet part, its customers appended
    to customers.csv; then every line sorted by day, second, order id (and unit, row: no tie is
    left to chance) and written in batches."""
    all_days, _ = calendar
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
                                 n_lines_target=targets[u], order_offset=offsets["order"],
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


def _ddmmyyyy(days: np.ndarray) -> np.ndarray:
    iso = _dates_str(days)
    return np.char.add(np.char.add(np.char.add(_slice(iso, 8, 10), "/"),
                                   np.char.add(_slice(iso, 5, 7), "/")), _slice(iso, 0, 4))


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


def _campaigns(rng, buyer_ids, first_order_day, lines, *, as_of: date, first_day: date):
    """Campaign files and the extra purchases a campaign with a true effect causes.

    Each campaign targets existing customers (first order before it starts), a random 10% held out.
    """
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
            converts = delivered & (rng.random(n_t) < uplift / 0.93)
            n_c = int(converts.sum())
            days = start_day + rng.integers(0, attr_days, n_c)
            extra["order_id"].append(np.char.add(f"DH{cid[2:]}-", np.arange(1, n_c + 1).astype(str)))
            extra["customer_id"].append(treated[converts])
            extra["day"].append(days)
            extra["sec"].append(rng.integers(8 * 3600, 22 * 3600, n_c))
            extra["amount"].append(np.round(rng.lognormal(np.log(450_000), 0.6, n_c), -3)
                                   .astype(np.int64))
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
