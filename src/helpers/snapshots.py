"""Segment snapshots: every customer's segment as of a date, kept so later runs can compare.

data/processed/snapshots/customer_segments/scheme=<s>/as_of=<date>/key=<k>/segments.parquet
The key is a hash of the settings and of the input files' checksums, so a snapshot made from other
data or other settings is never mistaken for this one; meta.json says what produced it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.export import arrow, write_parquet
from helpers.paths import SNAPSHOTS_DIR

SNAPSHOT_COLUMNS = ["customer_id", "segment", "r_score", "f_score", "m_score", "fm_score",
                    "recency_days", "frequency", "monetary", "first_purchase_date"]


def snapshot_key(settings: dict, input_checksums: dict[str, str]) -> str:
    material = json.dumps({"settings": settings, "inputs": input_checksums}, sort_keys=True,
                          default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def snapshot_dir(*, scheme: str, as_of: date, key: str, root: Path = SNAPSHOTS_DIR) -> Path:
    return Path(root) / "customer_segments" / f"scheme={scheme}" / f"as_of={as_of}" / f"key={key}"


def write_snapshot(con: duckdb.DuckDBPyConnection, *, scheme: str, as_of: date, settings: dict,
                   input_checksums: dict[str, str], root: Path = SNAPSHOTS_DIR) -> Path:
    """Write rfm_customers as a snapshot; the same inputs and settings give the same bytes."""
    key = snapshot_key(settings, input_checksums)
    folder = snapshot_dir(scheme=scheme, as_of=as_of, key=key, root=root)
    table = arrow(con, f"select {', '.join(SNAPSHOT_COLUMNS)} from rfm_customers "
                       f"order by customer_id")
    write_parquet(table, folder / "segments.parquet")
    meta = {"scheme": scheme, "as_of": as_of.isoformat(), "key": key, "settings": settings,
            "input_checksums": input_checksums, "rows": table.num_rows}
    (folder / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True, default=str),
                                      encoding="utf-8")
    return folder / "segments.parquet"


def read_snapshot(*, scheme: str, as_of: date, settings: dict, input_checksums: dict[str, str],
                  root: Path = SNAPSHOTS_DIR) -> pa.Table | None:
    """The stored snapshot for exactly these settings and inputs, or None."""
    key = snapshot_key(settings, input_checksums)
    path = snapshot_dir(scheme=scheme, as_of=as_of, key=key, root=root) / "segments.parquet"
    return pq.read_table(path) if path.exists() else None
