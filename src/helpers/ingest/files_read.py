"""What reading a file gives (RawFile) and the rules every reader shares: the batch size, the
title rows above a header. Its own module so that the readers (ingest.readers for CSV and
Parquet, ingest.sheets for workbooks) share them without importing one another."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

BATCH_ROWS = 65_536


@dataclass
class RawFile:
    """One input file converted to Parquet: columns c0..cN (all text), source_file, source_line."""

    path: Path
    label: str
    headers: list[str]
    parquet: Path
    rows: int
    sha256: str = ""
    # rows that could not be split into the header's columns: (line, text, fields found)
    bad_rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # a CSV's line accounting (lines.LineCounter.account): lines, header lines, records, lines
    # inside quoted values
    lines: dict | None = None
    # its key in the store of files already read (ingest.file_cache)
    key: str = ""
    # per column, its kind when kept typed (ingest.typed: 'integer', 'timestamp', ...) or ''
    kinds: list = field(default_factory=list)


# lines above the header looked at for a title ("DANH SÁCH CHI TIẾT HÓA ĐƠN", "Từ ngày … đến ngày …")
TITLE_ROWS_LOOKED_AT = 10


def title_rows(rows: list[list]) -> int:
    """How many leading rows are a title or blank above the header: rows with at most one
    filled cell, when a row with two or more follows among the first TITLE_ROWS_LOOKED_AT (a file
    of one column has no title)."""
    for i, row in enumerate(rows[:TITLE_ROWS_LOOKED_AT]):
        if sum(1 for v in row if v is not None and str(v).strip()) >= 2:
            return i
    return 0


def title_note(path: Path, skipped: int) -> str:
    return (f"{path.name}: {skipped} line{'s' if skipped > 1 else ''} above the header "
            f"(a title or a date range, not column names) skipped; the header is line "
            f"{skipped + 1}")
