"""Money in the shop's currency (issue 35, item 6): the run's `currency` parameter, set once, read
by every money figure: sentences, tables, chart ticks and hovers, the explorer and the XLSX lists.
Hand-made values only; no notebook runs here."""

from __future__ import annotations

import zipfile
from datetime import date

import duckdb
import openpyxl
import pandas as pd
import pytest

from helpers.core import currency
from helpers.core.errors import ParamError
from helpers.core.params import RunParams
from helpers.kit import xlsx
from helpers.kit.charts import money_hover, money_range, money_ticks
from helpers.kit.formatting import money, short_money
from helpers.kit.texts import t
from helpers.pages.segments.sentences import rfm_headlines
from helpers.run.explorer import shown_table
from helpers.run.explorer_texts import CONTROL_LABELS, pair, parse_cuts

MINUS = "\u2212"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _vnd_after():
    """Every test leaves the process in VND, whatever it set."""
    with currency.using("VND"):
        yield


def test_vnd_in_both_languages_is_the_default():
    assert currency.current() == "VND"
    assert money(1234567, "en") == "₫1,234,567"
    assert money(1234567, "vi") == f"1.234.567{NBSP}₫"


def test_usd_in_both_languages_keeps_its_cents():
    with currency.using("USD"):
        assert money(1.42, "en") == "$1.42" and money(0.65, "en") == "$0.65"
        assert money(1.42, "vi") == f"1,42{NBSP}US$"
        # the short form too: two prices under a dollar apart are never both "1"
        assert short_money(1.42, "en") == "$1.42" and short_money(0.65, "en") == "$0.65"
        assert short_money(1.42, "vi") == "1,42" and short_money(0.65, "vi") == "0,65"
        assert short_money(1234, "en") == "$1.23k" and short_money(1234, "vi", sign=True) == \
            "1,23 nghìn US$"


def test_eur_and_jpy_have_their_own_signs_and_decimals():
    assert money(1234.5, "en", "EUR") == "€1,234.50"
    assert money(1234.5, "vi", "EUR") == f"1.234,50{NBSP}€"
    assert money(1234.5, "en", "JPY") == "¥1,234"  # the yen has no minor unit
    assert money(1234.5, "vi", "JPY") == f"1.234{NBSP}¥"
    assert short_money(2_500_000, "en", "JPY") == "¥2.5M"


def test_a_refund_takes_the_minus_sign_in_every_currency_and_form():
    assert money(-1.5, "en", "USD") == f"{MINUS}$1.50"
    assert money(-150000, "vi") == f"{MINUS}150.000{NBSP}₫"
    assert short_money(-1_200_000, "vi") == f"{MINUS}1,2 tr"
    assert short_money(-1_200_000, "en", "USD") == f"{MINUS}$1.2M"
    assert short_money(-0.4, "en") == "₫0"  # rounds to nothing in đồng: no sign
    assert short_money(-0.4, "en", "USD") == f"{MINUS}$0.40"


def test_the_short_form_for_tiny_and_huge_amounts():
    assert short_money(0, "vi") == "0" and short_money(500, "en") == "₫500"
    assert short_money(31_696_460_000, "vi") == "31,7 tỷ"
    assert short_money(31_696_460_000, "vi", sign=True) == "31,7 tỷ ₫"
    assert short_money(31_600, "en") == "₫31.6k" and short_money(250e6, "en") == "₫250M"
    # 999,960 is a million, not "1e+03 nghìn"; beyond the largest unit, thousands marks
    assert short_money(999_960, "vi") == "1 tr" and short_money(999_960, "en") == "₫1M"
    assert short_money(1.5e12, "vi") == "1.500 tỷ" and short_money(1.5e12, "en") == "₫1,500B"
    assert short_money(None, "vi") == "–"


def test_chart_ticks_hovers_and_ranges_follow_the_run():
    assert money_hover("z", "vi") == "%{z:,.0f} ₫"
    assert money_ticks(10e9, "vi")["ticktext"] == ["0", "2,5 tỷ", "5 tỷ", "7,5 tỷ", "10 tỷ"]
    with currency.using("USD"):
        assert money_hover("z", "en") == "$%{z:,.2f}" and money_hover("z", "vi") == "%{z:,.2f} US$"
        assert money_ticks(3.5, "en")["ticktext"] == ["0", "$1", "$2", "$3"]
        assert money_ticks(6000, "en")["ticktext"] == ["0", "$2k", "$4k", "$6k"]
        assert money_range(0, 500, "en") == "0–$500"
    assert money_hover("y", "en", "JPY") == "¥%{y:,.0f}"


