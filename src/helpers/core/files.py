"""Which files an input path means (a file, a folder, a glob) and their identity (sha256)."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from pathlib import Path

from helpers.core.errors import IngestError, InputChanged
from helpers.core.paths import PROJECT_ROOT, resolve

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", *WORKBOOK_SUFFIXES, ".parquet", ".pq")


# ---------------------------------------------------------------- which files


def expand_inputs(path: str | Path, *, key: str = "orders_path") -> list[Path]:
    """A file, a folder (every export file in it) or a glob such as data/raw/orders/*.xlsx."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        pattern = text if Path(text).is_absolute() else str(PROJECT_ROOT / text)
        found = sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_file()
                       and not Path(p).name.startswith((".", "~$")))
        if not found:
            raise IngestError(f"{key} = {text!r}: no file matches this pattern")
        return found
    resolved = resolve(text)
    if resolved is not None and resolved.is_dir():
        found = sorted(p for p in resolved.iterdir() if p.is_file()
                       and p.suffix.lower() in SUPPORTED_SUFFIXES
                       and not p.name.startswith((".", "~$")))
        if not found:
            raise IngestError(f"{key} = {text!r}: the folder has no export file "
                              f"({', '.join(SUPPORTED_SUFFIXES)})")
        return found
    if resolved is None or not resolved.exists():
        raise IngestError(f"{resolved or text}: file not found. Put the shop export there or set "
                          f"the path parameter ({key}) to where it is (a file, a folder or a "
                          f"pattern such as data/raw/orders/*.xlsx).")
    return [resolved]


def file_label(path: Path, files: list[Path]) -> str:
    """How a file is named in reports: its name, or its path below the common folder."""
    if len(files) == 1:
        return path.name
    common = Path(os.path.commonpath([str(f.parent) for f in files]))
    return str(path.relative_to(common))


# ---------------------------------------------------------------- checksums


# the month's input version (path -> sha256), set by the monthly runner for its kernels
MONTH_VERSION_ENV = "WORKBOOK_INPUT_VERSION"


def month_version_env(sha256: dict[str, str]) -> str:
    return json.dumps({str(Path(p).resolve()): digest for p, digest in sha256.items()})


def file_sha256(path: Path, *, index_dir: Path | None = None) -> str:
    """The file's sha256. With index_dir, remembered by (path, size, mtime): an unchanged file is
    not read again (a 10-million-line export takes seconds to hash).

    Inside a monthly run, an input file whose sha256 is not the one the month started with is
    InputChanged: a notebook never stages another version of an export (a file rewritten and put
    back while one notebook read it would otherwise pass the runner's checks unseen)."""
    digest = _sha256(Path(path), index_dir)
    version = os.environ.get(MONTH_VERSION_ENV)
    if version:
        try:
            expected = json.loads(version).get(str(Path(path).resolve()))
        except (ValueError, AttributeError):
            expected = None
        if expected is not None and expected != digest:
            raise InputChanged(
                f"{path} is not the version this month started with (its sha256 differs): it "
                f"changed during the run. Nothing is published: a month is computed from one "
                f"version of its inputs. Run the month again once the export is complete.")
    return digest


def _sha256(path: Path, index_dir: Path | None) -> str:
    if index_dir is not None:
        stat = path.stat()
        if stat.st_size <= 1 << 24:  # small files: the full hash costs less than a doubt
            return _sha256(path, None)
        # size and mtime are no proof alone: the first, middle and last 64 KiB are read as well
        key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
        with open(path, "rb") as f:
            for offset in (0, stat.st_size // 2, max(stat.st_size - (1 << 16), 0)):
                f.seek(offset)
                key.update(f.read(1 << 16))
        marker = Path(index_dir) / "checksums" / key.hexdigest()[:32]
        if marker.exists():
            return marker.read_text(encoding="ascii").strip()
        digest = _sha256(path, None)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(digest, encoding="ascii")
        return digest
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()
