"""A small streaming XLSX writer for the bench's monthly shop (issue 34): the sheet's XML built
by DuckDB, zipped as it comes, one process per core.

openpyxl writes a cell at a time in Python: 36 files of 10M lines took about an hour. Here each
row's XML is one DuckDB expression (parallel, in C++), handed over in batches and deflated at
level 1 into the zip member as it arrives. The file is the one openpyxl's write-only mode writes
(the same parts, the same cells: text as inline strings, dates as numbers with the date format
`yyyy-mm-dd h:mm:ss`, whole amounts as numbers), so python-calamine, openpyxl and Excel read it
as they read those.

    write_xlsx(csv_path, xlsx_path, dates=("order_date",), numbers=("amount",))
    write_many([(csv, xlsx), ...], dates=..., numbers=..., workers=2)
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import duckdb

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml" /><Default Extension="xml" ContentType="application/xml" />'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml" />'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml" />'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml" /></Types>')
ROOT_RELS = (f'<Relationships xmlns="{RELS}"><Relationship Type="{DOC}/officeDocument" '
             f'Target="xl/workbook.xml" Id="rId1" /></Relationships>')
WORKBOOK = (f'<workbook xmlns:r="{DOC}" xmlns="{MAIN}"><workbookPr /><bookViews>'
            f'<workbookView activeTab="0" /></bookViews><sheets>'
            f'<sheet name="{{sheet}}" sheetId="1" state="visible" r:id="rId1" /></sheets>'
            f'<calcPr calcId="124519" fullCalcOnLoad="1" /></workbook>')
WORKBOOK_RELS = (f'<Relationships xmlns="{RELS}">'
                 f'<Relationship Type="{DOC}/worksheet" Target="/xl/worksheets/sheet1.xml" '
                 f'Id="rId1" /><Relationship Type="{DOC}/styles" Target="styles.xml" Id="rId2" />'
                 f'</Relationships>')
# style 1: a date and time (what openpyxl gives a datetime cell)
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
          f'formatCode="yyyy-mm-dd h:mm:ss" /></numFmts><fonts count="1"><font>'
          f'<name val="Calibri" /><family val="2" /><sz val="11" /></font></fonts>'
          f'<fills count="2"><fill><patternFill /></fill><fill><patternFill '
          f'patternType="gray125" /></fill></fills><borders count="1"><border><left /><right />'
          f'<top /><bottom /><diagonal /></border></borders><cellStyleXfs count="1">'
          f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" /></cellStyleXfs>'
          f'<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" />'
          f'<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
          f'applyNumberFormat="1" /></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
          f'xfId="0" builtinId="0" /></cellStyles></styleSheet>')
SHEET_HEAD = (f'<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0" />'
              f'</sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15" /><sheetData>')
SHEET_TAIL = ('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
              'header="0.5" footer="0.5" /></worksheet>')
BATCH = 50_000


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text_cell(ref: str, value: str) -> str:
    """SQL for an inline-string cell (no cell for a null), XML-escaped, characters XML 1.0
    cannot hold dropped, spaces kept where the text starts or ends with one."""
    clean = (f"replace(replace(replace(regexp_replace({value}, '[\\x00-\\x08\\x0B\\x0C"
             f"\\x0E-\\x1F]', '', 'g'), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')")
    space = (f"case when trim({value}) <> {value} then ' xml:space=\"preserve\"' else '' end")
    return (f"case when {value} is null then '' else '<c r=\"{ref}' || n || "
            f"'\" t=\"inlineStr\"><is><t' || {space} || '>' || {clean} || '</t></is></c>' end")


def _cell(index: int, name: str, *, dates, numbers) -> str:
    ref, value = _letters(index), _quoted(name)
    text = _text_cell(ref, value)
    if name in dates:  # a date and time: Excel's serial days since 1899-12-30
        # whole days, then the time of day as a fraction (as openpyxl adds them: the same float)
        stamp = f"try_cast({value} as timestamp)"
        serial = (f"cast((cast({stamp} as date) - date '1899-12-30') + (epoch({stamp}) - "
                  f"epoch(cast({stamp} as date))) / cast(86400 as double) as varchar)")
        return (f"case when try_cast({value} as timestamp) is null then {text} else "
                f"'<c r=\"{ref}' || n || '\" s=\"1\" t=\"n\"><v>' || {serial} || '</v></c>' end")
    if name in numbers:  # a whole number (anything else stays text, as the POS wrote it)
        number = f"try_cast({value} as hugeint)"
        whole = f"regexp_full_match(trim({value}), '[+-]?[0-9]+')"
        return (f"case when {whole} and {number} is not null then '<c r=\"{ref}' || n || "
                f"'\" t=\"n\"><v>' || cast({number} as varchar) || '</v></c>' else {text} end")
    return text


def write_xlsx(source: str | Path, target: str | Path, *, dates=(), numbers=(),
               sheet: str = "Orders", threads: int | None = None) -> int:
    """The CSV `source` (every column read as text) as the XLSX `target`; returns its rows."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    # the rows kept in the file's order (rowid: insertion order), their text untouched
    con.execute("create table lines as select * from read_csv(?, all_varchar = true, "
                "header = true)", [str(source)])
    columns = [row[0] for row in con.execute("select column_name from (describe lines)").fetchall()]
    header = "".join(
        f'<c r="{_letters(i)}1" t="inlineStr"><is><t>'
        + name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        + "</t></is></c>" for i, name in enumerate(columns))
    cells = " || ".join(_cell(i, c, dates=set(dates), numbers=set(numbers))
                        for i, c in enumerate(columns))
    query = (f"select '<row r=\"' || n || '\">' || {cells} || '</row>' from "
             f"(select *, rowid + 2 as n from lines) order by n")
    target = Path(target)
    partial = target.with_name(f".{target.name}.part")
    rows = 0
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK.replace("{sheet}", sheet))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((SHEET_HEAD + f'<row r="1">{header}</row>').encode())
            reader = con.sql(query).to_arrow_reader(BATCH)
            for batch in reader:
                values = batch.column(0).to_pylist()
                rows += len(values)
                part.write("".join(values).encode())
            part.write(SHEET_TAIL.encode())
    con.close()
    os.replace(partial, target)
    return rows


def _job(source: str, target: str, dates: list, numbers: list, mtime: float | None,
         threads: int) -> int:
    rows = write_xlsx(source, target, dates=dates, numbers=numbers, threads=threads)
    if mtime is not None:
        os.utime(target, (mtime, mtime))
    return rows


def write_many(pairs: list[tuple[Path, Path]], *, dates=(), numbers=(), workers: int | None = None,
               mtimes: list[float] | None = None) -> int:
    """Every (csv, xlsx) pair written, `workers` processes at a time (one per core by
    default), each with one DuckDB thread; returns the rows written."""
    from helpers.core.safety import map_in_processes

    workers = workers or os.cpu_count() or 1
    jobs = [{"source": str(s), "target": str(t), "dates": list(dates), "numbers": list(numbers),
             "mtime": (mtimes or [None] * len(pairs))[i], "threads": 1}
            for i, (s, t) in enumerate(pairs)]
    return sum(map_in_processes("benchmarks.xlsx_writer:_job", jobs, workers))
