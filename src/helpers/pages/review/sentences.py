"""Page 00's sentences: the month at a glance, its actions and the links to the pages."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.core.params import month_end_before
from helpers.kit.formatting import money, number, percent, signed_percent_points
from helpers.kit.narrative import day
from helpers.kit.safe_text import html_text, md_text, shown_text
from helpers.kit.texts import CHANNEL_NAMES, callout, pick, t
from helpers.pages.campaigns.checks import plan_sentence
from helpers.pages.review.period import ReviewPeriod


def markdown_bold(text: str) -> str:
    """A plan sentence (markdown, **bold**) as HTML: escaped, its bold kept."""
    parts = html_text(text).split("**")
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))

ACTION_LABELS = {
    "win_back": ("Giành lại khách giá trị vừa tụt nhóm", "Win back valuable customers who slipped"),
    # "thành viên" is a tier's name in many shops: the people are "khách", as page 04 says
    "close_to_next": ("Nhắc khách sắp lên hạng", "Nudge customers close to the next tier"),
    "will_drop": ("Giữ chân khách sắp xuống hạng", "Keep customers about to drop a tier"),
    "repurchase_1_7": ("Mời mua lại: khách mua 1–7 ngày trước",
                       "Invite back: bought 1–7 days ago"),
    "repurchase_8_14": ("Mời mua lại: khách mua 8–14 ngày trước",
                        "Invite back: bought 8–14 days ago"),
    "repurchase_15_28": ("Mời mua lại: khách mua 15–28 ngày trước",
                         "Invite back: bought 15–28 days ago"),
    "birthdays": ("Chúc mừng sinh nhật khách tháng tới", "Birthday wishes for next month"),
    "fading_champions": ("Gọi ngay khách tốt nhất có khả năng còn mua dưới 50%",
                         "Call the best customers whose chance of still buying is below 50%"),
    "slipping": ("Liên hệ khách đang giảm khả năng quay lại", "Contact customers who are slipping"),
    "next_campaign": ("Gửi chiến dịch tiếp theo (giữ nhóm đối chứng)",
                      "Send the next campaign (keep its holdout)"),
}


PAGE_STEMS = ["01_rfm_segments", "02_segment_migration", "03_cohort_revenue", "04_loyalty_tiers",
              "05_campaign_results", "06_customer_value"]


def page_name(stem: str, lang: str) -> str:
    """A page's name as its own title says it (kit/page_texts.py, 'NN.title': its first line):
    page 00's links, the pages' headings and their <title> say the same words."""
    first = t(f"{stem[:2]}.title", lang).splitlines()[0]
    return first.lstrip("#").strip()


# stem -> (vi, en): the run's <title> of each page (run/monthly.page_title) and page 00's links
# (00 too: run/monthly.page_title still names it "Báo cáo tháng" over this, see the report)
PAGE_TITLES = {stem: (page_name(stem, "vi"), page_name(stem, "en"))
               for stem in ["00_monthly_review", *PAGE_STEMS]}


def _link(href: str, text: str) -> str:
    from html import escape

    return f"<a href='{escape(href, quote=True)}'>{escape(text)}</a>"


def lists_location(folder: str, *, lang: str = "vi") -> HTML:
    """Where the lists are, for whoever runs the workbook, and that this page reads without
    them (a page forwarded alone cannot open a file of the month folder)."""
    where = f"<code>{html_text(folder)}</code>"
    return HTML("<p>" + pick(
        lang,
        f"Các danh sách dưới đây là tệp trong thư mục tháng {where} trên máy chạy báo cáo; bấm "
        f"tên tệp để mở khi trang được mở từ thư mục đó. Số khách của từng việc đã ghi ngay "
        f"trên trang này, nên trang vẫn đọc được khi được gửi đi một mình (Zalo, email): hỏi "
        f"người chạy báo cáo để lấy tệp.",
        f"The lists below are files in the month folder {where} on the machine that runs the "
        f"workbook; click a file's name to open it when this page is opened from that folder. "
        f"Each action's counts are on this page, so it still reads when forwarded alone (Zalo, "
        f"e-mail): ask whoever runs the workbook for the files.") + "</p>")


def _action_text(a: dict, lang: str, labels: dict | None = None) -> str:
    labels = labels or {}
    vi, en = ACTION_LABELS[a["key"]]
    text = f"<b>{pick(lang, vi, en)}</b>: "
    if not a["customers"]:  # an empty list: said, with nothing to open
        return text + pick(lang, "không có khách nào tháng này.", "no customers this month.")
    text += f"{number(a['customers'], lang)} " + pick(lang, "khách", "customers")
    if "holdout" in a:
        text += pick(lang, f" ({number(a['treated'], lang)} nhận tin, "
                           f"{number(a['holdout'], lang)} làm đối chứng, không gửi)",
                     f" ({number(a['treated'], lang)} to contact, {number(a['holdout'], lang)} "
                     f"held out, not contacted)")
    reach = ", ".join(f"{CHANNEL_NAMES[c]} {number(n, lang)}" for c, n in a["channels"].items())
    text += pick(lang, f"; gửi được: {reach}", f"; reachable: {reach}")
    if isinstance(a["open"], dict):  # a campaign: one send list per channel, in its folder
        links = " · ".join(_link(href, CHANNEL_NAMES[c]) for c, href in a["open"].items())
        text += pick(lang, f"<br>Tệp gửi trong <code>{html_text(a['file'])}</code>: ",
                     f"<br>Send lists in <code>{html_text(a['file'])}</code>: ") + links
    elif a["open"]:
        text += pick(lang, " · tệp ", " · file ") + _link(a["open"], a["open"])
    if a.get("plan") is not None:
        row = a["plan"]
        said = plan_sentence(SimpleNamespace(**row),
                             label=labels.get(row["segment"], row["segment"]), lang=lang)
        text += "<br>" + (pick(lang, "⚠ Danh sách này quá nhỏ để đo hiệu quả. ",
                               "⚠ This list is too small to measure the campaign. ")
                          if a.get("too_small") else "") + markdown_bold(said)
    return text


DROPPED = {
    "nobody_leaves": (
        "Tháng này không có danh sách «khách tốt nhất có khả năng còn mua dưới 50%»: mô hình ở "
        "trang 06 «{page}» cho thấy gần như không khách nào bỏ đi, nên con số đó không nói lên "
        "điều gì.",
        "No list of best customers whose chance of still buying is below 50% this month: the "
        "model on page 06 «{page}» finds that almost nobody ever leaves, so that figure would say "
        "nothing."),
    "everybody_left": (
        "Tháng này không có danh sách «khách tốt nhất có khả năng còn mua dưới 50%»: mô hình ở "
        "trang 06 «{page}» cho thấy gần như mọi khách đã bỏ đi, nên con số đó không nói lên điều gì.",
        "No list of best customers whose chance of still buying is below 50% this month: the "
        "model on page 06 «{page}» finds that almost everybody has left, so that figure would say "
        "nothing."),
    "not_fitted": (
        "Tháng này không có danh sách «khách tốt nhất có khả năng còn mua dưới 50%»: mô hình ở "
        "trang 06 «{page}» chưa ước tính được trên dữ liệu tháng này.",
        "No list of best customers whose chance of still buying is below 50% this month: the "
        "model on page 06 «{page}» could not be fitted on this month's data."),
    "drop": (
        "Tháng này không có danh sách «khách tốt nhất có khả năng còn mua dưới 50%»: trang 06 "
        "«{page}» nói vì sao.",
        "No list of best customers whose chance of still buying is below 50% this month: page 06 "
        "«{page}» says why."),
}


def actions_list(actions: list[dict], *, lang: str = "vi",
                 labels: dict[str, str] | None = None) -> HTML:
    """This month's actions: who, how many reachable per channel, and the file a person opens;
    an empty list said as such, without a link; a list page 06's fit makes meaningless left out,
    with why."""

    shown = [a for a in actions if not a.get("dropped")]
    notes = [pick(lang, *DROPPED[a["dropped"]]).format(page=page_name("06", lang))
             for a in actions if a.get("dropped") in DROPPED]
    if not shown:
        return HTML("<p>" + pick(lang, "Tháng này chưa có danh sách nào cần gửi.",
                                  "No list to send this month.") + "</p>"
                    + "".join(f"<p>{n}</p>" for n in notes))
    items = "".join(f"<li>{_action_text(a, lang, labels)}</li>" for a in shown)
    note = pick(lang, "Số gửi được đã trừ khách không đồng ý nhận tin hoặc thiếu số điện "
                      "thoại, email hợp lệ.",
                "Reachable counts leave out customers without consent or a valid contact.")
    return HTML(f"<ol class='workbook-actions'>{items}</ol>"
                + "".join(f"<p>{n}</p>" for n in notes) + f"<p><small>{note}</small></p>")


def page_links(*, lang: str = "vi") -> HTML:
    """The pages by the names their own titles give."""
    links = " · ".join(_link(f"{stem}.html", f"{stem[:2]} {page_name(stem, lang)}")
                       for stem in PAGE_STEMS)
    return HTML("<p>" + pick(lang, "Chi tiết: ", "Details: ") + links + "</p>")


REVIEW_SECTIONS = [
    ("actions", "Việc cần làm tháng này", "What to do this month"),
    ("kpis", "Chỉ số chính", "Key figures"),
    ("segments", "Các nhóm khách", "Customer segments"),
    ("migration", "Chuyển nhóm và khách cần giành lại", "Migration and win-back"),
    ("cohorts", "Khách mới có quay lại không", "Do new customers come back"),
    ("tiers", "Hạng thành viên", "Loyalty tiers"),
    ("campaigns", "Chiến dịch tháng qua", "Last month's campaigns"),
    ("forecast", "Dự báo tháng trước so với thực tế", "Last month's forecast against what happened"),
]


def heading(key: str, *, lang: str = "vi") -> HTML:
    """An H2 with a stable anchor for the table of contents."""
    title = next(pick(lang, vi, en) for k, vi, en in REVIEW_SECTIONS if k == key)
    return HTML(f"<h2 id='{key}'>{title}</h2>")


def review_title(as_of, *, made: str = "", caveat: str = "", lang: str = "vi") -> HTML:
    """The title line, when and by which run the page was made, the partial-month caveat, and
    the contents."""
    toc = "".join(f"<li><a href='#{k}'>{pick(lang, vi, en)}</a></li>"
                  for k, vi, en in REVIEW_SECTIONS)
    title = pick(lang, f"Báo cáo khách hàng tháng {as_of:%m/%Y}",
                  f"Customer review, {as_of:%B %Y}")
    sub = pick(lang, f"Số liệu tính đến hết ngày {as_of:%d/%m/%Y}.",
                f"Figures up to and including {as_of:%d %B %Y}.")
    contents = pick(lang, "Nội dung", "Contents")
    stamp = f"<p class='workbook-stamp'><small>{html_text(made)}</small></p>" if made else ""
    warn = f"<div class='workbook-callout'>{html_text(caveat)}</div>" if caveat else ""
    return HTML(f"<p style='font-size:18px'><b>{title}</b> · {sub}</p>{stamp}{warn}"
                f"<p><b>{contents}</b></p><ol>{toc}</ol>")


def what_if_caveat(what_if: str, *, lang: str = "vi") -> str:
    """'' for the managers' month; for a what-if, that it is one, by its name."""
    if not what_if:
        return ""
    return pick(lang, f"Đây là bản thử «{what_if}» với tham số khác, không phải báo cáo tháng "
                      f"của quản lý.",
                f"This is the what-if «{what_if}», run with other settings: not the managers' "
                f"month.")


