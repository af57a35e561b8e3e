"""Page 05's sentences: what care campaigns did against their holdout."""

from __future__ import annotations

import math

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import money, number, percent, signed_points
from helpers.kit.narrative import html_table
from helpers.kit.safe_text import md_text, shown_text
from helpers.kit.texts import channel_name, pick, t
from helpers.pages.campaigns.compute import plain_verdict


def _value(row, key, default=None):
    value = getattr(row, key, default)
    return default if value is None or (isinstance(value, float) and math.isnan(value)) else value


def digits_for(value: float) -> int:
    """The decimals a rate (or a change in points) needs: two below 10% (1.25%, 0.57%, never
    '1,3%'), one from 10% (14.8%)."""
    shown = abs(float(value)) * 100
    if math.isnan(shown):
        return 1
    return 2 if shown < 10 else 1


def rate(value, lang: str) -> str:
    """A rate with the decimals it needs: 1.25% (never '1,3%'), 12.3%."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return percent(value, lang, digits_for(value))


def points(value, lang: str, digits: int | None = None) -> str:
    """A change in a rate, in percentage points, with its sign and unit: '+0.31 pp'."""
    digits = digits_for(value) if digits is None else digits
    return f"{signed_points(value, lang, digits)}\u00a0{pick(lang, 'điểm %', 'pp')}"


def signed_money(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return ("+" if value > 0 else ("\u2212" if value < 0 else "")) + money(abs(value), lang)


def roi_text(value, lang: str) -> str:
    """An ROI with one decimal and a true minus sign (U+2212) as every other figure: '−0,7'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    shown = number(abs(float(value)), lang, 1)
    negative = value < 0 and any(ch in "123456789" for ch in shown)
    return ("\u2212" if negative else "") + shown


REASON_WORDS = {
    "no_holdout": ("không có nhóm đối chứng", "there is no holdout to compare with"),
    "too_few_customers": ("quá ít khách trong một nhóm (cần ít nhất 2 khách mỗi nhóm)",
                          "a group has too few customers (at least 2 in each are needed)"),
    "holdout_contaminated": (
        "hơn 1% nhóm đối chứng vẫn nhận tin (nhóm đối chứng không được giữ ngoài danh sách gửi)",
        "more than 1% of the holdout was sent the message (the holdout was not kept out of the "
        "send list)"),
    "sample_ratio_mismatch": (
        "tỷ lệ khách giữ lại khác hẳn tỷ lệ đã định (nhóm đối chứng không được chọn ngẫu nhiên "
        "như kế hoạch)",
        "the holdout's share differs from the planned share (the holdout was not drawn at "
        "random as planned)"),
    "groups_unbalanced": (
        "hai nhóm đã khác nhau trước khi gửi (lần mua gần nhất, số lần mua hoặc chi tiêu)",
        "the two groups already differed before the send (recency, frequency or spend)"),
    "overlapping_campaigns": (
        "cùng khách nhận chiến dịch khác trong cùng thời gian",
        "the same customers were in another campaign at the same time"),
}


REASON_SHORT = {
    "no_holdout": ("không có đối chứng", "no holdout"),
    "too_few_customers": ("quá ít khách", "too few customers"),
    "holdout_contaminated": ("đối chứng vẫn nhận tin", "holdout was sent to"),
    "sample_ratio_mismatch": ("tỷ lệ đối chứng khác kế hoạch", "holdout share off plan"),
    "groups_unbalanced": ("hai nhóm khác nhau trước khi gửi", "groups differed before"),
    "overlapping_campaigns": ("trùng chiến dịch khác", "overlaps another campaign"),
}


def short_reasons(reasons, lang: str, *, overlaps=None) -> str:
    """The reasons in a table cell's few words (the sentences say them in full); with
    `overlaps` (ids separated by ';') the overlap names the campaigns."""
    said = []
    for r in str(reasons or "").split(";"):
        if r == "overlapping_campaigns" and isinstance(overlaps, str) and overlaps:
            said.append(pick(lang, "trùng ", "overlaps ") + overlaps.replace(";", ", "))
        elif r in REASON_SHORT:
            said.append(pick(lang, *REASON_SHORT[r]))
    # each reason unbreakable (a narrow column shows it on one line, never a word a line); a
    # line may break between reasons
    return "; ".join(r.replace(" ", "\u00a0") for r in said)


