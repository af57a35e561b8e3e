"""The trend's month ends in one pass (issue 34, item 3): rfm_segments_at_dates, at each date,
gives exactly the rows rfm_segments gives for that date alone, whatever the settings (quantiles
per date, fixed cut points, a window, the average order value, two factors, a scheme on raw
values), and the snapshot written from it is the same file. Spark: tests/test_two_engines.py."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from helpers.core.params import RunParams, bytes_in
from helpers.engine import db
from helpers.kit import rfm, snapshots

DATES = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]


# (customer, order_id, date, amount, status, is_return): what each date must get right
LINES = [
    ("a", "A1", "2024-01-10", "500"), ("a", "A2", "2024-02-20", "300"),
    ("b", "B1", "2023-12-05", "100"), ("b", "B2", "2024-03-25", "100"),
    ("c", "C1", "2024-02-25", "70"), ("c", "C2", "2024-03-30", "70"),
    # ties: d and e have the same history
    ("d", "D1", "2024-01-15", "200"), ("e", "E1", "2024-01-15", "200"),
    # an order with lines on both sides of two month ends, and a cancelled line in it
    ("f", "F1", "2024-01-30", "80"), ("f", "F1", "2024-02-02", "40"),
    ("f", "F1", "2024-03-02", "-150"), ("f", "F1", "2024-02-10", "999", "cancelled"),
    # refunds: part of an order, and a refund-only customer; a return export's line
    ("g", "G1", "2024-01-31", "400"), ("g", "G1R", "2024-02-10", "-150", "refunded"),
    ("h", "H1R", "2024-03-15", "-80", "refunded"), ("g", "G1", "2024-03-01", "-50", "", True),
    # lines without an order_id: each an order of its own
    ("i", None, "2024-02-01", "60"), ("i", None, "2024-02-01", "60"),
    # cancelled only, and after every date
    ("j", "J1", "2024-03-20", "120", "cancelled"), ("k", "K1", "2024-05-02", "999"),
    ("l", "L1", "2022-02-28", "700000"), ("m", "M1", "2024-04-30", "1"),
]


def lines() -> pa.Table:
    """LINES staged: the columns order_lines has."""
    rows = []
    for i, (customer, order_id, day, amount, *rest) in enumerate(LINES):
        status, is_return = (rest + ["completed", False][len(rest):])[:2]
        rows.append({"source_file": "orders.csv", "source_line": i + 2, "order_id": order_id,
                     "customer_id": customer, "order_date": date.fromisoformat(day),
                     "amount": Decimal(amount), "status": status or None, "channel": "POS",
                     "is_return": is_return})
    table = pa.Table.from_pylist(rows)
    return table.set_column(table.schema.get_field_index("amount"), "amount",
                            table.column("amount").cast(pa.decimal128(18, 4)))


def customers() -> pa.Table:
    signups = {"a": "2023-06-01", "n": "2024-02-15", "o": "2024-04-30", "p": None, "q": "2024-05-01"}
    return pa.table({
        "customer_id": list(signups),
        "signup_date": pa.array([date.fromisoformat(v) if v else None for v in signups.values()],
                                pa.date32())})


@pytest.fixture
def shop(con, tmp_path):
    db.register(con, "order_lines", lines())
    db.register(con, "customers", customers())
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id\n", encoding="utf-8")
    return lambda **kw: RunParams.from_values(as_of=DATES[-1], orders_path=orders, **kw)


SETTINGS = {
    "quantiles": {},
    "fixed cut points": {"scoring": "fixed",
                         "fixed_cuts": {"recency_days": [15, 30, 60, 90], "frequency": [2, 3, 4, 5],
                                        "monetary": [100, 200, 400, 800]}},
    "a 45-day window, aov": {"window_days": 45, "monetary": "aov"},
    "two factors": {"factors": "rf", "scheme": "tests/fixtures/active2.yaml"},
    "a scheme on raw values": {"scheme": "lifecycle"},
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_one_pass_equals_each_date_alone(con, shop, settings):
    run = shop(**settings)
    scheme = rfm.load_run_scheme(run)
    together = rfm.build_rfm_segments_at_dates(con, run=run, scheme=scheme, dates=DATES).alias
    for day in DATES:
        alone = rfm.build_rfm_segments(con, run=run, scheme=scheme, as_of=day).alias
        want = con.execute(f"select * from {alone} order by customer_id").fetchall()
        got = con.execute(f"select * exclude (as_of) from {together} where as_of = ? "
                          f"order by customer_id", [day]).fetchall()
        assert got == want, day
        assert len(want) >= 5
    columns = [c[0] for c in con.execute(f"describe {together}").fetchall()]
    assert columns == ["as_of"] + [c[0] for c in con.execute(f"describe {alone}").fetchall()]
    assert [c[1] for c in con.execute(f"describe {together}").fetchall()][1:] == [
        c[1] for c in con.execute(f"describe {alone}").fetchall()]


def test_the_snapshots_of_one_pass_are_the_files_of_each_date_alone(con, shop, tmp_path):
    run = shop()
    scheme = rfm.load_run_scheme(run)
    started = time.perf_counter()
    together = snapshots.prepare(con, run=run, scheme=scheme, dates=DATES,
                                 snapshot_root=tmp_path / "one")
    one_pass = time.perf_counter() - started
    started = time.perf_counter()
    for day in DATES:  # each date alone, as page 02 computed them before
        snapshots.segments_source(con, "seg", run=run, scheme=scheme, as_of=day,
                                  input_checksums={}, snapshot_root=tmp_path / "each")
    each = time.perf_counter() - started
    print(f"\n{len(DATES)} month ends: one pass {one_pass:.2f} s, each alone {each:.2f} s")
    for day, (kind, path) in together.items():
        assert kind == "computed"
        alone = snapshots.prepare(con, run=run, scheme=scheme, dates=[day],
                                  snapshot_root=tmp_path / "each")[day]
        assert alone[0] == "snapshot"
        assert path.read_bytes() == alone[1].read_bytes(), day


def test_a_trend_too_large_for_memory_is_computed_in_groups_with_the_same_files(
        con, shop, tmp_path, monkeypatch):
    """At 100M lines one pass over twelve month ends needed more than 22 GB of temporary disk:
    the dates go in groups whose rows (a date and customer each) fit memory_limit, and every
    snapshot is the file one pass writes. The groups' tables are dropped once written; what the
    connection held before stays, and a plain name or an alias shows what it showed."""
    run = shop()
    scheme = rfm.load_run_scheme(run)
    one = snapshots.prepare(con, run=run, scheme=scheme, dates=DATES, snapshot_root=tmp_path / "1")
    assert snapshots.date_groups(con, DATES, run.excluded_statuses) == [DATES]
    # held before: a table of one of the models, and an alias to a model's plain name
    earlier = rfm.build_rfm_segments_at_dates(con, run=run, scheme=scheme, dates=DATES[1:3])
    db.alias(con, "mine", "rfm_segments_at_dates")
    alone = rfm.build_rfm_segments(con, run=run, scheme=scheme, as_of=DATES[0])
    rows = {"earlier": earlier.count("*").fetchall(), "alone": alone.count("*").fetchall(),
            "mine": con.execute("select count(*) from mine").fetchall()}
    held = _temp_objects(con)
    # customers at each date (who bought, or signed up without buying; approx_count_distinct is
    # exact this small): 8, 11, 13, 15
    limit = db.one(con, "select current_setting('memory_limit')")[0]
    monkeypatch.setattr(snapshots, "TREND_BYTES_PER_ROW", bytes_in(limit) // 20)
    groups = snapshots.date_groups(con, DATES, run.excluded_statuses)
    assert groups == [DATES[:2], [DATES[2]], [DATES[3]]], groups
    grouped = snapshots.prepare(con, run=run, scheme=scheme, dates=DATES,
                                snapshot_root=tmp_path / "2")
    for day in DATES:
        assert grouped[day][0] == "computed"
        assert grouped[day][1].read_bytes() == one[day][1].read_bytes(), day
    # nothing the groups built is left (a lone date's chain included), and what was held is
    assert _temp_objects(con) == held
    assert {"earlier": earlier.count("*").fetchall(), "alone": alone.count("*").fetchall(),
            "mine": con.execute("select count(*) from mine").fetchall()} == rows
    # asked again, a dropped model is built again
    again = rfm.build_rfm_segments_at_dates(con, run=run, scheme=scheme, dates=DATES[:2]).alias
    assert con.execute(f"select count(*) from {again}").fetchone()[0] == 8 + 11


def _temp_objects(con) -> set[str]:
    return {r[0] for r in con.execute("select table_name from duckdb_tables() where temporary "
                                      "union all select view_name from duckdb_views() "
                                      "where temporary").fetchall()}


@pytest.mark.parametrize("limit", ["2000TB", "-1"])
def test_a_memory_limit_without_bound_is_one_pass(con, shop, tmp_path, limit):
    """DuckDB shows 2000TB as '1.7 PiB' and no limit as '16383.9 PiB': the trend is one pass."""
    con.execute("set memory_limit = ?", [limit])
    run = shop()
    assert snapshots.date_groups(con, DATES, run.excluded_statuses) == [DATES]
    ready = snapshots.prepare(con, run=run, scheme=rfm.load_run_scheme(run), dates=DATES,
                              snapshot_root=tmp_path)
    assert [kind for kind, _ in ready.values()] == ["computed"] * len(DATES)
    assert bytes_in("1.7 PiB") == int(1.7 * 2**50) and bytes_in("2EB") == 2 * 10**18
