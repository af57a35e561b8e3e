"""Overlapping exports (issue 31): the same order in several files is taken whole from the file
exported last.

A shop downloads September to November, then 16 November to December, or the same month twice
(`… (1).xlsx`). An order in several files whose lines, status or total changed between them
(delivered, then `Đã hủy`) is read from the latest export only; its lines in earlier files are
set aside as `replaced_by_later_export` (kept in the quarantine file, so the counts reconcile).

When was a file exported: where the mapping knows its export's file name (`export_time:` with
a regular expression whose groups, joined, read with `format`: KiotViet's
`…_KV06122026-101530…`, Shopee's `Order.all.<from>_<to>`: the later date), from the name;
otherwise from the file's modification time. A browser's second download (`name (1).xlsx`) has
its original's time. Two files of the same time that disagree on an order stop the load.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from helpers.core.errors import IngestError

# a browser's or the system's copy of a download: "orders (1).xlsx", "orders (2).csv", "orders-1"
# is not one (a shop's own numbering)
SECOND_DOWNLOAD = re.compile(r"^(?P<stem>.*?) ?\((?P<n>\d{1,3})\)$")


def original_name(path: Path) -> str:
    """The name a second download copies: 'Order.all.x_y (1).xlsx' -> 'Order.all.x_y.xlsx'."""
    m = SECOND_DOWNLOAD.match(path.stem)
    return (m.group("stem") + path.suffix) if m else path.name


def export_time(path: Path, mapping: dict) -> tuple[datetime, str]:
    """(when the file was exported, how that is known)."""
    rule = mapping.get("export_time") or {}
    name = original_name(path)
    if rule:
        m = re.search(rule["pattern"], name)
        if m:
            text = "".join(g for g in m.groups() if g) if m.groups() else m.group(0)
            formats = [rule["format"]] if isinstance(rule["format"], str) else rule["format"]
            for fmt in formats:
                try:
                    return datetime.strptime(text, fmt), "from the file name"
                except ValueError:
                    continue
            # the name says when, but not a time that exists: never fall back silently
            raise IngestError(f"{path.name}: the name says the file was exported at {text!r}, "
                              f"which is not a date and time ({' or '.join(formats)}). Rename "
                              f"the file as the shop's export names it, or remove the time "
                              f"from its name to use the file's modification time.")
    original = path.with_name(name)
    source = original if original.exists() else path
    return datetime.fromtimestamp(source.stat().st_mtime), "from the file's modification time"


def check_rule(mapping: dict, where: str) -> None:
    """export_time: {pattern: <regex with groups>, format: <strptime format>}."""
    rule = mapping.get("export_time")
    if rule is None:
        return
    if not isinstance(rule, dict) or set(rule) != {"pattern", "format"}:
        raise IngestError(f"{where}: export_time: give pattern (a regular expression over the "
                          f"file name) and format (how its groups read as a time, e.g. %d%m%Y)")
    try:
        re.compile(rule["pattern"])
    except re.error as exc:
        raise IngestError(f"{where}: export_time.pattern: {exc}") from None


def ranks(raws, mapping: dict) -> tuple[list[str], list[int], list[str]]:
    """(file labels, their export rank: 1 for the earliest, equal for equal times, what was
    decided, for the load summary)."""
    times = [export_time(raw.path, mapping) for raw in raws]
    order = sorted({t for t, _ in times})
    rank = [order.index(t) + 1 for t, _ in times]
    notes = []
    if len(raws) > 1:
        shown = sorted(zip(times, (r.label for r in raws)), key=lambda x: (x[0][0], x[1]))
        notes.append("files in export order (an order in several files is read from the last): "
                     + "; ".join(f"{label} ({t:%Y-%m-%d %H:%M}, {how})"
                                 for (t, how), label in shown))
    return [r.label for r in raws], rank, notes


def check_overlaps(con, checked: str) -> list[str]:
    """What the overlap rule did, for the load summary; a stop when two files of the same export
    time disagree on an order."""
    conflicts = con.execute(f"""
        select order_id from {checked} where is_export_conflict
        group by all order by all limit 4""").fetchall()
    if conflicts:
        n = con.execute(f"select count(distinct order_id) from {checked} "
                        f"where is_export_conflict").fetchall()[0][0]
        files = [r[0] for r in con.execute(
            f"select distinct source_file from {checked} where is_export_conflict "
            f"order by all limit 4").fetchall()]
        raise IngestError(
            f"{n:,} orders (e.g. {', '.join(repr(c[0]) for c in conflicts[:3])}) differ between "
            f"files exported at the same time ({', '.join(files)}), so neither can be taken as "
            f"the later one. Keep one of the files, or give them names that say when each was "
            f"exported (the shop's own export names do).")
    replaced, changed, examples = con.execute(f"""
        select count(distinct order_id),
               count(distinct order_id) filter (where is_order_changed),
               list(distinct order_id order by order_id) filter (where is_order_changed)[1:3]
        from {checked} where reject_reason = 'replaced_by_later_export'""").fetchall()[0]
    if not replaced:
        return []
    return [f"{replaced:,} orders are in several files: each is read from the file exported "
            f"last, its lines in earlier files set aside (replaced_by_later_export); "
            + (f"{changed:,} of them changed between the files (lines, status or total; e.g. "
               f"{', '.join(repr(e) for e in examples)})" if changed else
               "none changed between the files")]
