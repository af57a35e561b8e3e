"""One plotly theme, and a renderer whose charts work in offline HTML exports.

plotly's stock renderers either store only JSON (charts vanish from nbconvert HTML) or load
plotly.js and MathJax from a CDN (blank pages offline). The workbook renderer writes each figure as
HTML that needs no external script, and `use_workbook_theme` embeds plotly.js once per notebook.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import HtmlRenderer

RENDERER = "workbook"
FONT = "Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"


class OfflineHtmlRenderer(HtmlRenderer):
    """text/html with the figure only: no plotly.js, no MathJax, no CDN."""

    def __init__(self):
        super().__init__(connected=False, full_html=False, global_init=False,
                         include_plotlyjs=False, config={"displaylogo": False,
                                                         "responsive": True})

    def to_mimebundle(self, fig_dict):
        html = pio.to_html(fig_dict, config=self.config, include_plotlyjs=False,
                           include_mathjax=False, full_html=False, default_width="100%",
                           default_height=480, validate=False)
        return {"text/html": html}


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
        xaxis=dict(exponentformat="none", separatethousands=True),
        yaxis=dict(exponentformat="none", separatethousands=True),
        coloraxis=dict(colorbar=dict(exponentformat="none", separatethousands=True)),
    ), data=dict(
        heatmap=[go.Heatmap(colorbar=dict(exponentformat="none", separatethousands=True))],
        histogram2d=[go.Histogram2d(colorbar=dict(exponentformat="none",
                                                  separatethousands=True))],
    ))
    pio.templates.default = "plotly_white+workbook"
    pio.renderers[RENDERER] = OfflineHtmlRenderer()
    pio.renderers.default = f"plotly_mimetype+{RENDERER}"
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
