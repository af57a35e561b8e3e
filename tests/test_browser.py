"""A real browser opens each HTML report offline: every chart draws, no errors, no requests out."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_hostile_pages import RLO, build_pages, make_hostile_shop, private_stores

from helpers.core.paths import PROJECT_ROOT
from helpers.ingest.sample_data import REFERENCE_AS_OF
from helpers.kit.safe_text import BIDI_CONTROLS, is_own_link
from helpers.run import monthly

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make test` installs Debian's chromium")
        pytest.skip("chromium not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


OVERLAPS_JS = (Path(__file__).parent / "js" / "overlaps.js").read_text(encoding="utf-8")
# texts written in a heatmap's cells (the R x FM grid's names, the migration shares) wider than
# their cell, and names of a Sankey's nodes drawn over one another or over the other column's
CELLS_JS = """() => {
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((gd, n) => {
    (gd._fullData || []).forEach((trace) => {
      if (trace.type !== 'heatmap' || !trace.texttemplate) return;
      const xa = gd._fullLayout[(trace.xaxis || 'x').replace('x', 'xaxis')];
      const columns = new Set(trace.x || []).size || (trace.z[0] || []).length;
      const cell = xa._length / Math.max(columns, 1);
      gd.querySelectorAll('.heatmaplayer text, g.hm text').forEach((t) => {
        const box = t.getBoundingClientRect();
        if (box.width > cell + 1) out.push(`chart ${n}: "${t.textContent}" is ${Math.round(box.width)} px in a ${Math.round(cell)}-px cell`);
      });
    });
    const labels = Array.from(gd.querySelectorAll('.sankey .node-label')).filter(
      (t) => t.textContent.trim() && t.getBoundingClientRect().width > 0);
    labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
      const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
        out.push(`chart ${n}: Sankey labels "${a.textContent}" and "${b.textContent}" overlap`);
    }));
  });
  return out;
}"""
WIDTHS = (1400, 390)  # a desktop and a phone


def _open(browser, html: Path, width: int):
    """The page at a width, offline: requests out are refused and recorded, errors recorded."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside, errors = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.goto(html.as_uri())
    expected = page.locator(".plotly-graph-div").count()
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
        arg=expected, timeout=20_000)
    return page, expected, outside, errors


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_chart_draws_offline_and_no_labels_overlap(browser, month, month_en, lang):
    """Every page at 1400 and 390 px: each chart drawn, nothing fetched, no console error, no
    two chart labels (ticks, axis titles, legends, annotations, bar texts, colour bars) drawn
    over each other, no heatmap cell text wider than its cell, no two Sankey names overlapping.
    The screenshots stay under test-artifacts/ to be looked at."""
    folder = month if lang == "vi" else month_en
    ARTIFACTS.mkdir(exist_ok=True)
    pages = sorted(folder.glob("*.html"))
    assert len(pages) == len(monthly.NOTEBOOKS) == 7
    problems = []
    for html in pages:
        for width in WIDTHS:
            page, expected, outside, errors = _open(browser, html, width)
            drawn = page.locator(".js-plotly-plot").count()
            overlaps = page.evaluate(OVERLAPS_JS)
            cells = page.evaluate(CELLS_JS)
            if not os.environ.get("CI"):  # for a person to look at; CI keeps no artifacts
                page.screenshot(path=str(ARTIFACTS / f"{html.stem}-{lang}-{width}.png"),
                                full_page=True)
            page.close()
            assert expected >= 1 and drawn == expected, f"{html.name}: {drawn} of {expected} drew"
            assert not outside, f"{html.name} tried to reach {outside[:3]}"
            assert not errors, f"{html.name} console errors: {errors[:3]}"
            problems += [f"{html.name} at {width} px, {o['chart']}: {o['a']!r} over {o['b']!r}"
                         for o in overlaps]
            problems += [f"{html.name} at {width} px, {c}" for c in cells]
    assert not problems, "chart labels drawn over each other:\n" + "\n".join(problems[:20])


def test_overlap_check_finds_labels_drawn_over_each_other(browser, tmp_path):
    """The check itself: upright labels that collide are found, labels that plotly rotated apart
    are not (their upright boxes would overlap, their rotated ones do not)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    long = ["Khách hàng trung thành lâu năm", "Khách hàng mới rất tiềm năng", "Cần chăm sóc ngay"]
    crowded = go.Figure(go.Bar(x=long, y=[1, 2, 3]))
    crowded.update_xaxes(tickangle=0)
    crowded.add_annotation(x=1, y=2, text="first note", showarrow=False)
    crowded.add_annotation(x=1, y=2, text="second note", showarrow=False)
    rotated = go.Figure(go.Bar(x=[f"Nhãn khá dài số {i}" for i in range(12)], y=list(range(12))))
    rotated.update_xaxes(tickangle=-35)
    found = {}
    for name, fig in (("crowded", crowded), ("rotated", rotated)):
        path = tmp_path / f"{name}.html"
        path.write_text(pio.to_html(fig, include_plotlyjs=True), encoding="utf-8")
        page, *_ = _open(browser, path, 390)
        found[name] = page.evaluate(OVERLAPS_JS)
        page.close()
    pairs = {frozenset((o["a"], o["b"])) for o in found["crowded"]}
    assert frozenset(("first note", "second note")) in pairs
    assert frozenset(long[:2]) in pairs
    assert found["rotated"] == []


LINKS_JS = """() => Array.from(document.querySelectorAll('a')).map(a => ({
    href: a.getAttribute('href') ?? a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'),
    svg: a instanceof SVGElement, text: a.textContent.slice(0, 80)}))"""


def test_words_from_the_shops_files_are_never_live_links(browser, tmp_path):
    """Pages built from a shop whose campaign names, channels, segment labels, tier names and
    file name hold URLs, <a href>, Markdown links, **bold** and a right-to-left override: in the
    drawn page (plotly's SVG included) every link is the workbook's own, the DOM holds no bidi
    control, and the hostile words are shown as the characters they are."""
    with private_stores(tmp_path / "stores"):
        pages = build_pages(make_hostile_shop(tmp_path), tmp_path / "pages",
                            as_of=REFERENCE_AS_OF, pages=["01", "04", "05", "00"])
    for name, html in pages.items():
        page, expected, outside, errors = _open(browser, html, 1400)
        links = page.evaluate(LINKS_JS)
        text = page.evaluate("() => document.body.innerText")
        legends = page.evaluate("() => Array.from(document.querySelectorAll('.legendtext, "
                                "text, tspan')).map(t => t.textContent)")
        if not os.environ.get("CI"):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"hostile-{name}.png"), full_page=True)
        page.close()
        assert not outside and not errors, (name, outside[:3], errors[:3])
        assert [a for a in links if not is_own_link(a["href"])] == [], name
        assert not any(c in text or any(c in t for t in legends) for c in BIDI_CONTROLS), name
        if name == "05":  # a channel named <a href=…> is its characters in the legend
            assert any("<a href='https://evil.example/sms'>" in t for t in legends)
            line = next(li for li in text.splitlines() if "SALE 2026 50%" in li)
            assert RLO not in line and line.index("SALE") < line.index("purchase rate")
        if name == "00":
            assert {"01_rfm_segments.html", "#actions"} <= {a["href"] for a in links}
