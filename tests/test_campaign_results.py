"""Campaign measurement: attribution windows, intention to treat, uplift arithmetic, holdouts."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from helpers.core.params import RunParams
from helpers.engine import db
from helpers.ingest import sample_data
from helpers.ingest.sample_data import REFERENCE_AS_OF as SAMPLE_AS_OF
from helpers.kit import rfm
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.campaigns import sentences as campaigns_sentences


def write(path, header, rows):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def measured(con, given_orders, tmp_path):
    def _measure(orders, sends, holdout, *, as_of=date(2024, 3, 31), attribution_days=7,
                 start="2024-03-01", cost_per_message=500):
        given_orders(orders)
        con.execute(rfm.EMPTY_CUSTOMERS)
        write(tmp_path / "campaigns.csv",
              "campaign_id,name,channel,target,start_date,attribution_days,cost_per_message",
              [f"C1,Test,sms,at_risk,{start},{attribution_days},{cost_per_message}"])
        write(tmp_path / "campaign_sends.csv",
              "campaign_id,customer_id,channel,sent_at,status,cost,opened,interacted", sends)
        write(tmp_path / "campaign_holdout.csv", "campaign_id,customer_id", holdout)
        campaigns.load_campaigns(con, campaigns_path=tmp_path / "campaigns.csv",
                                 sends_path=tmp_path / "campaign_sends.csv",
                                 holdout_path=tmp_path / "campaign_holdout.csv")
        con.execute("create or replace table campaign_segments as select campaign_id, "
                    "customer_id, 'seg' as segment from campaign_sends")
        frame = campaigns.build_campaign_results(con, as_of=as_of).df()
        totals = frame[frame.segment == "all"]
        return (totals.iloc[0] if len(totals) else None), frame

    return _measure


def O(customer, order_id, day, amount=100):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day, "amount": str(amount)}


def S(customer, status="delivered", opened=0):  # noqa: N802
    return f"C1,{customer},sms,2024-03-01 09:00:00,{status},{500 if status == 'delivered' else 0},{opened},0"


def test_a_purchase_on_the_last_day_counts_and_a_day_later_does_not(measured):
    # window of 7 days from 1 March: 1..7 March
    row, _ = measured([O("a", "1", "2024-03-07"), O("b", "2", "2024-03-08"),
                       O("c", "3", "2024-02-29"), O("d", "4", "2024-03-01")],
                      [S("a"), S("b"), S("c"), S("d")], [])
    assert row.treated_converters == 2  # a on the last day, d on the first; not b, not c


def test_intention_to_treat_keeps_failed_deliveries_in_the_treated_group(measured):
    row, _ = measured([O("a", "1", "2024-03-02"), O("f", "2", "2024-03-03")],
                      [S("a", opened=1), S("b"), S("f", "failed"), S("g", "failed")],
                      ["C1,h1", "C1,h2"])
    assert (row.sent, row.delivered, row.failed, row.holdout, row.targeted) == (4, 2, 2, 2, 6)
    assert row.treated_converters == 2  # f bought although the message failed: still treated
    assert row.treated_rate == pytest.approx(0.5)
    assert row.delivery_rate == pytest.approx(0.5) and row.open_rate == pytest.approx(0.5)
    assert row.cost == 1000


def test_uplift_interval_and_money_arithmetic(measured):
    orders = [O(f"t{i}", f"t{i}", "2024-03-02", 200) for i in range(3)]  # 3 of 10 treated buy
    orders += [O("h0", "h0", "2024-03-03", 100)]                          # 1 of 5 held out buys
    sends = [S(f"t{i}") for i in range(10)]
    row, by_segment = measured(orders, sends, [f"C1,h{i}" for i in range(5)])
    p1, p2 = 0.3, 0.2
    margin = 1.96 * math.sqrt(p1 * (1 - p1) / 10 + p2 * (1 - p2) / 5)
    assert row.uplift == pytest.approx(0.1)
    assert row.uplift_ci_low == pytest.approx(0.1 - margin)
    assert row.uplift_ci_high == pytest.approx(0.1 + margin)
    assert row.incremental_converters == pytest.approx(1.0)
    assert row.treated_revenue == pytest.approx(60.0) and row.holdout_revenue == pytest.approx(20)
    assert row.incremental_revenue == pytest.approx(400.0)
    assert row.cost == 5000
    assert row.cost_per_incremental_converter == pytest.approx(5000)
    assert row.roi == pytest.approx((400 - 5000) / 5000)
    assert campaigns.plain_verdict(row, "en") == "no evidence the campaign changed behaviour"
    assert set(by_segment.segment) == {"all", "seg", "(none)"}  # holdout has no segment here


def test_a_customer_both_sent_and_held_out_counts_as_treated(measured):
    row, _ = measured([], [S("a")], ["C1,a", "C1,b"])
    assert (row.sent, row.holdout) == (1, 1)


def test_campaigns_after_the_as_of_date_are_not_measured(con, measured):
    row, frame = measured([], [S("a")], [], start="2024-04-05")
    assert row is None and frame.empty


def test_holdout_is_deterministic_and_close_to_its_share(con):
    con.execute("create table people as select 'KH' || lpad(cast(i as varchar), 6, '0') "
                "as customer_id from range(20000) t(i)")
    campaigns.split_holdout(con, source_table="people", campaign_key="CP-1", holdout_share=0.1)
    first = con.execute("select customer_id from holdout_split where is_holdout "
                        "order by all").fetchall()
    campaigns.split_holdout(con, source_table="people", campaign_key="CP-1", holdout_share=0.1)
    again = con.execute("select customer_id from holdout_split where is_holdout "
                        "order by all").fetchall()
    assert first == again
    assert 0.09 < len(first) / 20000 < 0.11
    campaigns.split_holdout(con, source_table="people", campaign_key="CP-2", holdout_share=0.1)
    other = con.execute("select customer_id from holdout_split where is_holdout "
                        "order by all").fetchall()
    assert other != first  # another campaign holds out other people


def test_sample_size_grows_as_the_uplift_shrinks():
    small = campaigns.sample_size(base_rate=0.05, uplift=0.01, holdout_share=0.1)
    large = campaigns.sample_size(base_rate=0.05, uplift=0.05, holdout_share=0.1)
    assert small["total"] > large["total"] * 10
    assert small["treated"] == pytest.approx(9 * small["holdout"], rel=0.01)
    # equal groups, 5% -> 10%: the textbook answer is about 430 per group
    even = campaigns.sample_size(base_rate=0.05, uplift=0.05, holdout_share=0.5)
    assert 420 <= even["holdout"] <= 440


def test_on_the_sample_shop_true_effects_show_and_null_campaigns_do_not(con, tmp_path):
    sample_data.generate(tmp_path, seed=42, as_of=SAMPLE_AS_OF)
    run = RunParams.from_values(as_of="2026-10-31", orders_path=tmp_path / "orders.csv")
    rfm.load_inputs(con, run)
    campaigns.load_campaigns(con, campaigns_path=tmp_path / "campaigns.csv",
                             sends_path=tmp_path / "campaign_sends.csv",
                             holdout_path=tmp_path / "campaign_holdout.csv")
    con.execute("create or replace table campaign_segments as select campaign_id, customer_id, "
                "'x' as segment from campaign_sends")
    frame = campaigns.build_campaign_results(con, as_of=run.as_of).df()
    totals = frame[frame.segment == "all"].set_index("campaign_id")
    effects = sample_data.campaign_effects(SAMPLE_AS_OF)
    for campaign_id, true_uplift in effects.items():
        low, high = totals.loc[campaign_id, ["uplift_ci_low", "uplift_ci_high"]]
        if true_uplift > 0:
            assert low > 0, campaign_id
        else:
            assert low <= 0 <= high, campaign_id
    assert db.one(con, "select count(*) from campaigns")[0] == len(effects)


def test_a_shop_without_campaign_files_gets_empty_results_and_partial_files_an_error(con, tmp_path):
    from helpers import ingest

    assert campaigns.load_campaigns(con, campaigns_path=tmp_path / "a.csv",
                                    sends_path=tmp_path / "b.csv",
                                    holdout_path=tmp_path / "c.csv") == {}
    con.execute(rfm.EMPTY_CUSTOMERS)
    con.execute("create table order_lines as select 'a' as customer_id, null::varchar as order_id, "
                "'o.csv' as source_file, 1::bigint as source_line, date '2024-01-01' as order_date, "
                "10::decimal(18,4) as amount, null::varchar as status, false as is_return")
    con.execute("create table campaign_segments as select campaign_id, customer_id, "
                "'x' as segment from campaign_sends")
    assert campaigns.build_campaign_results(con, as_of=date(2024, 3, 31)).df().empty
    write(tmp_path / "campaigns.csv", "campaign_id,name,channel,target,start_date,"
          "attribution_days,cost_per_message", [])
    with pytest.raises(ingest.IngestError, match="campaign_sends_path, campaign_holdout_path"):
        campaigns.load_campaigns(con, campaigns_path=tmp_path / "campaigns.csv",
                                 sends_path=tmp_path / "b.csv", holdout_path=tmp_path / "c.csv")


def test_more_buyers_with_less_revenue_is_never_called_a_revenue_increase():
    row = dict(campaign_id="CP1", name="A", channel="sms", sent=100, holdout=10,
               treated_rate=0.3, holdout_rate=0.1, uplift=0.2, uplift_ci_low=0.1,
               uplift_ci_high=0.3, incremental_converters=20, incremental_revenue=-1833413,
               cost=713400, is_window_complete=True, segment="all")
    vi = campaigns_sentences.campaign_sentences(pd.DataFrame([row]), lang="vi").data
    en = campaigns_sentences.campaign_sentences(pd.DataFrame([row]), lang="en").data
    assert "doanh thu lại thấp hơn 1.833.413\u00a0₫ so với nhóm đối chứng" in vi
    assert "tăng thêm" not in vi and "−" not in vi
    assert "but revenue ₫1,833,413 below the holdout's" in en
    gained = campaigns_sentences.campaign_sentences(
        pd.DataFrame([row | {"incremental_revenue": 500000}]), lang="en").data
    assert "incremental revenue ₫500,000 for a cost of ₫713,400" in gained
