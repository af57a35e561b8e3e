"""The sample shop looks like a real one: many one-time buyers, heavy-tailed spend, determinism,
no order after the day it is made, and the true parameters it was made with."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from helpers.ingest import sample_data
from helpers.ingest.sample_data import REFERENCE_AS_OF as SAMPLE_AS_OF


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    counts = sample_data.generate(out, customers=8_000, orders=40_000, seed=7, as_of=SAMPLE_AS_OF)
    return out, counts


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_same_seed_same_bytes_other_seed_other_data(sample, tmp_path):
    out, _ = sample
    again = tmp_path / "again"
    sample_data.generate(again, customers=8_000, orders=40_000, seed=7, as_of=SAMPLE_AS_OF)
    assert _digest(out) == _digest(again)
    other = tmp_path / "other"
    sample_data.generate(other, customers=8_000, orders=40_000, seed=8, as_of=SAMPLE_AS_OF)
    assert _digest(out)["orders.csv"] != _digest(other)["orders.csv"]


def test_files_and_columns(sample):
    out, counts = sample
    expected = {
        "orders.csv": ["order_id", "customer_id", "order_date", "amount", "status", "channel"],
        "customers.csv": ["customer_id", "name", "phone", "email", "province", "signup_date",
                          "birthday", "consent_sms", "consent_zalo", "consent_email"],
        "campaigns.csv": ["campaign_id", "name", "channel", "target", "start_date",
                          "attribution_days", "cost_per_message"],
        "campaign_sends.csv": ["campaign_id", "customer_id", "channel", "sent_at", "status",
                               "cost", "opened", "interacted"],
        "campaign_holdout.csv": ["campaign_id", "customer_id"],
    }
    for name, columns in expected.items():
        header = (out / name).read_text(encoding="utf-8").splitlines()[0]
        assert header.replace('"', "").split(",") == columns
    assert 38_000 <= counts.order_lines <= 46_000
    assert counts.customers == 8_000 and 0.05 < counts.prospects / counts.customers < 0.3


def test_shape_of_a_real_shop(sample):
    out, _ = sample
    con = duckdb.connect()
    one_time, top20, top5, multi_line, refunds, cancelled = con.execute(f"""
        with lines as (select * from read_csv('{out}/orders.csv', all_varchar = true)
                       where try_cast(amount as bigint) is not null),
        o as (select customer_id, order_id, sum(amount::bigint) a, any_value(status) s
              from lines where status not in ('cancelled', 'failed') group by all),
        c as (select customer_id, count(*) filter (where a > 0) f, sum(a) m from o
              group by all having f > 0),
        r as (select *, row_number() over (order by m desc) rk, count(*) over () n from c)
        select avg((f = 1)::int),
               sum(m) filter (where rk <= n * 0.2) / sum(m),
               sum(m) filter (where rk <= n * 0.05) / sum(m),
               (select avg((k > 1)::int) from (select count(*) k from lines group by order_id)),
               (select count(*) from lines where amount::bigint < 0),
               (select count(*) from lines where status = 'cancelled')
        from r
    """).fetchone()
    # a third of buyers leave after their first purchase (MBG/NBD, a / (a + b) = 0.36), more
    # never came back by the end: about 45% at 5 lines a customer
    assert 0.40 <= one_time <= 0.80, "40-80% of buyers buy once"
    assert top20 >= 0.6, "the top 20% of customers carry most revenue"
    assert top5 >= 0.3, "a few percent carry a large share"
    assert 0.05 <= multi_line <= 0.15, "about 10% of orders have several lines"
    assert refunds > 0 and cancelled > 0


def test_seasonal_peaks_on_11_11_and_12_12(sample):
    out, _ = sample
    con = duckdb.connect()
    ratio = con.execute(f"""
        with d as (select cast(order_date as timestamp)::date as day, count(*) n
                   from read_csv('{out}/orders.csv', all_varchar = true)
                   where order_date like '20%' group by all)
        select (select avg(n) from d where month(day) = 11 and day(day) = 11)
             / (select avg(n) from d where month(day) = 11 and day(day) between 20 and 28)
    """).fetchone()[0]
    assert ratio > 2.5


def test_phones_come_in_the_forms_people_type(sample):
    out, _ = sample
    phones = (out / "customers.csv").read_text(encoding="utf-8")
    assert '"+84 9' in phones or '"+84 8' in phones or '"+84 3' in phones
    assert any(f'"0{d}' in phones for d in "35789")
    assert '"849' in phones or '"848' in phones or '"843' in phones


def test_a_large_shop_is_made_in_units_with_the_same_bytes_at_any_chunk_size(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(sample_data, "UNIT_CUSTOMERS", 3_000)  # 8,000 customers: three units
    made = {}
    for chunk in (1, 2, 5):
        out = tmp_path / f"chunk{chunk}"
        made[chunk] = sample_data.generate(out, customers=8_000, orders=40_000, seed=7,
                                           as_of=SAMPLE_AS_OF, chunk_units=chunk)
        made[f"digest{chunk}"] = _digest(out)
    assert made["digest1"] == made["digest2"] == made["digest5"]
    con = duckdb.connect()
    lines = con.execute("select * from read_csv(?, all_varchar = true)",
                        [str(tmp_path / "chunk2" / "orders.csv")]).df()
    assert len(lines) == made[2].order_lines
    # every unit's customers and orders are there, ids unique across units
    customers = con.execute("select customer_id from read_csv(?, all_varchar = true)",
                            [str(tmp_path / "chunk2" / "customers.csv")]).df()
    assert customers.customer_id.is_unique and len(customers) == 8_000
    assert set(lines.customer_id.dropna()) <= set(customers.customer_id)
    orders_of = lines[lines.order_id.str.startswith("DH0")].groupby("order_id").customer_id
    assert (orders_of.nunique() == 1).all()  # an order id never spans two customers
    # chronological, as a POS export lists them (the messy rows come last)
    dated = lines.order_date.iloc[:-4]
    assert (dated.values[:-1] <= dated.values[1:]).all()
    assert lines.customer_id.dropna().str.slice(2).astype(int).max() > 6_000  # unit 3 bought


def test_no_order_is_dated_after_the_day_the_sample_is_made(tmp_path):
    """Made on 6 December for as-of 30 November: the history stops on 6 December (not on the
    20th), and November is complete."""
    from datetime import date

    today = date(2026, 12, 6)
    sample_data.generate(tmp_path, customers=3_000, orders=15_000, seed=3,
                         as_of=date(2026, 11, 30), today=today)
    import pandas as pd

    orders = pd.read_csv(tmp_path / "orders.csv", dtype=str)
    days = pd.to_datetime(orders.order_date, format="%Y-%m-%d %H:%M:%S", errors="coerce").dt.date
    signups = pd.to_datetime(pd.read_csv(tmp_path / "customers.csv", dtype=str).signup_date)
    assert days.max() == today and signups.max().date() <= today
    in_last_week = days.between(date(2026, 11, 24), date(2026, 11, 30)).sum()
    assert in_last_week > 50  # the month analysed is complete
    sent = pd.to_datetime(pd.read_csv(tmp_path / "campaign_sends.csv", dtype=str).sent_at)
    assert sent.max().date() <= today
    with pytest.raises(ValueError, match="after today"):
        sample_data.generate(tmp_path / "future", customers=500, orders=2_500,
                             as_of=date(2026, 12, 31), today=today)
    assert sample_data.default_as_of(today) == date(2026, 11, 30)


def test_the_truth_is_the_documented_one_and_does_not_depend_on_the_seed(sample):
    """data/raw/README.md: r 0.525, a 0.891, b 1.614 (CDNOW's MBG/NBD), p 6.25, q 3.74,
    v 150,000 đ; alpha ≈ 1.22 weeks at 5 lines a customer (as-of 2026-10-31), ≈ 9.4 at 2.5."""
    _, counts = sample
    truth = counts.truth
    assert (truth.r, truth.a, truth.b, truth.p, truth.q, truth.v) == (
        0.525, 0.891, 1.614, 6.25, 3.74, 150_000.0)
    assert truth == sample_data.true_parameters(SAMPLE_AS_OF, customers=8_000, orders=40_000)
    assert truth.alpha == pytest.approx(1.2179, abs=1e-4)
    assert sample_data.true_parameters(SAMPLE_AS_OF, customers=24_000,
                                       orders=60_000).alpha == pytest.approx(9.3956, abs=1e-4)
