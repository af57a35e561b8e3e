"""The explorer driven from Python: controls change what the tables and figures show."""

from __future__ import annotations

import contextlib
import io
from datetime import date

import pandas as pd
import pytest

from helpers.engine import db
from helpers.ingest import sample_data
from helpers.ingest.sample_data import REFERENCE_AS_OF as SAMPLE_AS_OF
from helpers.run.explorer import Explorer


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    root = tmp_path_factory.mktemp("explore")
    sample_data.generate(root, customers=3000, orders=15000, seed=5, as_of=SAMPLE_AS_OF)
    with contextlib.redirect_stdout(io.StringIO()):  # Output widgets print outside a kernel
        e = Explorer.open(as_of="2026-06-30", orders_path=root / "orders.csv",
                          customers_path=root / "customers.csv", exports_dir=root / "exports")
    e.root = root
    return e


def set_control(explorer, name, value):
    with contextlib.redirect_stdout(io.StringIO()):
        explorer.controls[name].value = value


def labels(fig):
    return list(fig.data[0].labels)


def test_default_view(explorer):
    assert "Khách hàng xuất sắc" in labels(explorer.figures["sizes"])
    assert explorer.figures["grid"].data[0].z.shape == (5, 5)
    assert explorer.tables["segment_summary"].customers.sum() > 0
    assert len(explorer.tables["segment_customers"]) > 0


def test_changing_the_scheme_redraws_segments_and_keeps_the_comparison(explorer):
    set_control(explorer, "scheme", "vn4")
    assert set(labels(explorer.figures["sizes"])[1:]) <= {"VIP", "Tiềm năng", "Cũ", "Mới"}
    assert set(explorer.tables["segment_summary"].segment) == {"vip", "potential", "new", "old",
                                                               "prospect"}
    set_control(explorer, "compare", "care4")
    cross = explorer.tables["compare"]
    total = explorer.tables["segment_summary"].customers.sum()
    assert cross.values.sum() == total  # every customer in exactly one cell of the crosstab
    set_control(explorer, "scheme", "rfm11")


def test_window_language_and_factors_change_the_figures(explorer):
    before = explorer.tables["segment_summary"].set_index("segment").customers
    set_control(explorer, "window", 90)
    after = explorer.tables["segment_summary"].set_index("segment").customers
    assert not before.equals(after)
    set_control(explorer, "lang", "en")
    assert "Champions" in labels(explorer.figures["sizes"])
    set_control(explorer, "factors", "rf")
    assert "--" not in "".join(explorer.tables["segment_customers"].rfm_code)
    assert explorer.tables["segment_customers"].rfm_code.str.endswith("-").all()
    for name, value in (("window", 0), ("lang", "vi"), ("factors", "rfm")):
        set_control(explorer, name, value)


def test_bins_and_fixed_cut_points(explorer):
    set_control(explorer, "bins", 4)
    assert "⚠" in explorer.message and "bins = 5" in explorer.message  # rfm11 needs 5 bins
    set_control(explorer, "bins", 5)
    set_control(explorer, "scoring", "fixed")
    set_control(explorer, "cuts_frequency", "2, 3, 4, 5")
    grid = explorer.figures["grid"].data[0]
    assert grid.z.sum() == explorer.tables["segment_summary"].query(
        "segment != 'prospect'").customers.sum()
    set_control(explorer, "cuts_frequency", "3, 2")
    assert "⚠" in explorer.message and "fixed_cuts" in explorer.message
    set_control(explorer, "cuts_frequency", "2, 3, 5, 10")
    set_control(explorer, "scoring", "quantile")


def test_as_of_change_moves_the_data(explorer):
    customers = explorer.tables["segment_summary"].customers.sum()
    set_control(explorer, "as_of", date(2025, 6, 30))
    assert explorer.tables["segment_summary"].customers.sum() < customers
    set_control(explorer, "as_of", date(2026, 6, 30))


def test_segment_table_sorts_and_pages(explorer):
    set_control(explorer, "segment", "lost")
    set_control(explorer, "sort", "monetary")
    set_control(explorer, "descending", True)
    first = explorer.tables["segment_customers"]
    assert len(first) == 20 and first.monetary.is_monotonic_decreasing
    set_control(explorer, "page", 2)
    second = explorer.tables["segment_customers"]
    assert set(first.customer_id).isdisjoint(second.customer_id)
    assert second.monetary.max() <= first.monetary.min()
    set_control(explorer, "descending", False)
    set_control(explorer, "page", 1)
    assert explorer.tables["segment_customers"].monetary.is_monotonic_increasing


