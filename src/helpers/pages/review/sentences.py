"""Page 00's sentences: the month at a glance, its actions and the links to the pages."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import money, number, percent, signed_percent_points
from helpers.kit.narrative import html_table
from helpers.kit.safe_text import html_text
from helpers.kit.texts import CHANNEL_NAMES, callout, pick

ACTION_LABELS = {
    "win_back": ("Giành lại khách giá trị vừa tụt nhóm", "Win back valuable customers who slipped"),
    "close_to_next": ("Nhắc khách sắp lên hạng thành viên", "Nudge members close to the next tier"),
    "will_drop": ("Giữ chân khách sắp xuống hạng", "Keep members about to drop a tier"),
    "repurchase_1_7": ("Mời mua lại: khách mua 1–7 ngày trước",
                       "Invite back: bought 1–7 days ago"),
    "repurchase_8_14": ("Mời mua lại: khách mua 8–14 ngày trước",
                        "Invite back: bought 8–14 days ago"),
    "repurchase_15_28": ("Mời mua lại: khách mua 15–28 ngày trước",
                         "Invite back: bought 15–28 days ago"),
    "birthdays": ("Chúc mừng sinh nhật khách tháng tới", "Birthday wishes for next month"),
    "fading_champions": ("Gọi ngay khách tốt nhất có khả năng còn mua dưới 50%",
                         "Call the best customers whose chance of still buying is below 50%"),
    "next_campaign": ("Gửi chiến dịch tiếp theo (giữ nhóm đối chứng)",
                      "Send the next campaign (keep its holdout)"),
}


PAGE_TITLES = {
    "01_rfm_segments": ("Phân nhóm khách hàng", "Customer segments"),
    "02_segment_migration": ("Khách chuyển nhóm", "Segment migration"),
    "03_cohort_revenue": ("Khách mới và mua lại", "Cohorts and repurchase"),
    "04_loyalty_tiers": ("Hạng thành viên", "Loyalty tiers"),
    "05_campaign_results": ("Kết quả chiến dịch", "Campaign results"),
    "06_customer_value": ("Giá trị khách hàng", "Customer value"),
}


def actions_list(actions: list[dict], *, lang: str = "vi") -> HTML:
    """This month's actions: who, how many reachable per channel, and the file to send."""
    from html import escape

    if not actions:
        return HTML("<p>" + pick(lang, "Tháng này chưa có danh sách nào cần gửi.",
                                  "No list to send this month.") + "</p>")
    names = CHANNEL_NAMES
    items = []
    for a in actions:
        vi, en = ACTION_LABELS[a["key"]]
        reach = ", ".join(f"{names[c]} {number(n, lang)}" for c, n in a["channels"].items())
        text = (f"<b>{pick(lang, vi, en)}</b>: {number(a['customers'], lang)} "
                + pick(lang, "khách", "customers"))
        if a.get("holdout"):
            text += pick(lang, f", trong đó {number(a['holdout'], lang)} khách làm đối chứng "
                                f"(không gửi)", f", {number(a['holdout'], lang)} of them held out "
                                                f"(not contacted)")
        text += pick(lang, f"; gửi được: {reach}", f"; reachable: {reach}")
        link = pick(lang, "mở danh sách", "open the list")
        text += f" · <a href='{escape(a['file'], quote=True)}'>{link}</a>"
        if a.get("needed"):
            text += "<br>" + pick(
                lang, f"⚠ Danh sách này quá nhỏ để đo hiệu quả: cần khoảng "
                      f"{number(a['needed'], lang)} khách để thấy mức tăng "
                      f"{percent(a['uplift'], lang)} tỷ lệ mua.",
                f"⚠ This list is too small to measure the campaign: about "
                f"{number(a['needed'], lang)} customers are needed to detect a "
                f"{percent(a['uplift'], lang)} uplift in purchase rate.")
        items.append(f"<li>{text}</li>")
    note = pick(lang, "Số gửi được đã trừ khách không đồng ý nhận tin hoặc thiếu số điện "
                       "thoại, email hợp lệ.",
                 "Reachable counts leave out customers without consent or a valid contact.")
    return HTML("<ol class='workbook-actions'>" + "".join(items) + f"</ol><p><small>{note}"
                "</small></p>")


def page_links(*, lang: str = "vi") -> HTML:
    links = " · ".join(f"<a href='{page}.html'>{pick(lang, *PAGE_TITLES[page])}</a>"
                       for page in PAGE_TITLES)
    return HTML("<p>" + pick(lang, "Chi tiết: ", "Details: ") + links + "</p>")


REVIEW_SECTIONS = [
    ("actions", "Việc cần làm tháng này", "What to do this month"),
    ("kpis", "Chỉ số chính", "Key figures"),
    ("segments", "Các nhóm khách", "Customer segments"),
    ("migration", "Chuyển nhóm và khách cần giành lại", "Migration and win-back"),
    ("cohorts", "Khách mới có quay lại không", "Do new customers come back"),
    ("tiers", "Hạng thành viên", "Loyalty tiers"),
    ("campaigns", "Chiến dịch tháng qua", "Last month's campaigns"),
]


def heading(key: str, *, lang: str = "vi") -> HTML:
    """An H2 with a stable anchor for the table of contents."""
    title = next(pick(lang, vi, en) for k, vi, en in REVIEW_SECTIONS if k == key)
    return HTML(f"<h2 id='{key}'>{title}</h2>")


