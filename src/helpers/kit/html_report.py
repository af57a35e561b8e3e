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
            output["data"][mime] = own_links_only(value)
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
        return own_links_only(super().markdown2html(context, source))


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


def print_pdf(html: Path, pdf: Path | None = None, *, timeout: float = 90) -> Path | None:
    """The page printed to PDF (A4, charts drawn) by the same headless Chromium the tests use;
    None when Chromium is not installed (the HTML is the report; the PDF is for forwarding)."""
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
        return None
    tmp.replace(pdf)
    return pdf

