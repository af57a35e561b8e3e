"""Executed notebook -> code-free HTML that works offline (no CDN, no code, no stderr)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.html import contextfilter
from nbconvert.preprocessors import Preprocessor

from helpers.kit.safe_text import own_links_only, shown_text

TEMPLATES = files("helpers") / "templates"


class DropNoise(Preprocessor):
    """Remove what a manager must never see: stderr (warnings), tracebacks, the parameters echo,
    and the notebooks' own Markdown (bilingual notes for analysts: a page shows its headings in
    one language, from helpers/page_texts.py, as code-cell output). What is left holds no bidi
    control, and its HTML no link out of the workbook (a net under kit.safe_text's rule)."""

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if c.cell_type != "markdown"]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.output_type == "stream" and o.get("name") == "stderr")
                            and o.output_type != "error"]
            for output in cell.outputs:
                _safe_output(output)
            tags = cell.get("metadata", {}).get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                cell.outputs = []
        return cell, resources


def _safe_output(output) -> None:
    """An output's texts without bidi controls; its HTML (not a chart's: plotly's figures are made
    safe when they are drawn, theme.safe_figure) without links that leave the workbook."""
    if output.get("output_type") == "stream":
        output["text"] = shown_lines(output.get("text", ""))
    for mime, value in (output.get("data") or {}).items():
        if not isinstance(value, str):
            continue
        if mime == "text/html" and "<script" not in value:
            output["data"][mime] = month_links_only(own_links_only(value))
        elif mime.startswith("text/"):
            output["data"][mime] = shown_lines(value)


def shown_lines(text: str) -> str:
    """Text of several lines, each without bidi or control characters."""
    return "\n".join(shown_text(line) for line in text.split("\n"))


class WorkbookExporter(HTMLExporter):
    """nbconvert's HTML exporter whose Markdown keeps no link out of the workbook: a value that
    escaped kit.safe_text.md_text still cannot become a live link (an autolink, [a](b), <a>)."""

    @contextfilter
    def markdown2html(self, context, source):
        return month_links_only(own_links_only(super().markdown2html(context, source)))


def stays_in_month(href: str | None) -> bool:
    """A page's relative link that stays inside its month folder: not a path from the disk's root
    (/srv/…, which a forwarded month does not have), not one climbing out of it (../…)."""
    from posixpath import normpath
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(str(href or "").strip())
    path = unquote(parts.path).replace("\\", "/")
    if parts.scheme or parts.netloc or path.startswith("/"):
        return False
    return not path or not normpath(path).startswith("..")


def month_links_only(fragment: str) -> str:
    """An HTML fragment whose links that leave the month folder (stays_in_month) are their text:
    the page works as forwarded, and names no folder of the machine that made it."""
    if "href" not in fragment.lower():
        return fragment
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    leaving = [a for a in soup.find_all("a", href=True) if not stays_in_month(a["href"])]
    for a in leaving:
        a.unwrap()
    return str(soup) if leaving else fragment


