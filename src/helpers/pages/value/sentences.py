"""Page 06's sentences: who is still a customer and what each is worth."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from helpers.kit.formatting import money, number, percent
from helpers.kit.safe_text import md_text
from helpers.kit.texts import pick


def value_headlines(fit, figures: dict, written: dict, *, scheme, horizon_days: int,
                    lang: str = "vi") -> Markdown:
    """What the models say for the shop, or in one sentence why they were not fitted; `figures`
    are customer_value.headline_figures (sums over every buyer, from SQL)."""
    if fit.status == "too_few_customers":
        return Markdown(pick(
            lang, f"Chưa ước tính được: cửa hàng mới có {number(fit.customers, lang)} khách đã "
                  f"mua, cần ít nhất 100 khách để mô hình đáng tin.",
            f"Not estimated: the shop has {number(fit.customers, lang)} buyers so far; the "
            f"models need at least 100 to be trusted."))
    if fit.status == "too_few_repeat":
        return Markdown(pick(
            lang, f"Chưa ước tính được: chỉ {number(fit.repeat_customers, lang)} trong "
                  f"{number(fit.customers, lang)} khách đã mua lại, cần ít nhất 20 khách mua lại "
                  f"để biết nhịp mua của cửa hàng.",
            f"Not estimated: only {number(fit.repeat_customers, lang)} of "
            f"{number(fit.customers, lang)} buyers have bought again; the models need at least "
            f"20 repeat buyers to learn the shop's rhythm."))
    if fit.status == "did_not_converge":
        return Markdown(pick(
            lang, "Mô hình không hội tụ với dữ liệu tháng này nên không dùng kết quả; các trang "
                  "khác không bị ảnh hưởng. Chi tiết ở customer_value_model.csv.",
            "The model did not converge on this month's data, so no figure from it is used; "
            "the other pages are not affected. Details in customer_value_model.csv."))
    repeat = figures["repeat"]
    once = figures["customers"] - repeat
    alive, alive_share = figures["alive"] or 0, figures["alive_share"] or 0
    purchases = figures["purchases"] or 0
    revenue = figures["revenue"]
    best = md_text(scheme.labels(lang).get(written["fading_segment"], written["fading_segment"]))
    items = [pick(
        lang, f"Trong {number(repeat, lang)} khách đã mua từ hai lần trở lên, khoảng "
              f"**{number(alive, lang)} khách ({percent(alive_share, lang)}) vẫn còn "
              f"mua**. Với {number(once, lang)} khách mới mua một lần, mô hình chưa thể biết họ "
              f"đã bỏ đi hay chưa (nó coi họ là vẫn còn mua).",
        f"Of {number(repeat, lang)} customers who bought more than once, about "
        f"**{number(alive, lang)} ({percent(alive_share, lang)}) are still "
        f"customers**. For the {number(once, lang)} who bought once, the model cannot yet tell "
        f"whether they left (it counts them as active).")]
    if revenue is not None and fit.gamma_gamma:
        items.append(pick(
            lang, f"Trong {horizon_days} ngày tới họ dự kiến mua **{number(purchases, lang)} "
                  f"lần**, mang lại khoảng **{money(revenue, lang)}**.",
            f"In the next {horizon_days} days they are expected to make "
            f"**{number(purchases, lang)} purchases**, bringing about "
            f"**{money(revenue, lang)}**."))
    else:
        items.append(pick(
            lang, f"Trong {horizon_days} ngày tới họ dự kiến mua **{number(purchases, lang)} "
                  f"lần**; chưa đủ khách mua lại để ước tính giá trị mỗi lần mua.",
            f"In the next {horizon_days} days they are expected to make "
            f"**{number(purchases, lang)} purchases**; too few repeat buyers to estimate what "
            f"each purchase is worth."))
    if written["fading"]:
        items.append(pick(
            lang, f"**{number(written['fading'], lang)} khách thuộc nhóm «{best}» có khả năng "
                  f"còn mua dưới 50%: hãy liên hệ ngay** (value/fading_champions.csv).",
            f"**{number(written['fading'], lang)} customers in «{best}» have a chance below "
            f"50% of still buying: contact them now** (value/fading_champions.csv)."))
    else:
        items.append(pick(lang, f"Không ai trong nhóm «{best}» có khả năng còn mua dưới 50%.",
                          f"Nobody in «{best}» has a chance below 50% of still buying."))
    if fit.fitted_on < fit.customers:
        items.append(pick(
            lang, f"Mô hình được ước tính trên {number(fit.fitted_on, lang)} khách chọn ngẫu "
                  f"nhiên (cố định theo fit_seed) và dự báo cho tất cả.",
            f"The models were fitted on {number(fit.fitted_on, lang)} customers drawn at random "
            f"(fixed by fit_seed) and predict for everyone."))
    return Markdown("\n".join(f"- {i}" for i in items))


def calibration_sentence(table: pd.DataFrame | None, *, horizon_days: int,
                         lang: str = "vi") -> Markdown:
    """How close the predicted purchases came to the actual ones in the check period."""
    if table is None or not len(table):
        return Markdown(pick(
            lang, f"Chưa đủ lịch sử để kiểm tra: cần dữ liệu ít nhất {3 * horizon_days} ngày.",
            f"Not enough history for a check yet: it needs at least {3 * horizon_days} days "
            f"of data."))
    customers = table.customers.sum()
    predicted = (table.predicted * table.customers).sum()
    actual = (table.actual * table.customers).sum()
    gap = (predicted - actual) / actual if actual else 0.0
    return Markdown(pick(
        lang, f"Trong {horizon_days} ngày kiểm tra, {number(customers, lang)} khách được dự báo "
              f"mua {number(predicted, lang)} lần và thực tế đã mua {number(actual, lang)} lần "
              f"(chênh {percent(abs(gap), lang)}).",
        f"In the {horizon_days}-day check period, {number(customers, lang)} customers were "
        f"predicted to make {number(predicted, lang)} purchases and actually made "
        f"{number(actual, lang)} (a {percent(abs(gap), lang)} difference)."))
