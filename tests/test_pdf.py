"""Page 00's PDF, the file managers forward: its links work in a forwarded copy of the month (relative
to the month folder, to files that are there), it names no folder of the machine that made it, no
chart runs past the paper's edge, and no page but the last is left (nearly) empty.

The month's PDF is printed by the month fixture's run (conftest.month, shared with test_monthly and
test_browser); it is rendered here with pypdfium2 at a low resolution, enough to measure ink."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from helpers.kit.html_report import month_link, month_links, month_links_only

MM = 72 / 25.4  # PDF points per millimetre
SCALE = 0.5  # 36 dpi: an A4 page is 298 x 421 pixels, enough to tell ink from paper
MARGIN_STRIP = 8  # mm at the left and right paper edges where nothing may be drawn (margins: 12)
INK = 235  # a pixel darker than this (0-255 grey) is ink


# ---------------------------------------------------------------- links, by hand


def test_a_link_into_the_month_is_made_relative_to_it(tmp_path):
    month = tmp_path / "reports" / ".staging-2026-11-30"
    (month / "movers").mkdir(parents=True)
    (month / "movers" / "win_back.xlsx").write_bytes(b"x")
    (month / "campaign_lists" / "at_risk-2026-11-30").mkdir(parents=True)
    (month / "01_rfm_segments.html").write_text("x")
    (month / "v1.2.3").mkdir()
    (month / "v1.2.3" / "a b.csv").write_text("x")
    (tmp_path / "elsewhere.csv").write_text("x")
    uri = (month / "movers" / "win_back.xlsx").as_uri()
    assert month_link(uri, month) == "movers/win_back.xlsx"
    assert month_link("movers/win_back.xlsx", month) == "movers/win_back.xlsx"
    assert month_link((month / "01_rfm_segments.html").as_uri() + "#kpis", month) == \
        "01_rfm_segments.html#kpis"
    assert month_link((month / "campaign_lists" / "at_risk-2026-11-30").as_uri(), month) == \
        "campaign_lists/at_risk-2026-11-30/"
    # Chrome's viewer takes "v1.2.3/…" for a web host: such a path is written ./…
    assert month_link((month / "v1.2.3" / "a b.csv").as_uri(), month) == "./v1.2.3/a%20b.csv"
    # what cannot work in a forwarded month is no link at all
    assert month_link((tmp_path / "elsewhere.csv").as_uri(), month) is None  # outside
    assert month_link("../elsewhere.csv", month) is None
    assert month_link((month / "missing.csv").as_uri(), month) is None  # not there
    assert month_link("https://example.com/list.csv", month) is None  # the web
    assert month_link("file://server/share/x.csv", month) is None  # another host
    assert month_link(month.as_uri(), month) is None  # the folder itself


def test_a_pages_link_out_of_its_month_is_its_text():
    """The pages' own links (relative) stay; one from the disk's root or climbing out of the month
    folder (it would be dead in a forwarded month, and names the server's folders) is text."""
    fragment = ('<p><a href="movers/win_back.xlsx">a</a> <a href="#actions">b</a> '
                '<a href="/srv/reports/2026-11-30/x.csv">c</a> <a href="../2026-10-31/y.csv">d</a> '
                '<a href="..\\z.csv">e</a></p>')
    assert month_links_only(fragment) == ('<p><a href="movers/win_back.xlsx">a</a> '
                                          '<a href="#actions">b</a> c d e</p>')


def _link(uri: str | None = None, action: str = "/URI") -> DictionaryObject:
    annot = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 60, 20)]),
        NameObject("/Border"): ArrayObject([NumberObject(0)] * 3)})
    body = {NameObject("/S"): NameObject(action)}
    if action == "/URI":
        body[NameObject("/URI")] = TextStringObject(uri)
    elif action == "/Launch":
        body[NameObject("/F")] = TextStringObject(uri)
    annot[NameObject("/A")] = DictionaryObject(body)
    return annot


def test_the_pdfs_links_are_rewritten_and_the_dead_ones_removed(tmp_path):
    """A PDF as Chromium writes it (absolute file:/// URIs into the staging folder), rewritten:
    links into the month relative, the others gone with every trace of the server's path."""
    month = tmp_path / "srv" / "reports" / ".staging-2026-11-30"
    (month / "tiers").mkdir(parents=True)
    (month / "tiers" / "birthdays.csv").write_text("x")
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    links = [_link((month / "tiers" / "birthdays.csv").as_uri()),
             _link((tmp_path / "srv" / "secret.csv").as_uri()),
             _link("https://example.com/"), _link(str(month / "x.exe"), action="/Launch")]
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(a) for a in links])
    writer.add_metadata({"/Title": (month / "00_monthly_review.html").as_uri()})
    pdf = tmp_path / "page.pdf"
    with open(pdf, "wb") as f:
        writer.write(f)
    done = month_links(pdf, month, title="Báo cáo tháng · 11/2026")
    assert done["kept"] == ["tiers/birthdays.csv"] and len(done["removed"]) == 3
    reader = PdfReader(pdf)
    actions = [a.get_object().get("/A") for a in reader.pages[0]["/Annots"]]
    assert [dict(a) for a in actions] == [{"/Type": "/Action", "/S": "/URI",
                                           "/URI": "tiers/birthdays.csv"}]
    assert reader.metadata.title == "Báo cáo tháng · 11/2026"
    assert not _server_strings(reader, tmp_path)


