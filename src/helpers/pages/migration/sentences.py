"""Page 02's sentences: who moved between segments."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import money, number, percent
from helpers.kit.narrative import day, html_table
from helpers.kit.safe_text import md_text
from helpers.kit.texts import pick


def migration_headlines(h: dict, *, as_of_from, as_of_to, lang: str = "vi",
                        sources: dict | None = None) -> Markdown:
    as_of_from, as_of_to = day(as_of_from, lang), day(as_of_to, lang)
    sources = {day(d, lang): s for d, s in (sources or {}).items()}
    items = [
        pick(lang,
              f"Từ {as_of_from} đến {as_of_to}, trong {number(h['customers'], lang)} khách đã có "
              f"từ đầu kỳ: **{percent(h['up'], lang)} lên nhóm tốt hơn**, "
              f"{percent(h['same'], lang)} giữ nguyên, **{percent(h['down'], lang)} xuống nhóm "
              f"kém hơn**.",
              f"From {as_of_from} to {as_of_to}, of the {number(h['customers'], lang)} customers "
              f"already there: **{percent(h['up'], lang)} moved up**, {percent(h['same'], lang)} "
              f"stayed, **{percent(h['down'], lang)} moved down**."),
        pick(lang,
              f"Doanh thu đang bị đe dọa từ {number(h['down_count'], lang)} khách đi xuống: "
              f"**{money(h['revenue_at_stake'], lang)}** (chi tiêu của họ tính đến {as_of_from}).",
              f"Revenue at stake in the {number(h['down_count'], lang)} downward moves: "
              f"**{money(h['revenue_at_stake'], lang)}** (their spend as of {as_of_from})."),
        pick(lang,
              f"{number(h['new'], lang)} khách mới xuất hiện trong kỳ; "
              f"{number(h['prospects_who_bought'], lang)} người đăng ký trước đó đã mua lần đầu.",
              f"{number(h['new'], lang)} customers are new in the period; "
              f"{number(h['prospects_who_bought'], lang)} earlier sign-ups made a first purchase."),
    ]
    if sources:
        # the dates grouped by where their segments come from: one clause per source
        said = {"snapshot": pick(lang, "lấy từ kết quả đã lưu khi chạy tháng đó",
                                 "as saved when that month was run"),
                "computed": pick(lang, "tính lại từ dữ liệu đơn hàng",
                                 "computed again from the orders")}
        groups: dict[str, list[str]] = {}
        for d, s in sources.items():
            groups.setdefault("snapshot" if s == "snapshot" else "computed", []).append(d)
        joined = pick(lang, " và ", " and ")
        how = "; ".join(pick(lang, "ngày ", "on ") + joined.join(dates) + " " + said[kind]
                        for kind, dates in groups.items())
        items.append(pick(lang, f"Nhóm của khách {how}.", f"Segments {how}."))
    return Markdown("\n".join(f"- {i}" for i in items))


def movers_sizes(sizes: dict, scheme, *, lang: str = "vi") -> Markdown:
    """Each movers list by its name in the scheme, with its size."""
    if not sizes:
        return Markdown(pick(lang, f"Cách phân nhóm {md_text(scheme.name)} không có danh sách khách chuyển "
                                    f"nhóm (movers_lists).",
                              f"Scheme {md_text(scheme.name)} defines no movers lists (movers_lists)."))
    lines = [f"- **{md_text(scheme.movers_label(name, lang))}**: {number(n, lang)} "
             + pick(lang, "khách", "customers") for name, n in sizes.items()]
    return Markdown("\n".join(lines))


def migration_review(summary: dict, win_back: int | None, *, lang: str = "vi") -> Markdown:
    items = [pick(lang,
                   f"Trong tháng: {percent(summary['up'], lang)} khách lên nhóm tốt hơn, "
                   f"{percent(summary['down'], lang)} xuống nhóm kém hơn; "
                   f"{number(summary['new'], lang)} khách mới.",
                   f"This month {percent(summary['up'], lang)} of customers moved up, "
                   f"{percent(summary['down'], lang)} moved down; {number(summary['new'], lang)} "
                   f"are new.")]
    if win_back is not None:
        items.append(pick(lang, f"**{number(win_back, lang)} khách giá trị đã tụt nhóm và cần được "
                                 f"giành lại** (danh sách `movers/win_back.xlsx`).",
                           f"**{number(win_back, lang)} valuable customers slipped and should be won "
                           f"back** (list `movers/win_back.xlsx`)."))
    return Markdown("\n".join(f"- {i}" for i in items))


def masked_table(frame: pd.DataFrame, labels: dict[str, str], *, lang: str = "vi") -> HTML:
    table = pd.DataFrame({
        pick(lang, "Mã KH", "Customer"): frame.customer_id,
        pick(lang, "Tên", "Name"): frame.name,
        pick(lang, "Điện thoại", "Phone"): frame.phone,
        "Email": frame.email,
        pick(lang, "Trước", "Was"): frame.from_segment.map(lambda s: labels.get(s, s)),
        pick(lang, "Nay", "Now"): frame.to_segment.map(lambda s: labels.get(s, s)),
        pick(lang, "Chi tiêu", "Spend"): [money(v, lang) for v in frame.monetary_from],
    })
    return html_table(table)
