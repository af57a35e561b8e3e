"""Read shop exports (CSV, Parquet, XLSX; one file, a folder or a glob) into DuckDB staging.

Nothing is lost: per file and in total, rows read = rows loaded + rows set aside (quarantined,
guest sales) + duplicates dropped. Rows that cannot be used go to data/processed/quarantine/ with
their reason, file and line. What the data can tell about its shape (date order, decimal mark, an
order total repeated on every line) is detected from the whole column and either confirmed in the
load summary or stops the run with the setting to choose; it is never guessed silently.

Files are streamed: each is converted batch by batch into a Parquet file of text columns, which
DuckDB then parses; no step holds a whole input file in Python memory. Results are cached as
Parquet, keyed by the files' checksums and the settings, so an unchanged export is parsed once.

    python -m helpers.ingest [--orders PATH] [--customers PATH] [--returns PATH] [--mapping auto]
    python -m helpers.ingest check PATH [--mapping auto] [--returns PATH]    (make check-export)
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import glob
import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from helpers import db, spark_models, spark_staging
from helpers.mappings import (
    CUSTOMER_COLUMNS,
    MAX_AMOUNT_COLUMNS,
    ORDER_COLUMNS,
    IngestError,
    MappingError,
    auto_mapping,
    header_key,
    load_mapping,
    pick_columns,
    status_pairs,
)
from helpers.paths import (
    CACHE_DIR,
    DATA_PROCESSED,
    DATA_RAW,
    PROJECT_ROOT,
    QUARANTINE_DIR,
    resolve,
)
from helpers.safety import (
    csv_safe_table,
    inside,
    map_in_processes,
    pid_lock,
    process_alive,
    usable_cores,
)

INGEST_VERSION = "5"  # bump when parsing rules change: invalidates the Parquet cache
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", *WORKBOOK_SUFFIXES, ".parquet", ".pq")
BATCH_ROWS = 65_536

KINDS = {"orders": ORDER_COLUMNS, "customers": CUSTOMER_COLUMNS}
TABLES = {"orders": "order_lines", "customers": "customers"}
# columns of the staged orders (orders and returns alike)
ORDER_LINE_COLUMNS = ("source_file, source_line, order_id, customer_id, ordered_at, order_date, "
                      "amount, status, channel, is_return, returned_order_id")

__all__ = ["IngestError", "LoadReport", "load", "load_orders", "load_customers", "load_mapping",
           "file_sha256", "expand_inputs", "check_export"]


@dataclass
class LoadReport:
    """What one load did, for the notebook, the console and the run's manifest."""

    kind: str
    path: str
    sha256: str
    mapping: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    duplicates: int
    duplicates_dropped: int
    reasons: dict[str, int] = field(default_factory=dict)
    duplicate_examples: list[dict] = field(default_factory=list)
    quarantine_path: str | None = None
    from_cache: bool = False
    seconds: float = 0.0
    files: list[dict] = field(default_factory=list)
    detected: list[str] = field(default_factory=list)
    guest_rows: int = 0
    guest_revenue: str = "0"
    quarantine_paths: list[str] = field(default_factory=list)
    returns: dict | None = None
    first_order_date: str | None = None
    last_order_date: str | None = None
    # what was decided about the export, for pages in any language (detected is the English text)
    facts: dict = field(default_factory=dict)
    # the staged Parquet this load published (never stored in the cache's report.json)
    staged: str | None = None

    @property
    def reconciles(self) -> bool:
        total = self.rows_read == self.rows_loaded + self.rows_quarantined + self.duplicates_dropped
        per_file = all(f["rows_read"] == f["rows_loaded"] + f["rows_quarantined"]
                       + f["duplicates_dropped"] for f in self.files)
        returns = self.returns is None or LoadReport(**self.returns).reconciles
        return total and per_file and returns

    def as_dict(self) -> dict:
        """For the run's manifest: what was read and decided (not where this machine cached it)."""
        out = asdict(self) | {"reconciles": self.reconciles}
        out.pop("staged")
        return out

    def summary(self) -> str:
        """A few sentences a person can read."""
        where = Path(self.path).name if len(self.files) <= 1 else (
            f"{len(self.files)} files ({self.path})")
        text = (f"{self.kind}: {self.rows_read:,} rows read from {where}, "
                f"{self.rows_loaded:,} loaded, {self.rows_quarantined:,} set aside")
        if self.reasons:
            text += " (" + ", ".join(f"{k}: {v:,}" for k, v in sorted(self.reasons.items())) + ")"
        if self.duplicates:
            verb = "dropped" if self.duplicates_dropped else "kept (set drop_duplicates to drop)"
            text += (f", {self.duplicates:,} exact duplicate row"
                     f"{'' if self.duplicates == 1 else 's'} {verb}")
        if self.guest_rows:
            text += (f". Guest sales (no customer key, not customers, kept out of RFM): "
                     f"{_rows(self.guest_rows)}, {_amount(self.guest_revenue)} in sales")
        if len(self.files) > 1:
            text += "\n" + "\n".join(
                f"  {f['file']}: {f['rows_read']:,} read = {f['rows_loaded']:,} loaded + "
                f"{f['rows_quarantined']:,} set aside + {f['duplicates_dropped']:,} dropped"
                for f in self.files)
        if self.returns:
            text += "\n" + LoadReport(**self.returns).summary()
        return text + ("" if self.reconciles else "  !! COUNTS DO NOT RECONCILE")

    def check_text(self) -> str:
        """What was detected in the export, then what was loaded (make check-export)."""
        lines = [f"mapping: {self.mapping}"]
        lines += [f"- {d}" for d in self.detected]
        if self.returns:
            lines += [f"- returns: {d}" for d in self.returns.get("detected", [])]
        lines += ["", self.summary()]
        if self.quarantine_paths:
            lines += ["rows set aside, with their reason, file and line: "
                      + ", ".join(self.quarantine_paths)]
        return "\n".join(lines)