def review_title(as_of, *, lang: str = "vi") -> HTML:
    toc = "".join(f"<li><a href='#{k}'>{pick(lang, vi, en)}</a></li>"
                  for k, vi, en in REVIEW_SECTIONS)
    title = pick(lang, f"Báo cáo khách hàng tháng {as_of:%m/%Y}",
                  f"Customer review, {as_of:%B %Y}")
    sub = pick(lang, f"Số liệu tính đến hết ngày {as_of:%d/%m/%Y}.",
                f"Figures up to and including {as_of:%d %B %Y}.")
    contents = pick(lang, "Nội dung", "Contents")
    return HTML(f"<p style='font-size:18px'><b>{title}</b> · {sub}</p>"
                f"<p><b>{contents}</b></p><ol>{toc}</ol>")


def kpi_cards(kpis: pd.DataFrame, *, lang: str = "vi") -> HTML:
    """Headline figures with their change since last month end."""
    now, before = kpis.iloc[-1], kpis.iloc[0]
    names = {"customers": pick(lang, "Khách hàng", "Customers"),
             "active_buyers": pick(lang, "Khách mua trong tháng", "Active buyers this month"),
             "revenue": pick(lang, "Doanh thu tháng", "Revenue this month"),
             "repeat_rate": pick(lang, "Tỷ lệ khách quay lại", "Repeat rate"),
             "share_one_time": pick(lang, "Khách chỉ mua 1 lần", "One-time buyers")}
    cards = []
    for key, label in names.items():
        value, old = now[key], before[key]
        if key in ("repeat_rate", "share_one_time"):
            shown = percent(value, lang, 1)
            delta = (value - old) if pd.notna(old) else float("nan")
            change = signed_percent_points(delta, lang)
        else:
            shown = money(value, lang) if key == "revenue" else number(value, lang)
            delta = (value / old - 1) if old else float("nan")
            change = ("+" if delta > 0 else "") + percent(delta, lang, 1) if pd.notna(delta) else "–"
        good = delta < 0 if key == "share_one_time" else delta > 0
        css = "up" if (pd.notna(delta) and delta != 0 and good) else (
            "down" if pd.notna(delta) and delta != 0 else "")
        vs = pick(lang, "so với tháng trước", "vs last month")
        cards.append(f"<div class='workbook-kpi'><div class='label'>{label}</div>"
                     f"<div class='value'>{shown}</div>"
                     f"<div class='{css}'>{change} {vs}</div></div>")
    return HTML("<div>" + "".join(cards) + "</div>")


def kpi_sentences(kpis: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    now, before = kpis.iloc[-1], kpis.iloc[0]
    if not now.customers:
        return callout(pick(lang, "Chưa có đơn hàng nào tính đến ngày phân tích: kiểm tra tệp "
                                   "đơn hàng trước khi đọc trang này.",
                             "There are no orders up to the as-of date: check the orders export "
                             "before reading this page."))
    rev = (now.revenue / before.revenue - 1) if before.revenue else float("nan")
    items = [
        pick(lang,
              f"Doanh thu tháng {'tăng' if rev >= 0 else 'giảm'} {percent(abs(rev), lang, 1)} "
              f"so với tháng trước, còn {money(now.revenue, lang)}." if rev < 0 else
              f"Doanh thu tháng tăng {percent(rev, lang, 1)} so với tháng trước, đạt "
              f"{money(now.revenue, lang)}.",
              f"Revenue {'rose' if rev >= 0 else 'fell'} {percent(abs(rev), lang, 1)} on last month"
              f" to {money(now.revenue, lang)}."),
        pick(lang,
              f"{number(now.active_buyers, lang)} khách mua trong tháng, trong đó "
              f"{percent(now.repeat_rate, lang)} là khách cũ quay lại.",
              f"{number(now.active_buyers, lang)} customers bought this month; "
              f"{percent(now.repeat_rate, lang)} of them had bought before."),
    ]
    guest = now.get("guest_revenue", 0) or 0
    if guest:
        items.append(pick(
            lang,
            f"Doanh thu trên chỉ tính đơn của khách có mã khách hàng. Đơn bán cho khách vãng lai "
            f"(không có mã) trong tháng: {money(guest, lang)} "
            f"({number(now.guest_orders, lang)} đơn), không tính vào RFM.",
            f"Revenue above counts orders of identified customers only. Guest sales (no customer "
            f"key) this month: {money(guest, lang)} ({number(now.guest_orders, lang)} orders), "
            f"kept out of RFM."))
    if now.share_one_time > 0.8:
        items.append(pick(lang, "Hơn 80% khách chỉ mua một lần: ưu tiên kéo họ quay lại lần hai.",
                           "More than 80% of customers bought once: the second purchase is the "
                           "priority."))
    return Markdown("\n".join(f"- {i}" for i in items))


def segment_change_table(changes: pd.DataFrame, labels: dict[str, str], *,
                         lang: str = "vi") -> HTML:
    table = pd.DataFrame({
        pick(lang, "Nhóm", "Segment"): changes.segment.map(lambda s: labels.get(s, s)),
        pick(lang, "Tỷ trọng trên mọi khách", "Share of all customers"):
            [percent(v, lang, 1) for v in changes.share_now],
        pick(lang, "So với tháng trước", "Since last month"):
            [signed_percent_points(v, lang) for v in changes.change],
    })
    # the treemap above counts buyers only; this table every customer, prospects included
    prospects = html_text(labels.get("prospect", pick(lang, "Người quan tâm", "Prospects")))
    note = pick(lang, "Biểu đồ tính tỷ trọng trên khách đã mua; bảng tính trên mọi khách, kể cả "
                       f"người chưa mua lần nào ({prospects}).",
                 "The chart's shares are of buyers; the table's are of all customers, including "
                 f"those who never bought ({prospects}).")
    return HTML(html_table(table).data + f"<p><small>{note}</small></p>")
