"""reports/<as_of>.zip: the published month in one file to forward (issue 33).

It holds what a manager opens: the pages (HTML), the PDF, the lists (CSV, XLSX) and the manifest,
each under the month's own folder name (2026-11-30/00_monthly_review.html), so it unpacks into
one folder whose links work as they do in reports/. No path outside the month is in it: entries
are relative, no `..`, no link followed. The executed notebooks and the Parquet files stay in
reports/ for analysts. Written beside the month under a temporary name and renamed, so a zip
that is there is whole.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

SUFFIXES = (".html", ".pdf", ".csv", ".xlsx", ".json")


def month_files(folder: Path) -> list[Path]:
    """The month's files that go into its zip, in a stable order."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not p.is_symlink() and p.suffix.lower() in SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def zip_month(folder: Path) -> Path:
    """Write <folder>.zip beside the month folder; returns its path."""
    target = folder.parent / f"{folder.name}.zip"
    partial = folder.parent / f".{folder.name}.zip.partial"
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=6) as archive:
            for path in month_files(folder):
                name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
                archive.write(path, name)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