def test_labels_that_name_the_unit_name_the_runs_currency():
    assert t("spend_period", "vi") == "Chi tiêu trong kỳ (₫)"
    with currency.using("USD"):
        assert t("spend_period", "vi") == "Chi tiêu trong kỳ (US$)"
        assert t("ltv", "en") == "Cumulative revenue per customer ($)"
        assert pair(CONTROL_LABELS["cuts_monetary"], "en") == "M cut points ($)"
        # the explorer's cut points may be written with the sign
        assert parse_cuts("$500; $1,000.50", "en") == [500.0, 1000.5]
        assert parse_cuts("500 US$; 1.000 US$", "vi") == [500.0, 1000.0]
        assert parse_cuts("500 USD", "en") == [500.0]


def test_the_explorers_tables_show_money_in_the_runs_currency():
    frame = pd.DataFrame({"customer_id": ["KH1", "KH2"], "monetary": [1.42, 0.65]})
    with currency.using("USD"):
        shown = shown_table(frame, "en").data
    assert "$1.42" in shown and "$0.65" in shown
    assert "1\u00a0₫" in shown_table(frame, "vi").data  # VND has no minor unit


def test_a_page_sentence_follows_the_runs_currency():
    figures = {"buyers": 2, "prospects": 1, "one_time": 1, "revenue": 1.42,
               "top20_revenue_share": None, "top_segment": None, "largest_segment": "A",
               "largest_share": 0.5}
    with currency.using("USD"):
        said = rfm_headlines(figures, lang="en")[0].data
    assert "(total spend $1.42)" in said
    assert "(tổng chi tiêu 1\u00a0₫)" in rfm_headlines(figures, lang="vi")[0].data


def test_the_parameter_is_checked_and_set_once():
    run = RunParams.from_values(as_of="2026-10-31", orders_path=__file__, currency="usd")
    assert run.currency == "USD"
    assert RunParams.from_values(as_of="2026-10-31", orders_path=__file__).currency == "VND"
    with pytest.raises(ParamError) as caught:
        RunParams.from_values(as_of="2026-10-31", orders_path=__file__, currency="dong")
    said = str(caught.value)
    assert "currency = 'dong'" in said and "ISO 4217" in said and "currency: VND" in said
    with pytest.raises(ParamError, match="currency = 'XYZ'"):
        currency.use_currency("XYZ")
    assert currency.current() == "VND"  # a refused code leaves the run's currency as it was


def _money_format(path) -> str:
    with zipfile.ZipFile(path) as book:
        styles = book.read("xl/styles.xml").decode()
    return styles.split('numFmtId="165" formatCode="')[1].split('"/>')[0]


def test_xlsx_money_has_the_currencys_decimals_and_sign(tmp_path):
    con = duckdb.connect()
    con.execute("create table t as select 'KH1' as customer_id, 1.42::double as spend, "
                "0.65::decimal(18, 2) as monetary")
    sheets = {"t": ("select * from t", {})}
    with currency.using("USD"):
        path, _ = xlsx.write_xlsx(con, sheets, tmp_path / "usd.xlsx", as_of=date(2026, 10, 31),
                                  formats={"spend": "money"})
    assert _money_format(path) == "&quot;$&quot;#,##0.00"
    sheet = openpyxl.load_workbook(path).active
    assert sheet["B2"].value == 1.42 and sheet["B2"].number_format == '"$"#,##0.00'
    assert sheet["C2"].value == 0.65 and sheet["C2"].number_format == '"$"#,##0.00'
    path, _ = xlsx.write_xlsx(con, sheets, tmp_path / "vnd.xlsx", as_of=date(2026, 10, 31),
                              formats={"spend": "money"})
    assert _money_format(path) == "#,##0\\ &quot;₫&quot;"  # VND as the lists always showed it
    assert xlsx.money_format("JPY") == '"¥"#,##0'


def test_an_unknown_currency_stops_the_month_before_any_notebook():
    from helpers.run.preflight import check_dependent

    said = check_dependent({"currency": "dong", "orders_path": __file__, "customers_path": ""},
                           {"currency": "params/monthly.yaml"}, date(2026, 10, 31))
    assert len(said) == 1 and "currency = 'dong'" in said[0] and "USD" in said[0]
