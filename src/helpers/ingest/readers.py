"""Each export file streamed to a Parquet file of text columns with its file and line: CSV
(pyarrow), XLSX (python-calamine, in ingest.sheets), Parquet (typed columns kept, ingest.typed).
No step holds a whole file in Python memory."""

from __future__ import annotations

import codecs
import csv
import itertools
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from helpers.core.errors import IngestError
from helpers.core.files import WORKBOOK_SUFFIXES, file_label
from helpers.core.safety import (
    map_in_processes,
    usable_cores,
)
from helpers.ingest import lines, sheets, typed
from helpers.ingest.file_checks import check_first_sheet
from helpers.ingest.files_read import (  # noqa: F401  (RawFile, BATCH_ROWS: read from here too)
    BATCH_ROWS,
    TITLE_ROWS_LOOKED_AT,
    RawFile,
    title_note,
    title_rows,
)
from helpers.ingest.mappings import (
    header_key,
)

# ---------------------------------------------------------------- streaming files to text Parquet


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


def check_file(path: Path) -> None:
    if not path.exists():
        raise IngestError(f"{path}: file not found. Put the shop export there or set the path "
                          f"parameter (orders_path / customers_path / returns_path) to where it is.")
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty (0 bytes). Export it again from the shop "
                          f"system; a file with only a header row is accepted and loads 0 rows.")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        why = exc.strerror or "an error of the disk or the share"
        raise IngestError(f"{path.name}: the file cannot be read ({why}). Check that it is "
                          f"readable, not locked, and not on a share that is gone.") from None


def _writer_for(target: Path, width: int, types=None) -> tuple[pa.Schema, pq.ParquetWriter]:
    schema = pa.schema([(f"c{i}", (types or {}).get(i, pa.string())) for i in range(width)]
                       + [("source_file", pa.string()), ("source_line", pa.int64())])
    # a scratch file read once by the staging model: fast to write beats small
    return schema, pq.ParquetWriter(target, schema, compression="snappy")


def _write_batches(target: Path, label: str, width: int, batches, first_line: int,
                   lines_for=None, numbering=None, types=None) -> int:
    """Write text batches (lists of columns) with their file and line; returns the row count.

    lines_for(n) gives the line numbers of the next n rows when some lines were skipped;
    numbering(columns) the start lines of a batch's rows (a CSV's lines.LineCounter)."""
    schema, writer = _writer_for(target, width, types)
    line = first_line
    count = 0
    try:
        for columns in batches:
            n = len(columns[0]) if columns else 0
            if n == 0:
                continue
            if numbering is not None:
                numbers = pa.array(numbering(columns), pa.int64())
            elif lines_for is None:
                numbers = pa.array(np.arange(line, line + n, dtype=np.int64))
            else:
                numbers = pa.array(lines_for(n), pa.int64())
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
    lines = text.splitlines()[:TITLE_ROWS_LOOKED_AT + 1]
    if not text.strip():
        raise IngestError(f"{path.name}: no header row. The first line must name the columns.")
    # a title above the header (one filled field) is skipped when a header follows
    delimiter = _sniff_delimiter(next((ln for ln in lines if ln.strip()), lines[0]))
    parsed = [next(csv.reader([ln], delimiter=delimiter), []) for ln in lines]
    skipped = title_rows(parsed)
    if skipped and delimiter != _sniff_delimiter(lines[skipped]):
        delimiter = _sniff_delimiter(lines[skipped])
        parsed = [next(csv.reader([ln], delimiter=delimiter), []) for ln in lines]
        skipped = title_rows(parsed)
    first_line = lines[skipped]
    if not first_line.strip():
        raise IngestError(f"{path.name}: no header row. The first line must name the columns.")
    if skipped:
        notes.append(title_note(path, skipped))
    headers = next(csv.reader([first_line], delimiter=delimiter))
    return headers, delimiter, read_as, notes, skipped