def export_html(notebook: Path, html: Path | None = None, *, title: str | None = None,
                lang: str = "vi") -> Path:
    """Write <notebook>.html next to it (or at `html`), inputs and prompts hidden; the page's
    <title> and <html lang> say what it is and in which language."""
    notebook = Path(notebook)
    html = Path(html) if html else notebook.with_suffix(".html")
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata.pop("title", None)
    exporter = WorkbookExporter(
        template_name="workbook", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        language_code=lang if lang in ("vi", "en") else "en",
    )
    exporter.register_preprocessor(DropNoise(), enabled=True)
    resources = {"metadata": {"name": title or notebook.stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    tmp = html.with_name(f".{html.name}.{os.getpid()}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(html)
    return html


def print_pdf(html: Path, pdf: Path | None = None, *, month: Path | None = None,
              timeout: float = 90) -> Path | None:
    """The page printed to PDF (A4 portrait, charts drawn for the page: the template's print
    layout) by the same headless Chromium the tests use, its links made to work in a forwarded
    copy (month_links); None when Chromium is not installed (the HTML is the report; the PDF is
    for forwarding). `month` is the folder the links may point into (default: the page's)."""
    import shutil
    import subprocess
    import tempfile

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return None
    html = Path(html)
    pdf = Path(pdf) if pdf else html.with_suffix(".pdf")
    tmp = pdf.with_name(f".{pdf.name}.{os.getpid()}.tmp.pdf")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--disable-quic", f"--user-data-dir={profile}",
             "--virtual-time-budget=15000", "--no-pdf-header-footer",
             f"--print-to-pdf={tmp}", html.resolve().as_uri()],
            check=False, capture_output=True, timeout=timeout)
    if not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        return None
    try:
        month_links(tmp, Path(month) if month else html.parent, title=page_title_of(html))
        tmp.replace(pdf)
    finally:
        tmp.unlink(missing_ok=True)
    return pdf


# ---------------------------------------------------------------- the PDF's links
# Chromium writes a page's links as absolute file:///<server folder>/.staging-<as_of>/… URIs: dead
# in a forwarded copy (the staging folder is renamed on publishing, the folder is on a machine the
# reader never sees) and naming the server's folders. They are rewritten as URI actions relative to
# the PDF (ISO 32000-2 12.6.4.8: with no /Base in the catalog, a relative URI is resolved against
# the document's own location). Chrome's viewer resolves a URI without a scheme against the PDF's
# URL (PdfNavigator.guessUrlWithoutScheme_), unless its first segment has two dots or more
# ("www.foo.com/bar"), which it takes for a web host: such a path is written "./…". Acrobat
# treats such URIs as relative to the PDF, as Chrome's comment on it records; pdf.js (Firefox)
# resolves them against the document's URL when it is served over http(s), and shows no link for
# a PDF opened from the disk (it never opens file: URLs). No /Launch or /GoToR action is written
# (viewers warn on, or refuse, a Launch; GoToR opens only PDFs). A link that cannot work in a
# forwarded month (a file outside the month folder, a file that is not there, a web address: the
# pages link only their own files) is removed; the text stays.

def month_link(uri: str, month: Path) -> str | None:
    """`uri` (from Chromium: file:///…, or relative to the month) as a link relative to the month
    folder, percent-encoded, with its #fragment; None when it leads outside the month or to
    nothing."""
    from urllib.parse import quote, unquote, urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(str(uri).strip())
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        target = Path(url2pathname(unquote(parts.path)))
    elif not parts.scheme and not parts.netloc and parts.path:
        target = Path(month) / url2pathname(unquote(parts.path))
    else:  # a web address, another host's file, mailto: the workbook links only its own files
        return None
    month = Path(month).resolve()
    target = target.resolve()
    if target == month or not target.is_relative_to(month) or not target.exists():
        return None
    relative = quote(target.relative_to(month).as_posix(), safe="/-_.~=!$&'()*+,;:@")
    if target.is_dir():
        relative += "/"
    if relative.split("/", 1)[0].count(".") >= 2:  # Chrome would read "a.b.c/…" as a web host
        relative = "./" + relative
    return relative + (f"#{quote(unquote(parts.fragment), safe='-_.~=')}" if parts.fragment
                       else "")


def month_links(pdf: Path, month: Path, *, title: str | None = None) -> dict[str, list[str]]:
    """Rewrite `pdf` in place: each link to a file of `month` relative to it (month_link), every
    other link to a file or a web address removed (its text stays), links inside the document
    (the contents) kept; the document's title `title` (Chromium takes the page's URL when the page
    has none) and no creator naming the browser's build. Returns the links kept and removed."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=str(pdf))
    done: dict[str, list[str]] = {"kept": [], "removed": []}
    for page in writer.pages:
        if "/Annots" not in page:
            continue
        annots = ArrayObject()
        for ref in page["/Annots"].get_object():
            annot = ref.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") != "/Link" or action is None:
                annots.append(ref)  # a link inside the document (/Dest), or not a link
                continue
            action = action.get_object()
            uri = str(action.get("/URI", "")) if action.get("/S") == "/URI" else ""
            relative = month_link(uri, month) if uri else None
            if relative is None:
                # off the page; the object (the structure tree may still point at it) holds no
                # action, so nothing of the server's path is written
                del annot["/A"]
                done["removed"].append(uri or str(action.get("/S")))
                continue
            annot[NameObject("/A")] = DictionaryObject({
                NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject(relative)})
            annots.append(ref)
            done["kept"].append(relative)
        page[NameObject("/Annots")] = annots
    info = {"/Creator": "customer tiering workbook"}
    if title:
        info["/Title"] = title
    writer.add_metadata(info)
    with open(pdf, "wb") as f:
        writer.write(f)
    return done


def page_title_of(html: Path) -> str | None:
    """The <title> of an exported page (in its head, near the top of the file)."""
    import html as html_lib
    import re

    with open(html, encoding="utf-8", errors="replace") as f:
        head = f.read(200_000)
    found = re.search(r"<title>(.*?)</title>", head, flags=re.S | re.I)
    if not found:
        return None
    return html_lib.unescape(found.group(1)).strip() or None
