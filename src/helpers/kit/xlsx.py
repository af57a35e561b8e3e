"""A fast, reproducible XLSX writer for large contact lists.

xlsxwriter and openpyxl spend Python per cell, too slow for a large shop's lists (figures:
benchmarks/results.md). Here DuckDB renders each row's SpreadsheetML in SQL (values escaped
there, never formatted into the query text) and Python only streams the chunks into the zip.
Strings are inline strings, numbers stay numbers, dates are real Excel dates, booleans are
booleans. Zip entries carry a fixed date, so the same data always gives the same bytes. Read back
by tests with openpyxl and calamine.
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import duckdb

from helpers.core import currency as run_currency

EXCEL_MAX_ROWS = 1_048_576
CHUNK_ROWS = 20_000
FIXED_ZIP_DATE = (2000, 1, 1, 0, 0, 0)

# Excel holds at most this many characters in a cell: a longer text is cut visibly, ending with
# "…", counted per column (write_xlsx's `cut`) and said in a Notes sheet; CSV keeps it whole
EXCEL_MAX_CHARS = 32_767
CUT_MARK = "…"

# a column is as wide as its longest value (or its header) up to this many characters; a longer
# value wraps nothing, it is only cut from view (the cell keeps it)
MAX_WIDTH = 50
MIN_WIDTH = 6
# how a column is shown (write_xlsx's `formats`), by the style index in _STYLES
FORMATS = {"money": 4, "percent": 6, "integer": 2}
# an ordering write_xlsx accepts: column names, each maybe desc/asc and nulls first/last
ORDERING = re.compile(r"^[a-z_][a-z0-9_]*( (asc|desc))?( nulls (first|last))?"
                      r"(, [a-z_][a-z0-9_]*( (asc|desc))?( nulls (first|last))?)*$")

_XML_ESCAPE = f"""
-- characters XML forbids are dropped (one U+FFFF would make the whole file invalid)
create or replace temp macro xlsx_clean(value) as
    regexp_replace(cast(value as varchar),
                   '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x{{FFFE}}\\x{{FFFF}}]', '', 'g');
