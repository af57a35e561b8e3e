"""Hostile export files made by script (nothing committed): CSVs with stray quotes, workbooks
that are not workbooks, XML with entities, sheets whose cells reach far beyond their data. The
people in them are made up; their values are what the tests look for in error messages."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

HEADER = "order_id,customer_id,order_date,amount,status,channel"

# made-up personal values: a message that shows any of them leaks a row
PERSON = {"name": "Nguyễn Thị Hoa", "phone": "0912345678", "email": "hoa.nguyen@example.vn",
          "province": "Quảng Ngãi", "address": "12 Lê Lợi, phường 3"}
PERSONAL_VALUES = tuple(PERSON.values())


def order_lines(n: int, *, stray_every: int = 0, stray_field: int = 5, start: int = 1) -> list[str]:
    """n order lines of an unquoted export; with stray_every, every stray_every-th line has a
    field that begins with a quote mark (`"POS`) and never closes it."""
    fields = ["{i}", "KH{i}", "2026-10-{day:02d}", "{amount}", "completed", "POS"]
    out = []
    for i in range(start, start + n):
        row = [f.format(i=i, day=1 + i % 28, amount=100_000 + i) for f in fields]
        if stray_every and i % stray_every == 0:
            row[stray_field] = '"' + row[stray_field]
        out.append(",".join(row))
    return out


def two_stray_quotes(n: int = 2_000, first: int = 501, last: int = 511) -> str:
    """An export that never quotes, with `,"POS` ending line `first` (a cancelled order) and
    `,POS"` ending line `last`: a lenient parser reads the lines between into one value."""
    rows = order_lines(n)
    rows[first - 2] = rows[first - 2].replace(",completed,POS", ',cancelled,"POS')
    rows[last - 2] = rows[last - 2] + '"'
    return csv_text(rows)


def quoted_orders(rows: list[list[str]]) -> str:
    """An export that quotes every field (as many POS systems do), the rows given as written
    between the quotes (a stray quote inside a field included)."""
    lines = ['"' + '","'.join(HEADER.split(",")) + '"']
    lines += ['"' + '","'.join(row) + '"' for row in rows]
    return "\n".join(lines) + "\n"


def csv_text(lines: list[str], *, newline: str = "\n", last_newline: bool = True,
             header: str = HEADER) -> str:
    return newline.join([header, *lines]) + (newline if last_newline else "")


def shopify_with_notes(orders: int = 40, newline: str = "\n") -> str:
    """A Shopify-style export: every field quoted, Note Attributes over three lines on every
    third order (2 line breaks inside each such value)."""
    header = ('"Name","Email","Financial Status","Total","Refunded Amount","Created at","Source",'
              '"Notes","Note Attributes","Billing Phone"')
    lines = [header]
    for i in range(1, orders + 1):
        note = (f"gift wrap: yes{newline}delivery: after 5pm{newline}referrer: instagram"
                if i % 3 == 0 else "")
        lines.append(f'"#{1000 + i}","buyer{i}@example.com","paid","{150 + i}.00","0.00",'
                     f'"2026-10-{1 + i % 28:02d} 10:00:00 +0700","web","","{note}",'
                     f'"+84 91{i:07d}"')
    return newline.join(lines) + newline


# ---------------------------------------------------------------- workbooks


def xlsx_bytes(cells: list[tuple[str, str | float]], *, dimension: str | None = None,
               doctype: str = "", shared_doctype: str = "") -> bytes:
    """A minimal .xlsx: one sheet with the given cells (ref, value), inline strings; doctype
    is put before the sheet's root element (entities), shared_doctype in sharedStrings.xml."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells:
        row = int("".join(ch for ch in ref if ch.isdigit()))
        if isinstance(value, str):
            cell = f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        else:
            cell = f'<c r="{ref}"><v>{value}</v></c>'
        rows.setdefault(row, []).append(cell)
    data = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
             f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'{dim}<sheetData>{data}</sheetData></worksheet>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
            'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName'
            '="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http'
            '://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Orders" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http'
            '://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
            'worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="'
            'sharedStrings.xml"/></Relationships>'),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{shared_doctype}<sst xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>x</t>'
            f'</si></sst>'),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return buffer.getvalue()


