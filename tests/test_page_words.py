"""The published month read as a manager reads it: no key, jargon or unformatted number in the
visible text of a page or its charts (issue 33's Vietnamese slips, each caught again here).

Reads the month the `month` fixture (tests/conftest.py) publishes; runs no month of its own."""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pandas as pd
import pytest

from helpers.kit.narrative import window_label
from helpers.pages.cohorts import sentences as cohorts_sentences
from helpers.pages.migration import sentences as migration_sentences
from helpers.pages.tiers import sentences as tiers_sentences


def chart_strings(page: str) -> list[str]:
    """Every string inside the page's plotly figures (titles, labels, texts, ticks)."""
    out, decoder = [], json.JSONDecoder()
    for found in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", page):
        at = found.end()
        for _ in range(2):  # the data, then the layout
            obj, at = decoder.raw_decode(page, at)
            stack = [obj]
            while stack:
                item = stack.pop()
                if isinstance(item, dict):  # an array packed as base64 (bdata) is no text
                    stack += [v for k, v in item.items() if k != "bdata"]
                elif isinstance(item, list):
                    stack += item
                elif isinstance(item, str):
                    out.append(item)
            while page[at] in " \n,":
                at += 1
    return out


def visible_text(page: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def pages(month):
    out = {}
    for path in sorted(month.glob("0*.html")):
        page = path.read_text(encoding="utf-8")
        out[path.stem] = (visible_text(page), "\n".join(chart_strings(page)))
    assert len(out) >= 6
    return out


SLIPS = {
    # 1-7d: "Mua 1–7 ngày trước" (a file's name, window=1-7d.xlsx, is where a list is: kept)
    "window key": r"(?<![=\w])\d+-\d+d\b",
    "stored snapshot": r"ảnh chụp",  # "theo kết quả đã lưu khi chạy tháng đó"
    "mapping name": r"mẫu generic",  # "mẫu chuẩn của sổ tay"
    "placeholder X": r"(?<![\w(*])X(?![\w)*])",  # page 04's "mua thêm X"
    "channel in capitals": r"\b(?:ZALO|EMAIL)\b",  # Zalo ZNS, Email
    "snake_case key": r"\b[a-z]+_[a-z_]+=",  # from_segment=loyal
    "Uplift": r"\bUplift\b",  # t("uplift"): Chênh lệch tỷ lệ mua
    "ROI": r"\bROI\b",  # t("roi"): Lãi trên mỗi đồng chi phí
    "negative zero": r"[-−]0,0\b",  # formatting: 0,0 has no sign
}


@pytest.mark.parametrize("slip", SLIPS)
def test_no_slip_in_any_vietnamese_page(pages, slip):
    found = {name: re.findall(rf".{{0,40}}{SLIPS[slip]}.{{0,40}}", text + "\n" + charts)
             for name, (text, charts) in pages.items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_no_unformatted_number_in_a_page(pages):
    """Counts and money read 1.259, never 1259 (a year such as 2026 is not a count)."""
    pattern = r"(?<![\w.,:/#−+\-])\d{4,}(?![\w.,:/%\-])"
    found = {name: [n for n in re.findall(pattern, text) if not re.fullmatch(r"(19|20)\d\d", n)]
             for name, (text, _) in pages.items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_tier_name_is_never_the_word_for_everyone(pages):
    """'Thành viên' is the lowest tier's name: everyone with a tier is 'khách' (page 04)."""
    text = pages["04_loyalty_tiers"][0]
    assert not re.search(r"\d thành viên|thành viên (sắp|sẽ|mới)|Thành viên ở hạng", text)
    assert "khách có hạng" in text and "khách sắp lên hạng" in text


def test_loading_details_are_folded_on_pages_01_to_06(month):
    for path in sorted(month.glob("0[1-6]_*.html")):
        page = path.read_text(encoding="utf-8")
        assert "<details class=\"workbook-loading\"><summary>Chi tiết tải dữ liệu</summary>" in \
            page.replace("'", '"'), path.name
        head = page.index("Chi tiết tải dữ liệu")
        assert "Đơn hàng mới nhất trong dữ liệu" in page[:head] or "Dữ liệu chỉ có" in page[:head]


# ---------------------------------------------------------------- each slip at its source


def test_window_table_says_the_window_and_formats_counts():
    windows = pd.DataFrame({"window_key": ["1-7d"] * 1259 + ["15-28d"] * 3,
                            "buyer_type": ["repeat"] * 1259 + ["one_time"] * 3,
                            "customer_id": range(1262)})
    vi = cohorts_sentences.window_counts(windows, lang="vi").data
    assert "Mua 1–7 ngày trước" in vi and "1.259" in vi and "1-7d" not in vi and "1259" not in vi
    en = cohorts_sentences.window_counts(windows, lang="en").data
    assert "Bought 15–28 days ago" in en and "1,259" in en
    assert window_label("29-60d", "vi") == "Mua 29–60 ngày trước"


def test_migration_sources_say_where_segments_come_from():
    h = {"customers": 1259, "up": 0.1, "same": 0.8, "down": 0.1, "down_count": 126,
         "revenue_at_stake": 12_500_000, "new": 40, "prospects_who_bought": 3}
    sources = {date(2026, 10, 31): "snapshot", date(2026, 11, 30): "computed"}
    vi = migration_sentences.migration_headlines(h, as_of_from=date(2026, 10, 31),
                                                 as_of_to=date(2026, 11, 30), sources=sources,
                                                 lang="vi").data
    assert ("Nhóm của khách ngày 31/10/2026 lấy từ kết quả đã lưu khi chạy tháng đó; ngày "
            "30/11/2026 tính lại từ dữ liệu đơn hàng.") in vi and "ảnh chụp" not in vi
    assert "1.259" in vi
    en = migration_sentences.migration_headlines(h, as_of_from=date(2026, 10, 31),
                                                 as_of_to=date(2026, 11, 30), sources=sources,
                                                 lang="en").data
    assert "as saved when that month was run" in en and "snapshot" not in en
    both = migration_sentences.migration_headlines(
        h, as_of_from=date(2026, 10, 31), as_of_to=date(2026, 11, 30), lang="vi",
        sources=dict.fromkeys(sources, "snapshot")).data
    assert "ngày 31/10/2026 và 30/11/2026 lấy từ kết quả đã lưu khi chạy tháng đó." in both


def test_page_04_never_asks_to_send_a_literal_x():
    summary = pd.DataFrame({"tier": ["member", "silver"], "members": [1200, 300],
                            "upgraded": [0, 20], "downgraded": [5, 0], "new_members": [9, 0],
                            "close_to_next": [40, 10], "will_drop": [0, 7]})
    for lang in ("vi", "en"):
        said = tiers_sentences.loyalty_headlines(
            summary, names={"member": "Thành viên", "silver": "Bạc"}, as_of="2026-11-30",
            reranking="2026-12-31", lang=lang).data
        assert not re.search(r"(?<![\w(*])X(?![\w)*])", said)
    assert "Còn thiếu để lên hạng" in said or "Spend needed for the next tier" in said
