"""One plotly theme, and a renderer whose charts work in offline HTML exports.

plotly's stock renderers either store only JSON (charts vanish from nbconvert HTML) or load
plotly.js and MathJax from a CDN (blank pages offline). The workbook renderer writes each figure as
HTML that needs no external script, and `use_workbook_theme` embeds plotly.js once per notebook.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import HtmlRenderer, PlotlyRenderer

from helpers.kit.safe_text import safe_figure

RENDERER = "workbook"
FONT = "Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"


class OfflineHtmlRenderer(HtmlRenderer):
    """text/html with the figure only: no plotly.js, no MathJax, no CDN."""

    def __init__(self):
        super().__init__(connected=False, full_html=False, global_init=False,
                         include_plotlyjs=False, config={"displaylogo": False,
                                                         "responsive": True})

    def to_mimebundle(self, fig_dict):
        fig_dict = safe_figure(wrap_titles(fig_dict))
        html = pio.to_html(fig_dict, config=self.config, include_plotlyjs=False,
                           include_mathjax=False, full_html=False, default_width="100%",
                           default_height=480, validate=False)
        min_width = (fig_dict.get("layout", {}).get("meta") or {}).get("min_width")
        if min_width:  # a chart that cannot be read narrower scrolls sideways on a phone
            html = (f'<div class="workbook-wide" style="overflow-x:auto;max-width:100%">'
                    f'<div style="min-width:{int(min_width)}px">{html}</div></div>')
        return {"text/html": html}


class SafeMimetypeRenderer(PlotlyRenderer):
    """plotly's JSON for JupyterLab, with the same safe strings as the HTML (no link, no tag but
    the workbook's own, no bidi control: kit.safe_text.safe_figure)."""

    def to_mimebundle(self, fig_dict):
        return super().to_mimebundle(safe_figure(fig_dict))


def min_width(fig: go.Figure, pixels: int) -> go.Figure:
    """Below `pixels` wide the chart keeps that width and its page scrolls it sideways (a 13 × 13
    heatmap of shares and counts has no readable phone-sized version)."""
    fig.update_layout(meta={**(fig.layout.meta or {}), "min_width": int(pixels)})
    return fig


TITLE_WIDTH = 34  # characters of a 16-px title that fit a 390-px phone screen


def two_lines(text: str, width: int) -> str:
    """Text on two lines at the space nearest its middle when longer than `width` (plotly never
    wraps a title or a label)."""
    if not isinstance(text, str) or len(text) <= width or "<br>" in text or " " not in text:
        return text
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "<br>" + text[cut + 1:]


def wrap_titles(fig_dict: dict) -> dict:
    """Chart and axis titles longer than a phone's width on two lines (plotly never wraps them:
    on a phone they ran past the chart's edges)."""
    layout = fig_dict.get("layout", {})
    for key, value in layout.items():
        if key == "title" or key.startswith(("xaxis", "yaxis")):
            title = value if key == "title" else value.get("title")
            if isinstance(title, dict) and "text" in title:
                title["text"] = two_lines(title["text"], TITLE_WIDTH)
    return fig_dict


_embedded = {"done": False}


def use_workbook_theme(lang: str = "vi", *, embed_plotlyjs: bool = True) -> None:
    """House style for every chart, and the offline renderer (plotly.js embedded here, once)."""
    pio.templates["workbook"] = go.layout.Template(layout=dict(
        separators=",." if lang == "vi" else ".,",  # decimal mark, thousands mark
        font=dict(family=FONT, size=13),
        title=dict(font=dict(size=16)),
        margin=dict(l=60, r=30, t=60, b=50),
        colorway=["#0969da", "#1a7f37", "#bf8700", "#cf222e", "#8250df", "#57606a",
                  "#1b7c83", "#e16f24", "#4ac26b", "#a0111f", "#6e7781"],
        # whole numbers in the reader's format (1.610.000.000 in Vietnamese), never 1.61B,
        # 250M or 31.6k: plotly's SI suffixes are neither Vietnamese nor money
        # tick labels stand a little off their axis, so the 0 of x and the 0 of y do not meet
        # at the corner
        xaxis=dict(exponentformat="none", separatethousands=True, ticklabelstandoff=4),
        yaxis=dict(exponentformat="none", separatethousands=True, ticklabelstandoff=6),
        coloraxis=dict(colorbar=dict(exponentformat="none", separatethousands=True)),
    ), data=dict(
        heatmap=[go.Heatmap(colorbar=dict(exponentformat="none", separatethousands=True))],
        histogram2d=[go.Histogram2d(colorbar=dict(exponentformat="none",
                                                  separatethousands=True))],
    ))
    pio.templates.default = "plotly_white+workbook"
    pio.renderers[RENDERER] = OfflineHtmlRenderer()
    pio.renderers[f"{RENDERER}_mimetype"] = SafeMimetypeRenderer()
    pio.renderers.default = f"{RENDERER}_mimetype+{RENDERER}"
    if embed_plotlyjs and not _embedded["done"]:
        try:
            from IPython import get_ipython
            from IPython.display import HTML, display
        except ImportError:  # pragma: no cover - no IPython: nothing to embed into
            return
        if get_ipython() is None:
            return
        from plotly.offline import get_plotlyjs

        display(HTML(
            "<script type='text/javascript'>window.PlotlyConfig = {MathJaxConfig: 'local'};"
            "</script><script type='text/javascript'>" + get_plotlyjs() + "</script>"
        ))
        _embedded["done"] = True