create or replace temp macro xlsx_text(value) as
    replace(replace(replace(replace(
        list_transform(
            [xlsx_clean(value)],
            lambda v: case when length(v) > {EXCEL_MAX_CHARS}
                           then left(v, {EXCEL_MAX_CHARS - 1}) || '{CUT_MARK}' else v end
        )[1],
        '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')
"""

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '{sheets}</Types>'
)
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '</Relationships>'
)
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dc:creator>customer tiering workbook</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
    '</cp:coreProperties>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="{money}"/>'
    '<numFmt numFmtId="166" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEAEEF2"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def money_format(code: str | None = None) -> str:
    """Excel's number format for money in the run's currency (a format code is the same for
    every reader's language): VND after the amount as the lists always showed it, `#,##0 "₫"`;
    any other currency with its decimals and its sign first, `"$"#,##0.00`, `"¥"#,##0`."""
    code = code or run_currency.current()
    places = run_currency.digits(code)
    amount = "#,##0" + ("." + "0" * places if places else "")
    if code == "VND":
        return f'{amount}\\ "₫"'
    mark = run_currency.symbol("en", code).replace('"', "")
    return f'"{mark}"{amount}'


def _money_width(code: str | None = None) -> int:
    """Characters a money cell takes beside its digits: ' ₫', '$' and '.00'."""
    code = code or run_currency.current()
    places = run_currency.digits(code)
    mark = 1 if code == "VND" else 0  # the space before ₫
    return mark + len(run_currency.symbol("en", code)) + (places + 1 if places else 0)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                "UINTEGER", "UBIGINT", "DOUBLE", "FLOAT")


def _cell_sql(name: str, kind: str, letter: str, shown: str | None = None,
              day_first: bool = False) -> str:
    """SQL for one cell's XML; `name` is a column of our own query, quoted as an identifier;
    `shown` one of FORMATS for a number column (money stays a number Excel sums)."""
    col = '"' + name.replace('"', '""') + '"'
    ref = f"'<c r=\"{letter}' || row_number || '\""
    number = kind.startswith("DECIMAL") or kind in NUMBER_TYPES
    if kind == "BOOLEAN":
        body = f"{ref} t=\"b\"><v>' || cast({col} as integer) || '</v></c>'"
    elif kind == "DATE":
        body = (f"{ref} s=\"{5 if day_first else 1}\"><v>' "
                f"|| date_diff('day', DATE '1899-12-30', {col}) || '</v></c>'")
    elif number and (shown or kind.startswith("DECIMAL")):
        # money: a number Excel can sum, shown as 1,234,567 ₫ (style 4: the run's currency,
        # money_format), or as FORMATS says
        body = (f"{ref} s=\"{FORMATS[shown or 'money']}\"><v>' || cast({col} as varchar) "
                f"|| '</v></c>'")
    elif number:
        body = f"{ref}><v>' || cast({col} as varchar) || '</v></c>'"
    else:
        # text is an inline string, never a formula: "=1+2" is shown as written, not run
        body = f"{ref} t=\"inlineStr\"><is><t>' || xlsx_text({col}) || '</t></is></c>'"
    # NaN and infinity are no number Excel reads (a <v>nan</v> makes the file unreadable)
    empty = f"{col} is null" + (f" or not isfinite({col})" if kind in ("DOUBLE", "FLOAT") else "")
    return f"case when {empty} then '' else {body} end"


def _width_sql(name: str, kind: str, shown: str | None) -> str:
    """SQL for the characters a column's longest value takes when shown (capped, so a long
    text never costs more than MAX_WIDTH)."""
    col = _quoted(name)
    if kind == "DATE":
        return "10"
    if kind == "BOOLEAN":
        return "5"
    if shown == "percent":
        return "5"
    if kind.startswith("DECIMAL") or (kind in NUMBER_TYPES and shown in ("money", "integer")):
        # digits, a thousands mark every three, a minus, and " ₫" (or "$" and ".00")
        digits = (f"coalesce(max(length(cast(try_cast(round(abs({col})) as hugeint) "
                  f"as varchar))), 1)")
        extra = _money_width() if shown != "integer" else 0
        return f"({digits} + ({digits} - 1) // 3 + 1 + {extra})"
    if kind in NUMBER_TYPES:
        return f"least(coalesce(max(length(cast({col} as varchar))), 1), 12)"
    return f"least(coalesce(max(length(cast({col} as varchar))), 0), {MAX_WIDTH})"


def column_width(header: str, content: int) -> int:
    """Characters a column is shown in: its longest value or its header (with room for the
    filter's arrow), at least MIN_WIDTH, at most MAX_WIDTH."""
    return max(MIN_WIDTH, min(MAX_WIDTH, max(len(header) + 3, int(content or 0) + 2)))


def excel_sheet_name(label: str, taken: set[str]) -> str:
    """A label as Excel accepts a sheet name: no []:*?/\\, at most 31 characters, unique."""
    name = re.sub(r"[\[\]:*?/\\]", " ", str(label)).strip().strip("'")[:31] or "Sheet"
    base, n = name, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


def _sheet_header(columns: list[str], widths: list[int] | None = None, rows: int = 0) -> str:
    """A sheet's start: its size (readers that stream a sheet read it from there), the header
    row frozen, the columns' widths and the header row."""
    widths = widths or [column_width(c, 0) for c in columns]
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths))
    header = "".join(f'<c r="{column_letter(i)}1" s="3" t="inlineStr"><is><t>{_escape(c)}</t>'
                     f'</is></c>' for i, c in enumerate(columns))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:{column_letter(len(columns) - 1)}{rows + 1}"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<cols>{cols}</cols><sheetData><row r="1">{header}</row>')


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cut_note(column: str, cells: int) -> str:
    limit = f"{EXCEL_MAX_CHARS:,}".replace(",", ".")
    return (f"{column}: {cells:,} ô dài hơn giới hạn {limit} ký tự của Excel đã bị cắt, "
            f"kết thúc bằng {CUT_MARK}; tệp CSV giữ nguyên giá trị. / {cells:,} cell(s) longer "
            f"than Excel's {EXCEL_MAX_CHARS:,}-character limit cut, ending with {CUT_MARK}; "
            f"the CSV files keep the whole value.")


def write_xlsx(con: duckdb.DuckDBPyConnection, sheets: dict[str, tuple[str, dict]], path: Path,
               *, as_of: date, order_by: str = "customer_id", sheet_labels: dict | None = None,
               headers: dict | None = None, formats: dict[str, str] | None = None,
               day_first: bool = False,
               cut: dict[str, int] | None = None) -> tuple[Path, list[str]]:
    """One sheet per (name -> (select query, its parameters)), rows in `order_by` order (column
    names, each maybe `desc` and `nulls last`). Sheets with more rows than Excel holds are
    skipped and their names returned. Each column is as wide as its longest shown value or
    header (MIN_WIDTH to MAX_WIDTH characters); `headers` shows columns by other names;
    `formats` shows number columns as money (#,##0 ₫ or the run's currency, money_format: DECIMAL
    columns always are), a percent or
    an integer with thousands marks; `day_first` shows dates as dd/mm/yyyy (else yyyy-mm-dd).
    A text longer than Excel's cell limit is cut ending with "…": `cut`, when given, is filled
    with the cells cut per column (never a value), and a last sheet "Notes" says so under the
    shown headers. Queries and the ordering come from the calling code, never from parameters."""
    if not ORDERING.match(order_by):
        raise ValueError(f"invalid ordering {order_by!r}")
    formats = formats or {}
    unknown = {f for f in formats.values() if f not in FORMATS}
    if unknown:
        raise ValueError(f"unknown column format(s) {sorted(unknown)}: use {sorted(FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    con.execute(_XML_ESCAPE)
    written, skipped = [], []
    cuts: dict[str, int] = {}
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, (query, params) in sheets.items():
            rel = con.sql(query, params=params)
            columns, types = rel.columns, [str(t) for t in rel.types]
            texts = [c for c, k in zip(columns, types) if k == "VARCHAR"]
            # the rows and, per text column, the cells too long for Excel: one pass
            longer = "".join(f", count(*) filter (where length({_quoted(c)}) > {EXCEL_MAX_CHARS}"
                             f" and length(xlsx_clean({_quoted(c)})) > {EXCEL_MAX_CHARS})"
                             for c in texts)
            # and how wide each column's longest value is shown: the same pass
            wide = "".join(f", {_width_sql(c, k, formats.get(c))}"
                           for c, k in zip(columns, types))
            counted = con.execute(f"select count(*){longer}{wide} from ({query})",
                                  params).fetchall()[0]
            rows = counted[0]
            contents = counted[1 + len(texts):]
            if rows + 1 > EXCEL_MAX_ROWS:
                skipped.append(name)
                continue
            for column, cells in zip(texts, counted[1:1 + len(texts)]):
                if cells:
                    cuts[column] = cuts.get(column, 0) + cells
            cells = " || ".join(_cell_sql(c, k, column_letter(i), formats.get(c), day_first)
                                for i, (c, k) in enumerate(zip(columns, types)))
            render = (f"select (row_number - 2) // {CHUNK_ROWS} as chunk, "
                      f"encode(string_agg('<row r=\"' || row_number || '\">' || {cells} || '</row>', '' "
                      f"order by row_number)) as xml "
                      f"from (select *, 1 + row_number() over (order by {order_by}) as row_number "
                      f"from ({query})) "
                      f"group by all order by chunk")
            index = len(written) + 1
            with book.open(_entry(f"xl/worksheets/sheet{index}.xml"), "w",
                           force_zip64=True) as out:
                shown = [(headers or {}).get(c, c) for c in columns]
                widths = [column_width(h, w) for h, w in zip(shown, contents)]
                out.write(_sheet_header(shown, widths, rows).encode("utf-8"))
                result = con.execute(render, params)
                while batch := result.fetchmany(16):
                    for _, xml in batch:  # UTF-8 bytes straight from DuckDB
                        out.write(xml)
                last = f"{column_letter(len(columns) - 1)}{rows + 1}"
                # a filter on the header row (Excel: Data › Filter already on)
                out.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
            written.append(name)
        if not written:  # Excel needs at least one sheet
            with book.open(_entry("xl/worksheets/sheet1.xml"), "w") as out:
                out.write(_sheet_header(["(empty)"]).encode() + b"</sheetData></worksheet>")
            written.append("empty")
        if cuts:  # said in the workbook itself, where the reader sees the cut cells
            index = len(written) + 1
            with book.open(_entry(f"xl/worksheets/sheet{index}.xml"), "w") as out:
                lines = "".join(
                    f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>'
                    f'{_escape(_cut_note((headers or {}).get(column, column), cells))}'
                    f'</t></is></c></row>' for i, (column, cells) in enumerate(sorted(cuts.items())))
                out.write((_sheet_header(["Ghi chú / Notes"], [MAX_WIDTH * 2], len(cuts)) + lines
                           + "</sheetData></worksheet>").encode("utf-8"))
            written.append("Notes")
        taken: set[str] = set()
        sheet_names = [excel_sheet_name((sheet_labels or {}).get(n, n), taken) for n in written]
        book.writestr(_entry("[Content_Types].xml"), _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(i=i + 1) for i in range(len(written)))))
        book.writestr(_entry("_rels/.rels"), _ROOT_RELS)
        book.writestr(_entry("docProps/core.xml"), _CORE.format(
            created=datetime.combine(as_of, datetime.min.time()).strftime("%Y-%m-%dT%H:%M:%SZ")))
        book.writestr(_entry("xl/workbook.xml"), (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets>' + "".join(f'<sheet name="{_escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                                 for i, n in enumerate(sheet_names))
            + '</sheets></workbook>'))
        book.writestr(_entry("xl/_rels/workbook.xml.rels"), (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
                      f'officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(written)))
            + f'<Relationship Id="rId{len(written) + 1}" Type="http://schemas.openxmlformats.org/'
              f'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            + '</Relationships>'))
        book.writestr(_entry("xl/styles.xml"),
                      _STYLES.replace("{money}", _escape(money_format())))
    tmp.replace(path)
    if cut is not None:
        cut.update(cuts)
    return path, skipped
