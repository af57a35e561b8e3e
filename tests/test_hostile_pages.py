"""What pages show from shop data (issue 32): text from the shop's files is shown as text (no
link, no Markdown or HTML, no change of direction) in sentences, tables and charts, and a page
whose as-of date is before every order says so in a sentence instead of raising.

Each page's notebook code runs here, in this process (no kernel, a few seconds a page), on a
small sample shop whose campaign names, channels, segment labels, tier names and orders file
name are hostile; its outputs are kept as a notebook, as papermill would keep them, and the
same notebook exported by kit.html_report is what tests/test_browser.py opens.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from helpers.core.paths import NOTEBOOKS_DIR, PARAMS_DIR
from helpers.ingest import sample_data, staging
from helpers.kit import html_report, snapshots
from helpers.kit.safe_text import (
    BIDI_CONTROLS,
    chart_text,
    html_text,
    is_own_link,
    md_text,
    own_links_only,
    safe_figure,
    shown_text,
)
from helpers.pages.cohorts import charts as cohort_charts
from helpers.pages.cohorts import compute as cohorts
from helpers.pages.cohorts import sentences as cohort_sentences
from helpers.pages.migration import compute as migration

RLO = "\u202e"
HOSTILE = [
    "Visit https://evil.example/promo now",
    "<a href='https://evil.example/x'>click me</a>",
    f"{RLO}SALE 2026 50%",
    "[x](javascript:alert(1))",
    "**bold** _it_ `code`",
    "www.evil.example",
    "<b>bold</b><br><img src=x onerror=alert(1)>",
    "<https://evil.example/auto>",
]
PAGES = ["01", "02", "03", "04", "05", "06", "00"]
EARLY = date(2020, 1, 31)  # before every order of the sample shop


# ---------------------------------------------------------------- the rule, value by value


@pytest.mark.parametrize("value", HOSTILE + ["a\u2066b\u2069c\u200fd\u061ce", "x\ny\tz\x07"])
def test_markdown_of_a_value_renders_as_its_plain_text(value):
    """nbconvert's own Markdown renderer (mistune, autolinks on) shows md_text(value) as exactly
    the value's plain text: no tag but the paragraph, so no link, no emphasis, no code."""
    rendered = markdown2html_mistune(md_text(value))
    soup = BeautifulSoup(rendered, "html.parser")
    assert [t.name for t in soup.find_all(True)] == ["p"], rendered
    assert soup.get_text().strip() == shown_text(value).strip()


