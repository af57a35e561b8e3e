"""One truth per figure: every figure page 00 repeats equals the page it summarises, read from the
PUBLISHED month (the pages' HTML, as a manager reads them), and the pieces page 00 is made of
(the next campaign's size, empty lists, page 06's verdict, a month not over) on hand-made data.

The month is the `month` fixture's (tests/conftest.py). WORKBOOK_ONE_TRUTH_MONTHS (folders joined
by ':') adds published Vietnamese months to check the same way, e.g. one made with
params/monthly.yaml, whose next campaign the fixture does not prepare.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers.core.schemes import load_scheme
from helpers.kit.narrative import LIST_LABELS
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.campaigns import sentences as campaigns_sentences
from helpers.pages.review import actions as review_actions
from helpers.pages.review import sentences
from helpers.pages.review.period import ReviewPeriod, is_partial_month, same_day_month_before
from helpers.pages.review.stamp import run_id, stamp_text

# ---------------------------------------------------------------- reading a published page


def number(text: str) -> float:
    """'1.113' -> 1113, '22,7%' -> 22.7, '−0,9' -> -0.9 (Vietnamese figures as shown)."""
    text = text.strip().rstrip("%").replace("\u2212", "-").replace(".", "").replace(",", ".")
    return float(text)


N = r"(−?[\d.]+(?:,\d+)?)"  # a Vietnamese number as a page shows it


def _text(html: str) -> str:
    """Visible text, one space between words, no space before punctuation."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    text = re.sub(r"\s+", " ", soup.get_text(" "))
    return re.sub(r" ([:;,.)%])", r"\1", text).replace("( ", "(")


class Page:
    def __init__(self, path: Path):
        self.html = path.read_text(encoding="utf-8")
        self.soup = BeautifulSoup(self.html, "html.parser")
        self.text = _text(self.html)

    def find(self, pattern: str) -> tuple[str, ...]:
        found = re.search(pattern, self.text)
        assert found, f"not on the page: {pattern!r}"
        return found.groups()

    def section_html(self, key: str) -> str:
        """Page 00's section under <h2 id=key>, as HTML."""
        start = re.search(rf"id=[\"']{key}[\"']", self.html).start()
        ends = [m.start() for m in re.finditer(r"<h2 id=", self.html) if m.start() > start]
        return self.html[start:ends[0] if ends else len(self.html)]

    def section(self, key: str) -> str:
        """Page 00's section under <h2 id=key>, as visible text."""
        return _text(self.section_html(key))

    def table(self, header: str) -> dict[str, list[str]]:
        """The table with a column `header`: first cell -> the row's other cells (as shown)."""
        for table in self.soup.find_all("table"):
            heads = [th.get_text(" ", strip=True) for th in table.find_all("th")]
            if header in heads:
                rows = {}
                for tr in table.find_all("tr"):
                    cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                    if cells:
                        rows[cells[0]] = dict(zip(heads[1:], cells[1:]))
                return rows
        raise AssertionError(f"no table with a column {header!r}")


