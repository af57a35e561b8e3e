"""What leaves the workbook is safe to open: CSV cells are never formulas, names never paths.

Values from a shop's files are hostile until escaped where they leave: a customer name
`=HYPERLINK(…)` in a CSV runs in Excel, a campaign name `<script>` in a page runs in a browser,
a key `../../x` in a path writes outside the report.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

# a cell a spreadsheet reads as a formula (OWASP CSV injection) starts with =, +, -, @, a tab or
# a carriage return
FORMULA_CHARACTERS = ["=", "+", "-", "@", "\t", "\r"]
# ... unless it is a plain number or phone number (+84912345678, -150000, -1.5)
PLAIN_NUMBER = r"^[+\-]?[0-9][0-9 .,]*$"
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def csv_safe_text(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells that a spreadsheet would run as a formula, prefixed with ' (shown, not run).

    Told by each cell's first character, with PLAIN_NUMBER matched only where that one could
    start a formula: every customer's cells of every list pass here (two regular expressions
    over every cell took a quarter of notebook 01's exports at 10M lines)."""
    first = pc.utf8_slice_codeunits(array, 0, 1)
    starts = pc.is_in(first, value_set=pa.array(FORMULA_CHARACTERS, type=array.type))
    if not pc.any(starts).as_py():
        return array
    risky = pc.and_(starts, pc.invert(pc.match_substring_regex(array, PLAIN_NUMBER)))
    if not pc.any(risky).as_py():
        return array
    quote, empty = pa.scalar("'", type=array.type), pa.scalar("", type=array.type)
    return pc.if_else(risky, pc.binary_join_element_wise(quote, array, empty), array)


def csv_safe_table(table: pa.Table) -> pa.Table:
    """Every text column of a table made safe for a spreadsheet (numbers and dates untouched)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = csv_safe_text(column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def check_key(value: str, name: str) -> str:
    """A name that becomes part of a path: letters, digits, _ and - only (never ../)."""
    text = str(value)
    if not KEY.match(text):
        raise ValueError(f"{name} = {text!r}: use letters, digits, _ and - only (it becomes part "
                         f"of a file name)")
    return text


def inside(folder: Path, path: Path) -> Path:
    """`path`, checked to lie inside `folder` (after resolving .. and links)."""
    root = Path(folder).resolve()
    target = Path(path).resolve()
    if target != root and root not in target.parents:
        raise ValueError(f"refusing to write {target}: it is outside {root}")
    return Path(path)


class LockHeld(RuntimeError):
    """The lock is held by a live process: `holder` is [pid, host, started] as written."""

    def __init__(self, path: Path, holder: list[str]):
        super().__init__(f"{path} is held by process {holder[0] if holder else '?'}")
        self.path, self.holder = path, holder


@contextlib.contextmanager
def pid_lock(path: Path, *, wait_seconds: float = 60.0, on_stale=None):
    """A lock file holding this process's id, host and start time.

    A live holder is waited for (up to wait_seconds, then LockHeld); a holder whose process is
    gone on this host is taken over, and on_stale(pid) is told so."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    me = f"{os.getpid()} {host} {datetime.now().isoformat(timespec='seconds')}"
    deadline = time.monotonic() + wait_seconds
    while not _create_whole(path, me):
        try:
            holder = path.read_text(encoding="utf-8", errors="replace").split()
        except FileNotFoundError:  # released between the two steps
            continue
        pid = int(holder[0]) if holder and holder[0].isdigit() else None
        other_host = len(holder) > 1 and holder[1] != host
        if pid is None or (not other_host and not process_alive(pid)):
            if _take_over(path, holder) and on_stale is not None:
                on_stale(pid)
            continue
        if time.monotonic() >= deadline:
            raise LockHeld(path, holder) from None
        time.sleep(0.2)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _private_name(path: Path, suffix: str) -> Path:
    return path.with_name(f"{path.name}.{os.getpid()}-{os.urandom(4).hex()}.{suffix}")


def _create_whole(path: Path, content: str) -> bool:
    """Create the lock file with its content in one step (a hard link of a finished file), so
    another process never reads it empty and takes a live lock for a stale one."""
    tmp = _private_name(path, "new")
    tmp.write_text(content, encoding="utf-8")
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def _take_over(path: Path, stale: list[str]) -> bool:
    """Remove a stale lock, but only the one judged stale: it is moved aside first, and a lock
    another waiter took in the meantime is put back."""
    aside = _private_name(path, "stale")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    try:
        if aside.read_text(encoding="utf-8", errors="replace").split() != stale:
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)
            return False
        return True
    finally:
        aside.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

