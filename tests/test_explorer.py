"""The explorer driven from Python: controls change what the tables and figures show."""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import date

import pandas as pd
import pytest

from helpers.engine import db
from helpers.ingest import sample_data
from helpers.ingest.sample_data import REFERENCE_AS_OF as SAMPLE_AS_OF
from helpers.run.explorer import Explorer, last_published_month
from helpers.run.explorer_texts import CutsError, cuts_text, parse_cuts


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    root = tmp_path_factory.mktemp("explore")
    sample_data.generate(root, customers=3000, orders=15000, seed=5, as_of=SAMPLE_AS_OF)
    with contextlib.redirect_stdout(io.StringIO()):  # Output widgets print outside a kernel
        e = Explorer.open(as_of="2026-06-30", orders_path=root / "orders.csv",
                          customers_path=root / "customers.csv", exports_dir=root / "exports",
                          reports_dir=root / "reports")  # no month of the checkout's reports/
    e.root = root
    return e


def set_control(explorer, name, value):
    with contextlib.redirect_stdout(io.StringIO()):
        explorer.controls[name].value = value


def labels(fig):
    return list(fig.data[0].labels)


def test_default_view(explorer):
    assert explorer.month is None and "Chưa có tháng nào được công bố" in explorer._heading.value
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
    # rfm11 needs 5 bins: said in Vietnamese, with what to do
    assert explorer.message == ("⚠ Cách phân nhóm rfm11 được viết cho 5 mức điểm (đang chọn 4): "
                                "chọn lại 5 mức điểm, hoặc một cách phân nhóm viết cho 4 mức.")
    set_control(explorer, "bins", 5)
    set_control(explorer, "scoring", "fixed")
    set_control(explorer, "cuts_frequency", "2, 3, 4, 5")
    grid = explorer.figures["grid"].data[0]
    assert grid.z.sum() == explorer.tables["segment_summary"].query(
        "segment != 'prospect'").customers.sum()
    set_control(explorer, "cuts_frequency", "3, 2")
    assert explorer.message == ("⚠ Mốc F (lần mua): cần 4 mốc tăng dần cho 5 mức điểm "
                                "(đang có: 3; 2)")
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


# ---------------------------------------------------------------- the analyst's language


def shown_html(explorer) -> str:
    """Every text the explorer shows: labels, options, hints, tab titles and the views' HTML."""
    texts = [explorer._heading.value]
    for control in list(explorer.controls.values()) + list(explorer.buttons.values()):
        texts.append(control.description or "")
        texts.append(getattr(control, "placeholder", "") or "")
        texts += [str(label) for label in getattr(control, "_options_labels", ())]
    texts += [explorer._tabs.get_title(i) for i in range(len(explorer._tabs.children))]
    for objects in explorer.drawn.values():
        texts += [getattr(o, "data", "") for o in objects if isinstance(getattr(o, "data", None), str)]
    return "\n".join(texts)


ENGLISH = ["customers", "Customers", "Segment", "Wrote", "sendable", "consent", "Scheme",
           "quantile", "fixed", "Look up", "Export", "page ", "history", "days", "(none)"]


def test_every_word_the_explorer_shows_is_vietnamese(explorer):
    with contextlib.redirect_stdout(io.StringIO()):
        explorer.widget()
        set_control(explorer, "segment", "champions")
        explorer.buttons["export"].click()
        tabs = explorer._tabs
        tabs.selected_index = explorer.COMPARE_TAB
        explorer.lookup(explorer.tables["segment_customers"].customer_id.iloc[0])
        tabs.selected_index = 0
    said = shown_html(explorer)
    assert [w for w in ENGLISH if w in said] == []
    # no column key as a header: customer_id, recency_days, last_purchase_date, month_end ...
    assert re.findall(r"<th>[^<]*_[^<]*</th>", said) == []
    assert "<th>Mã khách</th>" in said and "<th>Cuối tháng</th>" in said
    assert "<th>Ngày mua</th>" in said and "Đường đi qua các nhóm" in said
    assert "khách · vẽ lại trong" in explorer.drawn["status"][0].data
    # numbers the Vietnamese way in every table: 1.234.567 ₫, never 1234567 or 1e+06
    assert "e+0" not in said and not re.search(r"<td>\d{4,}</td>", said)