def treemaps(page: Page) -> list[dict[str, float]]:
    """Each treemap drawn on the page: tile id -> its value (as plotly draws it)."""
    out = []
    for found in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*\{', page.html, re.S):
        for trace in json.loads(found.group(1)):
            if trace.get("type") == "treemap":
                out.append(dict(zip(trace["ids"], trace["values"])))
    return out


def months() -> list[Path]:
    extra = os.environ.get("WORKBOOK_ONE_TRUTH_MONTHS", "")
    return [Path(p) for p in extra.split(":") if p]


@pytest.fixture(params=["fixture", *months()], ids=lambda p: str(p))
def published(request):
    if request.param == "fixture":
        return request.getfixturevalue("month")
    if not (Path(request.param) / "00_monthly_review.html").exists():
        pytest.skip(f"{request.param}: no published month there")
    return Path(request.param)


def pages(folder: Path) -> dict[str, Page]:
    return {p.name[:2]: Page(p) for p in sorted(folder.glob("0*.html"))}


def review_actions_shown(page: Page) -> dict[str, str]:
    """Page 00's actions: key -> the item's text."""
    labels = {vi: key for key, (vi, _) in sentences.ACTION_LABELS.items()}
    shown = {}
    for li in page.soup.select("ol.workbook-actions > li"):
        label = li.find("b").get_text(strip=True)
        shown[labels[label]] = _text(str(li))
    return shown


def customers_of(item: str) -> float:
    """An action's number of customers; 0 when it says it has none."""
    if "không có khách nào tháng này" in item:
        return 0
    return number(re.search(rf": {N} khách", item).group(1))


def reach_of(item: str) -> dict[str, float]:
    found = re.search(r"gửi được(?: \([^)]*\))?: SMS " + N + ", Zalo ZNS " + N + ", Email " + N,
                      item)
    return dict(zip(("SMS", "Zalo ZNS", "Email"), map(number, found.groups()))) if found else {}


# ---------------------------------------------------------------- the published month agrees


@pytest.mark.notebooks
def test_every_action_count_on_page_00_is_the_count_its_page_gives(published):
    p = pages(published)
    shown = review_actions_shown(p["00"])
    assert shown, "page 00 lists no action"
    scheme = load_scheme(json.loads((published / "manifest.json").read_text(
        encoding="utf-8"))["parameters"].get("scheme", "rfm11"))
    if "win_back" in shown:
        label = scheme.movers_label("win_back", "vi")
        assert customers_of(shown["win_back"]) == number(p["02"].find(
            re.escape(label) + rf": {N} khách")[0])
        # and page 00's own migration section says the same
        assert number(p["00"].section("migration").split(" khách giá trị đã tụt nhóm")[0]
                      .split()[-1].lstrip("*")) == customers_of(shown["win_back"])
    tiers = p["04"].table("Khách")
    for key in ("close_to_next", "will_drop", "birthdays"):
        if key in shown:
            row = tiers[LIST_LABELS[key][0]]
            assert customers_of(shown[key]) == number(row["Khách"]), key
            for channel, n in reach_of(shown[key]).items():
                assert n == number(row[channel]), (key, channel)
    if "close_to_next" in shown:
        assert customers_of(shown["close_to_next"]) == number(
            p["04"].find(rf"{N} (?:khách|thành viên) sắp lên hạng")[0])
    if "will_drop" in shown:
        assert customers_of(shown["will_drop"]) == number(
            p["04"].find(rf"{N} (?:khách|thành viên) sẽ bị hạ hạng")[0])
    windows = [k for k in ("repurchase_1_7", "repurchase_8_14", "repurchase_15_28") if k in shown]
    if windows:
        table = p["03"].table("Khách mua 1 lần")
        assert len(table) == len(windows)
        for key, cells in zip(windows, table.values()):
            assert customers_of(shown[key]) == sum(number(v) for v in cells.values()), key
        # page 03's send lists, per channel, are these windows' lists
        for channel in ("SMS", "Zalo ZNS", "Email"):
            total = sum(reach_of(shown[k]).get(channel, 0) for k in windows)
            assert total == number(p["03"].find(re.escape(channel) + rf": {N} khách trong")[0])
    if "Tháng này không có danh sách «khách tốt nhất" in p["00"].section("actions"):
        # dropped on page 06's word: page 06 lists nobody to call either
        assert "hãy liên hệ ngay" not in p["06"].text and "fading_champions" not in shown
    if "fading_champions" in shown:
        said = re.search(rf"{N} khách thuộc nhóm «[^»]+» có khả năng còn mua dưới 50%",
                         p["06"].text)
        assert customers_of(shown["fading_champions"]) == (number(said.group(1)) if said else 0)
    if "next_campaign" in shown:
        item = shown["next_campaign"]
        size, treated, held = map(number, re.search(
            rf": {N} khách \({N} nhận tin, {N} làm đối chứng", item).groups())
        on_05 = p["05"].find(rf"Danh sách chiến dịch tiếp theo đã ghi vào [^:]+: {N} khách, gồm "
                             rf"{N} khách nhận tin và {N} khách làm đối chứng")
        assert (size, treated, held) == tuple(map(number, on_05))
        assert size == treated + held
        assert reach_of(item) == reach_of(p["05"].text.split("Danh sách chiến dịch tiếp theo")[1])
        # the next campaign's plan (campaign_plan.csv): page 05's sentence, word for word, and
        # "too small" exactly when the list is smaller than the plan needs
        said = re.search(r"Với .*?\(cả hai nhóm\)[^.]*\.", item)
        assert said, item
        assert said.group(0) in p["05"].text
        needed = number(re.search(rf"cần khoảng {N} khách", said.group(0)).group(1))
        assert ("quá nhỏ để đo hiệu quả" in item) == (size < needed)


@pytest.mark.notebooks
def test_every_other_figure_page_00_repeats_is_its_page_s(published):
    p = pages(published)
    review = p["00"]
    # KPIs: customers and one-time buyers, as page 01 counts them
    cards = {c.select_one(".label").get_text(strip=True): c.select_one(".value").get_text(
        strip=True) for c in review.soup.select(".workbook-kpi")}
    assert number(cards["Khách hàng"]) == number(p["01"].find(rf"{N} khách đã mua")[0])
    one_time = number(p["01"].find(rf"{N}% khách chỉ mua một lần")[0])
    assert round(number(cards["Khách chỉ mua 1 lần"])) == one_time
    # segment shares: the same denominator (every customer) on both pages, both named
    shares = review.table("Tỷ trọng trên mọi khách")
    segments = p["01"].table("Tỷ lệ")
    assert shares.keys() == segments.keys()
    for label, row in shares.items():
        assert row["Tỷ trọng trên mọi khách"] == segments[label]["Tỷ lệ"], label
    assert "bảng tính trên mọi khách" in review.section("segments")
    # the treemap of buyers: page 01's first one (customers), tile by tile
    assert treemaps(review)[0] == treemaps(p["01"])[0]
    # migration: page 02's shares and new customers
    up, down, new = review.find(rf"{N}% khách lên nhóm tốt hơn, {N}% xuống nhóm kém hơn; "
                                rf"{N} khách mới")
    assert (up, down) == (p["02"].find(rf"{N}% lên nhóm tốt hơn")[0],
                          p["02"].find(rf"{N}% xuống nhóm kém hơn")[0])
    assert new == p["02"].find(rf"{N} khách mới xuất hiện")[0]
    # cohorts: the latest cohort and the average over the cohorts page 03 averages
    cohort, rate, count, mean = review.find(
        rf"Khách mua lần đầu vào (\S+): {N}% mua lại ngay tháng sau; trung bình (\d+) tháng gần "
        rf"nhất là {N}%")
    assert (cohort, rate) == p["03"].find(rf"khách mua lần đầu vào (\S+), {N}% mua lại ngay")
    assert (count, mean) == p["03"].find(rf"Trung bình (\d+) nhóm gần nhất: {N}%")
    # tiers: members per tier, moves and those close to the next tier, as page 04 says them
    members, parts = review.find(rf"{N} khách có hạng: ([^.]+(?:\.\d+[^.]*)*)\. ")
    assert (members, parts) == p["04"].find(rf"{N} (?:khách có hạng|thành viên) tính đến \S+: "
                                            rf"([^.]+(?:\.\d+[^.]*)*)\. ")
    assert review.find(rf"{N} lên hạng, {N} xuống hạng") == \
        p["04"].find(rf"{N} lên hạng,? {N} xuống hạng")
    assert review.find(rf"{N} khách sắp lên hạng") == \
        p["04"].find(rf"{N} (?:khách|thành viên) sắp lên hạng")
    # campaigns: each sentence page 00 shows is page 05's, word for word
    said = BeautifulSoup(review.section_html("campaigns"), "html.parser").find_all("li")
    assert said
    for li in said:
        assert _text(str(li)) in p["05"].text


@pytest.mark.notebooks
def test_page_00_names_the_pages_as_their_titles_do_and_says_where_the_lists_are(published):
    p = pages(published)
    review = p["00"]
    for stem in sentences.PAGE_STEMS:
        title = p[stem[:2]].soup.find("h1").get_text(" ", strip=True).rstrip("¶").strip()
        link = review.soup.find("a", href=f"{stem}.html")
        assert link is not None and link.get_text(strip=True) == f"{stem[:2]} {title}", stem
        assert p[stem[:2]].soup.title.get_text().startswith(title)
    assert f"reports/{published.name}/" in review.text or f"/{published.name}/" in review.text
    for item in review_actions_shown(review).values():  # an empty list has no link
        if "không có khách nào tháng này" in item:
            assert "tệp" not in item
    for a in review.soup.select("ol.workbook-actions a"):
        assert (published / a["href"]).exists(), a["href"]
    assert re.search(r"Tạo lúc \d\d:\d\d ngày \d\d/\d\d/\d{4} \(giờ [^)]+\) · mã lần chạy \S+",
                     review.text)


# ---------------------------------------------------------------- the pieces, by hand


def campaign_folder(tmp_path: Path, *, customers=20, holdout=2, send=None) -> Path:
    send = send or {"sms": 12, "zalo": 9, "email": 5}
    folder = tmp_path / "campaign_lists" / "at_risk-2026-11-30"
    folder.mkdir(parents=True)
    (folder / "holdout.csv").write_text(
        "customer_id\n" + "".join(f"H{i}\n" for i in range(holdout)), encoding="utf-8")
    for channel, rows in send.items():
        (folder / f"send_{channel}.csv").write_text(
            "customer_id\n" + "".join(f"S{i}\n" for i in range(rows)), encoding="utf-8")
        (folder / f"send_{channel}.manifest.json").write_text(json.dumps({
            "rows": rows, "candidates": customers,
            "left_out": {"holdout": holdout, "no_consent": customers - holdout - rows}}),
            encoding="utf-8")
    return folder


def test_the_next_campaign_s_size_is_its_list_treated_plus_holdout_on_both_pages(tmp_path):
    folder = campaign_folder(tmp_path)
    size = campaigns.next_campaign_size(folder)
    assert size == {"customers": 20, "treated": 18, "holdout": 2,
                    "send": {"sms": 12, "zalo": 9, "email": 5}}
    # page 05 and page 00 say the same three numbers
    page05 = campaigns_sentences.next_campaign_sentence(size, "campaign_lists/x/").data
    assert "**20 khách**, gồm 18 khách nhận tin và **2 khách làm đối chứng**" in page05
    assert "SMS 12, Zalo ZNS 9, Email 5" in page05 and "ZALO" not in page05
    actions = review_actions.month_actions(tmp_path)
    page00 = sentences.actions_list(actions).data
    assert "20 khách (18 nhận tin, 2 làm đối chứng, không gửi)" in page00
    assert "gửi được: SMS 12, Zalo ZNS 9, Email 5" in page00
    # a person opens the send list of a channel: the XLSX beside it when there is one
    (folder / "send_sms.xlsx").write_bytes(b"PK")
    links = re.findall(r"href='([^']+)'", sentences.actions_list(
        review_actions.month_actions(tmp_path)).data)
    assert "campaign_lists/at_risk-2026-11-30/send_sms.xlsx" in links
    assert "campaign_lists/at_risk-2026-11-30/send_zalo.csv" in links


def test_a_campaign_folder_without_its_manifests_is_an_error_naming_them(tmp_path):
    folder = campaign_folder(tmp_path)
    (folder / "send_zalo.manifest.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"send_zalo.manifest.json missing.*notebook 05"):
        campaigns.next_campaign_size(folder)


def lists(tmp_path: Path, sizes: dict[str, int]) -> Path:
    for relative, rows in sizes.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("customer_id\n" + "".join(f"K{i}\n" for i in range(rows)),
                        encoding="utf-8")
    return tmp_path


def test_an_empty_list_is_said_without_a_link_and_a_full_one_links_its_xlsx(tmp_path):
    folder = lists(tmp_path, {"movers/win_back.csv": 3, "movers/sms/win_back.csv": 2,
                              "tiers/will_drop.csv": 0})
    (folder / "movers" / "win_back.xlsx").write_bytes(b"PK")
    shown = review_actions.month_actions(folder)
    vi = sentences.actions_list(shown, lang="vi").data
    en = sentences.actions_list(shown, lang="en").data
    assert "<b>Giữ chân khách sắp xuống hạng</b>: không có khách nào tháng này." in vi
    assert "<b>Keep customers about to drop a tier</b>: no customers this month." in en
    assert re.findall(r"href='([^']+)'", vi) == ["movers/win_back.xlsx"]
    assert "will_drop" not in vi  # no link, no file name for an empty list
    assert "3 khách; gửi được: SMS 2, Zalo ZNS 0, Email 0" in vi


@pytest.mark.parametrize("verdict, shown", [("nobody_leaves", False), ("everybody_left", False),
                                            ("not_fitted", False), ("drop", False),
                                            ("ok", True), (None, True), ("garbage", True)])
def test_the_fading_best_customers_are_dropped_when_page_06_says_its_fit_is_degenerate(
        tmp_path, verdict, shown):
    folder = lists(tmp_path, {"value/fading_champions.csv": 0})
    if verdict == "garbage":
        (folder / "value" / "fit_check.json").write_text("{not json", encoding="utf-8")
    elif verdict == "drop":  # a reason page 00 does not know: page 06's word to drop it
        (folder / "value" / "fit_check.json").write_text(json.dumps(
            {"verdict": "something_new", "fading_action": "drop"}), encoding="utf-8")
    elif verdict:
        (folder / "value" / "fit_check.json").write_text(json.dumps(
            {"verdict": verdict, "fading_action": "show" if verdict == "ok" else "drop"}),
            encoding="utf-8")
    text = sentences.actions_list(review_actions.month_actions(folder)).data
    assert ("Gọi ngay khách tốt nhất" in text) is shown
    if not shown:
        assert "Tháng này không có danh sách «khách tốt nhất" in text
        assert "0 khách" not in text


def test_the_month_folder_is_named_as_published_never_as_staging(tmp_path):
    staging = tmp_path / "reports" / ".staging-2026-11-30"
    assert review_actions.month_folder(staging) == "reports/2026-11-30/"
    assert review_actions.month_folder(tmp_path / "reports" / "2026-11-30-en") == \
        "reports/2026-11-30-en/"
    text = sentences.lists_location("reports/2026-11-30/").data
    assert "<code>reports/2026-11-30/</code>" in text and str(tmp_path) not in text


# ---------------------------------------------------------------- a month not over


def test_a_month_not_over_is_compared_with_the_same_days_of_the_month_before():
    assert is_partial_month(date(2026, 12, 5)) and not is_partial_month(date(2026, 11, 30))
    assert not is_partial_month(date(2028, 2, 29)) and is_partial_month(date(2027, 2, 28)) is False
    assert same_day_month_before(date(2026, 3, 31)) == date(2026, 2, 28)
    period = ReviewPeriod.of(date(2026, 12, 5))
    assert period.dates == [date(2026, 11, 5), date(2026, 12, 5)]
    assert period.this_month("vi") == "5 ngày đầu tháng 12/2026"
    assert period.versus("vi") == "so với 5 ngày đầu tháng 11/2026"
    assert "5 ngày đầu tháng" in period.caveat("vi") and "chưa kết thúc" in period.caveat("vi")
    whole = ReviewPeriod.of(date(2026, 11, 30))
    assert whole.dates == [date(2026, 10, 31), date(2026, 11, 30)] and whole.caveat("vi") == ""
    # 30 days of March meet all of February, and the page says so
    assert ReviewPeriod.of(date(2026, 3, 30)).versus("vi") == "so với cả tháng 02/2026 (28 ngày)"


def O(customer, order_id, day, amount):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day, "amount": str(amount),
            "status": "completed", "channel": "store"}


def test_mid_month_kpis_compare_the_first_days_of_both_months(con, given_orders):
    from helpers.pages.review import compute as review

    given_orders([
        O("a", "1", "2026-11-02", 100), O("b", "2", "2026-11-04", 200),  # Nov 1-5: 300
        O("a", "3", "2026-11-20", 5000), O("c", "4", "2026-11-28", 7000),  # the rest of Nov
        O("a", "5", "2026-12-01", 150), O("d", "6", "2026-12-03", 150),  # Dec 1-5: 300
    ])
    as_of = date(2026, 12, 5)
    period = ReviewPeriod.of(as_of)
    kpis = review.monthly_kpis(con, as_of=as_of, period=period)
    before, now = kpis.iloc[0], kpis.iloc[1]
    assert (before.revenue, now.revenue) == (300, 300)  # not 12.300 for all of November
    assert (before.active_buyers, now.active_buyers) == (2, 2)
    text = sentences.kpi_sentences(kpis, period=period, lang="vi").data
    assert "Doanh thu 5 ngày đầu tháng 12/2026 tăng 0,0% so với 5 ngày đầu tháng 11/2026" in text
    assert "khách mua trong 5 ngày đầu tháng 12/2026" in text
    cards = sentences.kpi_cards(kpis, period=period, lang="vi").data
    assert "Doanh thu tháng 1–5/12" in cards and "so với 1–5/11" in cards
    assert "so với tháng trước" not in cards + text
    english = sentences.kpi_sentences(kpis, period=period, lang="en").data
    assert "Revenue in the first 5 days of December 2026 rose 0.0% vs the first 5 days of " \
           "November 2026" in english
    # a whole month keeps the month-to-month wording
    whole = review.monthly_kpis(con, as_of=date(2026, 11, 30))
    assert list(whole.revenue) == [0, 12300]
    assert "so với tháng trước" in sentences.kpi_cards(whole, lang="vi").data
    # October sold nothing: no percentage of nothing
    assert "(kỳ so sánh chưa có doanh thu)" in sentences.kpi_sentences(whole, lang="vi").data


def test_the_review_s_other_comparisons_say_a_partial_month():
    import pandas as pd

    period = ReviewPeriod.of(date(2026, 12, 5))
    migration = sentences.migration_review({"up": 0.1, "down": 0.2, "new": 3}, 0,
                                           file="movers/win_back.csv", period=period).data
    assert "Từ 30/11/2026 đến 05/12/2026 (5 ngày đầu tháng 12/2026)" in migration
    members = pd.DataFrame({"tier": ["a", "b"], "tier_change": ["up", "same"],
                            "close_to_next": ["true", "false"]})
    tiers = sentences.tier_review(members, {"a": "A", "b": "B"}, period=period).data
    assert "So với ngày 30/11/2026 (5 ngày trước): 1 lên hạng" in tiers
    assert "**2 khách có hạng**: A 1, B 1" in tiers and "thành viên" not in tiers
    changes = pd.DataFrame({"segment": ["x"], "share_now": [0.5], "share_before": [0.4],
                            "change": [0.1]})
    table = sentences.segment_change_table(changes, {"x": "X"}, period=period).data
    assert "So với ngày 30/11/2026 (5 ngày trước)" in table


# ---------------------------------------------------------------- when and by which run


def test_the_stamp_says_when_in_the_shop_s_time_and_which_run():
    when = datetime.fromisoformat("2026-12-06T05:30:00+00:00")
    assert run_id("20261206-abc", when, date(2026, 11, 30)) == "20261206-abc"
    made = run_id("", when, date(2026, 11, 30))
    assert made.startswith("20261130-20261206T053000Z-") and len(made) == 32
    vi = stamp_text(when, made, lang="vi")
    assert vi.startswith("Tạo lúc 12:30 ngày 06/12/2026 (giờ Asia/Ho_Chi_Minh) · mã lần chạy ")
    assert stamp_text(when, made, lang="en").startswith("Made at 12:30 on 6 Dec 2026")


def test_the_runner_s_word_on_the_month_wins_and_a_what_if_says_it_is_one():
    from types import SimpleNamespace

    from helpers.pages.review import compute as review

    run = SimpleNamespace(as_of=date(2026, 11, 30), shop_tz="Asia/Ho_Chi_Minh", lang="vi")
    assert not review.review_period(run).partial  # from the date
    assert review.review_period(run, month_complete=False).partial  # as the runner says
    assert not review.review_period(run, month_complete=True).partial
    title = review.opening(run, period=review.review_period(run), what_if="scheme-vn4")[0].data
    assert "bản thử «scheme-vn4»" in title and "không phải báo cáo tháng" in title
    assert "bản thử" not in review.opening(run, period=review.review_period(run))[0].data
    english = sentences.what_if_caveat("scheme-vn4", lang="en")
    assert english.startswith("This is the what-if «scheme-vn4»")


# ---------------------------------------------------------------- on a phone

WINBACK_JS = """() => {
  const table = document.querySelector('table.workbook-winback');
  if (!table) return null;
  const heads = Array.from(table.querySelectorAll('th')).map(th => {
    const r = th.getBoundingClientRect();
    return [th.innerText.trim(), r.left, r.right];
  });
  return {page: document.documentElement.scrollWidth, table: table.scrollWidth,
          box: table.clientWidth, heads: heads, view: window.innerWidth};
}"""


@pytest.mark.notebooks
@pytest.mark.browser
def test_at_390_px_the_win_back_table_shows_who_the_move_and_the_spend_without_a_swipe(month):
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for width in (390, 1400):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto((month / "00_monthly_review.html").resolve().as_uri())
            seen = page.evaluate(WINBACK_JS)
            assert seen is not None, "page 00 shows no win-back table"
            assert seen["page"] <= width and seen["table"] <= seen["box"] + 1, (width, seen)
            assert [h[0] for h in seen["heads"]] == ["Khách", "Trước → Nay", "Chi tiêu"]
            assert all(left >= 0 and right <= width for _, left, right in seen["heads"]), seen
        browser.close()


def test_monthly_cohorts_are_averaged_as_page_03_does_and_weekly_ones_sent_to_page_03(tmp_path):
    import pandas as pd

    from helpers.pages.review import compute as review

    rows = [("2026-07", 0, 10, 1.0), ("2026-07", 1, 10, 0.2), ("2026-08", 0, 30, 1.0),
            ("2026-09", 0, 20, 1.0), ("2026-09", 1, 20, 0.5), ("2026-10", 0, 5, 1.0)]
    frame = pd.DataFrame(rows, columns=["cohort", "period", "cohort_size", "retention"])
    glance = review.cohort_glance(frame, as_of=date(2026, 10, 31))
    # September's next month (October) is over; August had nobody back (0, not left out);
    # October's next month has not begun
    assert list(glance.cohort) == ["2026-07", "2026-08", "2026-09"]
    assert list(glance.retention) == [0.2, 0.0, 0.5]
    mid = review.cohort_glance(frame, as_of=date(2026, 10, 15))
    assert list(mid.cohort) == ["2026-07", "2026-08"]  # October is not over: September waits
    weekly = frame.assign(cohort=frame.cohort.str.replace("-", "-W"))
    weekly.to_csv(tmp_path / "cohort_revenue.csv", index=False)
    from types import SimpleNamespace

    run = SimpleNamespace(output_dir=tmp_path, as_of=date(2026, 10, 31), lang="vi")
    said = review.cohorts_section(run)
    assert len(said) == 1 and "theo tuần" in said[0].data


def test_page_00_s_next_campaign_says_page_05_s_plan_and_too_small_from_the_same_row(tmp_path):
    import pandas as pd

    from helpers.pages.campaigns import checks

    folder = campaign_folder(tmp_path)
    (folder / campaigns.CAMPAIGN_FILE).write_text(json.dumps({"segment": "at_risk"}),
                                                  encoding="utf-8")
    row = {"segment": "at_risk", "customers": 20, "holdout_share": 0.1, "base_rate": 0.05,
           "mde_points": 40.5, "mde_revenue_per_customer": 1000.0, "target_uplift_points": 2.0,
           "customers_needed": 25000}
    shown = review_actions.month_actions(tmp_path, plan={"at_risk": row})
    item = sentences.actions_list(shown, labels={"at_risk": "Có nguy cơ rời bỏ"}).data
    page05 = checks.plan_sentence(pd.Series(row), label="Có nguy cơ rời bỏ", lang="vi")
    assert "⚠ Danh sách này quá nhỏ để đo hiệu quả." in item
    assert page05.replace("**", "") in re.sub(r"</?b>", "", item)
    assert "+40,5\u00a0điểm %" in page05 and "25.000 khách" in page05
    assert "(danh sách này không đủ, dù chia đôi)" in page05  # 20 customers cannot, at any share
    big = review_actions.month_actions(tmp_path, plan={"at_risk": row | {"customers_needed": 10}})
    assert "quá nhỏ" not in sentences.actions_list(big).data
    # a list whose segment page 05 did not plan (an older folder): no plan, no warning
    (folder / campaigns.CAMPAIGN_FILE).unlink()
    assert "plan" not in review_actions.month_actions(tmp_path, plan={"at_risk": row})[0]


def test_slipping_customers_are_an_action_only_when_page_06_lists_some(tmp_path):
    folder = lists(tmp_path, {"value/slipping.csv": 0})
    assert [a["key"] for a in review_actions.month_actions(folder)] == []
    folder = lists(tmp_path, {"value/slipping.csv": 4, "value/sms/slipping.csv": 3})
    (folder / "value" / "slipping.xlsx").write_bytes(b"PK")
    shown = review_actions.month_actions(folder)
    assert [a["key"] for a in shown] == ["slipping"]
    vi = sentences.actions_list(shown, lang="vi").data
    assert "4 khách; gửi được: SMS 3, Zalo ZNS 0, Email 0" in vi
    assert "value/slipping.xlsx" in vi
    assert "Contact customers who are slipping" in sentences.actions_list(shown, lang="en").data
