"""The staging cache: keyed by the files' checksums and the settings, checked before it is
trusted, published as views."""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.files import file_sha256
from helpers.core.safety import (
    process_alive,
)
from helpers.engine import db
from helpers.engine.db import drop_relation

INGEST_VERSION = "9"  # bump when Python reading rules change: invalidates the Parquet cache


@functools.lru_cache(maxsize=1)
def _staging_models_version() -> str:
    """The text of every staging model and macro: a changed parsing rule in SQL is a new cache
    by itself (no version to remember to bump)."""
    folder = db.model_paths()["macros"].parent
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.sql")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- loading


def cache_key(parts: dict) -> str:
    material = json.dumps(parts | {"v": INGEST_VERSION, "models": _staging_models_version()},
                          sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:20]


def sweep_builds(cache: Path) -> None:
    """Remove the work folders of stagings whose process died (killed, out of memory): at 100M
    lines one holds several GB of scratch Parquet. Folders of live processes are left alone."""
    for folder in cache.glob(".build-*"):
        pid = folder.name.split("-")[1]
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


# the staged rows and the guest sales: <name>.parquet, or a folder <name>/ of parts (one per
# input file: ingest.ledger.staged_path)
CACHE_FILES = ("staged", "guests")


def _where(cache: Path, name: str) -> Path:
    return cache / name if (cache / name).is_dir() else cache / f"{name}.parquet"


def _parts(path: Path) -> list[Path]:
    """A staged file's Parquet parts: the file, or a folder's parts in order (ledger.part_paths)."""
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def record(cache: Path, known: dict | None = None) -> None:
    """cache.json: each cached file's parts with their size, time, rows and sha256, to check the
    cache before it is trusted again. `known`: the sha256 of parts already hashed when they
    were written (by inode: a part is a hard link to the file store), not read again."""
    known = known or {}
    recorded = {}
    for name in CACHE_FILES:
        where = _where(cache, name)
        if not where.exists():
            continue
        parts = []
        for path in _parts(where):
            stat = path.stat()
            parts.append({"part": path.name if where.is_dir() else "",
                          "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                          "rows": pq.ParquetFile(path).metadata.num_rows,
                          "sha256": known.get((stat.st_dev, stat.st_ino)) or file_sha256(path)})
        recorded[name] = {"parts": parts}
    (cache / "cache.json").write_text(json.dumps(recorded, indent=1), encoding="utf-8")


def verify_cache(cache: Path) -> str | None:
    """None when every cached file's parts are those recorded when they were written: the same
    parts, each of the same size and time, with the rows recorded (from its footer). A part
    is never rewritten in place (a change is a new file), so its bytes are not read again."""
    try:
        recorded = json.loads((cache / "cache.json").read_text(encoding="utf-8"))
        if "staged" not in recorded:
            return "the staged rows are not recorded"
        for name, expected in recorded.items():
            path = _where(cache, name)
            if not path.exists():
                return f"{name} is missing"
            found = _parts(path)
            names = [p.name if path.is_dir() else "" for p in found]
            if names != [p["part"] for p in expected["parts"]]:
                return f"{name} does not hold the parts recorded"
            for part, said in zip(found, expected["parts"]):
                stat = part.stat()
                if (stat.st_size, stat.st_mtime_ns) != (said["size"], said["mtime_ns"]):
                    return f"{name} has changed since it was written"
                if pq.ParquetFile(part).metadata.num_rows != said["rows"]:
                    return f"{name} has {said['rows']} rows recorded but not stored"
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def publish(con, cache: Path, table: str) -> None:
    drop_relation(con, table)
    # a source known by its file: models persisted beside it (db._persisted) serve every process
    # (a Parquet file, or a folder of parts: one per input file)
    db.register_parquet(con, table, _where(cache, "staged"))
    if table == "order_lines":
        # guest sales (no customer key): not customers, but revenue the reports mention
        con.read_parquet(str(_where(cache, "guests"))).create_view("guest_lines", replace=True)