# ---------------------------------------------------------------- the month's PDF


def _strings(obj, seen: set[int]):
    """Every string and name in a PDF object graph (metadata, annotations, outline, structure)."""
    from pypdf.generic import IndirectObject

    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield str(key)
            yield from _strings(value, seen)
    elif isinstance(obj, list):
        for value in obj:
            yield from _strings(value, seen)
    elif isinstance(obj, str | bytes):
        yield obj.decode("latin-1") if isinstance(obj, bytes) else str(obj)


def _server_strings(reader: PdfReader, *folders: Path) -> list[str]:
    marks = ["file:", ".staging-", *(str(f) for f in folders)]
    return sorted({s for s in _strings(reader.trailer, set()) if any(m in s for m in marks)})


@pytest.fixture(scope="module")
def review_pdf(month):
    pdf = month / "00_monthly_review.pdf"
    if not pdf.exists():
        if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
            pytest.skip("chromium not installed: the run prints no PDF (make test installs it)")
        pytest.fail("the month has no 00_monthly_review.pdf although Chromium is installed")
    return pdf


@pytest.mark.notebooks
@pytest.mark.browser
def test_the_pdfs_links_lead_to_files_of_the_month_and_name_no_server_folder(month, review_pdf):
    reader = PdfReader(review_pdf)
    base = month.as_uri() + "/"
    uris, inside = [], 0
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:  # the contents: a place in the document
                inside += 1
                continue
            action = annot["/A"].get_object()
            assert action["/S"] == "/URI", f"a {action['/S']} action: viewers warn or refuse"
            uris.append(str(action["/URI"]))
    assert uris and inside, (uris, inside)
    for uri in uris:
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.netloc and not uri.startswith("/"), uri
        target = Path(unquote(urlsplit(urljoin(base, uri)).path))
        assert target.resolve().is_relative_to(month.resolve()) and target.exists(), uri
    assert not _server_strings(reader, month.parent, month.parent.parent)
    assert reader.metadata.title and not reader.metadata.title.startswith(("file:", "/"))
    assert str(month.parent).encode() not in review_pdf.read_bytes()


@pytest.mark.notebooks
@pytest.mark.browser
def test_the_pages_link_only_files_of_the_month_and_name_no_server_folder(month):
    from bs4 import BeautifulSoup

    for html in sorted(month.glob("*.html")):
        text = html.read_text(encoding="utf-8")
        assert str(month.parent) not in text and ".staging-" not in text, html.name
        for a in BeautifulSoup(text, "html.parser").find_all("a", href=True):
            href = a["href"]
            if href.startswith("#"):
                continue
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc and not href.startswith("/"), href
            target = month / unquote(parts.path)
            assert target.resolve().is_relative_to(month.resolve()) and target.exists(), href


def _pages(pdf: Path) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [np.asarray(page.render(scale=SCALE, grayscale=True).to_pil().convert("L"))
                for page in document]
    finally:
        document.close()


@pytest.mark.notebooks
@pytest.mark.browser
def test_the_pdf_keeps_charts_inside_the_page_and_leaves_no_page_half_empty(review_pdf):
    """Rendered to PNG: nothing drawn in the outer 8 mm of either side (a chart cut at the paper's
    edge draws there), every page but the last at least a tenth inked and filled past its middle
    (a chart that did not fit left half a page empty, a heading alone on the first page)."""
    pages = _pages(review_pdf)
    assert 1 <= len(pages) <= 8, len(pages)
    strip = round(MARGIN_STRIP * MM * SCALE)
    problems = []
    for number, image in enumerate(pages, 1):
        ink = image < INK
        if ink[:, :strip].any() or ink[:, -strip:].any():
            problems.append(f"page {number}: ink within {MARGIN_STRIP} mm of the paper's edge")
        rows = np.flatnonzero(ink.any(axis=1))
        inked = len(rows) / image.shape[0]
        lowest = (rows.max() + 1) / image.shape[0] if len(rows) else 0.0
        if number < len(pages) and inked < 0.1:
            problems.append(f"page {number}: {inked:.0%} of its lines inked")
        if number < len(pages) and lowest < 0.55:
            problems.append(f"page {number}: empty below {lowest:.0%} of its height")
    assert not problems, problems