def test_cut_points_are_written_and_read_the_readers_way(explorer):
    monetary = explorer.controls["cuts_monetary"]
    assert monetary.value == "500.000; 1.000.000; 3.000.000; 10.000.000"
    set_control(explorer, "lang", "en")
    try:
        assert monetary.value == "500,000; 1,000,000; 3,000,000; 10,000,000"
        assert explorer.controls["cuts_recency_days"].value == "30; 90; 180; 365"
    finally:
        set_control(explorer, "lang", "vi")
    assert monetary.value == "500.000; 1.000.000; 3.000.000; 10.000.000"
    set_control(explorer, "scoring", "fixed")
    try:
        set_control(explorer, "cuts_monetary", "500.000; 1.000.000; 2.000.000; 8.000.000")
        assert "⚠" not in explorer.message
        cuts = explorer.active.fixed_cuts
        assert list(cuts["monetary"] if isinstance(cuts, dict) else cuts.monetary) == \
            [500_000, 1_000_000, 2_000_000, 8_000_000]
        set_control(explorer, "cuts_monetary", "500.000; một triệu")
        assert explorer.message.startswith("⚠ Mốc M (₫): “một triệu” không phải là một số")
    finally:
        set_control(explorer, "cuts_monetary", "500.000; 1.000.000; 3.000.000; 10.000.000")
        set_control(explorer, "scoring", "quantile")


def test_parse_cuts_in_each_language():
    assert parse_cuts("2, 3, 5, 10", "vi") == [2, 3, 5, 10]  # the old way still reads
    assert parse_cuts("1.000.000; 2,5; 3 000 000 ₫", "vi") == [1_000_000, 2.5, 3_000_000]
    assert parse_cuts("1,000,000; 2.5", "en") == [1_000_000, 2.5]
    assert parse_cuts("1_000_000", "en") == [1_000_000]
    assert cuts_text([1e6, 2.5], "vi") == "1.000.000; 2,5"
    assert cuts_text([1e6, 2.5], "en") == "1,000,000; 2.5"
    with pytest.raises(CutsError, match="không phải là một số"):
        parse_cuts("1e6", "vi")


def test_the_window_shows_its_value_on_opening(explorer):
    window = explorer.controls["window"]
    assert window.index == 0 and window.label == "toàn bộ lịch sử" and window.value == 0
    assert explorer.active.window_days is None  # 0 is all history


def test_a_missed_lookup_never_echoes_a_phone_or_email(explorer):
    with contextlib.redirect_stdout(io.StringIO()):
        explorer.lookup("0912345678")
        explorer.lookup("someone@example.com")
    said = explorer.drawn["lookup"][0].data
    assert "0912345678" not in said and "someone@" not in said and "Không có khách" in said


def write_month(folder, as_of, **parameters):
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"as_of": as_of, "parameters": parameters}),
                                          encoding="utf-8")


def test_it_opens_on_the_last_published_month(explorer, tmp_path):
    reports = tmp_path / "reports"
    data = {"orders_path": str(explorer.root / "orders.csv"),
            "customers_path": str(explorer.root / "customers.csv"), "engine": "spark"}
    assert last_published_month(reports) is None
    write_month(reports / "2026-05-31", "2026-05-31", scheme="vn4", lang="vi", **data)
    write_month(reports / "2026-06-30", "2026-06-30", scheme="care4", lang="vi",
                window_days=365, **data)
    write_month(reports / "2026-06-30-en", "2026-06-30", scheme="care4", lang="en", **data)
    write_month(reports / "2026-07-31-vn4", "2026-07-31", scheme="vn4", **data)  # a what-if
    write_month(reports / "failed-2026-08-31", "2026-08-31", **data)
    (reports / "2026-09-30").mkdir()  # no manifest: not complete
    month = last_published_month(reports)
    assert month["as_of"] == "2026-06-30" and month["folder"].name == "2026-06-30"
    assert "engine" not in month  # the explorer runs on DuckDB whatever the month ran on
    with contextlib.redirect_stdout(io.StringIO()):
        opened = Explorer.open(reports_dir=reports, exports_dir=tmp_path / "exports", as_of="",
                               orders_path="", customers_path="", scheme="", lang="")
    try:
        assert opened.active.as_of == date(2026, 6, 30) and opened.active.scheme == "care4"
        assert opened.controls["as_of"].value == date(2026, 6, 30)
        assert opened.controls["window"].label == "365 ngày"
        assert "30/06/2026" in opened._heading.value and "reports/2026-06-30/" in opened._heading.value
    finally:
        opened.con.close()


def test_a_month_not_over_is_opened_only_when_no_complete_month_is_there(tmp_path):
    """The runner publishes a partial month (month_complete false) beside the last complete
    one: the explorer opens on the complete month, and on the partial one only when alone. An
    export the manifest names by its file name (outside the project) is left to the notebook."""
    reports = tmp_path / "reports"
    write_month(reports / "2026-12-05", "2026-12-05", orders_path="orders.csv")
    manifest = reports / "2026-12-05" / "manifest.json"
    manifest.write_text(json.dumps({"as_of": "2026-12-05", "month_complete": False,
                                    "parameters": {"orders_path": "elsewhere-orders.csv"}}),
                        encoding="utf-8")
    assert last_published_month(reports)["as_of"] == "2026-12-05"
    assert "orders_path" not in last_published_month(reports)
    write_month(reports / "2026-11-30", "2026-11-30")
    assert last_published_month(reports)["as_of"] == "2026-11-30"
