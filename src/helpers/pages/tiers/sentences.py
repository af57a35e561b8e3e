"""Page 04's sentences: loyalty tiers and their lists."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import number
from helpers.kit.narrative import LIST_LABELS, WINDOW_LABELS, day, html_table
from helpers.kit.safe_text import md_labels, md_text
from helpers.kit.texts import CHANNEL_NAMES, pick


def loyalty_headlines(summary: pd.DataFrame, *, names: dict[str, str], as_of, reranking,
                      lang: str = "vi") -> Markdown:
    reranking = day(reranking, lang)
    total = int(summary.members.sum())
    names = md_labels(names)  # a loyalty file's words: text, never Markdown
    parts = ", ".join(f"{names[r.tier]} {number(r.members, lang)}" for r in summary.itertuples())
    items = [
        pick(lang, f"**{number(total, lang)} thành viên** tính đến {day(as_of, lang)}: {parts}.",
              f"**{number(total, lang)} members** as of {day(as_of, lang)}: {parts}."),
        pick(lang, f"So với cuối tháng trước: **{number(summary.upgraded.sum(), lang)} lên hạng**, "
                    f"**{number(summary.downgraded.sum(), lang)} xuống hạng**, "
                    f"{number(summary.new_members.sum(), lang)} thành viên mới.",
              f"Since last month end: **{number(summary.upgraded.sum(), lang)} upgraded**, "
              f"**{number(summary.downgraded.sum(), lang)} downgraded**, "
              f"{number(summary.new_members.sum(), lang)} new members."),
        pick(lang, f"**{number(summary.close_to_next.sum(), lang)} thành viên sắp lên hạng**: "
                    f"nhắn họ \"chỉ cần mua thêm X để lên hạng\".",
              f"**{number(summary.close_to_next.sum(), lang)} members are close to the next tier**:"
              f" tell them \"spend X more to reach it\"."),
        pick(lang, f"{number(summary.will_drop.sum(), lang)} thành viên sẽ bị hạ hạng vào kỳ xét "
                    f"hạng {reranking} nếu không mua thêm.",
              f"{number(summary.will_drop.sum(), lang)} members will drop a tier at the "
              f"{reranking} re-ranking unless they buy again."),
    ]
    return Markdown("\n".join(f"- {i}" for i in items))


def list_sizes(counts: pd.DataFrame, *, lang: str = "vi") -> HTML:
    if counts.empty:
        return HTML("")
    table = counts.pivot_table(index="list_key", columns="channel", values="in_list",
                               aggfunc="sum", fill_value=0)
    sizes = counts.groupby("list_key").customers.max()
    table.insert(0, pick(lang, "Khách", "Customers"), sizes)
    table = table.reset_index()
    table.columns.name = None  # the pivot's own name ("channel") is not a column
    # lists and channels by their names, never their keys; counts in the reader's format
    names = {**LIST_LABELS, **{f"window={k}": v for k, v in WINDOW_LABELS.items()}}
    table["list_key"] = table.list_key.map(lambda k: pick(lang, *names[k]) if k in names
                                           else str(k).replace("_", " "))
    table = table.rename(columns={"list_key": pick(lang, "Danh sách", "List"), **CHANNEL_NAMES})
    for column in table.columns[1:]:
        table[column] = [number(v, lang) for v in table[column]]
    return html_table(table)


def tier_review(members: pd.DataFrame, names: dict[str, str], *, lang: str = "vi") -> Markdown:
    counts = members.tier.value_counts()
    parts = ", ".join(f"{md_text(names.get(k, k))} {number(counts.get(k, 0), lang)}"
                      for k in names)
    up = int((members.tier_change == "up").sum())
    down = int((members.tier_change == "down").sum())
    close = int(members.close_to_next.astype(str).str.lower().eq("true").sum())
    return Markdown(pick(
        lang, f"- {parts}.\n- {number(up, lang)} lên hạng, {number(down, lang)} xuống hạng trong "
              f"tháng; **{number(close, lang)} thành viên sắp lên hạng** nên được nhắc.",
        f"- {parts}.\n- {number(up, lang)} upgraded, {number(down, lang)} downgraded this month; "
        f"**{number(close, lang)} members are close to the next tier** and worth a nudge."))