def reasons_text(reasons: str, lang: str) -> str:
    return "; ".join(pick(lang, *REASON_WORDS[r]) for r in str(reasons or "").split(";")
                     if r in REASON_WORDS)


def verdict(row, lang: str) -> str:
    """The purchase verdict, or 'not measurable as uplift' when a check of the design failed."""
    if _value(row, "measurable", True) in (False, "false"):
        return pick(lang, "không đo được thành mức tăng", "not measurable as uplift")
    if _value(row, "is_window_complete", True) in (False, "false"):
        # a look before the window ends is not the test the campaign was sized for: a manager
        # who looks every day would see a "win" by chance sooner or later, so no verdict yet
        return pick(lang, "chưa kết luận: cửa sổ ghi nhận chưa kết thúc, số liệu tạm thời",
                    "no verdict yet: the attribution window is not over, figures are interim")
    low, high = _value(row, "uplift_ci_low"), _value(row, "uplift_ci_high")
    revenue_low = _value(row, "revenue_uplift_ci_low")
    if low is not None and high is not None and low <= 0 <= high and revenue_low is not None \
            and revenue_low > 0:
        # purchases say nothing, revenue per customer does: both said, never "no change"
        return pick(lang, "không có bằng chứng thêm người mua, nhưng doanh thu mỗi khách tăng",
                    "no evidence of more buyers, but revenue per customer rose")
    return plain_verdict(row, lang)


def _revenue_text(r, lang: str) -> str:
    """Revenue per customer, the difference and its interval (Welch); extra revenue and ROI
    only where the interval says the campaign brought revenue."""
    treated = _value(r, "revenue_per_customer_treated")
    if treated is None:
        return ""
    low, high = _value(r, "revenue_uplift_ci_low"), _value(r, "revenue_uplift_ci_high")
    text = pick(lang, f"; doanh thu mỗi khách {money(treated, lang)} so với "
                      f"{money(_value(r, 'revenue_per_customer_holdout'), lang)}, chênh "
                      f"{signed_money(_value(r, 'revenue_uplift_per_customer'), lang)} "
                      f"(khoảng tin cậy 95%: {signed_money(low, lang)} đến "
                      f"{signed_money(high, lang)})",
                f"; revenue per customer {money(treated, lang)} vs "
                f"{money(_value(r, 'revenue_per_customer_holdout'), lang)}, a difference of "
                f"{signed_money(_value(r, 'revenue_uplift_per_customer'), lang)} (95% interval "
                f"{signed_money(low, lang)} to {signed_money(high, lang)})")
    running = _value(r, "is_window_complete", True) in (False, "false")
    if low is not None and low > 0 and not running \
            and _value(r, "measurable", True) not in (False, "false"):
        basis = pick(lang, "trên lãi gộp", "on margin") if getattr(r, "roi_basis", "") == \
            "margin" else pick(lang, "trên doanh thu", "on revenue")
        text += pick(
            lang, f"; doanh thu tăng thêm khoảng {money(r.incremental_revenue, lang)} "
                  f"({money(r.incremental_revenue_ci_low, lang)} đến "
                  f"{money(r.incremental_revenue_ci_high, lang)}) với chi phí "
                  f"{money(r.cost, lang)}, lãi trên chi phí {basis} {roi_text(r.roi, lang)}",
            f"; extra revenue about {money(r.incremental_revenue, lang)} "
            f"({money(r.incremental_revenue_ci_low, lang)} to "
            f"{money(r.incremental_revenue_ci_high, lang)}) for a cost of "
            f"{money(r.cost, lang)}, ROI {basis} {roi_text(r.roi, lang)}")
    elif high is not None and high >= 0 and low is not None and low <= 0 and not running:
        text += pick(lang, ": không có bằng chứng doanh thu thay đổi",
                     ": no evidence that revenue changed")
    return text


