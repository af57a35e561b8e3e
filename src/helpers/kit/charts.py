"""What every page's charts share: short money labels (kit.formatting.short_money, the one short
form, in the run's currency), money ticks and hover labels, the legend on top, a plain
bar chart, wrapped labels, cohort names. Each page's charts are in pages/<page>/charts.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from IPython.display import Markdown

from helpers.core import currency as run_currency
from helpers.kit.formatting import short_money
from helpers.kit.texts import pick
from helpers.kit.theme import two_lines


def wrap(text: str, width: int = 13) -> str:
    """A label on two lines at the space nearest its middle when longer than `width`."""
    return two_lines(str(text), width)


def balanced_lines(text: str, width: int, *, most: int = 3) -> str:
    """A label on the fewest lines (up to `most`) of at most `width` characters, cut at spaces so
    that the longest line is as short as it can be ("Có tiềm năng<br>trung thành", never "Có
    tiềm<br>năng trung<br>thành"); a word longer than `width` stays whole on its line."""
    from itertools import combinations

    words = str(text).split()
    if len(" ".join(words)) <= width or len(words) < 2:
        return " ".join(words)
    best = None
    for count in range(2, min(most, len(words)) + 1):
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            shown = [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:])]
            longest = max(len(line) for line in shown)
            if best is None or longest < best[0]:
                best = (longest, shown)
        if best[0] <= width:
            break
    return "<br>".join(best[1])


def money_ticks(top: float, lang: str = "vi", *, count: int = 4) -> dict:
    """Axis ticks for money as the reader writes it in a small space, in the run's currency
    (0, 5 tỷ, 10 tỷ / 0, ₫5B, ₫10B; 0, $1.5k, $3k): round steps of 1, 2, 2.5 or 5 times a
    power of ten, about `count` of them.
    Plotly's own ticks would write 10.000.000.000 on a phone or 10B in Vietnamese."""
    top = float(top) if top and np.isfinite(top) and top > 0 else 1.0
    raw = top / count
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    values = [i * step for i in range(int(np.floor(top / step)) + 1)]
    return dict(tickmode="array", tickvals=values,
                ticktext=[short_money(v, lang) if v else "0" for v in values])


def money_hover(field: str, lang: str = "vi", currency: str | None = None) -> str:
    """A hover label's money in Plotly's template, in the run's currency with its decimals and
    the theme's marks: '%{z:,.0f} ₫' (vi), '₫%{z:,.0f}' / '$%{z:,.2f}' (en)."""
    code = currency or run_currency.current()
    shown = f"%{{{field}:,.{run_currency.digits(code)}f}}"
    mark = run_currency.symbol(lang, code)
    return f"{shown} {mark}" if lang == "vi" else f"{mark}{shown}"


def legend_on_top(fig: go.Figure, *, rows: int = 2) -> go.Figure:
    """The legend in a row above the plot, under the title: at the right it took half a phone's
    width from the bars. `rows` is how many rows its items may need on a phone."""
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left",
                                  x=0, title_text=""),
                      # the title (two lines on a phone) at the very top, the legend under it
                      title=dict(yref="container", yanchor="top",
                                 y=1 - 16 / float(fig.layout.height or 450)),
                      margin=dict(t=100 + 22 * rows))
    return fig


def bar(frame: pd.DataFrame, *, x: str, y: str, color: str | None = None,
        order: list[str] | None = None, colors: dict | None = None, title: str | None = None,
        labels: dict | None = None, text_format: str = ",.0f", orientation: str = "v",
        barmode: str = "relative") -> go.Figure:
    """A plain bar chart in house style, for small summaries."""
    fig = px.bar(frame, x=x, y=y, color=color, title=title, labels=labels,
                 category_orders={(x if orientation == "v" else y): order} if order else None,
                 color_discrete_map=colors, orientation=orientation, barmode=barmode,
                 text_auto=text_format)
    fig.update_layout(height=420)
    return fig


def nothing_to_draw(lang: str = "vi") -> Markdown:
    """In place of a chart whose data is empty (no order on or before the as-of date, no member,
    no campaign): one plain sentence, never an empty frame or a numpy error."""
    return Markdown(pick(lang, "_Không có dữ liệu để vẽ biểu đồ này._",
                         "_No data to chart here._"))


def cohort_label(cohort, lang: str = "vi") -> str:
    """'2026-10' as the reader writes a month: 10/2026 (vi), Oct 2026 (en); weeks as they are."""
    import re
    from datetime import date

    text = str(cohort)
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    month = date(int(text[:4]), int(text[5:]), 1)
    return f"{month:%m/%Y}" if lang == "vi" else f"{month:%b %Y}"


def money_range(low: float, high: float, lang: str = "vi") -> str:
    """A bin of money as a reader writes it: 0–500 nghìn, 1,5 tr–2 tr / 0–₫500k, ₫1.5M–₫2M."""
    return f"{short_money(low, lang) if low else '0'}–{short_money(high, lang)}"
