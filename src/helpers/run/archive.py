"""reports/<as_of>.zip: the published month in one file to forward (issue 33).

It holds what a manager opens: the pages (HTML), the PDF, the lists page 00 links for a person
(the XLSX beside each action's list) and the manifest, each under the month's own folder name
(2026-11-30/00_monthly_review.html), so it unpacks into one folder whose links work as they do
in reports/. No path outside the month is in it: entries are relative, no `..`, no link
followed. The executed notebooks, the Parquet files, the data files (CSV) and the segment
exports stay in reports/: those carry every customer's contacts, which a file made to be
forwarded must not. Written beside the month under a temporary name and renamed, so a zip that
is there is whole.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

PAGES = (".html", ".pdf")
# the action lists' folders (page 00's links): their XLSX are the lists for a person
LIST_FOLDERS = ("movers", "tiers", "repurchase", "value", "campaign_lists")


def _kept(relative: Path) -> bool:
    if any(part.startswith(".") for part in relative.parts):
        return False
    suffix = relative.suffix.lower()
    if len(relative.parts) == 1:
        return suffix in PAGES or relative.name == "manifest.json"
    return suffix == ".xlsx" and relative.parts[0] in LIST_FOLDERS


def month_files(folder: Path) -> list[Path]:
    """The month's files that go into its zip, in a stable order: pages, PDF, manifest and the
    action lists for a person (never a CSV, a whole-base export or a channel's send file)."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not p.is_symlink() and _kept(p.relative_to(folder)))


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
