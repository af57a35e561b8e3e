"""What leaves the workbook is safe to open: CSV cells are never formulas, names never paths.

Values from a shop's files are hostile until escaped where they leave: a customer name
`=HYPERLINK(…)` in a CSV runs in Excel, a campaign name `<script>` in a page runs in a browser,
a key `../../x` in a path writes outside the report.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

# the locks live in core/locks.py; these names are kept here for the modules that import them
from helpers.core.locks import LockHeld, pid_lock, process_alive  # noqa: F401

# a cell a spreadsheet reads as a formula (OWASP CSV injection) starts with =, +, -, @, a tab or
# a carriage return
FORMULA_CHARACTERS = ["=", "+", "-", "@", "\t", "\r"]
# ... unless it is a plain number or phone number (+84912345678, -150000, -1.5)
PLAIN_NUMBER = r"^[+\-]?[0-9][0-9 .,]*$"
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def csv_safe_text(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells that a spreadsheet would run as a formula, prefixed with ' (shown, not run).

    Told by each cell's first character, with PLAIN_NUMBER matched only where that one could
    start a formula: every customer's cells of every list pass here, so a regular expression
    runs only where it must (figures: benchmarks/results.md)."""
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


def folder_name(text: str) -> str:
    """A name for a folder made from a setting that may be a path (a scheme given as
    `../../x.yaml`): a key as it is, anything else its file stem and a hash of the whole, so it
    never climbs out of the folder it is put in."""
    name = str(text)
    if KEY.match(name):
        return name
    stem = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in Path(name).stem)[:40]
    return f"{stem or 'scheme'}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def inside(folder: Path, path: Path) -> Path:
    """`path`, checked to lie inside `folder` (after resolving .. and links)."""
    root = Path(folder).resolve()
    target = Path(path).resolve()
    if target != root and root not in target.parents:
        raise ValueError(f"refusing to write {target}: it is outside {root}")
    return Path(path)


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity on Linux (a container or taskset may
    allow fewer than the machine has), every core on macOS and Windows, which have no
    sched_getaffinity."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# what each worker process of map_in_processes runs: one job, its result or exception pickled
_WORKER = """
import importlib, pickle, sys
module, function = sys.argv[1].split(":")
with open(sys.argv[2], "rb") as f:
    job = pickle.load(f)
try:
    result = ("ok", getattr(importlib.import_module(module), function)(**job))
except Exception as exc:
    result = ("error", exc)
with open(sys.argv[3], "wb") as f:
    pickle.dump(result, f)
"""


def map_in_processes(target: str, jobs: list[dict], workers: int, *,
                     return_exceptions: bool = False) -> list:
    """target ("module:function") called with each job's keywords, in processes of their own,
    `workers` at a time; the results in the jobs' order. If a job raises, no further job starts,
    the running ones finish, and the exception of the first job in order that raised is raised
    here (every job before it has finished by then, since jobs start in order). With
    return_exceptions every job runs, and a job's exception takes the place of its result.

    Fresh interpreters (`python -c`), not multiprocessing's spawn: spawn runs the caller's main
    script again in every child, which breaks a plain script that calls the workbook at its top
    level; fork is unsafe beside DuckDB's and Arrow's threads. The children see this process's
    import path."""
    import pickle
    import subprocess
    import sys
    import tempfile

    env = os.environ | {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    results: list = [None] * len(jobs)
    with tempfile.TemporaryDirectory(prefix="workbook-jobs-") as folder:
        running: dict[int, subprocess.Popen] = {}
        failed = False
        try:
            started = 0
            while started < len(jobs) or running:
                while not failed and started < len(jobs) and len(running) < max(1, workers):
                    job_file = Path(folder) / f"{started}.job"
                    job_file.write_bytes(pickle.dumps(jobs[started]))
                    # what a worker prints stays in the job's folder: a kernel would show it in
                    # the page, and a file's rows are never shown
                    with open(Path(folder) / f"{started}.log", "wb") as log:
                        running[started] = subprocess.Popen(
                            [sys.executable, "-c", _WORKER, target, str(job_file),
                             str(Path(folder) / f"{started}.out")], env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
                    started += 1
                if failed and started < len(jobs):
                    started = len(jobs)  # no further job starts
                if not running:
                    break
                done = next((i for i, proc in running.items() if proc.poll() is not None), None)
                if done is None:
                    time.sleep(0.02)
                    continue
                code = running.pop(done).returncode
                out = Path(folder) / f"{done}.out"
                if code != 0 or not out.exists():
                    # the kind of error only (its text may hold a row of the file)
                    last = (Path(folder) / f"{done}.log").read_text(errors="replace").strip()
                    kind = last.splitlines()[-1].split(":")[0][:80] if last else "no output"
                    results[done] = ("error", RuntimeError(
                        f"{target}: a worker process ended with exit code {code} ({kind})"))
                else:
                    results[done] = pickle.loads(out.read_bytes())
                failed = not return_exceptions and (failed or results[done][0] == "error")
        finally:
            for proc in running.values():
                proc.kill()
                proc.wait()
    if not return_exceptions:
        for result in results:
            if result is not None and result[0] == "error":
                raise result[1]
    return [value for _, value in results]
