"""Every line of a CSV accounted for. The parser makes records; the file has lines. A record is
one line, or more when a quoted value holds line breaks (a Shopify note), so

    lines of the file = header and title lines + records + lines inside quoted values

where blank lines are records (set aside as empty_row). The file's lines are counted from its
bytes, the lines inside quoted values from the values the parser made; a difference stops the
load. So does a value that runs over more than MAX_RECORD_LINES lines, or any value with a line
break in an export that otherwise never closes a quote: that is a stray `"` at the start of a
field (`"POS`), which made the parser read the following lines into one value. Every record
gets the line it starts on, so line numbers stay right after a multi-line value. Messages name
the file, the line and the column, never what the row holds.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.core.errors import IngestError

# a record spread over more lines than this is a quote that never closed, not a note: Shopify's
# Note Attributes hold a few lines, an address two or three
MAX_RECORD_LINES = 50
SCAN_BYTES = 1 << 24


@dataclass
class FileLines:
    """What the bytes say: physical lines, and whether the export closes quotes anywhere."""

    lines: int = 0
    quotes: int = 0  # > 0 when the file has a '"'
    closed: int = 0  # > 0 when a quote is followed by the delimiter, a line break or the end
    lone_cr: int = 0  # '\r' not followed by '\n': a line break to the parser as well
    counted: bool = True  # whether the lines were counted (always, UTF-16/32 as UTF-8)
    opened: int = 0  # quotes at the start of a field: the quoted values, near enough
    inner: bool = False  # a quote between two characters of a field: a stray, or text (55")


def _utf8_chunks(path: Path, encoding: str):
    """The file's bytes in chunks; UTF-16/32 re-encoded as UTF-8 (as the CSV parser reads it),
    so its lines and quotes are counted the same way as any other file's."""
    wide = encoding.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32"))
    if not wide:
        with open(path, "rb") as f:
            yield from iter(lambda: f.read(SCAN_BYTES), b"")
        return
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        first = True
        for text in iter(lambda: f.read(SCAN_BYTES // 4), ""):
            yield (text.lstrip("\ufeff") if first else text).encode("utf-8")
            first = False


def _quote_places(data: bytes, skip: int, delimiter: str) -> tuple[int, bool]:
    """In numpy (a quoting export has a quote every few bytes): how many quotes after the first
    `skip` bytes open a field (after a line break or the delimiter), and whether one sits
    between two characters of a field (neither side a quote, the delimiter or a line break)."""
    a = np.frombuffer(data, np.uint8)
    at = np.flatnonzero(a == 34)
    at = at[(at >= max(skip, 1)) & (at < len(a) - 1)]
    if not at.size:
        return 0, False
    edge = np.zeros(256, bool)  # a lookup table: faster than np.isin on millions of quotes
    edge[[10, 13, ord(delimiter) & 0xFF]] = True
    field = ~edge
    field[34] = False
    before, after = a[at - 1], a[at + 1]
    opened = int(edge[before].sum())
    return opened, bool((field[before] & field[after]).any())


def scan(path: Path, delimiter: str, encoding: str) -> FileLines:
    """Physical lines of a CSV (\\n, \\r\\n or a lone \\r ends a line; a last line without a
    line break counts), in one pass over its bytes. bytes.count runs at memory speed. Quotes:
    whether one closes anywhere, how many open a field (quoted values), and whether one sits
    between two characters of a field (`"KH00"10195"`, checked by check_quotes)."""
    found = FileLines()
    d = re.escape(delimiter.encode())
    closing = re.compile(b'"(?:' + d + b'|\r|\n)')
    previous = b""
    start = True
    for chunk in _utf8_chunks(path, encoding):
        if start:
            start = False
            body = chunk[3:] if chunk.startswith(b"\xef\xbb\xbf") else chunk
            found.opened += body.startswith(b'"')
        found.lines += chunk.count(b"\n")
        if b"\r" in chunk:
            found.lone_cr += chunk.count(b"\r") - chunk.count(b"\r\n")
            if chunk.endswith(b"\r"):
                found.lone_cr -= 1  # decided with the next chunk's first byte
        if previous[-1:] == b"\r" and not chunk.startswith(b"\n"):
            found.lone_cr += 1
        if b'"' in chunk or previous[-1:] == b'"':
            joined = previous + chunk
            opened, stray = _quote_places(joined, max(len(previous) - 1, 0), delimiter)
            found.opened += opened
            found.inner = found.inner or stray
            if not found.closed:
                found.quotes += 1
                found.closed += bool(closing.search(joined))
        previous = chunk[-2:]
    if previous[-1:] == b"\r":
        found.lone_cr += 1  # the file's last byte: a '\r' no '\n' follows
    if previous[-1:] == b'"':
        found.closed += 1
    found.lines += found.lone_cr
    if previous and previous[-1:] not in (b"\n", b"\r"):
        found.lines += 1
    return found


_BREAK = re.compile(b"\n")
_CR = re.compile(b"\r")


def line_breaks(column: pa.Array, lone_cr: bool) -> np.ndarray | None:
    """Line breaks inside each value of a text column, or None when it has none: the values'
    bytes are searched first (memchr speed), and counted per value only when one is there."""
    buffers = column.buffers()
    data = buffers[2] if len(buffers) > 2 else None
    if data is None or not data.size:
        return None
    view = memoryview(data)
    if not _BREAK.search(view) and not (lone_cr and _CR.search(view)):
        return None
    count = pc.count_substring(column, "\n")
    if lone_cr:
        count = pc.add(count, pc.subtract(pc.count_substring(column, "\r"),
                                          pc.count_substring(column, "\r\n")))
    return count.to_numpy(zero_copy_only=False).astype(np.int64)


def text_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


@dataclass
class LineCounter:
    """The start line of each record, and the accounting, while a CSV's batches are written.

    `records(n)` gives the record numbers of the next n good rows (as the parser counts them,
    header first: the rows it set aside are left out); `bad` is the parser's list of rows it
    set aside, [record number, text, fields], in order."""

    path: Path
    headers: list[str]
    delimiter: str
    file: FileLines
    first_record: int
    bad: list = field(default_factory=list)
    records: object = None
    inside: int = 0  # lines inside quoted values so far (records before the next one)
    multiline: int = 0  # values with line breaks so far
    rows: int = 0
    _bad_done: int = 0
    _bad_lines: dict = field(default_factory=dict)

    def numbers(self, columns: list[pa.Array]) -> np.ndarray:
        """The start lines of the next batch's rows (and of the set-aside rows before them)."""
        n = len(columns[0])
        record = (np.arange(self.first_record + self.rows, self.first_record + self.rows + n)
                  if self.records is None else np.asarray(self.records(n), np.int64))
        self.rows += n
        extra = np.zeros(n, np.int64)
        widest = np.zeros(n, np.int64)  # the column with the most line breaks, per row
        suspect = None  # (row, column, why) of the first value that swallowed lines
        if self.file.quotes or not self.file.counted:
            best = np.zeros(n, np.int64)
            for i, column in enumerate(columns):
                breaks = line_breaks(column, self.file.lone_cr > 0)
                if breaks is None:
                    continue
                extra += breaks
                widest = np.where(breaks > best, i, widest)
                best = np.maximum(best, breaks)
                found = self._swallowed(column, breaks)
                if found is not None and (suspect is None or found[0] < suspect[0]):
                    suspect = (found[0], i, found[1])
        # rows the parser set aside up to this batch's last record join the count in order
        last = record[-1] if n else None
        pending = []
        while self._bad_done < len(self.bad) and (last is None or
                                                  self.bad[self._bad_done][0] < last):
            pending.append(self._bad_done)
            self._bad_done += 1
        lines = self._place(record, extra, pending)
        self._check(lines[:n], extra, widest)
        if suspect is not None:
            k, column, why = suspect
            self._stop(int(lines[k]), column, int(extra[k]) + 1, why=why)
        return lines[:n]

    def _swallowed(self, column: pa.Array, breaks: np.ndarray) -> tuple[int, str] | None:
        """The first value with line breaks that is a stray quote's catch, not a note: one of
        its lines holds a whole row (as many delimiters as the header), or it holds the
        delimiter in a file that quotes no other value (an export that does not quote, where a
        `"POS` opened mid-file and a `POS"` some lines below closed it). A note over a few lines
        in an export that quotes (Shopify's Note Attributes), with commas or not, loads."""
        rows = np.flatnonzero(breaks)
        self.multiline += len(rows)
        whole = max(len(self.headers) - 1, 2)
        for k, value in zip(rows, column.take(pa.array(rows)).to_pylist()):
            if self.delimiter not in value:
                continue
            parts = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if any(part.count(self.delimiter) >= whole for part in parts[1:]):
                return int(k), (f"a line inside it holds a whole row ({whole + 1} fields), so "
                                f"the quote mark is a stray one, not a quoted value")
            if self.file.opened <= self.multiline:
                return int(k), ("the file quotes no other value, and this one holds line breaks "
                                "and the delimiter, so its quote mark is a stray one")
        return None

    def finish(self) -> None:
        """Set-aside rows after the last batch, then the file's lines against the records."""
        pending = list(range(self._bad_done, len(self.bad)))
        self._bad_done = len(self.bad)
        self._place(np.empty(0, np.int64), np.empty(0, np.int64), pending)
        # the set-aside rows keep the line they start on (the reader numbered records)
        for k, line in self._bad_lines.items():
            self.bad[k] = (line, *self.bad[k][1:])

    def _place(self, record, extra, pending) -> np.ndarray:
        if not pending and not extra.any():  # the usual batch: one line per record
            return record + self.inside
        bad_record = np.array([self.bad[k][0] for k in pending], np.int64)
        bad_extra = np.array([text_breaks(self.bad[k][1]) for k in pending], np.int64)
        every = np.concatenate([record, bad_record])
        more = np.concatenate([extra, bad_extra])
        order = np.argsort(every, kind="stable")
        before = np.empty_like(more)
        before[order] = self.inside + np.cumsum(more[order]) - more[order]
        lines = every + before
        self.inside += int(more.sum())
        for j, k in enumerate(pending):
            start = int(lines[len(record) + j])
            span = int(bad_extra[j]) + 1
            self._bad_lines[k] = start
            if span > 1:
                self._stop(start, self._bad_column(k), span)
        return lines

    def _bad_column(self, k: int) -> int | None:
        """The field a set-aside row's quote opened in: the last field of its first line."""
        first = self.bad[k][1].replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
        try:
            fields = next(csv.reader([first], delimiter=self.delimiter), [])
        except csv.Error:
            return None
        return len(fields) - 1 if fields else None

    def _check(self, lines: np.ndarray, extra: np.ndarray, widest: np.ndarray) -> None:
        if not extra.size or not extra.max():
            return
        if self.file.counted and not self.file.closed:
            k = int(np.flatnonzero(extra)[0])
        elif extra.max() + 1 > MAX_RECORD_LINES:
            k = int(np.flatnonzero(extra + 1 > MAX_RECORD_LINES)[0])
        else:
            return
        self._stop(int(lines[k]), int(widest[k]), int(extra[k]) + 1)

    def _stop(self, line: int, column: int | None, span: int, why: str = "") -> None:
        if (not why and not (self.file.counted and not self.file.closed)
                and span <= MAX_RECORD_LINES):
            return  # a quoted value over a few lines, in an export that quotes: a note
        name = (f"the field '{self.headers[column]}' (column {column + 1})"
                if column is not None and 0 <= column < len(self.headers)
                else "a field")
        why = why or ("the file never closes a quote anywhere, so this is a stray quote mark, "
                      "not a quoted value" if self.file.counted and not self.file.closed else
                      f"no value in an export runs over more than {MAX_RECORD_LINES} lines")
        raise IngestError(
            f"{self.path.name}, line {line:,}: {name} begins with a quote mark (\") that does "
            f"not close on its line, and the reader took the next "
            f"{'line' if span == 2 else f'{span - 1:,} lines'} into that "
            f"one field ({why}). Nothing was loaded: remove the stray quote at line {line:,} "
            f"(or quote the whole field and double the quote inside it: \"\"), or export the "
            f"file again.")

    def account(self, header_lines: int) -> dict:
        """The file's lines against header lines + records + lines inside quoted values."""
        records = self.rows + len(self.bad)
        total = header_lines + records + self.inside
        if self.file.counted and total != self.file.lines:
            raise IngestError(
                f"{self.path.name}: the file has {self.file.lines:,} lines, but the reader made "
                f"{records:,} rows of them (plus {header_lines} header line"
                f"{'s' if header_lines > 1 else ''} and {self.inside:,} lines inside quoted "
                f"values): {abs(self.file.lines - total):,} lines are not accounted for. A quote "
                f"mark that never closes (often on the last lines) or a damaged file is the "
                f"usual cause; nothing was loaded. Check the quoting, or export the file again.")
        return {"lines": self.file.lines if self.file.counted else None,
                "header_lines": header_lines, "records": records,
                "lines_in_quoted_values": self.inside}


def check_quotes(path: Path, headers: list[str], delimiter: str, encoding: str) -> None:
    """A quote mark inside a quoted field that neither ends the field nor is doubled
    (`"KH00"10195"`, `"cance"lled"`) stops, naming the line and the column. The CSV parser
    would close the quote there and read on, making `KH0010195"` and `cancelled"` (a cancelled
    order counted as revenue) without a word. Called only when scan found a quote between two
    characters of a field; Python's csv reader in strict mode then says whether one is inside a
    quoted field (an error) or is text in an unquoted one (`55" TV`, read as written)."""
    last = [""]

    def physical(f):
        for text in f:
            last[0] = text
            yield text

    python_encoding = "utf-8-sig" if encoding.lower() in ("utf8", "utf-8") else encoding
    with open(path, encoding=python_encoding, errors="replace", newline="") as f:
        reader = csv.reader(physical(f), delimiter=delimiter, strict=True)
        try:
            for _ in reader:
                pass
            return
        except csv.Error:
            line = reader.line_num
    text = last[0].lstrip("\ufeff")
    d = re.escape(delimiter)
    stray = re.search(f'[^"\r\n{d}]"[^"\r\n{d}]', text)
    column = None
    if stray is not None:
        before = next(csv.reader([text[:stray.start() + 1]], delimiter=delimiter), [])
        column = len(before) - 1 if before else None
    name = (f"the field '{headers[column]}' (column {column + 1})"
            if column is not None and 0 <= column < len(headers) else "a field")
    raise IngestError(
        f"{path.name}, line {line:,}: {name} is quoted, and holds a quote mark (\") that neither "
        f"ends it nor is doubled (\"\"); read as it stands, the value would lose its quote and "
        f"run on (a status 'cance\"lled' would become another status). Nothing was loaded: "
        f"double the quote mark inside the field (\"\"), remove it, or export the file again.")