def xlsx_sheets(sheets: list[tuple[str, list[tuple[str, str | float]]]]) -> bytes:
    """A minimal .xlsx with several sheets (name, cells), in order."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes([])))
    parts = {n: base.read(n).decode() for n in base.namelist()}
    entries = "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" '
                      f'r:id="rId{i + 10}"/>' for i, (name, _) in enumerate(sheets, 1))
    parts["xl/workbook.xml"] = re.sub(r"<sheets>.*</sheets>", f"<sheets>{entries}</sheets>",
                                      parts["xl/workbook.xml"])
    rels = "".join(f'<Relationship Id="rId{i + 10}" Type="http://schemas.openxmlformats.org/'
                   f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}'
                   f'.xml"/>' for i in range(1, len(sheets) + 1))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>", rels + "</Relationships>").replace(
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>', "")
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="'
                        f'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet'
                        f'+xml"/>' for i in range(2, len(sheets) + 1))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", overrides + "</Types>")
    for i, (_, cells) in enumerate(sheets, 1):
        one = zipfile.ZipFile(io.BytesIO(xlsx_bytes(cells)))
        parts[f"xl/worksheets/sheet{i}.xml"] = one.read("xl/worksheets/sheet1.xml").decode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return buffer.getvalue()


def write_xlsx_bomb(path, inflated_mb: int = 210) -> None:
    """A small .xlsx whose sheet XML inflates to inflated_mb MB of whitespace (a zip bomb),
    written part by part so the test never holds the inflated sheet."""
    small = zipfile.ZipFile(io.BytesIO(xlsx_bytes(order_cells(2))))
    blank = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name in small.namelist():
            if name != "xl/worksheets/sheet1.xml":
                book.writestr(name, small.read(name))
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.'
                        b'org/spreadsheetml/2006/main"><sheetData>')
            for _ in range(inflated_mb):
                sheet.write(blank)
            sheet.write(b"</sheetData></worksheet>")


def order_cells(n: int = 3) -> list[tuple[str, str | float]]:
    """A header and n order rows as sheet cells (A: order_id .. D: amount)."""
    cells: list[tuple[str, str | float]] = [("A1", "order_id"), ("B1", "customer_id"),
                                            ("C1", "order_date"), ("D1", "amount")]
    for i in range(1, n + 1):
        cells += [(f"A{i + 1}", f"O{i}"), (f"B{i + 1}", f"KH{i}"),
                  (f"C{i + 1}", f"2026-10-{i:02d}"), (f"D{i + 1}", 1000.0 * i)]
    return cells


XXE = ('<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>')
NESTED = ('<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>')

HTML_AS_XLSX = ("<html><head><meta charset='utf-8'></head><body><table>"
                "<tr><td>order_id</td><td>customer_id</td></tr>"
                f"<tr><td>1</td><td>{escape(PERSON['name'])}</td></tr></table></body></html>"
                ).encode()

# an old binary workbook (.xls, Excel 97-2003): an OLE compound file with a Workbook stream
OLE_XLS = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24) + b"\x3e\x00\x03\x00\xfe\xff"
           + bytes(512 - 38) + "Workbook".encode("utf-16-le") + bytes(8)
           + "\x05SummaryInformation".encode("utf-16-le") + bytes(4000))

# what a password-protected .xlsx is on disk: an OLE compound file holding the encrypted package
OLE_ENCRYPTED = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24) + b"\x3e\x00\x03\x00\xfe\xff"
                 + bytes(512 - 38) + "EncryptionInfo".encode("utf-16-le") + bytes(8)
                 + "EncryptedPackage".encode("utf-16-le") + bytes(4000))
