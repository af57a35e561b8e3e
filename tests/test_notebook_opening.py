"""The opening every page shares (helpers/notebook.py): parameters checked before anything is
read, the title in the run's language, the exports staged and their freshness said."""

from __future__ import annotations

import pytest

from helpers.core.errors import ParamError
from helpers.run import notebook


@pytest.fixture
def shown(monkeypatch):
    out = []
    monkeypatch.setattr(notebook, "display", lambda *objs: out.extend(objs))
    return out


def texts(objs) -> str:
    return "\n".join(getattr(o, "data", str(o)) for o in objs)


def test_start_checks_the_parameters_and_titles_the_page_in_its_language(shown, tmp_path):
    (tmp_path / "o.csv").write_text("order_id,customer_id,order_date,amount\n", encoding="utf-8")
    run = notebook.start({"as_of": "2024-03-31", "orders_path": str(tmp_path / "o.csv"),
                          "lang": "en"}, "03")
    assert str(run.as_of) == "2024-03-31" and run.lang == "en"
    assert "cohort" in texts(shown).lower() and "Khách" not in texts(shown)
    with pytest.raises(ParamError):
        notebook.start({"as_of": "31/03/2024", "orders_path": "x.csv"}, "03")


def test_load_stages_the_exports_and_says_how_recent_they_are(shown, given_orders, tmp_path,
                                                              write_csv):
    path = write_csv([{"order_id": "1", "customer_id": "a", "order_date": "2024-03-20",
                       "amount": "100000"}])
    run = notebook.start({"as_of": "2024-03-31", "orders_path": str(path),
                          "customers_path": "", "lang": "vi"}, "01")
    shown.clear()
    con, inputs = notebook.load(run)
    assert con.execute("select count(*) from order_lines").fetchone()[0] == 1
    assert inputs["orders"].rows_loaded == 1
    said = texts(shown)
    assert "20/03/2024" in said and "11 ngày" in said  # latest order, 11 days before as-of
    # the manager reads the freshness first; what was read is folded (closed) for the analyst
    assert "20/03/2024" in texts(shown[:1])
    details = texts(shown[1:])
    assert details.startswith("<details class='workbook-loading'><summary>Chi tiết tải dữ liệu"
                              "</summary>") and "<details open" not in details
    assert "đọc 1 dòng" in details and details.endswith("</details>")
    shown.clear()
    notebook.load(run, summary=False)
    assert len(shown) == 1  # the freshness line only


def test_loading_details_in_english_and_a_zero_order_warning_left_unfolded(shown, write_csv):
    path = write_csv([{"order_id": "1", "customer_id": "a", "order_date": "2024-03-20",
                       "amount": "abc"}])
    run = notebook.start({"as_of": "2024-03-31", "orders_path": str(path), "customers_path": "",
                          "lang": "en"}, "01")  # the only order's amount is not a number
    shown.clear()
    notebook.load(run)
    details = texts(shown[1:])
    assert "<summary>Loading details</summary>" in details
    # nothing counted: said before the fold, never hidden inside it
    assert details.index("No order was loaded") < details.index("<details")


def test_every_page_of_a_what_if_says_it_is_one():
    """A what-if's pages 01-06 open with the callout (page 00 says it in its own opening); the
    name is shown as text."""
    from helpers.run.notebook import what_if_note

    vi = what_if_note("scheme-vn4<b>", "vi").data
    assert "bản thử «scheme-vn4&lt;b&gt;»" in vi and "không phải báo cáo tháng" in vi
    assert "what-if «scheme-vn4&lt;b&gt;»" in what_if_note("scheme-vn4<b>", "en").data


def test_every_page_of_a_month_not_over_says_what_it_compares():
    """A mid-month as-of: pages 01-06 say the month is partial before any comparison (page 00
    compares the same days of both months itself)."""
    from datetime import date

    from helpers.run.notebook import partial_month_note

    vi = partial_month_note(date(2026, 12, 5), "vi").data
    assert "Tháng 12/2026 chưa kết thúc" in vi and "05/12/2026" in vi and "5 ngày đầu tháng 12" in vi
    en = partial_month_note(date(2026, 12, 5), "en").data
    assert "December 2026 is not over" in en and "first 5 days of December" in en
