"""The campaign files refused at load with the file, the line and the fix (issue 35's red team):
a campaign id listed twice, an attribution window of 0 or fewer days, a start date that reads two
ways, outcomes that are not finite numbers or are the files' own columns; and messages that never
show a cell of a customer's data."""

from __future__ import annotations

import pytest

from helpers.ingest import IngestError
from helpers.pages.campaigns import compute as campaigns

HEAD = "campaign_id,name,channel,target,start_date,attribution_days,cost_per_message"
SENDS = "campaign_id,customer_id,channel,sent_at,status,cost,opened,interacted"


def write(path, header, rows):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def load(con, tmp_path, rows, *, head=HEAD, sends=None, sends_head=SENDS,
         holdout=("C1,h1",), holdout_head="campaign_id,customer_id"):
    write(tmp_path / "campaigns.csv", head, rows)
    write(tmp_path / "campaign_sends.csv", sends_head,
          sends or ["C1,a,sms,2024-03-01 09:00:00,delivered,500,1,0"])
    write(tmp_path / "campaign_holdout.csv", holdout_head, list(holdout))
    campaigns.load_campaigns(con, campaigns_path=tmp_path / "campaigns.csv",
                             sends_path=tmp_path / "campaign_sends.csv",
                             holdout_path=tmp_path / "campaign_holdout.csv")


def test_a_campaign_id_listed_twice_is_refused_with_the_file_the_lines_and_the_fix(con, tmp_path):
    with pytest.raises(IngestError, match=r"campaigns.csv, lines 2, 4: the campaign id 'C1' is "
                                          r"listed 2 times; one line per campaign"):
        load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500", "C2,Two,sms,x,2024-03-01,7,500",
                             "C1,Again,sms,x,2024-03-09,7,500"])


@pytest.mark.parametrize("days", ["0", "-14", "7.5", "", "seven", "400"])
def test_attribution_days_must_be_a_whole_number_of_days_from_1_to_365(con, tmp_path, days):
    with pytest.raises(IngestError, match=rf"campaigns.csv, line 2: attribution_days = "
                                          rf"'{days}' cannot be used; write a whole number of "
                                          rf"days from 1 to 365"):
        load(con, tmp_path, [f"C1,One,sms,x,2024-03-01,{days},500"])


def test_a_start_date_that_reads_two_ways_is_refused_unless_the_file_proves_day_first(
        con, tmp_path):
    with pytest.raises(IngestError, match=r"line 2: start_date = '09/04/2026' reads as two "
                                          r"different days.*YYYY-MM-DD"):
        load(con, tmp_path, ["C1,One,sms,x,09/04/2026,7,500"])
    with pytest.raises(IngestError, match=r"line 3: start_date = '04/25/2026' is written month "
                                          r"first.*YYYY-MM-DD"):
        load(con, tmp_path, ["C1,One,sms,x,2026-04-01,7,500", "C2,Two,sms,x,04/25/2026,7,500"])
    for bad in ("2026-13-45", "31/02/2026", "", "next week"):
        with pytest.raises(IngestError, match=rf"line 2: start_date = '{bad}' is not a date"):
            load(con, tmp_path, [f"C1,One,sms,x,{bad},7,500"])
    # 25/04/2026 proves the file writes the day first: 09/04/2026 is 9 April
    load(con, tmp_path, ["C1,One,sms,x,09/04/2026,7,500", "C2,Two,sms,x,25/04/2026,7,500"])
    assert str(con.execute("select start_date from campaigns where campaign_id = 'C1'")
               .fetchone()[0]) == "2026-04-09"


@pytest.mark.parametrize("cell", ["nan", "inf", "-inf", "1e308"])
def test_an_outcome_that_is_not_a_finite_number_is_refused_without_showing_it(
        con, tmp_path, cell):
    with pytest.raises(IngestError, match=r"campaign_sends.csv, line 2: the outcome column "
                                          r"'visits' holds a value that is not a finite") as err:
        load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500,visits"], head=HEAD + ",outcomes",
             sends=[f"C1,a,sms,2024-03-01 09:00:00,delivered,500,{cell}"],
             sends_head="campaign_id,customer_id,channel,sent_at,status,cost,visits",
             holdout=["C1,h1,1"], holdout_head="campaign_id,customer_id,visits")
    assert cell not in str(err.value).replace("nan, inf", "")


