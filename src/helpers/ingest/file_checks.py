"""What is wrong with an input file, said in words before a parser meets it: a workbook that is
not one (an HTML page, a password-protected or truncated file), XML with entity declarations, a
sheet whose cells reach far beyond its data (the reader would size it by its corners), a link in
a folder export whose target is missing. Nothing here reads a cell's value into a message."""

from __future__ import annotations

import glob
import re
import zipfile
from pathlib import Path

import numpy as np

from helpers.core.errors import IngestError
from helpers.core.files import SUPPORTED_SUFFIXES
from helpers.core.paths import PROJECT_ROOT, resolve

# python-calamine holds a sheet as one rectangle from its first to its last used cell, 32 bytes
# a cell whether it is filled or not, and hands every row over as Python objects: one cell at
# XFD1048576 asks for 512 GiB, one at XFD1 over 200 rows took 29 s and 970 MB. A sheet whose
# rectangle is larger than SHEET_CELLS_FREE is read only when the rectangle is at most
# SHEET_SPARSENESS times the cells the file really holds (an export's rows are filled; a
# tenth filled is already a sparse sheet, and a wide real export stays well under 20 times).
SHEET_CELLS_FREE = 1_000_000
SHEET_SPARSENESS = 20
CALAMINE_CELL_BYTES = 32

# A zip bomb: a part that inflates far beyond what an export holds. Real exports compress ~10-20x
# (a sheet of numbers and text; a very repetitive one perhaps 50-100x); whitespace or one
# repeated cell compresses ~1000x. A part over PART_RATIO times its compressed size AND over
# PART_BYTES is refused, and so is a workbook whose parts declare more than TOTAL_BYTES in all:
# Excel's largest sheet (1,048,576 rows by ~60 text columns) is a few GB of XML, and the reader
# would hold it in memory. Both read from the zip's directory, before anything is inflated.
PART_RATIO = 200
PART_BYTES = 200 * 2**20
TOTAL_BYTES = 8 * 2**30

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_CELL_REF = np.frombuffer(b'<c r="', np.uint8)


def _first_bytes(path: Path, n: int = 512) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def check_workbook(path: Path) -> None:
    """Stop, in words naming the file, when an .xlsx/.xlsm/.xls cannot be a readable workbook,
    or when its first sheet would need memory far beyond its cells."""
    head = _first_bytes(path)
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if suffix == ".xls":
            return  # the old binary format is an OLE file: python-calamine reads it
        if not _encrypted(path):
            raise IngestError(f"{path.name}: not read: it is an old binary Excel workbook (.xls, "
                              f"Excel 97-2003) named {path.suffix}. Open it in Excel and save it "
                              f"as .xlsx (File > Save As > Excel Workbook), or rename it to "
                              f".xls, or export the data as CSV.")
        raise IngestError(f"{path.name}: not a readable Excel workbook: it is "
                          f"password-protected (encrypted). Excel saves a protected workbook as "
                          f"an encrypted container, which cannot be read without the password. "
                          f"Open it in Excel, remove the password (File > Info > Protect "
                          f"Workbook), save it and try again.")
    if suffix == ".xls":
        if not head.startswith(ZIP_MAGIC):  # an .xlsx named .xls is checked as one
            raise IngestError(_not_a_workbook(path, head))
    elif not head.startswith(ZIP_MAGIC):
        raise IngestError(_not_a_workbook(path, head))
    try:
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
            _check_inflation(path, book)
            if "xl/workbook.xml" not in names:
                raise IngestError(f"{path.name}: not a readable Excel workbook: a zip file "
                                  f"without xl/workbook.xml. Export the file again as .xlsx or CSV.")
            for name in sorted(names):
                if name.endswith((".xml", ".rels")):
                    _check_prolog(path, book, name)
            sheet = _first_sheet_part(book, names)
            if sheet is not None:
                _check_sheet_size(path, book, sheet)
    except zipfile.BadZipFile:
        raise IngestError(_truncated(path)) from None
    except (EOFError, OSError, zipfile.LargeZipFile, NotImplementedError, ValueError) as exc:
        if isinstance(exc, IngestError):
            raise
        raise IngestError(_truncated(path)) from None


def _check_inflation(path: Path, book: zipfile.ZipFile) -> None:
    """Refuse, before inflating anything, a part whose declared size is absurd for the file."""
    parts = book.infolist()
    total = sum(p.file_size for p in parts)
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > PART_BYTES and ratio > PART_RATIO:
            raise IngestError(
                f"{path.name}: not read: the workbook's part {part.filename} unpacks from "
                f"{part.compress_size / 2**20:,.1f} MB to {part.file_size / 2**20:,.0f} MB "
                f"({ratio:,.0f} times), far beyond what an export compresses (10 to 20 times); "
                f"it is mostly empty space or was made to exhaust memory. Open it in Excel and "
                f"save it again, or export the data as CSV.")
    if total > TOTAL_BYTES:
        raise IngestError(
            f"{path.name}: not read: the workbook unpacks to {total / 2**30:,.1f} GB, more than "
            f"the {TOTAL_BYTES / 2**30:,.0f} GB the largest Excel sheet needs. Export the data "
            f"as CSV (or split it by month).")