def _csv_to_parquet(path: Path, label: str, target: Path, *, encoding: str) -> RawFile:
    headers, delimiter, arrow_encoding, notes, skipped = _csv_header(path, encoding=encoding)
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
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1 + skipped,
                                           block_size=1 << 24,
                                           encoding=arrow_encoding, use_threads=threads),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=skip,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False),
        )
        for batch in reader:
            yield [batch.column(i) for i in range(width)]

    file_lines = lines.scan(path, delimiter, arrow_encoding)
    if file_lines.inner:
        lines.check_quotes(path, headers, delimiter, arrow_encoding)
    if file_lines.lines <= 1 + skipped:
        # the header alone (with or without a last line break): 0 rows, as the parser cannot
        # skip a header that does not end in a line break
        _write_batches(target, label, width, [], first_line=2 + skipped)
        counter = lines.LineCounter(path, headers, delimiter, file_lines, 2 + skipped)
        return RawFile(path, label, headers, target, 0, notes=notes,
                       lines=counter.account(1 + skipped))

    def convert(threads: bool) -> tuple[int, list, lines.LineCounter]:
        bad: list = []
        # the threaded reader does not number the rows it sets aside: when there are some, the
        # file is read again in one thread, and only that reading places them
        counter = lines.LineCounter(path, headers, delimiter, file_lines, 2 + skipped,
                                    [] if threads else bad,
                                    records=None if threads else _skipping(2 + skipped, bad))
        count = _write_batches(target, label, width, read(threads, bad), first_line=2 + skipped,
                               numbering=counter.numbers)
        return count, bad, counter

    try:
        rows, bad, counter = convert(True)
        if bad:
            # rows with another number of fields are set aside; read again in one thread, which
            # tells their record numbers, so every other row keeps its own line
            rows, bad, counter = convert(False)
        counter.finish()
        accounted = counter.account(1 + skipped)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        message = str(exc)
        if isinstance(exc, UnicodeDecodeError) or "utf8" in message.lower():
            raise IngestError(_encoding_message(path, head)) from None
        # the parser's message may end with the row's text: customer data never goes to a log
        reason = ": ".join(message.splitlines()[0].split(": ")[:2])
        raise IngestError(f"{path.name}: not a readable CSV ({reason}). Check the delimiter and "
                          f"quoting.") from None
    except IngestError:
        target.unlink(missing_ok=True)
        raise
    if accounted["lines_in_quoted_values"]:
        inside = accounted["lines_in_quoted_values"]
        notes.append(f"{path.name}: {inside:,} line break{'s' if inside > 1 else ''} inside "
                     f"quoted values (multi-line notes or addresses) read as part of their rows; "
                     f"every row keeps the line it starts on")
    raw = RawFile(path, label, headers, target, rows, bad_rows=bad, notes=notes,
                  lines=accounted)
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


def _parquet_file(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError):
        raise IngestError(f"{path.name}: not a readable Parquet file (damaged, truncated, or not "
                          f"Parquet at all). Export it again.") from None


def _parquet_to_parquet(path: Path, label: str, target: Path) -> RawFile:
    source = _parquet_file(path)
    headers = list(source.schema_arrow.names)

    for name, kind in zip(headers, source.schema_arrow.types):
        if pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            raise IngestError(f"{path.name}: column {name!r} holds {kind}, not text, numbers or "
                              f"dates. Export it as text, or leave it out of the file.")

    # whole numbers, decimals, dates and timestamps without a zone stay typed (ingest.typed)
    kinds = [typed.kind_of(t) for t in source.schema_arrow.types]
    types = {i: typed.kept_type(t, k)
             for i, (t, k) in enumerate(zip(source.schema_arrow.types, kinds)) if k}

    if _copy_in_duckdb(path, label, target, source.schema_arrow.types, kinds):
        return RawFile(path, label, headers, target, source.metadata.num_rows, kinds=kinds)

    def batches():
        for batch in source.iter_batches(batch_size=BATCH_ROWS):
            yield [typed.kept(batch.column(i), kinds[i]) if kinds[i] else
                   _as_text(batch.column(i)) for i in range(len(headers))]

    try:
        rows = _write_batches(target, label, len(headers), batches(), first_line=1, types=types)
    except (pa.ArrowException, OSError):
        raise IngestError(f"{path.name}: the Parquet file is damaged: its data could not be "
                          f"read to the end. Export it again.") from None
    return RawFile(path, label, headers, target, rows, kinds=kinds)


