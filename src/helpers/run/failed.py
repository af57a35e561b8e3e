"""A failed notebook kept for diagnosis, without the personal data its outputs may hold.

reports/failed-<month>/<notebook>.ipynb keeps every cell's source, its execution count and the
failing cell's error NAME, so the person who looks knows where and what. Output text is dropped
from every cell: a table, a sentence or a warning may quote a customer's row (a customers file
without its header row printed a name, a phone and an e-mail into two kept notebooks). The
error's MESSAGE is kept only for the workbook's own error classes, whose messages name the file,
line and setting and never quote a row (issue 32), and for a few system errors that carry no
data (memory, disk, a kernel that died); any other message (a KeyError('0912…'), a DuckDB
conversion error quoting a cell) is replaced with a sentence saying why it is not shown.
The runner's error message on stderr follows the same rule (safe_message).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

# messages written by the workbook: a file, a line, a setting; never a row's values
WORKBOOK_ERRORS = {"ParamError", "IngestError", "InputChanged", "MappingError", "SchemeError",
                   "LoyaltyError", "ModelError", "InputsChanged", "LockHeld", "RunLocked"}
# errors whose messages carry no data from the files
SYSTEM_ERRORS = {"OutOfMemoryException", "MemoryError", "DeadKernelError", "CellTimeoutError",
                 "FileNotFoundError", "PermissionError", "IsADirectoryError",
                 "NotADirectoryError", "OSError", "KeyboardInterrupt", "Interrupted"}
HIDDEN = ("(message not shown: it may quote values from the shop's files; run the notebook in "
          "JupyterLab to see it)")


def safe_message(ename: str, evalue: str) -> str:
    """The error's message when its class is known not to quote data, else HIDDEN."""
    return str(evalue) if ename in WORKBOOK_ERRORS | SYSTEM_ERRORS else HIDDEN


def scrub(nb) -> None:
    """Outputs cleared in place (see the module)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                ename = str(output.get("ename", "Error"))
                message = safe_message(ename, str(output.get("evalue", "")))
                kept.append(nbformat.v4.new_output("error", ename=ename, evalue=message,
                                                   traceback=[f"{ename}: {message}"]))
        cell["outputs"] = kept


def keep_failed(executed: Path, folder: Path) -> Path:
    """The executed notebook, its outputs scrubbed, kept in `folder`; a full disk or a notebook
    that cannot be read must not hide the real error."""
    kept = folder / executed.name
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        if executed.exists():
            try:
                nb = nbformat.read(executed, as_version=4)
            except Exception:  # noqa: BLE001 - half-written by a killed kernel: keep nothing of it
                kept = Path(f"(not kept: {executed.name} could not be read)")
                return kept
            scrub(nb)
            nbformat.write(nb, kept)
    except OSError as copy_error:
        kept = Path(f"(not kept: {copy_error.strerror})")
    return kept