def test_shown_text_takes_out_every_bidi_control_and_line_break():
    text = "".join(f"a{c}" for c in BIDI_CONTROLS) + "\nb\r\nc\u2028d\x00"
    assert shown_text(text) == "a" * len(BIDI_CONTROLS) + " b c d"
    assert shown_text(None) == "" and shown_text(float("nan")) == ""
    assert html_text("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"
    assert chart_text("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"


def test_the_nets_keep_only_the_workbooks_own_links_and_tags():
    fig = safe_figure({"data": [{"name": "<a href='https://e.x'>e</a><br><b>own</b>" + RLO,
                                 "hovertemplate": "%{y}<extra></extra>"}]})
    assert fig["data"][0]["name"] == "&lt;a href='https://e.x'&gt;e&lt;/a&gt;<br><b>own</b>"
    assert fig["data"][0]["hovertemplate"] == "%{y}<extra></extra>"
    fragment = ("<p><a href='https://e.x'>out</a> <a href='movers/win_back.csv'>own</a> "
                "<a href=' JaVa\tscript:alert(1)'>js</a> <a href='#kpis'>toc</a> "
                "<a href='//e.x/p'>host</a></p>")
    kept = BeautifulSoup(own_links_only(fragment), "html.parser").find_all("a")
    assert [a["href"] for a in kept] == ["movers/win_back.csv", "#kpis"]
    assert not is_own_link("data:text/html,x") and is_own_link("03_cohort_revenue.html")


# ---------------------------------------------------------------- a page run in this process


def notebook_cells(source: str) -> list[tuple[bool, str]]:
    """(is the parameters cell, code) for each code cell of a jupytext percent notebook."""
    parts = re.split(r"^# %%(.*)$", source, flags=re.M)
    return [("parameters" in parts[i], parts[i + 1].strip("\n"))
            for i in range(1, len(parts), 2) if "[markdown]" not in parts[i]]


def _shown_last(code: str) -> str:
    """The cell with its last expression displayed, as a notebook shows it."""
    tree = ast.parse(code)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return code
    last = tree.body[-1]
    head = "\n".join(code.splitlines()[:last.lineno - 1])
    return (head + f"\n_shown = ({ast.get_source_segment(code, last)})\n"
            "if _shown is not None:\n    display(_shown)\n")


def run_page(page: str, params: dict) -> nbformat.NotebookNode:
    """Notebook `page` (00..06) run here with `params` injected after its parameters cell; its
    outputs kept as a notebook (what papermill writes). An error in a cell is raised."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    source = next((NOTEBOOKS_DIR / "src").glob(f"{page}_*.py")).read_text(encoding="utf-8")
    shell = InteractiveShell.instance()
    nb = nbformat.v4.new_notebook()
    try:
        for is_parameters, code in notebook_cells(source):
            cell = nbformat.v4.new_code_cell(code)
            if is_parameters:
                cell.metadata["tags"] = ["parameters"]
                code += "\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
            with capture_output() as captured:
                result = shell.run_cell(_shown_last(code), store_history=False)
            if not result.success:
                raise result.error_in_exec or result.error_before_exec
            cell.outputs = [nbformat.v4.new_output("display_data", data=o.data,
                                                   metadata=o.metadata or {})
                            for o in captured.outputs]
            nb.cells.append(cell)
    finally:  # the next page (and every other test) starts without this shell
        InteractiveShell.clear_instance()
    return nb


@contextmanager
def private_stores(root: Path):
    """Segments, the staging cache and set-aside rows kept under `root` while in the block, never
    in the project's stores (data/processed)."""
    patched = [(snapshots.segments_source, "snapshot_root", "snapshots"),
               (snapshots.write_snapshot, "root", "snapshots"),
               (migration.segment_trend, "snapshot_root", "snapshots"),
               (staging.load, "cache_dir", "cache"), (staging.load, "quarantine_dir", "quarantine")]
    saved = [fn.__kwdefaults__[key] for fn, key, _ in patched]
    for fn, key, folder in patched:
        fn.__kwdefaults__[key] = root / folder
    try:
        yield root
    finally:
        for (fn, key, _), value in zip(patched, saved):
            fn.__kwdefaults__[key] = value


def _hostile_yaml(source: Path, target: Path, replace) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    replace(data)
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def hostile_shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile_shop")
    with private_stores(root / "stores"):
        yield make_hostile_shop(root)


def make_hostile_shop(root: Path) -> dict:
    """A small sample shop whose words are hostile: campaign names and channels, a scheme's
    labels and actions, loyalty tier names, and the orders file's name."""
    raw = root / "raw"
    sample_data.generate(raw, customers=400, orders=2400, seed=5, as_of=sample_data.REFERENCE_AS_OF)
    orders = raw / "orders.csv"
    # no * ? [ in it: orders_path may be a glob
    named = raw / "www.evil.example (javascript alert(1)) <b>b<_b> \u202eorders.csv"
    orders.rename(named)
    campaigns = pd.read_csv(raw / "campaigns.csv", dtype=str)
    names = {cid: HOSTILE[i % len(HOSTILE)] for i, cid in enumerate(campaigns.campaign_id)}
    campaigns["name"] = campaigns.campaign_id.map(names)
    channels = {"sms": "<a href='https://evil.example/sms'>SMS</a>",
                "zns": f"Zalo {RLO}https://evil.example", "email": "**mail** www.evil.example"}
    campaigns["channel"] = campaigns.channel.map(lambda c: channels.get(c, c))
    campaigns.to_csv(raw / "campaigns.csv", index=False, quoting=csv.QUOTE_ALL)
    sends = pd.read_csv(raw / "campaign_sends.csv", dtype=str)
    sends["channel"] = sends.channel.map(lambda c: channels.get(c, c))
    sends.to_csv(raw / "campaign_sends.csv", index=False, quoting=csv.QUOTE_ALL)

    def scheme(data):
        for i, segment in enumerate(data["segments"].values()):
            segment["labels"]["en"] = f"{HOSTILE[i % len(HOSTILE)]} {i}"
            segment["action"] = {**segment.get("action", {}), "en": HOSTILE[(i + 3) % len(HOSTILE)]}

    def tiers(data):
        for i, tier in enumerate(data["tiers"]):
            tier["en"] = f"{HOSTILE[(i + 1) % len(HOSTILE)]} {i}"

    return {"root": root, "orders": named, "customers": raw / "customers.csv", "raw": raw,
            "scheme": _hostile_yaml(PARAMS_DIR / "schemes" / "rfm11.yaml", root / "evil.yaml",
                                    scheme),
            "loyalty": _hostile_yaml(PARAMS_DIR / "loyalty.yaml", root / "loyalty.yaml", tiers)}


def page_params(page: str, shop: dict, *, as_of: date, output_dir: Path) -> dict:
    params = {"orders_path": str(shop["orders"]), "customers_path": str(shop["customers"]),
              "output_dir": str(output_dir), "lang": "en"}
    params["as_of_to" if page == "02" else "as_of"] = as_of.isoformat()
    if page in ("01", "02", "05", "06", "00"):
        params["scheme"] = str(shop["scheme"])
    if page in ("04", "00"):
        params["loyalty_path"] = str(shop["loyalty"])
    if page == "05":
        params |= {f"{name}_path": str(shop["raw"] / f"{name}.csv")
                   for name in ("campaigns", "campaign_sends", "campaign_holdout")}
        params["next_campaign_target"] = "at_risk"
    if page == "06":
        params["fit_max_customers"] = 400
    return params


def build_pages(shop: dict, folder: Path, *, as_of: date, pages=PAGES) -> dict[str, Path]:
    """Each page run in this process and exported to HTML by kit.html_report, in run order
    (the review last: it reads the others' files); {page: its HTML}."""
    from plotly.offline import get_plotlyjs

    folder.mkdir(parents=True, exist_ok=True)
    plotly_js = nbformat.v4.new_code_cell("")
    plotly_js.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": f"<script type='text/javascript'>{get_plotlyjs()}</script>"})]
    out = {}
    for page in pages:
        nb = run_page(page, page_params(page, shop, as_of=as_of, output_dir=folder / "run"))
        nb.cells.insert(0, plotly_js)  # the theme embeds plotly.js once per process only
        path = folder / f"{page}.ipynb"
        nbformat.write(nb, path)
        out[page] = html_report.export_html(path, folder / f"{page}.html", lang="en")
    return out


# ---------------------------------------------------------------- an as-of before every order


@pytest.fixture(scope="module")
def early_pages(hostile_shop, tmp_path_factory):
    folder = tmp_path_factory.mktemp("early")
    return {page: run_page(page, page_params(page, hostile_shop, as_of=EARLY,
                                             output_dir=folder / "run"))
            for page in PAGES}


def _texts(nb) -> list[str]:
    return [o.data.get("text/markdown") or BeautifulSoup(o.data.get("text/html", ""),
                                                         "html.parser").get_text(" ")
            for cell in nb.cells for o in cell.outputs
            if "plotly-graph-div" not in o.data.get("text/html", "")]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_with_no_order_before_its_date_says_so(early_pages, page):
    """An as-of date before every order: each page runs to its end and says it in words (page
    03 raised numpy's ValueError from its revenue triangle)."""
    said = " ".join(_texts(early_pages[page]))
    expected = {"01": "No customer bought anything on or before the as-of date",
                "02": "of the 0 customers already there", "03": "No orders on or before 31 Jan 2020",
                "04": "0 customers hold a tier", "05": "No campaign started on or before the as-of date",
                "06": "the shop has 0 buyers so far",
                "00": "There are no orders up to the as-of date"}[page]
    assert expected in said
    charts = [o for c in early_pages[page].cells for o in c.outputs
              if "plotly-graph-div" in o.data.get("text/html", "")]
    if page in ("01", "03", "04", "05"):  # nothing to draw: a sentence in each chart's place
        assert charts == [] and "No data to chart here." in said


def test_each_cohort_chart_of_no_cohort_is_a_sentence():
    """Page 03's functions called on the empty frames an early as-of gives."""
    empty = pd.DataFrame(columns=["cohort", "cohort_start", "cohort_size", "period", "customers",
                                  "purchases", "revenue", "retention"])
    dense = cohorts.dense_triangle(empty, as_of=EARLY, grain="month", max_periods=24)
    returned = pd.DataFrame(columns=["window_days", "eligible_buyers", "returned",
                                     "share_returned"])
    for shown in (cohort_charts.cohort_heatmap(dense, value="revenue", lang="en"),
                  cohort_charts.cohort_heatmap(dense, value="retention", lang="vi"),
                  cohort_charts.ltv_curves(cohorts.ltv_curves(dense), lang="en"),
                  cohort_charts.purchases_per_customer(cohorts.purchases_per_customer(dense)),
                  cohort_charts.second_purchase_gap(pd.DataFrame(columns=["gap_days",
                                                                          "customers"]),
                                                    returned)):
        assert isinstance(shown.data, str) and shown.data.startswith("_")
    said = cohort_sentences.cohort_headlines(empty, returned, as_of=EARLY, lang="vi").data
    assert said == "Không có đơn hàng nào vào hoặc trước ngày 31/01/2020."


# ---------------------------------------------------------------- hostile words in every page


@pytest.fixture(scope="module")
def hostile_pages(hostile_shop, tmp_path_factory):
    return build_pages(hostile_shop, tmp_path_factory.mktemp("pages"),
                       as_of=sample_data.REFERENCE_AS_OF)


def _figure_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _figure_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _figure_strings(v)


def _chart_json(html: str) -> list[dict]:
    """The figures a page's chart outputs hold (the arguments of Plotly.newPlot)."""
    return [json.loads(m) for m in re.findall(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*\{',
                                              html, flags=re.S)]


@pytest.mark.parametrize("page", PAGES)
def test_words_from_the_shops_files_are_shown_as_text(hostile_pages, page):
    """Every page of the hostile shop, as exported: no link but the workbook's own, no bidi
    control, no tag from data in a chart's strings, and the hostile words still there to read."""
    html = hostile_pages[page].read_text(encoding="utf-8")
    body = re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I)
    soup = BeautifulSoup(body, "html.parser")
    links = [a.get("href") for a in soup.find_all("a")]
    assert [h for h in links if not is_own_link(h)] == []
    assert not any(c in soup.get_text() for c in BIDI_CONTROLS)
    assert soup.find_all("img") == []
    assert [t.get_text() for t in soup.find_all(["strong", "b", "em", "code"])
            if t.get_text() in ("bold", "it", "code", "mail")] == []
    strings = [s for fig in _chart_json(html) for s in _figure_strings(fig)]
    for text in strings:
        assert not any(c in text for c in BIDI_CONTROLS), text
        assert not re.search(r"<(?!/?(b|br|i|sup|sub|extra)>)", text), text
    if page in ("01", "05"):  # a page whose words the shop wrote: shown, escaped, not dropped
        shown = soup.get_text(" ") + " ".join(strings)
        assert "evil.example" in shown and "SALE 2026 50%" in shown
    if page == "00":  # the review's own links are kept
        assert "01_rfm_segments.html" in links and "#actions" in links