def _amount(value) -> str:
    """An exact amount with thousands separators and no padding zeros: 150,000 or 19.99."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(str(value)).normalize():,f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- which files


def expand_inputs(path: str | Path, *, key: str = "orders_path") -> list[Path]:
    """A file, a folder (every export file in it) or a glob such as data/raw/orders/*.xlsx."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        pattern = text if Path(text).is_absolute() else str(PROJECT_ROOT / text)
        found = sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_file()
                       and not Path(p).name.startswith((".", "~$")))
        if not found:
            raise IngestError(f"{key} = {text!r}: no file matches this pattern")
        return found
    resolved = resolve(text)
    if resolved is not None and resolved.is_dir():
        found = sorted(p for p in resolved.iterdir() if p.is_file()
                       and p.suffix.lower() in SUPPORTED_SUFFIXES
                       and not p.name.startswith((".", "~$")))
        if not found:
            raise IngestError(f"{key} = {text!r}: the folder has no export file "
                              f"({', '.join(SUPPORTED_SUFFIXES)})")
        return found
    if resolved is None or not resolved.exists():
        raise IngestError(f"{resolved or text}: file not found. Put the shop export there or set "
                          f"the path parameter ({key}) to where it is (a file, a folder or a "
                          f"pattern such as data/raw/orders/*.xlsx).")
    return [resolved]


def _file_label(path: Path, files: list[Path]) -> str:
    """How a file is named in reports: its name, or its path below the common folder."""
    if len(files) == 1:
        return path.name
    common = Path(os.path.commonpath([str(f.parent) for f in files]))
    return str(path.relative_to(common))


# ---------------------------------------------------------------- checksums


def file_sha256(path: Path, *, index_dir: Path | None = None) -> str:
    """The file's sha256. With index_dir, remembered by (path, size, mtime): an unchanged file is
    not read again (a 10-million-line export takes seconds to hash)."""
    path = Path(path)
    if index_dir is not None:
        stat = path.stat()
        if stat.st_size <= 1 << 24:  # small files: the full hash costs less than a doubt
            return file_sha256(path)
        # size and mtime are no proof alone: the first, middle and last 64 KiB are read as well
        key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
        with open(path, "rb") as f:
            for offset in (0, stat.st_size // 2, max(stat.st_size - (1 << 16), 0)):
                f.seek(offset)
                key.update(f.read(1 << 16))
        marker = Path(index_dir) / "checksums" / key.hexdigest()[:32]
        if marker.exists():
            return marker.read_text(encoding="ascii").strip()
        digest = file_sha256(path)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(digest, encoding="ascii")
        return digest
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- streaming files to text Parquet


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


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _encoding_message(path: Path, head: bytes, offset: int | None = None) -> str:
    where = f" (first bad byte at offset {offset})" if offset is not None else ""
    hint = ("it is UTF-16 (Excel's 'Unicode Text')"
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            else "it looks like a Windows code page (Windows-1258 or Windows-1252)")
    return (f"{path.name}: the file is not UTF-8{where}; {hint}. Save it as 'CSV UTF-8' (Excel: "
            f"File > Save As > CSV UTF-8), or set the `encoding` parameter, e.g. encoding: cp1258.")


def _check_file(path: Path) -> None:
    if not path.exists():
        raise IngestError(f"{path}: file not found. Put the shop export there or set the path "
                          f"parameter (orders_path / customers_path / returns_path) to where it is.")
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty (0 bytes). Export it again from the shop "
                          f"system; a file with only a header row is accepted and loads 0 rows.")


def _writer_for(target: Path, width: int) -> tuple[pa.Schema, pq.ParquetWriter]:
    schema = pa.schema([(f"c{i}", pa.string()) for i in range(width)]
                       + [("source_file", pa.string()), ("source_line", pa.int64())])
    # a scratch file read once by the staging model: fast to write beats small
    return schema, pq.ParquetWriter(target, schema, compression="snappy")


def _write_batches(target: Path, label: str, width: int, batches, first_line: int,
                   lines_for=None) -> int:
    """Write text batches (lists of columns) with their file and line; returns the row count.

    lines_for(n) gives the line numbers of the next n rows when some lines were skipped."""
    schema, writer = _writer_for(target, width)
    line = first_line
    count = 0
    try:
        for columns in batches:
            n = len(columns[0]) if columns else 0
            if n == 0:
                continue
            numbers = (pa.array(np.arange(line, line + n, dtype=np.int64)) if lines_for is None
                       else pa.array(lines_for(n), pa.int64()))
            arrays = list(columns) + [pa.repeat(pa.scalar(label, pa.string()), n), numbers]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            line += n
            count += n
    finally:
        writer.close()
    return count


def _skipping(first_line: int, bad: list):
    """lines_for(n): the next n line numbers from first_line, leaving out the skipped rows' lines
    (reported in order by the single-threaded reader before their batch is returned)."""
    state = {"line": first_line, "k": 0}

    def lines_for(n: int):
        out = np.empty(n, dtype=np.int64)
        filled = 0
        while filled < n:
            while state["k"] < len(bad) and bad[state["k"]][0] < state["line"]:
                state["k"] += 1
            limit = bad[state["k"]][0] if state["k"] < len(bad) else None
            take = n - filled if limit is None else min(n - filled, limit - state["line"])
            out[filled:filled + take] = np.arange(state["line"], state["line"] + take)
            filled += take
            state["line"] += take
            if limit is not None and state["line"] == limit:
                state["line"] += 1
                state["k"] += 1
        return out

    return lines_for


def _csv_header(path: Path, *, encoding: str, check_utf8: bool = True):
    """(headers, delimiter, the encoding to read with, notes) from a CSV file's first line.

    A UTF-16 file or bytes that are not UTF-8 are a clear error when UTF-8 is expected; a file
    that is valid UTF-8 is never read as the code page given in `encoding` (check_utf8)."""
    notes: list[str] = []
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig"):
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise IngestError(_encoding_message(path, head))
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError as exc:
            raise IngestError(_encoding_message(path, head, exc.start)) from None
        read_as = "utf8"
    else:
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            raise IngestError(f"{path.name}: unknown encoding {encoding!r}; use e.g. utf-8, "
                              f"cp1258, cp1252 or utf-16") from None
        read_as = encoding
        if check_utf8 and codec.name not in ("utf-16", "utf-32") and _is_utf8(path):
            # a file that is valid UTF-8 (with accents) is never read as a code page: that would
            # garble every Vietnamese name silently
            notes.append(f"{path.name} is UTF-8, not {encoding}: read as UTF-8")
            read_as = "utf8"
    text = head.decode("utf-8" if read_as == "utf8" else encoding, errors="replace")
    text = text.lstrip("\ufeff")
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line.strip():
        raise IngestError(f"{path.name}: no header row. The first line must name the columns.")
    delimiter = _sniff_delimiter(first_line)
    return next(csv.reader([first_line], delimiter=delimiter)), delimiter, read_as, notes


def _csv_to_parquet(path: Path, label: str, target: Path, *, encoding: str) -> RawFile:
    headers, delimiter, arrow_encoding, notes = _csv_header(path, encoding=encoding)
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    width = len(headers)
    names = [f"c{i}" for i in range(width)]

    def read(threads: bool, bad: list):
        def skip(row):
            bad.append((row.number, row.text, row.actual_columns))
            return "skip"

        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24,
                                           encoding=arrow_encoding, use_threads=threads),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=skip,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False),
        )
        for batch in reader:
            yield [batch.column(i) for i in range(width)]

    try:
        bad: list = []
        rows = _write_batches(target, label, width, read(True, bad), first_line=2)
        if bad:
            # rows with another number of fields are set aside; read again in one thread, which
            # tells their line numbers, so every other row keeps its own line
            bad = []
            rows = _write_batches(target, label, width, read(False, bad), first_line=2,
                                  lines_for=_skipping(2, bad))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        message = str(exc)
        if isinstance(exc, UnicodeDecodeError) or "utf8" in message.lower():
            raise IngestError(_encoding_message(path, head)) from None
        # the parser's message may end with the row's text: customer data never goes to a log
        reason = ": ".join(message.splitlines()[0].split(": ")[:2])
        raise IngestError(f"{path.name}: not a readable CSV ({reason}). Check the delimiter and "
                          f"quoting.") from None
    raw = RawFile(path, label, headers, target, rows, bad_rows=bad, notes=notes)
    return raw


def _is_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 and has at least one non-ASCII character."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    non_ascii = False
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 22), b""):
                decoder.decode(chunk)
                non_ascii = non_ascii or not chunk.isascii()
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return non_ascii


def _parquet_to_parquet(path: Path, label: str, target: Path) -> RawFile:
    source = pq.ParquetFile(path)
    headers = list(source.schema_arrow.names)

    for name, kind in zip(headers, source.schema_arrow.types):
        if pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            raise IngestError(f"{path.name}: column {name!r} holds {kind}, not text, numbers or "
                              f"dates. Export it as text, or leave it out of the file.")

    def batches():
        for batch in source.iter_batches(batch_size=BATCH_ROWS):
            yield [_as_text(batch.column(i)) for i in range(len(headers))]

    rows = _write_batches(target, label, len(headers), batches(), first_line=1)
    return RawFile(path, label, headers, target, rows)


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_large_string(column.type) or pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    if pa.types.is_timestamp(column.type):
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
    return column.cast(pa.string())


def _xlsx_to_parquet(path: Path, label: str, target: Path) -> RawFile:
    """The first sheet, row by row (python-calamine), written in batches."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise IngestError(f"{path.name}: not a readable Excel workbook ({exc})") from None
    sheet = book.get_sheet_by_index(0)
    rows = sheet.iter_rows()
    header_row = next(rows, None)
    if header_row is None:
        raise IngestError(f"{path.name}: the first sheet is empty; it needs a header row.")
    headers = [_excel_text(h) or "" for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    width = len(headers)

    long_numbers = [0]

    def batches():
        held: list = []  # empty rows not yet known to be followed by a filled one
        while True:
            chunk = list(itertools.islice(rows, BATCH_ROWS))
            if not chunk:
                break
            chunk = held + chunk
            # calamine pads sheets with empty trailing rows: rows where every cell is empty are
            # held back until a filled row follows (at the end of the sheet they are dropped)
            end = len(chunk)
            while end and all(_excel_text(v) in (None, "") for v in chunk[end - 1][:width]):
                end -= 1
            held = chunk[end:]
            if end:
                filled = chunk[:end]
                if min(map(len, filled)) < width:  # calamine's rows are even; never trust it
                    filled = [list(r[:width]) + [None] * (width - len(r)) for r in filled]
                columns = list(zip(*filled))[:width]  # columns past the header are not read
                yield [_excel_column(c, long_numbers) for c in columns]

    count = _write_batches(target, label, width, batches(), first_line=2)
    notes = []
    if long_numbers[0]:
        notes.append(f"{path.name}: {long_numbers[0]:,} number cells have 16 digits or more; Excel "
                     f"keeps only 15, so ids stored as numbers may have lost digits. Format id "
                     f"columns as text in the export")
    return RawFile(path, label, headers, target, count, notes=notes)


def _excel_column(values: tuple, long_numbers: list[int]) -> pa.Array:
    """One column of sheet cells as text, the same as _excel_text cell by cell, but a column of
    one kind (text, whole numbers, date-times, dates: what POS exports hold) in one Arrow step."""
    import datetime as dt

    kinds = set(map(type, values))
    kinds.discard(type(None))
    if str in kinds and len(kinds) > 1 and not any(v for v in values if type(v) is str):
        # numbers or dates with empty cells, which calamine gives as '': kept as ''
        blanks = pa.array([type(v) is str for v in values], pa.bool_())
        inner = _excel_column(tuple(None if type(v) is str else v for v in values), long_numbers)
        return pc.if_else(blanks, pa.scalar("", pa.string()), inner)
    if kinds == {float}:
        numbers = pa.array(values, pa.float64(), from_pandas=True)  # NaN is an empty cell
        long_numbers[0] += pc.sum(pc.greater_equal(pc.abs(numbers), 1e15)).as_py() or 0
        whole = pc.and_(pc.equal(numbers, pc.floor(numbers)),
                        pc.less(pc.abs(numbers), 9e18))  # within int64
        if pc.all(pc.or_kleene(whole, pc.is_null(numbers))).as_py() is not False:
            return numbers.cast(pa.int64()).cast(pa.string())
    elif kinds <= {str}:
        return pa.array(values, pa.string())
    elif kinds == {int}:
        return pa.array(values, pa.int64()).cast(pa.string())
    elif kinds == {dt.datetime} and not any(v.tzinfo for v in values if v is not None):
        stamps = pa.array(values, pa.timestamp("us")).cast(pa.timestamp("s"), safe=False)
        return pc.strftime(stamps, format="%Y-%m-%d %H:%M:%S")
    elif kinds == {dt.date}:
        return pa.array(values, pa.date32()).cast(pa.string())
    if float in kinds and kinds != {float}:  # a column of floats alone was counted above
        long_numbers[0] += sum(1 for v in values if isinstance(v, float) and abs(v) >= 1e15)
    return pa.array([_excel_text(v) for v in values], pa.string())


def _excel_text(value) -> str | None:
    import datetime as dt

    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _to_parquet(path: Path, label: str, target: Path, *, encoding: str) -> RawFile:
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        raw = _parquet_to_parquet(path, label, target)
    elif suffix in WORKBOOK_SUFFIXES:
        raw = _xlsx_to_parquet(path, label, target)
    else:
        raw = _csv_to_parquet(path, label, target, encoding=encoding)
    seen: dict[str, int] = {}
    for h in raw.headers:
        seen[header_key(h)] = seen.get(header_key(h), 0) + 1
    repeated = [h for h, n in seen.items() if n > 1]
    if repeated:
        raw.notes.append(f"{label}: the header{'s' if len(repeated) > 1 else ''} "
                         f"{', '.join(repr(h) for h in repeated)} appear more than once; the "
                         f"first column of each name is the one read")
    return raw


def _to_parquet_each(jobs: list[tuple], encoding: str) -> list:
    """_to_parquet for each (path, label, target) in turn; a file's error takes its place."""
    out = []
    for path, label, target in jobs:
        try:
            out.append(_to_parquet(path, label, target, encoding=encoding))
        except Exception as exc:  # noqa: BLE001 - returned, raised by _convert_all in file order
            out.append(exc)
    return out


def _convert_all(files: list[Path], work: Path, *, encoding: str,
                 prefix: str = "raw") -> list[RawFile]:
    """Every input file as text Parquet (work/<prefix>-<i>.parquet), in the files' order.

    Reading a workbook is Python work on one core (python-calamine hands over each cell), while
    CSV and Parquet already use every core. So several workbooks (a shop's monthly XLSX files) are
    converted side by side, one process per core (safety.map_in_processes), each holding one
    sheet at a time; the first file's error, in the files' order, is the one raised, as when
    they are read one by one. The other files are read here, after the workbooks."""
    jobs = [(f, _file_label(f, files), work / f"{prefix}-{i}.parquet")
            for i, f in enumerate(files)]
    books = [job for job in jobs if job[0].suffix.lower() in WORKBOOK_SUFFIXES]
    workers = min(len(books), usable_cores())
    if workers < 2:
        return [_to_parquet(f, label, target, encoding=encoding) for f, label, target in jobs]
    # one process per core, converting every workers-th workbook in turn (a process costs about
    # a second of imports)
    groups = map_in_processes("helpers.ingest:_to_parquet_each",
                              [{"jobs": books[w::workers], "encoding": encoding}
                               for w in range(workers)], workers, return_exceptions=True)
    converted = {}
    for w, group in enumerate(groups):
        for job, raw in zip(books[w::workers],
                            group if isinstance(group, list) else [group] * len(books)):
            converted[job] = raw
    raws = []
    for job in jobs:
        raw = converted[job] if job in converted else _to_parquet(*job, encoding=encoding)
        if isinstance(raw, Exception):
            raise raw
        raws.append(raw)
    return raws


def _read_headers(path: Path, *, encoding: str) -> list[str]:
    """The header row alone (for mapping: auto)."""
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return list(pq.ParquetFile(path).schema_arrow.names)
    if suffix in WORKBOOK_SUFFIXES:
        from python_calamine import CalamineWorkbook

        row = next(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows(), [])
        return [_excel_text(h) or "" for h in row]
    return _csv_header(path, encoding=encoding, check_utf8=False)[0]


# ---------------------------------------------------------------- raw views over the text Parquet


def _slot(raw: RawFile, header: str | None, null_text: str = "cast(null as varchar)") -> str:
    """The Parquet column (c<i>) holding a header, or a typed null."""
    if header is None:
        return null_text
    return f"c{raw.headers.index(header)}"


def _raw_view(con, name: str, raws: list[RawFile], section: str, mapping: dict,
              columns: list[str], stager=None) -> list[dict]:
    """View <name>: per file, the mapped columns as text (only our own identifiers in SQL). With
    a SparkStager, the view is Spark's."""
    picks = []
    rels = []
    null_text = "cast(null as varchar)" if stager is None else spark_staging.NULL_TEXT
    for raw in raws:
        picked = pick_columns(raw.headers, section, mapping, file_name=raw.label)
        picks.append({"file": raw.label, "columns": picked.columns,
                      "amount": str(picked.amount) if picked.amount else None,
                      "expr": picked.amount, "amount_headers": picked.amount_headers})
        width = len(raw.headers)
        every = [f"c{i}" for i in range(width)] or [null_text]
        row_hash = (f"hash({', '.join(every)})" if stager is None
                    else spark_staging.row_hash_sql([f"c{i}" for i in range(width)]))
        select = ["source_file", "source_line", f"{row_hash} as row_hash",
                  # a row with nothing in any column (a blank line, an empty sheet row); a case
                  # stops at the first column with something in it, where `and` tries them all
                  "case " + " ".join(f"when trim(coalesce({c}, '')) <> '' then false"
                                     for c in every) + " else true end as is_blank_row"]
        for canonical in columns:
            select.append(f"{_slot(raw, picked.columns.get(canonical), null_text)} "
                          f"as {canonical}")
        if "amount" in picked.columns:
            slots = [_slot(raw, h, null_text) for h in (picked.amount_headers or [])]
            slots += [null_text] * (MAX_AMOUNT_COLUMNS - len(slots))
            select += [f"{s} as amount_{i + 1}" for i, s in enumerate(slots)]
        if stager is not None:
            rels.append((raw.parquet, select))
            continue
        rels.append(con.read_parquet(str(raw.parquet)).select(", ".join(select)))
    if stager is not None:
        stager.raw_view(name, rels)
        return picks
    rel = rels[0]
    for other in rels[1:]:
        rel = rel.union(other)
    rel.create_view(name, replace=True)
    return picks


def _amount_macro(con, picks: list[dict], mapping: dict, stager=None) -> int:
    """mapped_amount(a1..a6): the mapping's amount expression; returns how many columns it uses."""
    expressions = {p["amount"] for p in picks}
    if len(expressions) > 1:
        raise IngestError(f"the files read through mapping {mapping.get('name')} match different "
                          f"amount columns ({', '.join(sorted(expressions))}); give each kind of "
                          f"export its own folder or mapping")
    first = picks[0]
    expr = first["expr"]
    names = list(first["amount_headers"] or [])
    # the expression's columns, in order, are the slots a1..a6 of the raw view's amount_1..6
    slots = {column: f"a{i + 1}" for i, column in enumerate(expr.columns())} if expr else {}
    body = expr.to_sql(slots) if expr else "cast(null as decimal(38, 10))"
    if stager is not None:
        stager.amount_function(body)
        return max(1, len(names))
    con.execute(f"create or replace temp macro mapped_amount(a1, a2, a3, a4, a5, a6) as "
                f"(cast({body} as decimal(38, 10)))")
    return max(1, len(names))


# ---------------------------------------------------------------- detecting the export's shape


def _setting(overrides: dict, mapping: dict, key: str) -> tuple[str, str]:
    """(the setting, who set it) for date_order or decimal_mark: the run's parameter wins over
    the mapping; "auto" when neither gives one."""
    if overrides[key]:
        return overrides[key], f"set by the {key} parameter"
    if mapping.get(key):
        return mapping[key], "set in the mapping"
    return "auto", ""


def _evidence(con, stager, model: str, view: str, column_sql: str) -> tuple:
    """The one row of an export check over a column (`column_sql` as view `view`)."""
    if stager is not None:
        return stager.evidence(model, view, column_sql)
    con.sql(column_sql).create_view(view, replace=True)
    try:
        return con.execute(db.sql_text(model)).fetchall()[0]
    finally:
        con.execute(f"drop view {view}")


def _decide_date_order(con, column_sql: str, source: str, setting: tuple[str, str], where: str,
                       detected: list[str], fallback: str | None = None, stager=None) -> str:
    """dmy / mdy / ymd from the setting (and who set it), or from the whole column when the
    setting is auto."""
    setting, set_by = setting
    row = _evidence(con, stager, "export_date_evidence", "date_texts", column_sql)
    non_iso, day_first, month_first, two_digit, day_ex, month_ex, examples = row
    if two_digit:
        detected.append(f"{source}: {two_digit:,} dates with a two-digit year, read as 20yy")
    if setting != "auto":
        if non_iso:
            detected.append(f"{source}: date order {setting} ({set_by})")
        if setting == "dmy" and month_first:
            detected.append(f"{source}: warning: {month_first:,} dates have a second field above "
                            f"12 ({_show(month_ex)}): they cannot be day-first and are set aside")
        if setting == "mdy" and day_first:
            detected.append(f"{source}: warning: {day_first:,} dates have a first field above 12 "
                            f"({_show(day_ex)}): they cannot be month-first and are set aside")
        return setting
    if not non_iso:
        if detected is not None:
            detected.append(f"{source}: dates are written year first (YYYY-MM-DD): no date order "
                            f"to decide")
        return "ymd"
    if day_first and month_first:
        raise IngestError(
            f"{source}: the dates cannot all be read one way: {day_first:,} have a first field "
            f"above 12 (day first, e.g. {_show(day_ex)}) and {month_first:,} a second field above "
            f"12 (month first, e.g. {_show(month_ex)}). Fix the export, or set date_order: dmy or "
            f"date_order: mdy in {where} to read one way and set the others aside.")
    if day_first:
        detected.append(f"{source}: date order day/month/year, from {day_first:,} dates with a "
                        f"first field above 12 (e.g. {_show(day_ex)}) and none with a second field "
                        f"above 12")
        return "dmy"
    if month_first:
        detected.append(f"{source}: date order month/day/year, from {month_first:,} dates with a "
                        f"second field above 12 (e.g. {_show(month_ex)}) and none with a first "
                        f"field above 12")
        return "mdy"
    if fallback:
        detected.append(f"{source}: no date tells day from month here; read {fallback} as the "
                        f"orders were")
        return fallback
    raise IngestError(
        f"{source}: cannot tell whether dates such as {_show(examples)} are day/month/year or "
        f"month/day/year: none of the {non_iso:,} dates has a day above 12. Set date_order: dmy "
        f"(Vietnam, Europe: 01/03/2024 = 1 March) or date_order: mdy (US exports: 01/03/2024 = "
        f"3 January) in {where}, or with the date_order parameter.")


def _decide_decimal_mark(con, column_sql: str, source: str, setting: tuple[str, str], where: str,
                         detected: list[str], fallback: str | None = None, stager=None) -> str:
    setting, set_by = setting
    dot, comma, either, dot_ex, comma_ex, either_ex = _evidence(
        con, stager, "export_decimal_evidence", "amount_texts", column_sql)
    if setting != "auto":
        detected.append(f"{source}: decimal mark '{setting}' ({set_by})")
        return setting
    if dot and comma:
        raise IngestError(
            f"{source}: amounts are written two ways: {dot:,} with a decimal point (e.g. "
            f"{_show(dot_ex)}) and {comma:,} with a decimal comma (e.g. {_show(comma_ex)}). Set "
            f"decimal_mark: \".\" or decimal_mark: \",\" in {where} (values that do not fit are "
            f"set aside), or fix the export.")
    if dot:
        detected.append(f"{source}: decimal mark '.', from {dot:,} amounts such as "
                        f"{_show(dot_ex)} (',' groups thousands)")
        return "."
    if comma:
        detected.append(f"{source}: decimal mark ',', from {comma:,} amounts such as "
                        f"{_show(comma_ex)} ('.' groups thousands, as in VND)")
        return ","
    if fallback and either:
        detected.append(f"{source}: no amount tells the decimal mark here; read '{fallback}' as "
                        f"the orders were")
        return fallback
    if either:
        raise IngestError(
            f"{source}: amounts such as {_show(either_ex)} can be read two ways (150.000 is one "
            f"hundred and fifty thousand with '.' grouping thousands, as VND exports write it, or "
            f"150 with a decimal point), and no amount in the column decides. Set "
            f"decimal_mark: \",\" (VND: '.' groups thousands) or decimal_mark: \".\" in {where}, "
            f"or with the decimal_mark parameter.")
    return "."


def _show(examples) -> str:
    values = [v for v in dict.fromkeys(examples or []) if v is not None]
    return ", ".join(f"'{v}'" for v in values) or "–"


def _order_amount_shape(con, mapping: dict, picks: list[dict], detected: list[str],
                        where: str, stager=None) -> None:
    """Stop when an amount is constant on the lines of most multi-line orders and the mapping
    does not say whether it is a line amount or the order's total."""
    multi, constant = (stager.one_row("export_order_amounts") if stager is not None else
                       con.execute(db.sql_text("export_order_amounts")).fetchall()[0])
    level = mapping.get("amount_level")
    amount = picks[0]["amount"]
    if not multi:
        if level == "order":
            detected.append(f"amount {amount} is the order's total (amount_level: order), "
                            f"counted once per order")
        return
    share = constant / multi
    fact = (f"{amount} is equal on every line of {share:.0%} of the {multi:,} orders with "
            f"several lines")
    if level == "order":
        detected.append(f"{fact}: read as the order's total (amount_level: order), counted once "
                        f"per order")
    elif level == "line":
        detected.append(f"{fact}: read as line amounts and summed (amount_level: line)")
    elif share > 0.5:
        raise IngestError(
            f"{fact}: this looks like an order total repeated on each product line. Summing it "
            f"would count such orders several times. Set amount_level: order in {where} (count it "
            f"once per order), or amount_level: line if each line really has its own amount.")
    else:
        detected.append(f"{fact}: read as line amounts and summed")


# ---------------------------------------------------------------- loading


def _cache_key(parts: dict) -> str:
    material = json.dumps(parts | {"v": INGEST_VERSION}, sort_keys=True, ensure_ascii=False,
                          default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:20]


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a staged table or view of that name, whichever it is (names are ours, fixed)."""
    rows = con.execute("select table_type from information_schema.tables where table_name = ?",
                       [name]).fetchall()
    for (kind,) in rows:
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists {name}")


_MACROS_VERSION = hashlib.sha256(db.sql_text("macros").encode()).hexdigest()[:12]


def _ensure_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The parsing macros, created once per connection (a marker table holds their version)."""
    marker = con.execute("select count(*) from duckdb_tables() where table_name = ?",
                         [f"workbook_macros_{_MACROS_VERSION}"]).fetchall()[0][0]
    if marker:
        return
    con.execute(db.sql_text("macros"))
    con.execute(f"create temp table workbook_macros_{_MACROS_VERSION} (x integer)")


def _resolve_mapping(mapping, files: list[Path], encoding: str, detected: list[str],
                     section: str = "orders") -> dict:
    if isinstance(mapping, dict):
        return load_mapping(mapping)
    try:
        if str(mapping) == "auto":
            headers = _read_headers(files[0], encoding=encoding)
            chosen = auto_mapping(headers, file_name=files[0].name, section=section)
            detected.append(f"mapping auto picked {chosen['name']!r}: the only shipped mapping "
                            f"whose required headers {files[0].name} has")
        else:
            chosen = load_mapping(mapping)
    except MappingError as exc:
        raise IngestError(str(exc)) from None
    if chosen.get("unsupported"):
        raise IngestError(f"{files[0].name}: {chosen['unsupported'].strip()}")
    return chosen


def load(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    *,
    mapping: str | dict = "auto",
    returns_path: str | Path | None = None,
    shop_tz: str = "Asia/Ho_Chi_Minh",
    drop_duplicates: bool = False,
    encoding: str = "utf-8",
    date_order: str | None = None,
    decimal_mark: str | None = None,
    use_cache: bool = True,
    cache_dir: Path = CACHE_DIR,
    quarantine_dir: Path = QUARANTINE_DIR,
    spark=None,
) -> LoadReport:
    """Stage orders (and their returns) as view order_lines, or customers as view customers.
    With a SparkSession (`engine: spark`), every line is parsed and checked on Spark
    (helpers.spark_staging); the files it writes are the same."""
    started = time.perf_counter()
    cache_dir, quarantine_dir = Path(cache_dir), Path(quarantine_dir)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}")
    detected: list[str] = []
    files = expand_inputs(path, key=f"{kind}_path")
    for f in files:
        _check_file(f)
    mapping = _resolve_mapping(mapping, files, encoding, detected, section=kind)
    overrides = {"date_order": date_order or None, "decimal_mark": decimal_mark or None}
    for key, value in overrides.items():
        if value and value not in (("auto", "dmy", "mdy", "ymd") if key == "date_order"
                                   else ("auto", ",", ".")):
            raise IngestError(f"{key} = {value!r}: use " + ("auto, dmy, mdy or ymd"
                              if key == "date_order" else 'auto, "," or "."'))
    return_files = expand_inputs(returns_path, key="returns_path") if (
        kind == "orders" and returns_path) else []
    if return_files and not mapping.get("returns"):
        raise IngestError(f"returns_path is set, but mapping {mapping['name']!r} has no returns: "
                          f"section saying which columns of the returns export hold the return "
                          f"id, the date and the amount (see params/mappings/kiotviet.yaml)")
    index = cache_dir if use_cache else None
    shas = [(str(f), file_sha256(f, index_dir=index)) for f in files]
    return_shas = [(str(f), file_sha256(f, index_dir=index)) for f in return_files]
    settings = {k: v for k, v in mapping.items() if not k.startswith("_")}
    key = _cache_key({"files": [s for _, s in shas], "returns": [s for _, s in return_shas],
                      "kind": kind, "mapping": settings, "tz": shop_tz, "drop": drop_duplicates,
                      "enc": encoding, "overrides": overrides,
                      # two-digit birthdays depend on this year; orders do not
                      # (not the engine: DuckDB and Spark stage an export into the same files,
                      # so either one's cache serves both)
                      "year": date.today().year if kind == "customers" else None})
    cache = Path(cache_dir) / f"{kind}-{key}"
    table = TABLES[kind]
    _ensure_macros(con)
    # two processes staging the same export (the monthly run's notebooks side by side, an
    # analyst's notebook beside the scheduled run) take turns: the second one finds the cache
    lock = (pid_lock(Path(cache_dir) / f".lock-{kind}-{key}", wait_seconds=STAGING_LOCK_WAIT)
            if use_cache else contextlib.nullcontext())
    with lock:
        return _load_or_stage(con, kind, files, return_files, mapping, overrides, cache, table,
                              path=path, shas=shas, return_shas=return_shas, detected=detected,
                              started=started, use_cache=use_cache, quarantine_dir=quarantine_dir,
                              shop_tz=shop_tz, drop_duplicates=drop_duplicates,
                              encoding=encoding, spark=spark)


def _sweep_builds(cache: Path) -> None:
    """Remove the work folders of stagings whose process died (killed, out of memory): at 100M
    lines one holds several GB of scratch Parquet. Folders of live processes are left alone."""
    for folder in cache.glob(".build-*"):
        pid = folder.name.split("-")[1]
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _load_or_stage(con, kind, files, return_files, mapping, overrides, cache, table, *, path,
                   shas, return_shas, detected, started, use_cache, quarantine_dir, shop_tz,
                   drop_duplicates, encoding, spark=None) -> LoadReport:
    if use_cache and (cache / "report.json").exists():
        damage = _verify_cache(cache)
        if damage is None:
            # a view over the staged Parquet: nothing is copied, DuckDB reads only what queries use
            _publish(con, cache, table)
            report = LoadReport(**json.loads((cache / "report.json").read_text(encoding="utf-8")))
            report.from_cache = True
            report.seconds = time.perf_counter() - started
            report.staged = str(cache / "staged.parquet")
            _republish_quarantine(cache, report, quarantine_dir)
            return report
        detected.append(f"the staging cache was damaged ({damage}): the export was read again")
        shutil.rmtree(cache, ignore_errors=True)

    cache.mkdir(parents=True, exist_ok=True)
    _sweep_builds(cache)
    # models persisted from the export staged here before (db._persisted): read no more
    shutil.rmtree(cache / "models", ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=cache))
    memory = _StagingMemory(con)
    try:
        report = _stage(con, kind, files, return_files, mapping, overrides, cache, work,
                        shop_tz=shop_tz, drop_duplicates=drop_duplicates, encoding=encoding,
                        detected=detected, shas=shas, return_shas=return_shas, memory=memory,
                        spark=spark)
    except MappingError as exc:
        raise IngestError(str(exc)) from None
    finally:
        memory.restore()
        for name in ("raw_orders", "raw_returns", "raw_customers", "order_customers",
                     "stg_orders_checked", "stg_returns_checked", "stg_customers_checked",
                     "parsed_order_lines", "order_structure", "order_repeats"):
            _drop(con, name)
        shutil.rmtree(work, ignore_errors=True)
    report.sha256 = hashlib.sha256("|".join(s for _, s in shas + return_shas).encode()).hexdigest() \
        if len(shas) + len(return_shas) > 1 else shas[0][1]
    report.path = str(path)
    report.seconds = time.perf_counter() - started
    # what the cache holds, to check it before it is trusted again (rows and bytes)
    recorded = {name: {"sha256": file_sha256(cache / name),
                       "rows": pq.ParquetFile(cache / name).metadata.num_rows}
                for name in CACHE_FILES if (cache / name).exists()}
    (cache / "cache.json").write_text(json.dumps(recorded, indent=1), encoding="utf-8")
    (cache / "report.json").write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    _publish(con, cache, table)
    _republish_quarantine(cache, report, quarantine_dir)
    report.staged = str(cache / "staged.parquet")
    return report


CACHE_FILES = ("staged.parquet", "guests.parquet")

# DuckDB's memory while a first load parses and checks an export: what does not fit is spilled
# to DuckDB's temp_directory, so a file of tens of millions of lines stays within ~2 GB of memory
# (measured: 103 s at 1.6 GB against 82 s at 6.2 GB unbounded, 10M lines and 2M customers; a
# smaller memory_limit set by the run wins).
STAGING_MEMORY_LIMIT = "1200MB"
# ... and more for a larger export: joins and windows over the lines need room in proportion to
# them, and under 1.2 GB a 100M-line export ran out of memory (10M lines under 120 MB, the same
# ratio, fail alike; under 400 MB they load). Never above the run's own memory_limit.
STAGING_BYTES_PER_ROW = 120

# DuckDB's memory for one parsed or checked order line, roughly (10M lines under 800 MB spilled
# 2.8 GB for the two tables; 100M under 8 GB, 23 GB after two passes): when the export's lines
# would not fit the staging memory, staging keeps them in Parquet files
SCRATCH_BYTES_PER_ROW = 150

# how long a load waits for another process staging the same export before it gives up (a
# holder that died is taken over at once): 100M lines take about half an hour on 2 cores
STAGING_LOCK_WAIT = 4 * 3600


class _StagingMemory:
    """DuckDB's memory_limit while an export is staged: STAGING_MEMORY_LIMIT, widened for a large
    export once its line count is known, never above the limit it had; restore() puts it back.
    What does not fit spills to DuckDB's temp_directory (by default .tmp in the working folder;
    db.connect can set another)."""

    def __init__(self, con):
        self.con = con
        self.limit = db.size_bytes(
            con.execute("select current_setting('memory_limit')").fetchall()[0][0])
        self._set(db.size_bytes(STAGING_MEMORY_LIMIT))

    def _set(self, cap: int) -> None:
        self.cap = min(self.limit, cap)
        self.con.execute(f"set memory_limit = '{self.cap}B'")

    def widen(self, rows: int) -> None:
        self._set(max(db.size_bytes(STAGING_MEMORY_LIMIT), rows * STAGING_BYTES_PER_ROW))

    def restore(self) -> None:
        self.con.execute(f"set memory_limit = '{self.limit}B'")


def _verify_cache(cache: Path) -> str | None:
    """None when every cached file has the bytes and rows recorded when it was written."""
    try:
        recorded = json.loads((cache / "cache.json").read_text(encoding="utf-8"))
        if "staged.parquet" not in recorded:
            return "staged.parquet is not recorded"
        for name, expected in recorded.items():
            path = cache / name
            if not path.exists():
                return f"{name} is missing"
            if file_sha256(path) != expected["sha256"]:
                return f"{name} has changed since it was written"
            if pq.ParquetFile(path).metadata.num_rows != expected["rows"]:
                return f"{name} has {expected['rows']} rows recorded but not stored"
    except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _publish(con, cache: Path, table: str) -> None:
    _drop(con, table)
    # a source known by its file: models persisted beside it (db._persisted) serve every process
    db.register_parquet(con, table, cache / "staged.parquet")
    if table == "order_lines":
        # guest sales (no customer key): not customers, but revenue the reports mention
        con.read_parquet(str(cache / "guests.parquet")).create_view("guest_lines", replace=True)


def _where(mapping: dict) -> str:
    return mapping.get("_path") or f"mapping {mapping.get('name')}"


def _stage(con, kind, files, return_files, mapping, overrides, cache, work, *, shop_tz,
           drop_duplicates, encoding, detected, shas, return_shas, memory=None,
           spark=None) -> LoadReport:
    if spark is not None:
        with spark_staging.SparkStager(spark, work) as stager:
            return _stage_with(con, kind, files, return_files, mapping, overrides, cache, work,
                               shop_tz=shop_tz, drop_duplicates=drop_duplicates,
                               encoding=encoding, detected=detected, shas=shas,
                               return_shas=return_shas, memory=memory, stager=stager)
    return _stage_with(con, kind, files, return_files, mapping, overrides, cache, work,
                       shop_tz=shop_tz, drop_duplicates=drop_duplicates, encoding=encoding,
                       detected=detected, shas=shas, return_shas=return_shas, memory=memory)


def _stage_with(con, kind, files, return_files, mapping, overrides, cache, work, *, shop_tz,
                drop_duplicates, encoding, detected, shas, return_shas, memory=None,
                stager=None) -> LoadReport:
    raws = _convert_all(files, work, encoding=encoding)
    if memory is not None:
        memory.widen(sum(r.rows for r in raws))
    for raw, (_, sha) in zip(raws, shas):
        raw.sha256 = sha
    where = _where(mapping)
    id_format = mapping.get("id_format") or {}
    ids = {f"{c}_integer": id_format.get(c) == "integer_text"
           for c in ("customer_id", "order_id", "return_id")}
    date_setting = _setting(overrides, mapping, "date_order")
    mark_setting = _setting(overrides, mapping, "decimal_mark")
    keys, values = status_pairs(mapping)
    checked_name = f"stg_{kind}_checked"
    if kind == "orders":
        columns = ["order_id", "customer_id", "order_date", "status", "channel"]
        picks = _raw_view(con, "raw_orders", raws, "orders", mapping, columns, stager)
        amount_columns = _amount_macro(con, picks, mapping, stager)
        order_date = _decide_date_order(con, "select order_date as value from raw_orders",
                                        "order dates", date_setting, where, detected,
                                        stager=stager)
        slots = ", ".join(f"amount_{i + 1}" for i in range(amount_columns))
        each = f"unnest([{slots}])" if stager is None else f"explode(array({slots}))"
        mark = _decide_decimal_mark(
            con, f"select {each} as value from raw_orders", "amounts", mark_setting,
            where, detected, stager=stager)
        level_order = mapping.get("amount_level") == "order"
        params = {"shop_tz": shop_tz, "date_order": order_date, "decimal_mark": mark,
                  "empty_amount_is_zero": mapping.get("empty_amount", "quarantine") == "zero",
                  "amount_level_order": level_order, "amount_columns": amount_columns,
                  "customer_id_integer": ids["customer_id_integer"],
                  "order_id_integer": ids["order_id_integer"],
                  "status_keys": keys, "status_values": values}
        rows = sum(r.rows for r in raws)
        if stager is not None:
            stager.order_lines(con, checked_name, params)
        else:
            _stage_order_lines(con, work, checked_name, params, on_disk=memory is not None
                               and rows * SCRATCH_BYTES_PER_ROW > memory.cap)
        _order_amount_shape(con, mapping, picks, detected, where, stager)
        guests = con.execute(f"select count(*) filter (where is_guest) "
                             f"from {checked_name}").fetchall()[0][0]
        if guests:
            detected.append(f"{_rows(guests)} without a customer key: guest sales, reported "
                            f"apart and kept out of RFM")
    else:
        columns = list(CUSTOMER_COLUMNS)
        _raw_view(con, "raw_customers", raws, "customers", mapping, columns, stager)
        each = ("unnest([signup_date, birthday])" if stager is None
                else "explode(array(signup_date, birthday))")
        customer_dates = _decide_date_order(
            con, f"select {each} as value from raw_customers",
            "customer dates", date_setting, where, detected, fallback="dmy"
            if date_setting[0] == "auto" and mapping.get("date_order") in (None, "auto") else None,
            stager=stager)
        params = {"shop_tz": shop_tz, "date_order": customer_dates,
                  "birthday_pivot_year": date.today().year,
                  "customer_id_integer": ids["customer_id_integer"]}
        if stager is not None:
            stager.stage(con, "stg_customers", checked_name, params)
        else:
            db.stage(con, "stg_customers", into=checked_name, **params)
        # the rows still load; the dates that could not be read are counted, never hidden
        signup, birthday = con.execute(f"""
            select
                count(*) filter (where not is_blank_text(signup_date_text) and signup_date is null),
                count(*) filter (where not is_blank_text(birthday_text) and birthday is null)
            from {checked_name} where reject_reason is null
        """).fetchall()[0]
        for n, what in ((signup, "signup dates"), (birthday, "birthdays")):
            if n:
                detected.append(f"{n:,} {what} could not be read as dates: those customers load "
                                f"without one")
    report = _finish(con, kind, checked_name, raws, mapping, cache, "staged.parquet",
                     "quarantine", drop_duplicates, detected)
    report.facts = {"mapping": mapping.get("name"), "files": len(raws),
                    "mapping_auto": any(d.startswith("mapping auto") for d in detected),
                    "engine": "duckdb" if stager is None else "spark"}
    if kind == "orders":
        report.facts |= {"date_order": order_date, "decimal_mark": mark,
                         "amount": picks[0]["amount"], "amount_level":
                         "order" if level_order else "line"}
    if kind == "orders" and return_files:
        report.returns = _stage_returns(con, return_files, mapping, overrides, cache, work,
                                        shop_tz=shop_tz, drop_duplicates=drop_duplicates,
                                        encoding=encoding, ids=ids, keys=keys, values=values,
                                        orders_date_order=order_date, orders_mark=mark,
                                        shas=return_shas, stager=stager)
    return report


def _stage_order_lines(con, work: Path, checked_name: str, params: dict, *,
                       on_disk: bool) -> None:
    """The orders export's rows checked (`checked_name`), in four passes; only the orders with
    several lines are ever grouped, never every line at once. The parsed and the checked lines
    are DuckDB tables, or, when they would not fit DuckDB's memory (on_disk), Parquet files in
    the work folder: a spilled table takes about seven times the disk of the same rows in
    Parquet (100M lines under 8 GB had spilled 23 GB after the first two passes)."""
    def keep(model: str, name: str) -> None:
        if on_disk:
            target = work / f"{name}.parquet"
            db.stage_to(con, model, target, **params)
            _drop(con, name)
            con.read_parquet(str(target)).create_view(name)
        else:
            db.stage(con, model, into=name, **params)

    keep("stg_order_lines_parsed", "parsed_order_lines")
    db.stage(con, "stg_order_structure", into="order_structure")
    db.stage(con, "stg_order_repeats", into="order_repeats")
    keep("stg_order_lines", checked_name)
    for name in ("parsed_order_lines", "order_structure", "order_repeats"):
        _drop(con, name)


def _stage_returns(con, return_files, mapping, overrides, cache, work, *, shop_tz,
                   drop_duplicates, encoding, ids, keys, values, orders_date_order,
                   orders_mark, shas, stager=None) -> dict:
    detected: list[str] = []
    where = _where(mapping)
    raws = _convert_all(return_files, work, encoding=encoding, prefix="ret")
    for raw, (_, sha) in zip(raws, shas):
        raw.sha256 = sha
    block = mapping["returns"]
    columns = ["return_id", "order_id", "customer_id", "return_date", "status"]
    picks = _raw_view(con, "raw_returns", raws, "returns", mapping, columns, stager)
    if not picks[0]["expr"] or not picks[0]["expr"].is_single_column():
        raise IngestError(f"{where}: returns.amount must name one column (what is paid back)")
    date_setting = _setting(overrides, mapping, "date_order")
    mark_setting = _setting(overrides, mapping, "decimal_mark")
    return_date = _decide_date_order(con, "select return_date as value from raw_returns",
                                     "return dates", date_setting, where, detected,
                                     fallback=orders_date_order if orders_date_order != "ymd"
                                     else None, stager=stager)
    mark = _decide_decimal_mark(con, "select amount_1 as value from raw_returns",
                                "return amounts", mark_setting, where, detected,
                                fallback=orders_mark, stager=stager)
    # one row per order id of the orders export, with its customer (or a guest sale)
    con.execute("""
        create or replace temp view order_customers as
        select order_id, any_value(customer_id) as customer_id, bool_and(is_guest) as is_guest
        from stg_orders_checked where order_id is not null group by all
    """)
    level_order = (block.get("amount_level") or "order") == "order"
    detected.append("what is paid back is counted " + ("once per return (the return's total is "
                    "repeated on its lines)" if level_order else "on every line"))
    params = {"shop_tz": shop_tz, "date_order": return_date, "decimal_mark": mark,
              "amount_level_order": level_order,
              "customer_id_integer": ids["customer_id_integer"],
              "order_id_integer": ids["order_id_integer"],
              "return_id_integer": ids["return_id_integer"], "status_keys": keys,
              "status_values": values}
    if stager is not None:
        stager.order_customers()
        stager.stage(con, "stg_return_lines", "stg_returns_checked", params,
                     nfc=stager.nfc_pairs("raw_returns", "status"))
    else:
        db.stage(con, "stg_return_lines", into="stg_returns_checked", **params)
    report = _finish(con, "returns", "stg_returns_checked", raws, mapping, cache,
                     "returns.parquet", "quarantine-returns", drop_duplicates, detected)
    report.path = ", ".join(str(f) for f in return_files)
    report.sha256 = hashlib.sha256("|".join(sha for _, sha in shas).encode()).hexdigest()
    # the staged returns join the orders: refunds on their own dates
    staged = cache / "staged.parquet"
    tmp = cache / f".staged.{os.getpid()}.parquet"
    con.execute(f"""
        copy (
            select * from read_parquet(?)
            union all
            select {ORDER_LINE_COLUMNS} from read_parquet(?)
        ) to '{_sql_path(tmp)}' (format parquet)
    """, [str(staged), str(cache / "returns.parquet")])
    tmp.replace(staged)
    (cache / "returns.parquet").unlink()
    return asdict(report)


def _sql_path(path: Path) -> str:
    """A path we made (inside the cache folder) as an SQL string literal."""
    return str(path).replace("'", "''")


def _finish(con, kind, checked, raws, mapping, cache, staged_name, quarantine_name,
            drop_duplicates, detected) -> LoadReport:
    """Counts per file, the staged rows, the guest rows and the set-aside rows, from `checked`."""
    per_file = {r[0]: r[1:] for r in con.execute(f"""
        select
            source_file,
            count(*),
            count(*) filter (where reject_reason is null and not is_duplicate),
            count(*) filter (where reject_reason is not null),
            count(*) filter (where is_duplicate)
        from {checked} group by all
    """).fetchall()}
    files = []
    for raw in raws:
        read, clean, quarantined, duplicates = per_file.get(raw.label, (0, 0, 0, 0))
        if read != raw.rows:
            raise AssertionError(f"{raw.label}: {raw.rows} rows converted, {read} parsed")
        detected.extend(raw.notes)
        if raw.bad_rows:
            detected.append(f"{raw.label}: {_rows(len(raw.bad_rows))} "
                            f"{'does' if len(raw.bad_rows) == 1 else 'do'} not have the header's "
                            f"{len(raw.headers)} fields (first at line {raw.bad_rows[0][0]}): "
                            f"set aside as wrong_field_count, the rest loaded")
        files.append({"file": raw.label, "path": str(raw.path), "sha256": raw.sha256,
                      "rows_read": read + len(raw.bad_rows),
                      "rows_loaded": clean + (0 if drop_duplicates else duplicates),
                      "rows_quarantined": quarantined + len(raw.bad_rows),
                      "duplicates_dropped": duplicates if drop_duplicates else 0})
    rows_read = sum(f["rows_read"] for f in files)
    quarantined = sum(f["rows_quarantined"] for f in files)
    duplicates = sum(per_file.get(r.label, (0, 0, 0, 0))[3] for r in raws)
    reasons = dict(con.execute(f"""
        select reason, count(*) from (
            select unnest(string_split(reject_reason, '; ')) as reason
            from {checked} where reject_reason is not null
        ) group by all order by all
    """).fetchall())
    wrong = sum(len(r.bad_rows) for r in raws)
    if wrong:
        reasons = dict(sorted((reasons | {"wrong_field_count": wrong}).items()))
    examples = []
    if duplicates:
        examples = con.execute(f"""
            select source_file, source_line, * exclude (source_file, source_line)
            from (select * from {checked} where is_duplicate
                  order by source_file, source_line limit 5)
        """).df()
        # where they are, not what they hold: reports and logs carry no customer data
        keep = ["source_file", "source_line"]
        examples = examples[keep].astype(str).to_dict("records")
    guest_rows, guest_revenue = 0, "0"
    keep_duplicates = "" if drop_duplicates else " or is_duplicate"
    staged = cache / staged_name
    tmp = cache / f".{staged_name}.{os.getpid()}.tmp"
    if kind in ("orders", "returns"):
        guest_rows, revenue = con.execute(f"""
            select count(*), coalesce(sum(amount), 0) from {checked}
            where reject_reason = 'guest_sale'
        """).fetchall()[0]
        guest_revenue = _plain_decimal(revenue)
        columns = ORDER_LINE_COLUMNS
        if kind == "orders":  # written even when empty: the reports read it
            # guest sales are not customers, but their revenue is reported apart
            guests_tmp = cache / f".guests.{os.getpid()}.tmp"
            con.execute(f"""
                copy (select {columns} from {checked} where reject_reason = 'guest_sale'
                      order by source_file, source_line)
                to '{_sql_path(guests_tmp)}' (format parquet)
            """)
            guests_tmp.replace(cache / "guests.parquet")
    else:
        columns = ("* exclude (reject_reason, is_duplicate, signup_date_text, birthday_text, "
                   "is_blank_row)")
    # the usable rows go straight to the Parquet cache; the staged table is a view over it
    con.execute(f"""
        copy (
            select {columns} from {checked}
            where reject_reason is null and (not is_duplicate{keep_duplicates})
            order by source_file, source_line
        ) to '{_sql_path(tmp)}' (format parquet)
    """)
    tmp.replace(staged)
    rows_loaded = sum(f["rows_loaded"] for f in files)
    first_date = last_date = None
    if kind == "orders":
        first_date, last_date = con.execute(
            f"select cast(min(order_date) as varchar), cast(max(order_date) as varchar) "
            f"from {checked} where reject_reason is null").fetchall()[0]
    report = LoadReport(
        kind=kind, path="", sha256="", mapping=mapping.get("name", "custom"),
        rows_read=rows_read, rows_loaded=rows_loaded, rows_quarantined=quarantined,
        duplicates=duplicates, duplicates_dropped=duplicates if drop_duplicates else 0,
        reasons=reasons, duplicate_examples=examples, files=files, detected=detected,
        guest_rows=int(guest_rows), guest_revenue=guest_revenue,
        first_order_date=first_date, last_order_date=last_date,
    )
    # quarantined rows keep every original column, their reason, file and line
    folder = cache / quarantine_name
    shutil.rmtree(folder, ignore_errors=True)
    for i, raw in enumerate(raws):
        bad = con.execute(f"""
            select count(*) from {checked}
            where reject_reason is not null and source_file = ?
        """, [raw.label]).fetchall()[0][0]
        if not bad and not raw.bad_rows:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        header_names = _unique_headers(raw.headers)
        picks = ", ".join(f'raw.c{j} as "{name}"' for j, name in enumerate(header_names))
        wrong_rows = "select * from set_aside where false"
        if raw.bad_rows:
            # rows that could not be split: kept whole, as written, under raw_row
            con.register("wrong_rows_df", pa.table({
                "source_file": [raw.label] * len(raw.bad_rows),
                "source_line": pa.array([r[0] for r in raw.bad_rows], pa.int64()),
                "reject_reason": ["wrong_field_count"] * len(raw.bad_rows),
                "raw_row": [r[1] for r in raw.bad_rows]}))
            wrong_rows = "select * from wrong_rows_df"
        con.execute(f"""
            copy (
                with set_aside as (
                    select raw.source_file, raw.source_line, checked.reject_reason
                        {', ' + picks if picks else ''}
                    from read_parquet('{_sql_path(raw.parquet)}') as raw
                    inner join {checked} as checked
                        on raw.source_line = checked.source_line
                        and checked.source_file = ?
                    where checked.reject_reason is not null
                )
                select * from (
                    select * from set_aside
                    union all by name
                    {wrong_rows}
                )
                order by source_line
            ) to '{_sql_path(folder / f"{i:04d}.parquet")}' (format parquet)
        """, [raw.label])
        if raw.bad_rows:
            con.unregister("wrong_rows_df")
    return report


def _unique_headers(headers: list[str]) -> list[str]:
    """Headers usable as column names in the quarantine file (no quote, no repeats)."""
    out: list[str] = []
    for i, h in enumerate(headers):
        name = str(h).replace('"', "'").strip() or f"column_{i + 1}"
        while name in out or name in ("source_file", "source_line", "reject_reason"):
            name += "_"
        out.append(name)
    return out


def _plain_decimal(value) -> str:
    text = format(value, "f") if value is not None else "0"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _republish_quarantine(cache: Path, report: LoadReport, quarantine_dir: Path = QUARANTINE_DIR):
    """data/processed/quarantine/<kind>__<file>.csv per input file with rows set aside."""
    paths = []
    for sub, kind in (("quarantine", report.kind), ("quarantine-returns", "returns")):
        folder = cache / sub
        if not folder.exists():
            continue
        for part in sorted(folder.glob("*.parquet")):
            rows = pq.read_table(part)
            if not rows.num_rows:
                continue
            label = rows.column("source_file")[0].as_py()
            sha = next((f["sha256"] for f in (report.files if kind == report.kind else
                                              (report.returns or {}).get("files", []))
                        if f["file"] == label), "")
            stem = "".join(ch if ch.isalnum() or ch in "-_" else "_"
                           for ch in Path(label).with_suffix("").as_posix())[:80]
            quarantine_dir.mkdir(parents=True, exist_ok=True)
            # named by the input's checksum too: two inputs called orders.csv never share a file,
            # and it is written again from the cache on every load (never a stale copy)
            target = inside(quarantine_dir, quarantine_dir / f"{kind}__{stem}__{sha[:8]}.csv")
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                f.write(codecs.BOM_UTF8)
                pacsv.write_csv(csv_safe_table(rows), f)
            tmp.replace(target)
            paths.append(str(target))
    report.quarantine_paths = paths
    report.quarantine_path = paths[0] if paths else None
    if report.returns is not None:
        report.returns["quarantine_paths"] = [p for p in paths if "/returns__" in p]


def load_orders(con, path, **kwargs) -> LoadReport:
    """Stage the orders export(s) (and returns_path) as view `order_lines`."""
    return load(con, "orders", path, **kwargs)


def customers_mapping(mapping: str | dict, orders: LoadReport) -> str | dict:
    """The mapping for the customers export: the one the orders were read with."""
    if isinstance(mapping, str) and mapping == "auto":
        return orders.mapping
    return mapping


def load_customers(con, path, **kwargs) -> LoadReport:
    """Stage the customers export as view `customers` (one row per customer_id)."""
    kwargs.pop("returns_path", None)
    return load(con, "customers", path, **kwargs)


CAMPAIGN_FILES = {
    "campaigns": ["campaign_id", "name", "channel", "target", "start_date", "attribution_days",
                  "cost_per_message"],
    "campaign_sends": ["campaign_id", "customer_id", "channel", "sent_at", "status", "cost",
                       "opened", "interacted"],
    "campaign_holdout": ["campaign_id", "customer_id"],
}


def read_raw(path: Path, *, encoding: str = "utf-8") -> pa.Table:
    """A small file (campaign logs) as text columns with `source_line`."""
    path = Path(path)
    _check_file(path)
    with tempfile.TemporaryDirectory() as tmp:
        raw = _to_parquet(path, path.name, Path(tmp) / "raw.parquet", encoding=encoding)
        table = pq.read_table(raw.parquet)
    names = _unique_headers([h.strip() for h in raw.headers])
    return table.rename_columns(names + ["source_file", "source_line"]).drop(["source_file"])


def load_campaign_files(con, *, campaigns_path, sends_path, holdout_path,
                        spark=None) -> dict[str, int]:
    """Tables campaigns, campaign_sends, campaign_holdout from their CSV files (exact columns).
    With a SparkSession they are typed on Spark (the same rows; views of `con` over Spark's
    Parquet parts in a temporary folder that lives as long as `con`'s process)."""
    counts = {}
    raws = {}
    for table, path in (("campaigns", campaigns_path), ("campaign_sends", sends_path),
                        ("campaign_holdout", holdout_path)):
        path = resolve(path)
        raw = read_raw(path)
        missing = [c for c in CAMPAIGN_FILES[table] if c not in raw.column_names]
        if missing:
            raise IngestError(f"{path.name}: missing column(s) {missing}; {table}.csv needs "
                              f"exactly {CAMPAIGN_FILES[table]}")
        raws[table] = raw.select(CAMPAIGN_FILES[table] + ["source_line"])
        counts[table] = raw.num_rows
    if spark is not None:
        # a results folder of this process, as SparkEngine's: swept once the process is gone
        work = spark_models.run_folder(DATA_PROCESSED / "spark")
        work.mkdir(parents=True)
        with spark_staging.SparkStager(spark, work) as stager:
            for table, raw in raws.items():
                spark_models.register(spark, f"raw_{table}", raw)
            for table in raws:
                stager.stage(con, f"stg_{table}", table, {})
        return counts
    for table, raw in raws.items():
        con.register("raw_source", raw)
        con.execute(f"create or replace temp table raw_{table} as select * from raw_source")
        con.unregister("raw_source")
    _ensure_macros(con)
    db.stage(con, "stg_campaigns", into="campaigns")
    db.stage(con, "stg_campaign_sends", into="campaign_sends")
    db.stage(con, "stg_campaign_holdout", into="campaign_holdout")
    return counts


def check_export(path, *, mapping="auto", returns_path=None, encoding="utf-8", shop_tz=
                 "Asia/Ho_Chi_Minh", date_order=None, decimal_mark=None) -> LoadReport:
    """Load an export into a throw-away cache and report what was detected (make check-export)."""
    con = db.connect()
    with tempfile.TemporaryDirectory() as tmp:
        report = load(con, "orders", path, mapping=mapping, returns_path=returns_path,
                      encoding=encoding, shop_tz=shop_tz, date_order=date_order,
                      decimal_mark=decimal_mark, use_cache=False, cache_dir=Path(tmp) / "cache",
                      quarantine_dir=QUARANTINE_DIR / "check")
    con.close()
    return report


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:
        parser = argparse.ArgumentParser(prog="make check-export FILE=…",
                                         description="What the workbook detects in an export.")
        parser.add_argument("path", help="the orders export: a file, a folder or a glob")
        parser.add_argument("--mapping", default="auto")
        parser.add_argument("--returns", default=None)
        parser.add_argument("--encoding", default="utf-8")
        parser.add_argument("--date-order", default=None)
        parser.add_argument("--decimal-mark", default=None)
        args = parser.parse_args(argv[1:])
        try:
            report = check_export(args.path, mapping=args.mapping, returns_path=args.returns,
                                  encoding=args.encoding, date_order=args.date_order,
                                  decimal_mark=args.decimal_mark)
        except (IngestError, MappingError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        print(report.check_text())
        return
    parser = argparse.ArgumentParser(description="Stage shop exports and report what was loaded.")
    parser.add_argument("--orders", default=str(DATA_RAW / "orders.csv"))
    parser.add_argument("--customers", default=str(DATA_RAW / "customers.csv"))
    parser.add_argument("--returns", default=None)
    parser.add_argument("--mapping", default="auto")
    parser.add_argument("--drop-duplicates", action="store_true")
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args(argv)
    con = db.connect()
    mapping = args.mapping
    for kind, path in (("orders", args.orders), ("customers", args.customers)):
        try:
            report = load(con, kind, path, mapping=mapping,
                          returns_path=args.returns if kind == "orders" else None,
                          drop_duplicates=args.drop_duplicates, encoding=args.encoding)
            mapping = customers_mapping(mapping, report)
        except (IngestError, MappingError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        print(report.check_text() if kind == "orders" else report.summary())
        if report.from_cache:
            print("  (from the staging cache)")


if __name__ == "__main__":
    main()
