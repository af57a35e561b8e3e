"""Page 05's checks of the design, the CUPED adjustment, the other outcomes and the next
campaign's plan, in plain words (page 00 repeats the plan's sentence: one source, plan_sentence)."""

from __future__ import annotations

import math

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import money, number, percent
from helpers.kit.narrative import html_table
from helpers.kit.safe_text import md_text
from helpers.kit.texts import pick, t
from helpers.pages.campaigns.measure import MAX_SMD, SRM_P
from helpers.pages.campaigns.plan import holdout_share_needed
from helpers.pages.campaigns.sentences import (
    interval_text,
    points,
    rate,
    short_reasons,
    signed_money,
)

FEW_BUYERS = 10  # a segment row with fewer holdout (or treated) buyers: shown as such


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def checks_table(totals: pd.DataFrame, *, holdout_share: float, lang: str = "vi") -> HTML:
    """Per campaign: the verdict (with the campaigns it overlaps, if any), the holdout share
    planned and obtained (chi-square p) and the largest standardised difference before the
    send: four columns, the verdict second, so that a phone shows it."""
    if totals.empty:
        return Markdown("")
    rows = []
    for r in totals.itertuples():
        planned = getattr(r, "planned_holdout_share", None)
        planned = holdout_share if _missing(planned) else planned
        n = r.sent + r.holdout
        p = ("–" if _missing(r.srm_p_value) else
             ("< " + number(0.001, lang, 3)) if r.srm_p_value < 0.001
             else number(r.srm_p_value, lang, 3))
        rows.append({
            pick(lang, "Chiến dịch", "Campaign"): r.campaign_id,
            # the verdict second: a phone shows it without scrolling the table
            pick(lang, "Kết luận", "Verdict"):
                pick(lang, "đo được", "measurable") if r.measurable in (True, "true")
                else pick(lang, "không đo được: ", "not measurable: ")
                + short_reasons(r.not_measurable_reason, lang, overlaps=r.overlapping_campaigns),
            # planned and obtained share with the chi-square p in one cell: fewer columns
            pick(lang, "Đối chứng: định / thực (p χ²)", "Holdout: planned / got (p χ²)"):
                f"{percent(planned, lang)} / "
                f"{percent(r.holdout / n if n else math.nan, lang, 1)} (p {p})",
            pick(lang, "Chênh lệch chuẩn hoá", "Std. difference"):
                "–" if _missing(r.balance_max_abs_smd) else number(r.balance_max_abs_smd, lang, 2),
        })
    return html_table(pd.DataFrame(rows))


def checks_sentence(totals: pd.DataFrame | None = None, *, lang: str = "vi") -> Markdown:
    """What a campaign must pass to be read as uplift (nothing when no campaign is measured)."""
    if totals is not None and totals.empty:
        return Markdown("")
    return Markdown(pick(
        lang,
        f"Một chiến dịch chỉ được đọc thành mức tăng khi: số khách đối chứng đúng với tỷ lệ đã "
        f"định (kiểm định chi bình phương, p từ {number(SRM_P, lang, 3)} trở lên); hai nhóm giống "
        f"nhau trước khi gửi (lần mua gần nhất, số lần mua, chi tiêu trên toàn bộ lịch sử: chênh "
        f"lệch chuẩn hoá không quá {number(MAX_SMD, lang, 1)}); và không có chiến dịch khác gửi "
        f"cho hơn 10% cùng khách trong cùng thời gian. Nhóm đối chứng dùng chung không tính là "
        f"trùng.",
        f"A campaign is read as uplift only when: the holdout's size matches the planned share "
        f"(chi-square test, p of {number(SRM_P, lang, 3)} or more); the two groups were alike "
        f"before the send (recency, frequency and spend over all history: standardised "
        f"difference at most {number(MAX_SMD, lang, 1)}); and no other campaign sent to more "
        f"than 10% of the same customers at the same time. A shared holdout is not an overlap."))