def test_an_unreadable_outcome_cell_is_named_by_its_column_and_line_never_by_its_value(
        con, tmp_path):
    with pytest.raises(IngestError, match=r"campaign_holdout.csv, line 2: the outcome column "
                                          r"'phone' holds neither yes/no nor a number") as err:
        load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500,phone"], head=HEAD + ",outcomes",
             sends=["C1,a,sms,2024-03-01 09:00:00,delivered,500,1"],
             sends_head="campaign_id,customer_id,channel,sent_at,status,cost,phone",
             holdout=["C1,h1,0912 345 678"], holdout_head="campaign_id,customer_id,phone")
    assert "0912" not in str(err.value)


@pytest.mark.parametrize("name", ["source_line", "customer_id", "campaign_id", "status"])
def test_an_outcome_named_like_a_column_of_the_files_is_refused(con, tmp_path, name):
    with pytest.raises(IngestError, match=rf"names '{name}' as an outcome of C1, but '{name}' "
                                          rf"is a column the campaign files use themselves") as err:
        load(con, tmp_path, [f"C1,One,sms,x,2024-03-01,7,500,{name}"], head=HEAD + ",outcomes",
             sends=["C1,cust-0042,sms,2024-03-01 09:00:00,delivered,500,1,0"])
    assert "cust-0042" not in str(err.value)


# ---------------------------------------------------------------- what the page says of them


def test_customers_sent_and_held_out_are_counted_and_many_make_the_holdout_contaminated(
        con, given_orders, tmp_path):
    from datetime import date

    import pandas as pd

    from helpers.kit import rfm
    from helpers.pages.campaigns import files, measure, sentences

    given_orders([])
    con.execute(rfm.EMPTY_CUSTOMERS)
    # C1: 100 sent, a holdout list of 100 of whom 20 were sent too (20% > 1%): contaminated.
    # C2: 10 sent, a holdout list of 201 of whom 1 was sent (0.5%): counted, still measurable
    # on that count. C3: 1 sent and 1 held out: a holdout, but too few customers
    sends = ([f"C1,a{i},sms,2024-03-01 09:00:00,delivered,500,1,0" for i in range(100)]
             + [f"C2,b{i},sms,2024-03-01 09:00:00,delivered,500,1,0" for i in range(10)]
             + ["C3,c0,sms,2024-03-01 09:00:00,delivered,500,1,0"])
    holdout = ([f"C1,h{i}" for i in range(80)] + [f"C1,a{i}" for i in range(20)]
               + [f"C2,g{i}" for i in range(200)] + ["C2,b0", "C3,k0"])
    load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500", "C2,Two,sms,x,2024-03-01,7,500",
                         "C3,Three,sms,x,2024-03-01,7,500"], sends=sends, holdout=holdout)
    con.execute("create or replace table campaign_segments as select campaign_id, "
                "customer_id, 'seg' as segment from campaign_sends")
    frame = campaigns.measured_campaigns(con, as_of=date(2024, 3, 31), holdout_share=0.5)
    totals = frame[frame.segment == "all"].set_index("campaign_id")
    assert list(totals.sent_and_held_out) == [20, 1, 0]
    assert (totals.loc["C1", "sent"], totals.loc["C1", "holdout"]) == (100, 80)
    assert "holdout_contaminated" in totals.loc["C1", "not_measurable_reason"]
    assert not totals.loc["C1", "measurable"]
    assert "holdout_contaminated" not in totals.loc["C2", "not_measurable_reason"]
    assert totals.loc["C3", "not_measurable_reason"] == "too_few_customers"
    said = sentences.campaign_sentences(frame, lang="en").data
    assert "20 customers were both sent and held out: counted as sent" in said
    assert "more than 1% of the holdout was sent the message" in said
    assert "a group has too few customers" in said and "there is no holdout" not in said
    assert "20 khách vừa nhận tin vừa ở nhóm đối chứng: tính là đã nhận tin" in \
        sentences.campaign_sentences(frame, lang="vi").data
    from helpers.pages.campaigns import checks

    adjusted = checks.cuped_sentences(frame[frame.segment == "all"], lang="en").data
    assert "**C1**: not measurable as uplift (the reason is above): not adjusted." in adjusted
    # campaign_results.csv keeps the contract's columns and adds sent_and_held_out at the end
    files.write_campaign_results(con, output_dir=tmp_path / "out", measured=frame)
    written = pd.read_csv(tmp_path / "out" / "campaign_results.csv", encoding="utf-8-sig",
                          keep_default_na=False)
    assert list(written.columns) == files.CAMPAIGN_RESULT_COLUMNS + measure.MEASURE_COLUMNS
    assert written.columns[-1] == "sent_and_held_out"
    assert written[written.segment == "all"].sent_and_held_out.tolist() == [20, 1, 0]


