"""Executed notebook -> code-free HTML that works offline (no CDN, no code, no stderr)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

TEMPLATES = files("helpers") / "templates"


class DropNoise(Preprocessor):
    """Remove what a manager must never see: stderr (warnings), tracebacks, the parameters echo."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.output_type == "stream" and o.get("name") == "stderr")
                            and o.output_type != "error"]
            tags = cell.get("metadata", {}).get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                cell.outputs = []
        return cell, resources


def export_html(notebook: Path, html: Path | None = None, *, title: str | None = None) -> Path:
    """Write <notebook>.html next to it (or at `html`), inputs and prompts hidden."""
    notebook = Path(notebook)
    html = Path(html) if html else notebook.with_suffix(".html")
    nb = nbformat.read(notebook, as_version=4)
    exporter = HTMLExporter(
        template_name="workbook", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
    )
    exporter.register_preprocessor(DropNoise(), enabled=True)
    resources = {"metadata": {"name": title or notebook.stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    tmp = html.with_name(f".{html.name}.{os.getpid()}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(html)
    return html
