"""Segment migration between two dates, movers lists and the 12-month segment trend (notebook 02).

Segments at a date come from kit.snapshots (stored, or computed and stored).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from helpers.core.params import RunParams, month_end_before
from helpers.core.paths import SNAPSHOTS_DIR
from helpers.core.schemes import Scheme, check_movers_lists
from helpers.engine import db
from helpers.kit import rfm, snapshots


def check_dates(as_of_from: date, as_of_to: date) -> None:
    if as_of_from >= as_of_to:
        raise ValueError(f"as_of_from ({as_of_from}) must be before as_of_to ({as_of_to})")


def default_from(as_of_to: date) -> date:
    """The month end before as_of_to (as_of_to's own month end when it is not one)."""
    return month_end_before(as_of_to)


def segment_inputs(seg_from: str = "seg_from", seg_to: str = "seg_to") -> dict[str, str]:
    """segment_movers' declared inputs: the tables (or sources) holding every customer's segment
    at the first and the second date (snapshots.segments_source names them; by default the
    sources seg_from and seg_to it was given)."""
    return {"seg_from": seg_from, "seg_to": seg_to}


def build_segment_movers(con, *, scheme: Scheme, lang: str, seg_from: str = "seg_from",
                         seg_to: str = "seg_to") -> duckdb.DuckDBPyRelation:
    """One row per customer at either date, with both segments (segment_movers.sql), from the
    segments at the two dates: `seg_from` and `seg_to` (segment_inputs)."""
    rfm.register_scheme(con, scheme, lang)
    return db.build(con, "segment_movers", inputs=segment_inputs(seg_from, seg_to))


def build_segment_migration(con, *, seg_from: str = "seg_from",
                            seg_to: str = "seg_to") -> duckdb.DuckDBPyRelation:
    """The migration matrix (segment_migration.sql) of the movers between `seg_from` and
    `seg_to` (segment_inputs)."""
    return db.build(con, "segment_migration", inputs=segment_inputs(seg_from, seg_to))


def headline(con, *, seg_from: str = "seg_from", seg_to: str = "seg_to") -> dict:
    """Shares of customers (present at both dates) who moved up, stayed or moved down, the
    revenue at stake in the downward moves, and the number of new customers, among the movers
    between `seg_from` and `seg_to` (segment_inputs)."""
    movers = db.table_name(con, "segment_movers", inputs=segment_inputs(seg_from, seg_to))
    row = db.one(con, f"""
        select
            count(*) filter (where direction <> 'new'),
            count(*) filter (where direction = 'up'),
            count(*) filter (where direction = 'same'),
            count(*) filter (where direction = 'down'),
            coalesce(sum(monetary_from) filter (where direction = 'down'), 0),
            count(*) filter (where direction = 'new'),
            count(*) filter (where from_segment = 'prospect' and to_segment <> 'prospect')
        from {movers}
    """)
    base, up, same, down, at_stake, new, prospects_bought = row
    share = (lambda n: n / base) if base else (lambda n: 0.0)
    return {"customers": base, "up": share(up), "same": share(same), "down": share(down),
            "up_count": up, "down_count": down, "revenue_at_stake": at_stake, "new": new,
            "prospects_who_bought": prospects_bought}


def build_movers_list(con, *, name: str, from_segments: list[str], to_segments: list[str],
                      known: list[str], seg_from: str = "seg_from",
                      seg_to: str = "seg_to") -> duckdb.DuckDBPyRelation:
    """Customers who moved from one set of segments to another (movers_list.sql), between
    `seg_from` and `seg_to` (segment_inputs)."""
    unknown = sorted((set(from_segments) | set(to_segments)) - set(known))
    if unknown:
        raise ValueError(f"movers list {name!r} names unknown segment(s) {unknown}; the scheme "
                         f"has {known}")
    return db.build(con, "movers_list", inputs=segment_inputs(seg_from, seg_to), list_name=name,
                    from_segments=list(from_segments), to_segments=list(to_segments))


def build_movers_lists(con, lists: dict, known: list[str], *, seg_from: str = "seg_from",
                       seg_to: str = "seg_to") -> dict[str, str]:
    """Each movers list built: {name: the table that holds it}, in the lists' order. Each is
    held by an alias (movers_list_1, …): db keeps only the latest table of a large model; lists
    built again point the aliases at the new tables."""
    held = {}
    for i, (name, spec) in enumerate(lists.items(), 1):
        built = build_movers_list(con, name=name, from_segments=spec["from"],
                                  to_segments=spec["to"], known=known, seg_from=seg_from,
                                  seg_to=seg_to).alias
        db.alias(con, f"movers_list_{i}", built, replace=True)
        held[name] = f"movers_list_{i}"
    return held


def movers_lists_for(scheme: Scheme, given: dict | None) -> dict:
    """The movers lists to write: the scheme's own (movers_lists in its file), or the ones the
    run names instead (checked against the scheme's segments, with the scheme's labels where a
    name is the same)."""
    if not given:
        return scheme.movers_lists
    return check_movers_lists(given, scheme.keys, where=f"movers_lists (for scheme "
                                                        f"{scheme.name})")


def segment_trend(con, *, run: RunParams, scheme: Scheme, dates: list[date],
                  input_checksums: dict[str, str], snapshot_root: Path = SNAPSHOTS_DIR,
                  use_snapshots: bool = True, also=(), ready: dict | None = None
                  ) -> pd.DataFrame:
    """month_end, segment, customers, share: one row per segment of the scheme at each date.

    Each date's segments come from its snapshot when one is valid for what it depends on
    (kit.snapshots: the lines up to that date), and the dates without one are computed together
    in one pass over the lines, with the dates in `also` (the migration's two dates), and
    stored. `ready`, when given, is filled with {date: ('snapshot' or 'computed', its file)}
    for every date, `also` included (snapshots.point reads one). `input_checksums` (the
    exports') is no longer part of a snapshot's key; it is taken for the callers."""
    prepared = snapshots.prepare(con, run=run, scheme=scheme, dates=[*dates, *also],
                                 snapshot_root=snapshot_root, use_snapshots=use_snapshots)
    if ready is not None:
        ready.update(prepared)
    frames = []
    for day in dates:
        # counted when the snapshot was written (its meta.json), not read again every month
        counted = snapshots.segment_counts(con, prepared[day][1])
        counts = pd.DataFrame({"segment": list(counted), "customers": list(counted.values())})
        full = pd.DataFrame({"segment": scheme.keys}).merge(counts, on="segment", how="left")
        full["customers"] = full.customers.fillna(0).astype(int)
        total = full.customers.sum()
        full["share"] = full.customers / total if total else 0.0
        full.insert(0, "month_end", day)
        frames.append(full)
    return pd.concat(frames, ignore_index=True)
