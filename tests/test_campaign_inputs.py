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