KPI_FLOWS = ("active_buyers", "revenue", "repeat_rate")  # of the period; the others at a date


def kpi_cards(kpis: pd.DataFrame, *, period: ReviewPeriod | None = None,
              lang: str = "vi") -> HTML:
    """Headline figures with their change: since last month, or, when the month is not over,
    since the same days of the month before (named on each card)."""
    now, before = kpis.iloc[-1], kpis.iloc[0]
    period = period or ReviewPeriod.of(pd.Timestamp(now.as_of).date())
    days = f" {period.range_short(lang)}" if period.partial else ""
    names = {"customers": pick(lang, "Khách hàng", "Customers"),
             "active_buyers": pick(lang, f"Khách mua trong tháng{days}",
                                   f"Active buyers this month{days}"),
             "revenue": pick(lang, f"Doanh thu tháng{days}", f"Revenue this month{days}"),
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
        vs = period.versus_short(lang, stock=key not in KPI_FLOWS)
        cards.append(f"<div class='workbook-kpi'><div class='label'>{label}</div>"
                     f"<div class='value'>{shown}</div>"
                     f"<div class='{css}'>{change} {vs}</div></div>")
    return HTML("<div>" + "".join(cards) + "</div>")


def kpi_sentences(kpis: pd.DataFrame, *, period: ReviewPeriod | None = None,
                  lang: str = "vi") -> Markdown:
    now, before = kpis.iloc[-1], kpis.iloc[0]
    period = period or ReviewPeriod.of(pd.Timestamp(now.as_of).date())
    if not now.customers:
        return callout(pick(lang, "Chưa có đơn hàng nào tính đến ngày phân tích: kiểm tra tệp "
                                   "đơn hàng trước khi đọc trang này.",
                             "There are no orders up to the as-of date: check the orders export "
                             "before reading this page."))
    rev = (now.revenue / before.revenue - 1) if before.revenue else float("nan")
    what = pick(lang, f"Doanh thu {period.this_month(lang)}",
                f"Revenue in {period.this_month(lang)}")
    vs = period.versus(lang)
    if pd.isna(rev):
        revenue = pick(lang, f"{what}: {money(now.revenue, lang)} (kỳ so sánh chưa có doanh thu).",
                       f"{what}: {money(now.revenue, lang)} (nothing sold in the period compared "
                       f"with).")
    else:
        revenue = pick(
            lang,
            f"{what} {'tăng' if rev >= 0 else 'giảm'} {percent(abs(rev), lang, 1)} {vs}, "
            f"{'đạt' if rev >= 0 else 'còn'} {money(now.revenue, lang)}.",
            f"{what} {'rose' if rev >= 0 else 'fell'} {percent(abs(rev), lang, 1)} {vs} to "
            f"{money(now.revenue, lang)}.")
    items = [
        revenue,
        pick(lang,
             f"{number(now.active_buyers, lang)} khách mua {period.in_period(lang)}, trong đó "
             f"{percent(now.repeat_rate, lang)} là khách cũ quay lại.",
             f"{number(now.active_buyers, lang)} customers bought {period.in_period(lang)}; "
             f"{percent(now.repeat_rate, lang)} of them had bought before."),
    ]
    guest = now.get("guest_revenue", 0) or 0
    if guest:
        items.append(pick(
            lang,
            f"Doanh thu trên chỉ tính đơn của khách có mã khách hàng. Đơn bán cho khách vãng lai "
            f"(không có mã) {period.in_period(lang)}: {money(guest, lang)} "
            f"({number(now.guest_orders, lang)} đơn), không tính vào RFM.",
            f"Revenue above counts orders of identified customers only. Guest sales (no customer "
            f"key) {period.in_period(lang)}: {money(guest, lang)} "
            f"({number(now.guest_orders, lang)} orders), kept out of RFM."))
    if now.share_one_time > 0.8:
        items.append(pick(lang, "Hơn 80% khách chỉ mua một lần: ưu tiên kéo họ quay lại lần hai.",
                           "More than 80% of customers bought once: the second purchase is the "
                           "priority."))
    return Markdown("\n".join(f"- {i}" for i in items))


def _table(frame: pd.DataFrame) -> str:
    """A small table whose first column (names) reads left-aligned and whose figures read
    right-aligned, fitting a phone's width (no sideways scrolling block)."""
    left, right = "style='text-align:left'", "style='text-align:right'"
    head = "".join(f"<th {left if i == 0 else right}>{html_text(c)}</th>"
                   for i, c in enumerate(frame.columns))
    body = "".join("<tr>" + "".join(f"<td {left if i == 0 else right}>{html_text(v)}</td>"
                                    for i, v in enumerate(row)) + "</tr>"
                   for row in frame.itertuples(index=False))
    return (f"<table style='display:table;width:auto;max-width:100%'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def segment_change_table(changes: pd.DataFrame, labels: dict[str, str], *,
                         period: ReviewPeriod | None = None, lang: str = "vi") -> HTML:
    """Each segment's share of every customer (page 01's column, the same denominator) and its
    change since the month end before."""
    since = period.since(lang) if period else pick(lang, "so với cuối tháng trước",
                                                   "since last month end")
    table = pd.DataFrame({
        pick(lang, "Nhóm", "Segment"): changes.segment.map(lambda s: labels.get(s, s)),
        pick(lang, "Tỷ trọng trên mọi khách", "Share of all customers"):
            [percent(v, lang, 1) for v in changes.share_now],
        since[0].upper() + since[1:]: [signed_percent_points(v, lang) for v in changes.change],
    })
    # the treemap above counts buyers only; this table every customer, prospects included
    prospects = html_text(labels.get("prospect", pick(lang, "Người quan tâm", "Prospects")))
    note = pick(lang, "Biểu đồ tính tỷ trọng trên khách đã mua; bảng tính trên mọi khách, kể cả "
                       f"người chưa mua lần nào ({prospects}), như bảng của trang "
                       f"«{html_text(page_name('01', lang))}».",
                 "The chart's shares are of buyers; the table's are of all customers, including "
                 f"those who never bought ({prospects}), as in the table of page "
                 f"«{html_text(page_name('01', lang))}».")
    return HTML(_table(table) + f"<p><small>{note}</small></p>")


def migration_review(summary: dict, win_back: int | None, *, file: str,
                     period: ReviewPeriod, lang: str = "vi") -> Markdown:
    """Page 02's figures (migration_summary.csv) for the period, and the win-back list's size."""
    # page 02's own start when its summary names it (as_of_from set by hand), else the month
    # end before: the period page 02 compares by default
    start = summary.get("as_of_from") or month_end_before(period.as_of)
    start, end = day(start, lang), day(period.as_of, lang)
    when = pick(lang, f"Từ {start} đến {end}", f"From {start} to {end}")
    if period.partial:
        when += f" ({period.this_month(lang)})"
    items = [pick(lang,
                  f"{when}: {percent(summary['up'], lang)} khách lên nhóm tốt hơn, "
                  f"{percent(summary['down'], lang)} xuống nhóm kém hơn; "
                  f"{number(summary['new'], lang)} khách mới.",
                  f"{when}: {percent(summary['up'], lang)} of customers moved up, "
                  f"{percent(summary['down'], lang)} moved down; {number(summary['new'], lang)} "
                  f"are new.")]
    file = shown_text(file).replace("`", "'")  # in a code span: shown as it is
    if win_back:
        items.append(pick(lang, f"**{number(win_back, lang)} khách giá trị đã tụt nhóm và cần được "
                                f"giành lại** (danh sách `{file}`).",
                          f"**{number(win_back, lang)} valuable customers slipped and should be won "
                          f"back** (list `{file}`)."))
    elif win_back is not None:
        items.append(pick(lang, "Không có khách giá trị nào tụt nhóm tháng này.",
                          "No valuable customer slipped this month."))
    return Markdown("\n".join(f"- {i}" for i in items))


def weekly_cohorts(*, lang: str = "vi") -> Markdown:
    return Markdown(pick(
        lang, f"Tháng này các nhóm khách mới được tính theo tuần: xem trang 03 "
              f"«{page_name('03', lang)}».",
        f"This month's cohorts are weekly: see page 03 «{page_name('03', lang)}»."))


def win_back_table(frame: pd.DataFrame, labels: dict[str, str], *, lang: str = "vi") -> HTML:
    """The most valuable customers to win back, in three columns that fit a phone: who (masked
    key and name), the move (from → to), the spend. Contacts stay in the list."""
    left, right = "style='text-align:left'", "style='text-align:right;white-space:nowrap'"
    head = (f"<th {left}>{pick(lang, 'Khách', 'Customer')}</th>"
            f"<th {left}>{pick(lang, 'Trước → Nay', 'Was → Now')}</th>"
            f"<th {right}>{pick(lang, 'Chi tiêu', 'Spend')}</th>")
    body = "".join(
        "<tr>"
        f"<td {left}>{html_text(r.customer_id)}<br><small>{html_text(r.name)}</small></td>"
        f"<td {left}>{html_text(labels.get(r.from_segment, r.from_segment))} → "
        f"{html_text(labels.get(r.to_segment, r.to_segment))}</td>"
        f"<td {right}>{money(r.monetary_from, lang)}</td></tr>"
        for r in frame.itertuples())
    # display:table: the template makes every table a sideways-scrolling block; this one is
    # made to fit a phone's width instead
    return HTML("<table class='workbook-winback' style='display:table;width:auto;max-width:100%'>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def tier_review(members: pd.DataFrame, names: dict[str, str], *, period: ReviewPeriod,
                lang: str = "vi") -> Markdown:
    """Page 04's figures from loyalty_members.csv: members per tier, up and down since the month
    end before, and those close to the next tier."""
    counts = members.tier.value_counts()
    parts = ", ".join(f"{md_text(names.get(k, k))} {number(counts.get(k, 0), lang)}"
                      for k in names)
    up = int((members.tier_change == "up").sum())
    down = int((members.tier_change == "down").sum())
    close = int(members.close_to_next.astype(str).str.lower().eq("true").sum())
    since = period.since(lang)
    since = since[0].upper() + since[1:]
    # as page 04 says it: "Thành viên" is a tier's name in many shops, everyone is "khách"
    return Markdown(pick(
        lang, f"- **{number(len(members), lang)} khách có hạng**: {parts}.\n"
              f"- {since}: {number(up, lang)} lên hạng, {number(down, lang)} xuống hạng; "
              f"**{number(close, lang)} khách sắp lên hạng** nên được nhắc.",
        f"- **{number(len(members), lang)} customers hold a tier**: {parts}.\n"
        f"- {since}: {number(up, lang)} upgraded, {number(down, lang)} downgraded; "
        f"**{number(close, lang)} customers are close to the next tier** and worth a nudge."))