def _is_text(arrow_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)


def _copy_in_duckdb(path: Path, label: str, target: Path, types: list, kinds: list[str]) -> bool:
    """The file as read (what the batch loop below writes, value for value and type for type),
    copied by DuckDB on every core, when each column is text or a typed kind DuckDB reads and
    writes as the loop keeps it (whole numbers, decimal128, dates, timestamps without a zone in
    micro- or nanoseconds). Columns are renamed by position, so any header works. False
    (nothing written) for any other column, or when DuckDB cannot read the file (text that is
    not UTF-8, damage): the batch loop reads it, and says what is wrong."""
    if not types or not all(_is_text(t) if not k else not pa.types.is_decimal256(t) and (
            k != "timestamp" or t.unit in ("us", "ns")) for t, k in zip(types, kinds)):
        return False  # (seconds and milliseconds: DuckDB writes microseconds, pyarrow kept them)
    # nanoseconds cut toward zero as pyarrow's cast does (DuckDB's cast rounds them)
    columns = [(f"make_timestamp(epoch_ns(c{i}) // 1000)" if t.unit == "ns"
                else f"cast(c{i} as timestamp)") + f" as c{i}" if k == "timestamp" else f"c{i}"
               for i, (t, k) in enumerate(zip(types, kinds))]
    aliases = ", ".join([f"c{i}" for i in range(len(kinds))] + ["row_number_in_file"])
    # (a copy streams: a row group at a time per core)
    con = duckdb.connect(config={"memory_limit": "1GB"})
    try:
        con.execute(
            f"copy (select {', '.join(columns)}, ?::varchar as source_file, "
            f"row_number_in_file + 1 as source_line "
            f"from read_parquet(?, file_row_number = true) as raw({aliases})) "
            f"to '{str(target).replace(chr(39), chr(39) * 2)}' "
            f"(format parquet, compression snappy)", [label, str(path)])
    except duckdb.Error:
        target.unlink(missing_ok=True)
        return False
    finally:
        con.close()
    return True


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_large_string(column.type) or pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        # a moment (timestamp with a zone) is written as UTC with its offset: staging turns it
        # into the shop's local time (shop_tz, or the mapping's timezone) before taking a date,
        # as it does for text with an offset; 01:30 on 1 November in Vietnam stays 1 November
        utc = column.cast(pa.timestamp("s", tz="UTC"), safe=False)
        return pc.strftime(utc, format="%Y-%m-%d %H:%M:%S+00:00")
    if pa.types.is_timestamp(column.type):
        # no zone (what pandas' to_parquet writes): the shop's own time, as written. In whole
        # seconds: strftime's %S on ns/ms/us carries the fraction ('01:30:00.000000000'),
        # which staging does not read as a date
        seconds = column.cast(pa.timestamp("s"), safe=False)
        return pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_date64(column.type):
        return column.cast(pa.date32()).cast(pa.string())
    return column.cast(pa.string())


def excel_column(values: tuple, long_numbers: list[int]):
    """ingest.sheets.excel_column: one column of sheet cells as text."""
    return sheets.excel_column(values, long_numbers)


def excel_text(value) -> str | None:
    """ingest.sheets.excel_text: one sheet cell as text."""
    return sheets.excel_text(value)