def table_cells(html: str):
    """An html_table's header and cells (no lxml here: the standard library's parser)."""
    from html.parser import HTMLParser

    import pandas as pd

    rows: list[list[str]] = []

    class Cells(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                rows.append([])
            elif tag in ("td", "th"):
                rows[-1].append("")

        def handle_data(self, data):
            if rows and rows[-1]:
                rows[-1][-1] += data

    Cells().feed(html)
    rows = [[cell.replace("\u00a0", " ").strip() for cell in row] for row in rows]
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_a_campaign_not_measurable_shows_no_effect_on_the_page_and_rois_have_a_true_minus():
    import pandas as pd

    from helpers.pages.campaigns import sentences

    row = dict(campaign_id="C1", segment="all", sent=900, holdout=100, treated_rate=0.3,
               holdout_rate=0.1, uplift=0.2, uplift_ci_low=0.1, uplift_ci_high=0.3,
               treated_revenue=100.0, holdout_revenue=20.0, revenue_uplift_per_customer=80.0,
               revenue_uplift_ci_low=-5.0, revenue_uplift_ci_high=150.0, roi=8.244,
               roi_ci_low=-0.7, roi_ci_high=34.9, roi_basis="revenue", measurable=True,
               not_measurable_reason="")
    frame = pd.DataFrame([row, row | {"campaign_id": "C2", "measurable": False,
                                      "not_measurable_reason": "groups_unbalanced"}])
    html = sentences.campaign_table(frame, labels={}, lang="vi").data
    cells = table_cells(html).set_index("Chiến dịch")
    assert cells.loc["C1"].iloc[-1] == "8,2 (\u22120,7 … 34,9)"  # U+2212, never "-0,7"
    assert cells.loc["C2", "Đo được?"] == "Không: hai nhóm khác nhau trước khi gửi"
    assert set(cells.loc["C2"].iloc[-3:]) == {"–"}  # no uplift, revenue or ROI claim
    assert cells.columns[0] == "Đo được?"  # the verdict next to the campaign, for a phone
    assert sentences.roi_text(-0.04, "en") == "0.0" and sentences.roi_text(-1.25, "en") == \
        "\u22121.2"


def test_on_a_phone_the_verdict_and_the_needed_size_come_second_and_the_chart_takes_the_width():
    import pandas as pd

    from helpers.pages.campaigns import charts, checks

    totals = pd.DataFrame([
        dict(campaign_id="C1", segment="all", sent=900, holdout=100, srm_p_value=0.0004,
             balance_max_abs_smd=0.02, overlapping_campaigns="C2;C3", measurable=False,
             not_measurable_reason="sample_ratio_mismatch;overlapping_campaigns"),
        dict(campaign_id="C2", segment="all", sent=900, holdout=100, srm_p_value=0.5,
             balance_max_abs_smd=0.02, overlapping_campaigns="", measurable=True,
             not_measurable_reason="")])
    cells = table_cells(checks.checks_table(totals, holdout_share=0.1, lang="en").data)
    assert list(cells.columns) == ["Campaign", "Verdict", "Holdout: planned / got (p χ²)",
                                   "Std. difference"]
    raw = checks.checks_table(totals, holdout_share=0.1, lang="en").data
    assert "holdout\u00a0share\u00a0off\u00a0plan; overlaps\u00a0C2," in raw  # no word a line
    assert cells.Verdict.tolist() == [
        "not measurable: holdout share off plan; overlaps C2, C3", "measurable"]
    assert cells.iloc[0, 2] == "10% / 10.0% (p < 0.001)"
    plan = pd.DataFrame({"segment": ["a"], "customers": [1113], "holdout_share": [0.1],
                         "base_rate": [0.0057], "mde_points": [1.2],
                         "mde_revenue_per_customer": [5000.0], "target_uplift_points": [0.5],
                         "customers_needed": [69000], "base_customers": [300],
                         "base_source": ["holdouts"]})
    cells = table_cells(checks.plan_table(plan, labels={"a": "At risk"}, lang="en").data)
    assert cells.columns[1] == "Customers needed for the target"
    assert cells.iloc[0, 1] == "69,000"
    assert cells.iloc[0, -1] == "0.57% (300 held out)"
    rows = totals.assign(segment="seg", uplift=0.01, uplift_ci_low=-0.02, uplift_ci_high=0.04,
                         treated_converters=5, holdout_converters=50)
    fig = charts.uplift_intervals(rows, labels={"seg": "Potential Loyalists"}, lang="en")
    assert not (fig.layout.meta or {}).get("min_width")  # no sideways scroll on a phone
    assert list(fig.data[0].y) == ["C1 · few buyers<br>Potential Loyalists",
                                   "C2 · few buyers<br>Potential Loyalists"]