def test_lookup_by_id_phone_or_email(explorer):
    customers = pd.read_csv(explorer.root / "customers.csv", dtype=str, keep_default_na=False)
    row = customers[(customers.phone.str.startswith("0")) & (customers.phone.str.len() == 10)
                    & (customers.email != "")].iloc[0]
    with contextlib.redirect_stdout(io.StringIO()):
        by_phone = explorer.lookup(row.phone)
        by_email = explorer.lookup(row.email.upper())
        missing = explorer.lookup("nobody")
    assert by_phone["customer_id"] == row.customer_id == by_email["customer_id"]
    history = explorer.tables["lookup_history"]
    assert len(history) == 12 and history.month_end.iloc[-1] == date(2026, 6, 30)
    assert missing is None


def test_export_button_writes_the_selection_with_consent_filter(explorer):
    set_control(explorer, "segment", "champions")
    with contextlib.redirect_stdout(io.StringIO()):
        explorer.buttons["export"].click()
    path = explorer.exports_dir / "rfm11_2026-06-30" / "segment=champions.csv"
    assert path.exists() and str(path) in explorer.message
    assert explorer.message.startswith("Đã ghi danh sách nhóm “Khách hàng xuất sắc”")
    assert "khách gửi được" in explorer.message and "sendable" not in explorer.message
    everyone = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    sms = pd.read_csv(path.parent / "sms" / path.name, encoding="utf-8-sig", dtype=str)
    assert len(everyone) == (explorer.tables["segment_summary"].set_index("segment")
                             .customers["champions"])
    assert len(sms) < len(everyone) and set(sms.consent_sms) == {"true"}


def test_the_explorer_speaks_one_language_at_a_time(explorer):
    with contextlib.redirect_stdout(io.StringIO()):
        explorer.widget()
    assert explorer.controls["as_of"].description == "Ngày phân tích"
    assert explorer.controls["window"].options[0] == ("toàn bộ lịch sử", 0)
    assert explorer.buttons["export"].description == "Xuất danh sách đang xem"
    assert explorer._tabs.get_title(0) == "Các nhóm"
    set_control(explorer, "lang", "en")
    try:
        assert explorer.controls["as_of"].description == "As of"
        assert explorer.controls["window"].options[0] == ("all history", 0)
        assert explorer._tabs.get_title(4) == "Customer lookup"
        assert "Champions" in labels(explorer.figures["sizes"])
    finally:
        set_control(explorer, "lang", "vi")
    assert explorer.controls["scheme"].description == "Cách phân nhóm"


def test_a_language_or_scheme_change_recomputes_once_and_keeps_the_scores(explorer, monkeypatch):
    """A language change redraws once (new window names must not trigger a second refresh), and
    neither it nor a scheme change computes scores again: the model graph keeps the scores built
    for these settings and only assigns the segments."""
    # a small shop's tables are all kept (the tests run with a low KEEP_LARGE_ROWS elsewhere)
    monkeypatch.setattr(db, "KEEP_LARGE_ROWS", 2_000_000)
    calls = {"refresh": 0}
    refresh = explorer.refresh

    def counting_refresh():
        calls["refresh"] += 1
        refresh()

    def score_tables():
        return {r[0] for r in explorer.con.execute(
            "select table_name from duckdb_tables() "
            "where table_name like 'rfm\\_scores\\_\\_%' escape '\\'").fetchall()}

    monkeypatch.setattr(explorer, "refresh", counting_refresh)
    before, scores = explorer.tables["segment_summary"].customers.sum(), score_tables()
    set_control(explorer, "lang", "en")
    set_control(explorer, "scheme", "vn4")
    assert calls == {"refresh": 2} and score_tables() == scores
    assert explorer.tables["segment_summary"].customers.sum() == before
    set_control(explorer, "window", 365)
    new = score_tables() - scores
    assert calls == {"refresh": 3} and len(new) == 1
    for name, value in (("window", 0), ("scheme", "rfm11"), ("lang", "vi")):
        set_control(explorer, name, value)
    assert score_tables() - scores == new  # back to the first settings: built already, reused


def test_the_comparison_waits_for_its_tab(explorer):
    """Hidden, the comparison is marked stale instead of recomputed; opening its tab draws it."""
    with contextlib.redirect_stdout(io.StringIO()):
        explorer.widget()
    tabs = explorer._tabs
    set_control(explorer, "scheme", "vn4")
    assert explorer._compare_stale
    with contextlib.redirect_stdout(io.StringIO()):
        tabs.selected_index = explorer.COMPARE_TAB
    assert not explorer._compare_stale
    assert explorer.tables["compare"].values.sum() == \
        explorer.tables["segment_summary"].customers.sum()
    with contextlib.redirect_stdout(io.StringIO()):
        tabs.selected_index = 0
    set_control(explorer, "scheme", "rfm11")