def cuped_sentences(totals: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    """CUPED beside the plain revenue difference, with the variance reduction obtained."""
    lines = []
    for r in totals.itertuples():
        if _missing(getattr(r, "cuped_uplift", None)):
            continue
        if getattr(r, "measurable", True) in (False, "false"):
            # no effect claimed for a campaign not measurable as uplift, adjusted or not
            lines.append("- " + pick(
                lang, f"**{md_text(r.campaign_id)}**: không đo được thành mức tăng (lý do ở "
                      f"trên): không điều chỉnh.",
                f"**{md_text(r.campaign_id)}**: not measurable as uplift (the reason is above): "
                f"not adjusted."))
            continue
        reduction = r.variance_reduction
        sm = lambda v: signed_money(v, lang)  # noqa: E731
        plain = interval_text(r.revenue_uplift_ci_low, r.revenue_uplift_ci_high, sm)
        adjusted = interval_text(r.cuped_ci_low, r.cuped_ci_high, sm)
        lines.append("- " + pick(
            lang,
            f"**{md_text(r.campaign_id)}**: chênh doanh thu mỗi khách "
            f"{signed_money(r.revenue_uplift_per_customer, lang)} "
            f"({plain}); "
            f"sau khi trừ phần do chi tiêu {number(r.attribution_days, lang)} ngày trước khi "
            f"gửi: {signed_money(r.cuped_uplift, lang)} "
            f"({adjusted}); "
            f"phương sai giảm {percent(reduction, lang)}.",
            f"**{md_text(r.campaign_id)}**: revenue per customer "
            f"{signed_money(r.revenue_uplift_per_customer, lang)} "
            f"({plain}); "
            f"adjusted for each customer's spend in the {number(r.attribution_days, lang)} "
            f"days before the send: {signed_money(r.cuped_uplift, lang)} "
            f"({adjusted}); "
            f"variance reduced by {percent(reduction, lang)}."))
    if not lines:
        return Markdown("")
    head = pick(lang, "Điều chỉnh theo chi tiêu trước khi gửi (CUPED: khoảng hẹp hơn khi chi "
                      "tiêu trước và sau liên quan với nhau; không hẹp hơn khi không):",
                "Adjusted for spend before the send (CUPED: a narrower interval where spend "
                "before and after go together; none where they do not):")
    return Markdown(head + "\n\n" + "\n".join(lines))


def small_segments_sentence(results: pd.DataFrame, *, min_group: int = 30,
                            lang: str = "vi") -> Markdown:
    """How many segment rows rest on few buyers (they are drawn smaller and grey)."""
    rows = results[(results.segment != "all") & (results.sent >= min_group)
                   & (results.holdout >= min_group)]
    few = rows[(rows.holdout_converters < FEW_BUYERS) | (rows.treated_converters < FEW_BUYERS)]
    if rows.empty:
        return Markdown("")
    failed = rows[~rows.get("measurable", pd.Series(True, index=rows.index)).isin([True, "true"])]
    text = pick(
        lang,
        f"{number(len(few), lang)} trong {number(len(rows), lang)} dòng theo nhóm khách dựa trên "
        f"dưới {FEW_BUYERS} khách mua ở một nhóm (vẽ nhỏ, màu xám, ghi «ít người mua»): khoảng "
        f"tin cậy của chúng rộng, đừng đọc chúng như tổng của chiến dịch.",
        f"{number(len(few), lang)} of {number(len(rows), lang)} segment rows rest on fewer than "
        f"{FEW_BUYERS} buyers in a group (drawn small and grey, marked «few buyers»): their "
        f"intervals are wide; do not read them as the campaign's total.")
    if len(failed):
        text += " " + pick(
            lang,
            f"{number(len(failed), lang)} dòng không qua kiểm tra thiết kế (vẽ rỗng): trong một "
            f"nhóm nhỏ, hai nhóm thường khác nhau trước khi gửi chỉ do ngẫu nhiên, nên dòng đó "
            f"không đọc được thành mức tăng.",
            f"{number(len(failed), lang)} rows fail a check of the design (drawn hollow): in a "
            f"small group the two groups often differ before the send by chance alone, so the "
            f"row cannot be read as uplift.")
    return Markdown(text)


def outcomes_table(outcomes: pd.DataFrame, *, lang: str = "vi") -> HTML | Markdown:
    """The outcomes campaigns.csv names (`outcomes`), measured against the holdout."""
    if outcomes is None or outcomes.empty:
        return Markdown(pick(
            lang, "Chưa đo kết quả nào khác ngoài mua hàng: thêm cột `outcomes` vào "
                  "campaigns.csv (tên các cột có trong cả tệp gửi và tệp đối chứng, cách nhau "
                  "bởi `;`).",
            "No outcome besides purchases is measured: add an `outcomes` column to "
            "campaigns.csv (names of columns present in both the send and the holdout files, "
            "separated by `;`)."))
    rows = []
    for r in outcomes.itertuples():
        fmt = (lambda v: rate(v, lang)) if r.kind == "rate" else (lambda v: number(v, lang, 2))
        diff = (lambda v: points(v, lang)) if r.kind == "rate" else (
            lambda v: ("+" if v > 0 else "") + number(v, lang, 2))
        rows.append({
            pick(lang, "Chiến dịch", "Campaign"): r.campaign_id,
            pick(lang, "Kết quả", "Outcome"): r.outcome,
            pick(lang, "Nhận tin", "Treated"): f"{fmt(r.treated_value)} (n = "
                                                f"{number(r.treated_customers, lang)})",
            pick(lang, "Đối chứng", "Holdout"): f"{fmt(r.holdout_value)} (n = "
                                                 f"{number(r.holdout_customers, lang)})",
            pick(lang, "Chênh lệch", "Difference"): diff(r.difference),
            pick(lang, "Khoảng 95%", "95% interval"): interval_text(r.ci_low, r.ci_high, diff),
        })
    return html_table(pd.DataFrame(rows))


def plan_sentence(row, *, label: str, lang: str = "vi") -> str:
    """'with 1.113 customers and a 10% holdout, only an uplift of at least X points can be told
    from chance', and the list the target uplift needs: page 05's and page 00's words."""
    customers = number(row.customers, lang)
    share = percent(row.holdout_share, lang)
    if _missing(row.mde_points):
        said = pick(lang, f"Nhóm «{label}» ({customers} khách, {share} đối chứng): chưa đủ dữ "
                          f"liệu để biết mức tăng nào phân biệt được với ngẫu nhiên.",
                    f"Segment «{label}» ({customers} customers, a {share} holdout): not enough "
                    f"data to tell which uplift could be told from chance.")
        return said
    mde = points(row.mde_points / 100, lang)
    target = points(row.target_uplift_points / 100, lang)
    needed = ("–" if _missing(row.customers_needed) or pd.isna(row.customers_needed)
              else number(row.customers_needed, lang))
    revenue = ("" if _missing(row.mde_revenue_per_customer) else pick(
        lang, f", về doanh thu ít nhất {money(row.mde_revenue_per_customer, lang)} mỗi khách",
        f", in revenue at least {money(row.mde_revenue_per_customer, lang)} per customer"))
    other = ""
    if not _missing(row.customers_needed) and not pd.isna(row.customers_needed) \
            and row.customers < row.customers_needed:
        share_needed = holdout_share_needed(base_rate=row.base_rate, customers=row.customers,
                                            uplift=row.target_uplift_points / 100)
        other = (pick(lang, f", hoặc với danh sách này giữ lại ít nhất "
                            f"{percent(share_needed, lang)} làm đối chứng",
                      f", or, with this list, a holdout of at least {percent(share_needed, lang)}")
                 if not math.isnan(share_needed) else
                 pick(lang, " (danh sách này không đủ, dù chia đôi)",
                      " (this list cannot, even split in half)"))
    return pick(
        lang,
        f"Với {customers} khách và {share} đối chứng, nhóm «{label}» (tỷ lệ mua nền "
        f"{rate(row.base_rate, lang)}) chỉ phân biệt được với ngẫu nhiên mức tăng từ **{mde}** "
        f"trở lên{revenue}; để thấy mức tăng {target} cần khoảng **{needed} khách** (cả hai "
        f"nhóm){other}.",
        f"With {customers} customers and a {share} holdout, segment «{label}» (base purchase "
        f"rate {rate(row.base_rate, lang)}) can only tell an uplift of at least **{mde}** from "
        f"chance{revenue}; an uplift of {target} needs about **{needed} customers** (both "
        f"groups){other}.")


def plan_table(plan: pd.DataFrame, *, labels: dict[str, str], lang: str = "vi") -> HTML:
    """Per segment: the customers the target uplift needs second (a phone shows it without
    scrolling), the segment's size, the smallest uplift it can detect (purchases, revenue) and
    its base rate with what it was measured on, in one cell."""
    frame = plan[plan.customers > 0]
    measured_on = [
        # unbreakable: the cell keeps its width (a phone scrolls to it), never a word a line
        "" if not n else "\u00a0(" + (number(n, lang) + " " + (
            pick(lang, "khách đối chứng", "held out") if src == "holdouts"
            else pick(lang, "khách, cửa sổ trước", "customers, window before"))).replace(
            " ", "\u00a0") + ")"
        for n, src in zip(frame.get("base_customers", [0] * len(frame)),
                          frame.get("base_source", [None] * len(frame)))]
    table = pd.DataFrame({
        t("segment", lang): [labels.get(s, s) for s in frame.segment],
        pick(lang, "Khách cần cho mức tăng mục tiêu", "Customers needed for the target"): [
            "–" if pd.isna(v) else number(v, lang) for v in frame.customers_needed],
        pick(lang, "Khách", "Customers"): [number(v, lang) for v in frame.customers],
        pick(lang, "Mức tăng nhỏ nhất đo được", "Smallest detectable uplift"): [
            "–" if _missing(v) else points(v / 100, lang).replace(" ", "\u00a0")
            for v in frame.mde_points],
        pick(lang, "… về doanh thu mỗi khách", "… in revenue per customer"): [
            money(v, lang) for v in frame.mde_revenue_per_customer],
        pick(lang, "Tỷ lệ mua nền (đo trên)", "Base rate (measured on)"): [
            rate(v, lang) + on for v, on in zip(frame.base_rate, measured_on)],
    })
    return html_table(table)


def plan_intro(plan: pd.DataFrame, *, target: str, labels: dict[str, str],
               lang: str = "vi") -> Markdown:
    """The plan's sentence for the next campaign's segment (else the largest segment), then how
    the table reads."""
    shown = plan[plan.segment == target] if target else plan.iloc[0:0]
    if shown.empty:
        shown = plan.sort_values("customers", ascending=False).head(1)
    if shown.empty:
        return Markdown("")
    row = next(shown.itertuples())
    return Markdown(plan_sentence(row, label=labels.get(row.segment, row.segment), lang=lang)
                    + "\n\n" + pick(
        lang, "Mỗi nhóm khách, nếu cả nhóm vào chiến dịch tiếp theo (80% độ mạnh, mức ý nghĩa "
              "5% hai phía, công thức Fleiss; tỷ lệ mua nền từ các nhóm đối chứng đã đo của nhóm "
              "đó, hoặc từ chính nhóm đó trong một cửa sổ trước ngày phân tích):",
        "Each segment, if all of it goes into the next campaign (80% power, 5% two-sided, "
        "Fleiss' formula; the base rate from that segment's holdouts in the campaigns measured, "
        "or from the segment itself over one window before the as-of):"))
