"""Page 05's sentences: what care campaigns did against their holdout."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import money, number, percent, signed_percent_points, signed_points
from helpers.kit.narrative import html_table
from helpers.kit.safe_text import md_text, shown_text
from helpers.kit.texts import channel_name, pick, t
from helpers.pages.campaigns.compute import plain_verdict


def campaign_sentences(results: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    """One line per campaign: what it caused, in plain words, with the interval and the money."""

    totals = results[results.segment == "all"]
    if totals.empty:
        return Markdown(pick(lang, "Chưa có chiến dịch nào bắt đầu trước ngày phân tích.",
                              "No campaign started on or before the as-of date."))
    lines = []
    for r in totals.itertuples():
        # a change in points with its sign: '+2,5', '−2,5', never '-0,0'
        pp = lambda v: signed_points(v, lang)  # noqa: E731
        interval = pick(lang, f"khoảng tin cậy 95%: {pp(r.uplift_ci_low)} đến {pp(r.uplift_ci_high)} điểm %",
                         f"95% interval {pp(r.uplift_ci_low)} to {pp(r.uplift_ci_high)} pp")
        verdict = plain_verdict(r, lang)
        text = (f"**{md_text(r.campaign_id)}** ({md_text(r.name)}, "
                f"{md_text(channel_name(r.channel))}, "
                f"{number(r.sent, lang)} / {number(r.holdout, lang)}): "
                + pick(lang, f"tỷ lệ mua {percent(r.treated_rate, lang, 1)} so với "
                              f"{percent(r.holdout_rate, lang, 1)} ở nhóm đối chứng, chênh "
                              f"{pp(r.uplift)} điểm % ({interval}): **{verdict}**",
                        f"purchase rate {percent(r.treated_rate, lang, 1)} vs "
                        f"{percent(r.holdout_rate, lang, 1)} in the holdout, uplift "
                        f"{pp(r.uplift)} pp ({interval}): **{verdict}**"))
        if r.uplift_ci_low > 0:
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
        if not r.is_window_complete:
            text += pick(lang, " (cửa sổ ghi nhận chưa kết thúc)", " (attribution window not over)")
        lines.append("- " + text + ".")
    return Markdown("\n".join(lines))


def campaign_table(results: pd.DataFrame, *, labels: dict[str, str], lang: str = "vi") -> HTML:
    frame = results.copy()
    table = pd.DataFrame({
        pick(lang, "Chiến dịch", "Campaign"): frame.campaign_id,
        t("segment", lang): [labels.get(s, s) if s != "all" else pick(lang, "Tất cả", "All")
                              for s in frame.segment],
        pick(lang, "Gửi", "Sent"): [number(v, lang) for v in frame.sent],
        pick(lang, "Đối chứng", "Holdout"): [number(v, lang) for v in frame.holdout],
        pick(lang, "Tỷ lệ nhận", "Delivery"): [percent(v, lang) for v in frame.delivery_rate],
        pick(lang, "Mua (gửi)", "Bought (sent)"): [percent(v, lang, 1) for v in frame.treated_rate],
        pick(lang, "Mua (đối chứng)", "Bought (holdout)"): [percent(v, lang, 1)
                                                             for v in frame.holdout_rate],
        t("uplift", lang): [signed_percent_points(v, lang) for v in frame.uplift],
        pick(lang, "DT tăng thêm", "Incr. revenue"): [money(v, lang)
                                                       for v in frame.incremental_revenue],
        t("roi", lang): [number(v, lang, 1) if pd.notna(v) else "–" for v in frame.roi],
    })
    return html_table(table)


def sample_size_sentence(n: dict, *, base_rate: float, uplift: float, holdout_share: float,
                         lang: str = "vi") -> Markdown:
    return Markdown(pick(
        lang,
        f"Để phát hiện mức tăng {percent(uplift, lang, 1)} trên tỷ lệ mua nền "
        f"{percent(base_rate, lang, 1)} với {percent(holdout_share, lang)} đối chứng, một nhóm cần "
        f"khoảng **{number(n['total'], lang)} khách** ({number(n['treated'], lang)} nhận tin, "
        f"{number(n['holdout'], lang)} đối chứng).",
        f"To detect an uplift of {percent(uplift, lang, 1)} on a base purchase rate of "
        f"{percent(base_rate, lang, 1)} with a {percent(holdout_share, lang)} holdout, a segment "
        f"needs about **{number(n['total'], lang)} customers** ({number(n['treated'], lang)} "
        f"treated, {number(n['holdout'], lang)} held out)."))


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