def to_parquet(path: Path, label: str, target: Path, *, encoding: str,
               cells: bool = False) -> RawFile:
    """One file as read. `cells`: a workbook's date and number cells kept beside their text
    (ingest.sheets; what staging reads), else its text alone (small files: campaign logs)."""
    check_file(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        raw = _parquet_to_parquet(path, label, target)
    elif suffix in WORKBOOK_SUFFIXES:
        raw = sheets.xlsx_to_parquet(path, label, target, cells=cells)
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


def to_parquet_each(jobs: list[tuple], encoding: str) -> list:
    """to_parquet for each (path, label, target) in turn; a file's error takes its place."""
    out = []
    for path, label, target in jobs:
        try:
            out.append(to_parquet(path, label, target, encoding=encoding, cells=True))
        except Exception as exc:  # noqa: BLE001 - returned, raised by convert_all in file order
            out.append(exc)
    return out


def convert_all(files: list[Path], work: Path, *, encoding: str,
                 prefix: str = "raw") -> list[RawFile]:
    """Every input file as text Parquet (work/<prefix>-<i>.parquet), in the files' order.

    Reading a workbook is Python work on one core (python-calamine hands over each cell), while
    CSV and Parquet already use every core. So several workbooks (a shop's monthly XLSX files) are
    converted side by side, one process per core (safety.map_in_processes), each holding one
    sheet at a time; the first file's error, in the files' order, is the one raised, as when
    they are read one by one. The other files are read here, after the workbooks."""
    return convert_jobs([(f, file_label(f, files), work / f"{prefix}-{i}.parquet")
                         for i, f in enumerate(files)], encoding=encoding)


def convert_jobs(jobs: list[tuple], *, encoding: str) -> list[RawFile]:
    """convert_all over (path, label, target) jobs: the files a staging has not seen before
    (ingest.file_cache), under the labels they have among all the files of the export."""
    books = [job for job in jobs if job[0].suffix.lower() in WORKBOOK_SUFFIXES]
    workers = min(len(books), usable_cores())
    if workers < 2:
        return [to_parquet(f, label, target, encoding=encoding, cells=True)
                for f, label, target in jobs]
    # one process per core, converting every workers-th workbook in turn (a process costs about
    # a second of imports)
    groups = map_in_processes("helpers.ingest.readers:to_parquet_each",
                              [{"jobs": books[w::workers], "encoding": encoding}
                               for w in range(workers)], workers, return_exceptions=True)
    converted = {}
    for w, group in enumerate(groups):
        for job, raw in zip(books[w::workers],
                            group if isinstance(group, list) else [group] * len(books)):
            converted[job] = raw
    raws = []
    for job in jobs:
        raw = (converted[job] if job in converted
               else to_parquet(*job, encoding=encoding, cells=True))
        if isinstance(raw, Exception):
            raise raw
        raws.append(raw)
    return raws


def read_headers(path: Path, *, encoding: str) -> list[str]:
    """The header row alone (for mapping: auto)."""
    check_file(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return list(_parquet_file(path).schema_arrow.names)
    if suffix in WORKBOOK_SUFFIXES:
        top = list(itertools.islice(sheets.sheet_rows(path), TITLE_ROWS_LOOKED_AT))
        check_first_sheet(path, sum(1 for r in top for v in r if excel_text(v) not in (None, "")))
        row = top[title_rows([[excel_text(v) for v in r] for r in top])]
        return [excel_text(h) or "" for h in row]
    return _csv_header(path, encoding=encoding, check_utf8=False)[0]


def unique_headers(headers: list[str]) -> list[str]:
    """Headers usable as column names in the quarantine file (no quote, no repeats)."""
    out: list[str] = []
    for i, h in enumerate(headers):
        name = str(h).replace('"', "'").strip() or f"column_{i + 1}"
        while name in out or name in ("source_file", "source_line", "reject_reason"):
            name += "_"
        out.append(name)
    return out
