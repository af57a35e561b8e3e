"""Page 05's segments at past days that are no month ends: each campaign's day before it began,
and the plan's window start. Kept in page 05's own snapshot store (campaign_store()), keyed like
every snapshot by the settings and the content of the lines up to the day (kit/snapshots.py), so
a later month, whose new file adds only later lines, reads them instead of computing them again."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import duckdb

from helpers.core.params import RunParams
from helpers.core.schemes import Scheme
from helpers.engine import db
from helpers.kit import rfm, snapshots


def campaign_store() -> Path:
    """Page 05's own segment snapshots: the campaigns' days and the plan's window start, which are
    no month ends. A folder beside page 01/02's store (snapshots/customer_segments), never in it:
    page 02 says where each of its dates came from, and 05 never writes there, so that sentence
    does not depend on whether 05 ran beside it (monthly.NEEDS). It follows the root
    snapshots.segments_source reads (data/processed/snapshots; a test's private store moves it)."""
    return snapshots.root() / "campaign_days"


def segments_at(con, name: str, *, run: RunParams, scheme: Scheme, day: date,
                input_checksums: dict[str, str], store: Path | None = None) -> str:
    """Source `name` holds every customer's segment as of `day`: read from page 05's own `store`,
    else from page 01/02's snapshot (snapshots.segments_source, which never writes one for 05),
    else computed and, with a `store`, kept there (keyed, like every snapshot, by the settings and
    the content of the lines up to `day`: the same answer as computing it). Returns 'snapshot',
    'kept' or 'computed'. Without a `store`, segments_source alone."""
    if store is not None:
        settings = rfm.snapshot_settings(run, scheme)
        content = snapshots.content_checksums(con, [day], run.excluded_statuses)[day]
        kept = snapshots.snapshot_file(scheme=run.scheme, as_of=day, settings=settings,
                                       input_checksums=content, root=store)
        if kept is not None:
            db.register_parquet(con, name, kept, replace=True)
            return "kept"
    kind = snapshots.segments_source(con, name, run=run, scheme=scheme, as_of=day,
                                     input_checksums=input_checksums, keep=False)
    if store is not None and kind == "computed":
        # a store that cannot be written (a read-only copy of the snapshots, a full disk, a
        # file where its folder goes) costs only the day's computation next month
        with contextlib.suppress(OSError, duckdb.IOException, duckdb.PermissionException):
            snapshots.write_snapshot(con, scheme=run.scheme, as_of=day, settings=settings,
                                     input_checksums=content, root=store, segments=name)
    return kind