# an OLE (compound) file is either an encrypted OOXML workbook, which holds the streams
# EncryptionInfo and EncryptedPackage, or an old .xls; the directory names them in UTF-16
_ENCRYPTION_NAMES = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
OLE_LOOKED_AT = 512 * 1024


def _encrypted(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(OLE_LOOKED_AT)
    return any(name in head for name in _ENCRYPTION_NAMES)


def _truncated(path: Path) -> str:
    return (f"{path.name}: not a readable Excel workbook: it is damaged or truncated (its zip "
            f"structure is incomplete, as when a download or a copy stopped early). Export or "
            f"copy it again.")


def _not_a_workbook(path: Path, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<head", b"<meta")):
        return (f"{path.name}: not a readable Excel workbook: it is a web page (HTML) saved "
                f"with the {path.suffix} name; some shop systems' 'Export to Excel' make these. Open it "
                f"in Excel and save it as .xlsx, or export the orders as CSV.")
    return (f"{path.name}: not a readable Excel workbook: it does not begin as an .xlsx or .xls "
            f"file does. If it is a CSV, name it .csv; otherwise export it again as .xlsx or CSV.")


def _check_prolog(path: Path, book: zipfile.ZipFile, name: str) -> None:
    """Excel never writes a DOCTYPE: one declares entities (external files, or nested ones that
    multiply), which are refused before any XML parser sees them."""
    with book.open(name) as part:
        head = part.read(1 << 16)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise IngestError(f"{path.name}: not read: the workbook's XML ({name}) declares entities "
                          f"(<!DOCTYPE>), which Excel never writes; the file was made or altered "
                          f"by another tool and is not read. Open it in Excel, save it as a new "
                          f".xlsx, or export the data as CSV.")


def _first_sheet_part(book: zipfile.ZipFile, names: set[str]) -> str | None:
    """The zip member of the workbook's first sheet (the one read), from workbook.xml."""
    workbook = book.read("xl/workbook.xml").decode("utf-8", "replace")
    first = re.search(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
    rels = "xl/_rels/workbook.xml.rels"
    if first and rels in names:
        text = book.read(rels).decode("utf-8", "replace")
        for rel in re.finditer(r"<Relationship\b[^>]*>", text):
            if f'Id="{first.group(1)}"' in rel.group(0):
                target = re.search(r'Target="([^"]+)"', rel.group(0))
                if target:
                    part = target.group(1).lstrip("/")
                    part = part if part.startswith("xl/") else f"xl/{part}"
                    if part in names:
                        return part
    return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else None


def check_first_sheet(path: Path, filled: int) -> None:
    """A first sheet that is empty or holds one note (a title, 'see sheet 2') stops, naming the
    sheets that hold data: the workbook reads the first sheet only. `filled`: the cells with a
    value in the sheet's first rows, as the reader gave them."""
    if filled > 1:
        return
    first, others = sheets_with_data(path)
    sheet = f"first sheet ('{first}')" if first else "first sheet"
    what = "is empty" if not filled else "holds only one cell (a note, no header row)"
    if not others:
        raise IngestError(f"{path.name}: the {sheet} {what}; it needs a header row and the "
                          f"data below it.")
    where = ", ".join(f"'{n}'" for n in others)
    raise IngestError(
        f"{path.name}: the {sheet} {what}; the data is on sheet{'s' if len(others) > 1 else ''} "
        f"{where}. The workbook reads the first sheet only: in Excel, move the sheet with the "
        f"data to the front (drag its tab to the left) or copy the data to the first sheet, and "
        f"save; or export the data again as a workbook of one sheet, or as CSV.")


def sheets_with_data(path: Path) -> tuple[str, list[str]]:
    """(the first sheet's name, the names of the other sheets that hold data: two or more
    cells with a value), from the zip, reading at most 1 MB of each sheet (a sheet is never
    handed to the reader here, so a sheet far larger than its data costs nothing). Sheet names
    are not personal data."""
    import html

    try:
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
            workbook = book.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace") if (
                "xl/_rels/workbook.xml.rels" in names) else ""
            targets = {}
            for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
                rid = re.search(r'\bId="([^"]+)"', rel.group(0))
                target = re.search(r'Target="([^"]+)"', rel.group(0))
                if rid and target:
                    part = target.group(1).lstrip("/")
                    targets[rid.group(1)] = part if part.startswith("xl/") else f"xl/{part}"
            sheets = []
            for tag in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
                name = re.search(r'\bname="([^"]*)"', tag.group(0))
                rid = re.search(r'\br:id="([^"]+)"', tag.group(0))
                sheets.append((html.unescape(name.group(1)) if name else "?",
                               targets.get(rid.group(1)) if rid else None))
            filled = []
            for name, part in sheets[1:]:
                if part in names:
                    with book.open(part) as stream:
                        head = stream.read(1 << 20)
                    if head.count(b"<v>") + head.count(b"<is>") + head.count(b"<v ") >= 2:
                        filled.append(name)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return "", []
    return (sheets[0][0] if sheets else ""), filled


def column_letters(index: int) -> str:
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _check_sheet_size(path: Path, book: zipfile.ZipFile, part: str) -> None:
    """The rectangle python-calamine would allocate (its <dimension> and the corners of its cell
    references), against the cells the sheet holds; refused before any memory is taken."""
    cells = 0
    low = [1 << 30, 1 << 30]  # row, column
    high = [0, 0]
    declared = None
    tail = b""
    with book.open(part) as stream:
        while True:
            chunk = stream.read(1 << 22)
            if not chunk and not tail:
                break
            data = tail + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            cut = cut if cut > 0 else len(data)
            body, tail = data[:cut], data[cut:]
            if declared is None:
                found = re.search(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', body)
                if found:
                    declared = tuple(g.decode() if g else None for g in found.groups())
            cells += body.count(b"<c ") + body.count(b"<c>")
            rows, columns = _cell_refs(body)
            if rows.size:
                low = [min(low[0], int(rows.min())), min(low[1], int(columns.min()))]
                high = [max(high[0], int(rows.max())), max(high[1], int(columns.max()))]
            if not chunk:
                break
    boxes = []
    if high[0]:
        boxes.append((high[0] - low[0] + 1, high[1] - low[1] + 1,
                      f"reaches cell {column_letters(high[1])}{high[0]}"))
    if declared and declared[2]:
        r0, c0 = int(declared[1]), _column_number(declared[0])
        r1, c1 = int(declared[3]), _column_number(declared[2])
        boxes.append((abs(r1 - r0) + 1, abs(c1 - c0) + 1,
                      f"declares its size as {declared[0]}{declared[1]}:{declared[2]}"
                      f"{declared[3]}"))
    for height, width, corner in boxes:
        size = height * width
        if size > SHEET_CELLS_FREE and size > SHEET_SPARSENESS * max(cells, 1):
            need = size * CALAMINE_CELL_BYTES / 2**30
            raise IngestError(
                f"{path.name}: the first sheet {corner} ({height:,} rows by "
                f"{width:,} columns, {size:,} cells) but holds only {cells:,} cells: reading it "
                f"would take about {need:,.1f} GB of memory, so it is not read. A cell far "
                f"outside the data (often a stray space or format at the end of the sheet) is "
                f"the usual cause: delete the rows and columns after the data in Excel, save, "
                f"and try again, or export the data as CSV.")


def _column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cell_refs(body: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Rows and column numbers of every <c r="..."> reference in a piece of sheet XML, in numpy
    (a Python loop over millions of cells would cost more than reading them)."""
    size = len(body)
    a = np.frombuffer(body + bytes(16), np.uint8)  # padded: a reference at the very end is read
    if size < len(_CELL_REF):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    hit = a[:size] == _CELL_REF[0]
    for k in range(1, len(_CELL_REF)):
        hit &= a[k:size + k] == _CELL_REF[k]
    start = np.flatnonzero(hit) + len(_CELL_REF)
    if not start.size:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # gathered one position at a time (a 2-D index would cost more than the sheet's scan)
    c0, c1, c2 = (a[start + k].astype(np.int32) - 64 for k in range(3))
    second = (c1 >= 1) & (c1 <= 26)
    third = second & (c2 >= 1) & (c2 <= 26)
    width = np.where((c0 >= 1) & (c0 <= 26), 1 + second + third, 0)
    column = np.where(third, c0 * 676 + c1 * 26 + c2, np.where(second, c0 * 26 + c1, c0))
    row = np.zeros(len(start), np.int64)
    going = width > 0
    at = start + width
    for k in range(7):
        digit = a[at + k].astype(np.int64) - 48
        going &= (digit >= 0) & (digit <= 9)
        row = np.where(going, row * 10 + digit, row)
    ok = (width > 0) & (row > 0)
    return row[ok], column[ok]


def check_links(path: str | Path, key: str) -> None:
    """A folder or pattern export where a file is a link to nothing (a share not mounted, a file
    moved) stops, naming the file: the month would otherwise be computed without it."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        pattern = text if Path(text).is_absolute() else str(PROJECT_ROOT / text)
        candidates = [Path(p) for p in glob.glob(pattern)]
    else:
        folder = resolve(text)
        if folder is None or not folder.is_dir():
            return
        candidates = list(folder.iterdir())
    broken = sorted(p for p in candidates if p.is_symlink() and not p.exists()
                    and not p.name.startswith((".", "~$"))
                    and (p.suffix.lower() in SUPPORTED_SUFFIXES or any(
                        ch in text for ch in "*?[")))
    if broken:
        names = ", ".join(p.name for p in broken[:5]) + (" …" if len(broken) > 5 else "")
        raise IngestError(f"{key} = {text!r}: {len(broken)} file{'s' if len(broken) > 1 else ''} "
                          f"in it {'are links' if len(broken) > 1 else 'is a link'} to nothing "
                          f"({names}): the folder or share it points to is not there (not "
                          f"mounted, moved or deleted). Mount it or copy the file in, then run "
                          f"again; the month is not computed without it.")
