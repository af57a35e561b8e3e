"""Value fits kept by what they depend on, so that a later month reuses them (notebook 06).

The back-test fits the model at the previous month end: last month's page 06 fitted exactly that
model on exactly those lines, unless an older line changed. A fit depends only on the staged lines
dated up to its date (the as-of rule: customer_value_summary reads int_orders at that date), its
date, the purchase model, the statuses excluded, zero_amount_purchases, whether spend is fitted,
and the code and libraries that fit it. Its key is those: the lines' content up to the date is
kit/snapshots.content_checksums' (the order-independent daily sums notebook 01 writes beside the
staged files, as the segment snapshots use), the code the text of the modules and SQL models the
fit reads. A changed older line, another setting or another version is another key, so a stored
fit is never mistaken for another; the fit is deterministic, so a stored one equals a refit to the
last bit (tests/test_value_fit_store.py).

data/processed/cache/value_fits/fit_<key>.json: every field of the ValueFit (floats written as
Python writes them: read back exactly). A file unreadable is a fit not stored (fitted again).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.files import file_sha256
from helpers.core.paths import CACHE_DIR
from helpers.engine import db
from helpers.kit import snapshots
from helpers.kit.export import write_query_parquet
from helpers.pages.value.fit import DEFAULT_MODEL, ValueFit
from helpers.pages.value.summary import fit_table

STORE = CACHE_DIR / "value_fits"
# unused for this long: removed (a fit of lines since changed, of another shop's export)
KEPT_SECONDS = 40 * 86400
_HERE = Path(__file__).resolve().parent
_SQL = _HERE.parents[1] / "sql"
# what a fit is computed by: its text is part of the key
CODE = [_HERE / "fit.py", _HERE / "summary.py",
        _SQL / "marts" / "value" / "customer_value_summary.sql",
        _SQL / "marts" / "value" / "customer_value_patterns.sql",
        _SQL / "marts" / "value" / "customer_value_spend_patterns.sql",
        _SQL / "intermediate" / "int_orders.sql",
        _SQL / "intermediate" / "int_order_totals.sql"]
_ARRAYS = ("cov_bgnbd", "cov_gamma_gamma")


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _versions() -> dict:
    """The fitting libraries' versions, from their metadata (importing pymc-marketing to ask
    costs seconds, which a fit read back does not otherwise pay)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("numpy", "scipy", "pytensor", "pymc", "pymc-marketing"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = ""
    return out


def fit_key(con, *, as_of: date, excluded_statuses, zero_amount_purchases: bool, spend: bool,
            model: str) -> str:
    """The key of the fit at `as_of` for these settings on the lines staged on `con`."""
    return _key(con, as_of=as_of, excluded_statuses=excluded_statuses,
                zero_amount_purchases=zero_amount_purchases, spend=bool(spend), model=model,
                versions=_versions())


def summary_key(con, *, as_of: date, excluded_statuses, zero_amount_purchases: bool) -> str:
    """The key of the summary at `as_of` (customer_value_summary) on the lines staged on `con`."""
    return _key(con, as_of=as_of, excluded_statuses=excluded_statuses,
                zero_amount_purchases=zero_amount_purchases, kind="summary")


def _key(con, *, as_of: date, excluded_statuses, zero_amount_purchases: bool, **more) -> str:
    content = snapshots.content_checksums(con, [as_of], list(excluded_statuses))[as_of]
    material = {"as_of": as_of.isoformat(), "lines": content["lines"], "hash": content["hash"],
                "excluded_statuses": [str(s) for s in excluded_statuses],
                "zero_amount_purchases": bool(zero_amount_purchases), "code": _code_digest(),
                **more}
    text = json.dumps(material, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def keep_summary(con, table: str, *, as_of: date, excluded_statuses,
                 zero_amount_purchases: bool = False, store: Path | None = None) -> Path | None:
    """Summary `table` (the summary at `as_of` for these settings) kept in `store` as Parquet,
    for next month's back-test, which reads it instead of building the orders and summary at
    that date again; None without a store or when it cannot be written. Beside it,
    `summary_<key>.json` holds its rows, size and sha256, which stored_summary checks."""
    if store is None:
        return None
    key = summary_key(con, as_of=as_of, excluded_statuses=excluded_statuses,
                      zero_amount_purchases=zero_amount_purchases)
    path = Path(store) / f"summary_{key}.parquet"
    if _intact(path):
        with contextlib.suppress(OSError):
            os.utime(path)
        return path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_query_parquet(con, f"select * from {table} order by customer_id", tmp)
        seal = {"rows": pq.ParquetFile(tmp).metadata.num_rows, "bytes": tmp.stat().st_size,
                "sha256": file_sha256(tmp)}
        tmp.replace(path)
        _write(path.with_suffix(".json"), seal, pattern="summary_*.json")
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return None
    _forget_old(path.parent, "summary_*.parquet", path)
    return path


def _intact(path: Path) -> bool:
    """Kept summary `path` is the file keep_summary wrote: its seal (rows, size, sha256) matches.
    A truncated, emptied or edited file, or one without a seal, is not (it is written again)."""
    try:
        seal = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return (path.stat().st_size == seal["bytes"]
                and pq.ParquetFile(path).metadata.num_rows == seal["rows"]
                and file_sha256(path) == seal["sha256"])
    except (OSError, ValueError, TypeError, KeyError, pa.ArrowException):
        return False


def stored_summary(con, name: str, *, as_of: date, excluded_statuses,
                   zero_amount_purchases: bool = False, store: Path | None = None) -> str | None:
    """Source `name` pointed at the summary at `as_of` kept in `store` (keep_summary) for these
    settings and lines; None when none is kept (the caller builds it)."""
    if store is None:
        return None
    key = summary_key(con, as_of=as_of, excluded_statuses=excluded_statuses,
                      zero_amount_purchases=zero_amount_purchases)
    path = Path(store) / f"summary_{key}.parquet"
    if not _intact(path):
        return None  # none kept, or damaged: built, and kept again whole
    with contextlib.suppress(OSError):
        os.utime(path)
    db.register_parquet(con, name, path, replace=True)
    return name


def dump(result: ValueFit) -> dict:
    out = {k: v for k, v in vars(result).items() if k not in _ARRAYS}
    for name in _ARRAYS:
        value = getattr(result, name)
        out[name] = None if value is None else np.asarray(value, dtype=float).tolist()
    return out


def load(kept: dict) -> ValueFit:
    values = dict(kept)
    for name in _ARRAYS:
        if values.get(name) is not None:
            values[name] = np.asarray(values[name], dtype=float)
    return ValueFit(**values)


def stored_fit(con, table: str, *, as_of: date, excluded_statuses,
               zero_amount_purchases: bool = False, spend: bool = True,
               model: str = DEFAULT_MODEL, seed: int = 2026, max_customers: int = 500_000,
               store: Path | None = None) -> ValueFit:
    """fit_table(con, table, …) for summary `table` (the summary at `as_of` for these settings),
    read from `store` (page 06: STORE) when a fit of the same key was kept there, else fitted
    and kept (`store` None: always fitted, nothing kept)."""
    if store is None:
        return fit_table(con, table, seed=seed, max_customers=max_customers, spend=spend,
                         model=model)
    key = fit_key(con, as_of=as_of, excluded_statuses=excluded_statuses,
                  zero_amount_purchases=zero_amount_purchases, spend=spend, model=model)
    path = Path(store) / f"fit_{key}.json"
    try:
        found = load(json.loads(path.read_text(encoding="utf-8"))["fit"])
        with contextlib.suppress(OSError):
            os.utime(path)  # used: kept another KEPT_SECONDS
        return found
    except (OSError, ValueError, TypeError, KeyError):
        pass  # none yet, or unreadable: fitted again and written whole
    fitted = fit_table(con, table, seed=seed, max_customers=max_customers, spend=spend,
                       model=model)
    _write(path, {"key": key, "as_of": as_of.isoformat(), "fit": dump(fitted)})
    return fitted


def _write(path: Path, body: dict, *, pattern: str = "fit_*.json") -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(body), encoding="utf-8")
        tmp.replace(path)
    except OSError:  # a folder that cannot be written: fitted each time, as before
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return
    _forget_old(path.parent, pattern, path)


def _forget_old(folder: Path, pattern: str, keep: Path) -> None:
    for old in folder.glob(pattern):
        with contextlib.suppress(OSError):
            if old != keep and time.time() - old.stat().st_mtime > KEPT_SECONDS:
                old.unlink()
