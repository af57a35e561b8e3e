"""The month's manifest.json holds no server path (issue 33): it is forwarded with the month.

Outputs are named relative to the month folder; inputs and params files inside the project by
their path from the project folder (data/raw/orders.csv, params/monthly.yaml, as a params file
writes them); anything outside the project by its file name alone. A path met inside a text (a
message) is shortened the same way. No absolute path, home or server folder name is left.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from helpers.core.paths import PROJECT_ROOT

# an absolute path inside a text: /srv/x/y.csv, ~/x, C:\x\y, file:///x (not 1/2, and/or, 5/30)
ABSOLUTE = re.compile(r"(?:file://(?=/)|(?<![\w.~/-]))(?:~|[A-Za-z]:\\|/)(?:[^\s\"'<>|,;()]+)")


def portable_path(text: str | Path, *, folders: tuple[Path, ...] = ()) -> str:
    """One path as the manifest writes it: relative to the first of `folders` (the month's
    staging and published folders) or the project that holds it, else its file name."""
    raw = str(text)
    if raw.startswith("file://"):
        raw = raw[len("file://"):]
    if "\\" in raw and not raw.startswith("/"):
        return PureWindowsPath(raw).name
    path = Path(raw).expanduser()
    if not path.is_absolute():
        return raw
    for folder in (*folders, PROJECT_ROOT):
        for base in {Path(folder), Path(folder).resolve()}:
            try:
                return path.relative_to(base).as_posix() or "."
            except ValueError:
                continue
    return PurePosixPath(path).name or "."


def project_path(path: str | Path) -> str:
    """A path for a message on this machine's console: from the project folder when inside it
    (params/monthly.yaml), whole otherwise."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


def _text(value: str, folders: tuple[Path, ...]) -> str:
    if ABSOLUTE.fullmatch(value):
        return portable_path(value, folders=folders)
    return ABSOLUTE.sub(lambda m: portable_path(m.group(0), folders=folders), value)


def portable(value, *, folders: tuple[Path, ...] = ()):
    """The manifest (any JSON-like value) with every path made portable (see the module)."""
    if isinstance(value, dict):
        return {portable(k, folders=folders) if isinstance(k, str) else k:
                portable(v, folders=folders) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [portable(v, folders=folders) for v in value]
    if isinstance(value, Path):
        return portable_path(value, folders=folders)
    if isinstance(value, str):
        return _text(value, folders)
    return value


def absolute_paths(value) -> list[str]:
    """Every text in a manifest that still holds an absolute path (for tests and the runner's
    last check before writing it)."""
    found: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += absolute_paths(k) + absolute_paths(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            found += absolute_paths(v)
    elif isinstance(value, str) and ABSOLUTE.search(value):
        found.append(value)
    return found