def campaign_sentences(results: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    """One line per campaign: what it caused, in plain words, with the intervals and the money;
    a campaign whose design check failed is said to be not measurable, with the reason."""

    totals = results[results.segment == "all"]
    if totals.empty:
        return Markdown(pick(lang, "Chưa có chiến dịch nào bắt đầu trước ngày phân tích.",
                              "No campaign started on or before the as-of date."))
    lines = []
    for r in totals.itertuples():
        pp = lambda v: signed_points(v, lang, 2)  # noqa: E731
        interval = pick(lang, f"khoảng tin cậy 95%: {pp(r.uplift_ci_low)} đến "
                              f"{pp(r.uplift_ci_high)} điểm %",
                        f"95% interval {pp(r.uplift_ci_low)} to {pp(r.uplift_ci_high)} pp")
        said = verdict(r, lang)
        text = (f"**{md_text(r.campaign_id)}** ({md_text(r.name)}, "
                f"{md_text(channel_name(r.channel))}, "
                f"{number(r.sent, lang)} / {number(r.holdout, lang)}): "
                + pick(lang, f"tỷ lệ mua {rate(r.treated_rate, lang)} so với "
                              f"{rate(r.holdout_rate, lang)} ở nhóm đối chứng, chênh "
                              f"{pp(r.uplift)} điểm % ({interval}): **{said}**",
                        f"purchase rate {rate(r.treated_rate, lang)} vs "
                        f"{rate(r.holdout_rate, lang)} in the holdout, uplift "
                        f"{pp(r.uplift)} pp ({interval}): **{said}**"))
        if _value(r, "measurable", True) in (False, "false"):
            text += pick(lang, f", vì {reasons_text(r.not_measurable_reason, lang)}",
                         f", because {reasons_text(r.not_measurable_reason, lang)}")
        elif _value(r, "revenue_per_customer_treated") is not None:
            text += _revenue_text(r, lang)
        elif r.uplift_ci_low > 0 and r.is_window_complete:
            # more buyers can still bring less revenue (smaller baskets): said so, never as a
            # "revenue increase" of a negative amount
            gained = r.incremental_revenue >= 0
            revenue = money(abs(r.incremental_revenue), lang)
            text += pick(lang, f"; khoảng {number(r.incremental_converters, lang)} khách mua thêm, "
                               + (f"doanh thu tăng thêm {revenue}" if gained else
                                  f"nhưng doanh thu lại thấp hơn {revenue} so với nhóm đối chứng")
                               + f" với chi phí {money(r.cost, lang)}",
                         f"; about {number(r.incremental_converters, lang)} extra buyers, "
                         + (f"incremental revenue {revenue}" if gained else
                            f"but revenue {revenue} below the holdout's")
                         + f" for a cost of {money(r.cost, lang)}")
        both = int(_value(r, "sent_and_held_out", 0) or 0)
        if both:
            text += pick(lang, f". {number(both, lang)} khách vừa nhận tin vừa ở nhóm đối chứng: "
                               f"tính là đã nhận tin",
                         f". {number(both, lang)} customers were both sent and held out: "
                         f"counted as sent")
        lines.append("- " + text + ".")
    return Markdown("\n".join(lines))


def interval_text(low, high, fmt) -> str:
    return "–" if low is None or high is None or any(
        isinstance(v, float) and math.isnan(v) for v in (low, high)) else f"{fmt(low)} … {fmt(high)}"


def _is_measurable(value) -> bool:
    return value in (True, "true") or (value is None)


def campaign_table(results: pd.DataFrame, *, labels: dict[str, str], lang: str = "vi") -> HTML:
    """Per campaign: the verdict second (a phone shows it without scrolling), the groups, the
    purchase rates (with the decimals they need), the uplift in points and the revenue per
    customer each with its 95% interval in the same cell, and the ROI on its basis. A campaign
    not measurable as uplift shows a dash for every effect (its reason in the verdict): the
    figures stay in campaign_results.csv, the page makes no claim from them."""
    frame = results.copy()
    basis = set(frame.get("roi_basis", pd.Series(["revenue"])).dropna())
    roi_head = t("roi", lang) + " " + (pick(lang, "(trên lãi gộp)", "(on margin)")
                                       if basis == {"margin"} else
                                       pick(lang, "(trên doanh thu)", "(on revenue)"))
    pts = lambda v: signed_points(v, lang, 2)  # noqa: E731
    sm = lambda v: signed_money(v, lang)  # noqa: E731
    n = len(frame)
    measurable = [_is_measurable(m) for m in frame.get("measurable", [True] * n)]
    reasons = frame.get("not_measurable_reason", pd.Series([""] * n, index=frame.index))

    def effect(value, low, high, fmt, ok):
        if not ok:
            return "–"
        shown = fmt(value)
        if low is None or pd.isna(low):
            return shown
        # the interval on a line of its own at most, never a figure a line
        return f"{shown} ({interval_text(low, high, fmt).replace(' ', chr(0xa0))})"

    revenue = frame.get("revenue_uplift_per_customer",
                        frame.treated_revenue - frame.holdout_revenue)
    columns = {pick(lang, "Chiến dịch", "Campaign"): list(frame.campaign_id)}
    if (frame.segment != "all").any():
        columns[t("segment", lang)] = [labels.get(s, s) if s != "all" else pick(lang, "Tất cả",
                                                                                  "All")
                                       for s in frame.segment]
    columns |= {
        pick(lang, "Đo được?", "Measurable?"): [
            pick(lang, "Có", "Yes") if ok else
            pick(lang, "Không: ", "No: ") + short_reasons(why, lang)
            for ok, why in zip(measurable, reasons)],
        pick(lang, "Gửi / đối chứng", "Sent / held out"): [
            f"{number(a, lang)} / {number(b, lang)}" for a, b in zip(frame.sent, frame.holdout)],
        pick(lang, "Tỷ lệ mua (gửi / đối chứng)", "Bought (sent / held out)"): [
            f"{rate(a, lang)} / {rate(b, lang)}"
            for a, b in zip(frame.treated_rate, frame.holdout_rate)],
        pick(lang, "Chênh lệch (điểm %, khoảng 95%)", "Uplift (pp, 95% interval)"): [
            effect(v, lo, hi, pts, ok) for v, lo, hi, ok in zip(
                frame.uplift, frame.uplift_ci_low, frame.uplift_ci_high, measurable)],
        pick(lang, "DT/khách chênh (khoảng 95%)", "Revenue/customer diff. (95% interval)"): [
            effect(v, lo, hi, sm, ok) for v, lo, hi, ok in zip(
                revenue, frame.get("revenue_uplift_ci_low", [None] * n),
                frame.get("revenue_uplift_ci_high", [None] * n), measurable)],
        roi_head: [
            effect(v, lo, hi, lambda x: roi_text(x, lang), ok) for v, lo, hi, ok in zip(
                frame.roi, frame.get("roi_ci_low", [None] * n),
                frame.get("roi_ci_high", [None] * n), measurable)],
    }
    return html_table(pd.DataFrame(columns))


def next_campaign_sentence(result: dict, folder, *, lang: str = "vi") -> Markdown:
    """The next campaign's size as page 00 repeats it (campaigns.compute.next_campaign_size):
    every customer on the list, the treated and the holdout, and who each channel reaches."""
    sends = ", ".join(f"{channel_name(c)} {number(v, lang)}" for c, v in result["send"].items())
    folder = shown_text(folder).replace("`", "'")  # in a code span: shown as it is, never a link
    return Markdown(pick(
        lang,
        f"Danh sách chiến dịch tiếp theo đã ghi vào `{folder}`: **{number(result['customers'], lang)}"
        f" khách**, gồm {number(result['treated'], lang)} khách nhận tin và "
        f"**{number(result['holdout'], lang)} khách làm đối chứng** (không gửi, `holdout.csv`); "
        f"gửi được (có đồng ý nhận tin và liên hệ hợp lệ): {sends}.",
        f"The next campaign's lists are in `{folder}`: **{number(result['customers'], lang)} "
        f"customers**, {number(result['treated'], lang)} to contact and "
        f"**{number(result['holdout'], lang)} held out** (not contacted, `holdout.csv`); "
        f"reachable (consent and a valid contact): {sends}."))


def next_campaign_result(result: dict | None, *, lang: str = "vi") -> Markdown:
    if result is None:
        return Markdown(pick(
            lang, "Đặt tham số `next_campaign_target` (ví dụ `at_risk`) để tạo danh sách gửi cho "
                  "chiến dịch tiếp theo, với nhóm đối chứng được giữ lại ổn định.",
            "Set `next_campaign_target` (e.g. `at_risk`) to write the next campaign's send lists "
            "with a stable holdout kept out of them."))
    return next_campaign_sentence(result, result["folder"], lang=lang)
