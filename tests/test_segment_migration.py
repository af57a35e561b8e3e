"""Migration between two dates on hand-made data: matrix, new customers, prospects, up/down."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from helpers.core.params import RunParams
from helpers.kit import rfm, snapshots
from helpers.pages.migration import compute as migration

FROM, TO = date(2024, 2, 29), date(2024, 3, 31)


def O(customer, order_id, day, amount=100):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day, "amount": str(amount)}


ORDERS = [
    O("a", "1", "2024-02-20", 500),                          # active -> lapsed: down
    O("b", "2", "2024-01-01"), O("b", "3", "2024-03-25"),    # lapsed -> active: up
    O("c", "4", "2024-02-25"), O("c", "5", "2024-03-30"),    # active -> active
    O("d", "6", "2024-03-10"),                               # new in the period
    O("p", "7", "2024-03-15"),                               # a prospect who bought
    O("z", "8", "2024-04-02"),                               # after both dates: nowhere
]
CUSTOMERS = [{"customer_id": c, "signup_date": "2024-01-01"} for c in "abcpq"] + [
    {"customer_id": "d", "signup_date": "2024-03-08"},       # signed up and bought in the period
    {"customer_id": "s", "signup_date": "2024-03-05"}]       # signed up in the period, no purchase


@pytest.fixture
def migrated(con, given_orders, given_customers, tmp_path):
    given_orders(ORDERS)
    given_customers(CUSTOMERS)
    run = RunParams.from_values(as_of=TO, orders_path=tmp_path / "orders.csv",
                                customers_path=tmp_path / "customers.csv",
                                scheme="tests/fixtures/active2.yaml")
    scheme = rfm.load_run_scheme(run)

    def _migrate(snapshot_root, use_snapshots=True):
        source_from = snapshots.segments_source(
            con, "seg_from", run=run, scheme=scheme, as_of=FROM, input_checksums={"o": "1"},
            snapshot_root=snapshot_root, use_snapshots=use_snapshots)
        source_to = snapshots.segments_source(
            con, "seg_to", run=run, scheme=scheme, as_of=TO, input_checksums={"o": "1"},
            snapshot_root=snapshot_root, use_snapshots=use_snapshots)
        migration.build_segment_movers(con, scheme=scheme, lang="en")
        matrix = migration.build_segment_migration(con).df()
        return matrix, (source_from, source_to)

    return _migrate, scheme


def cells(matrix):
    return {(r.from_segment, r.to_segment): r.customers for r in matrix.itertuples()}


def test_every_customer_is_counted_once_and_rows_sum_to_one(con, migrated, tmp_path):
    migrate, _ = migrated
    matrix, _ = migrate(tmp_path / "snaps")
    assert cells(matrix) == {
        ("active", "lapsed"): 1, ("lapsed", "active"): 1, ("active", "active"): 1,
        ("(new)", "active"): 1, ("prospect", "active"): 1, ("prospect", "prospect"): 1,
        ("(new)", "prospect"): 1,
    }
    assert matrix.customers.sum() == 7  # a b c d p q s; z bought after both dates
    for _, group in matrix.groupby("from_segment"):
        assert group.share_of_from.sum() == pytest.approx(1.0)


def test_up_down_split_follows_the_scheme_rank_and_counts_revenue_at_stake(con, migrated,
                                                                           tmp_path):
    migrate, _ = migrated
    migrate(tmp_path / "snaps")
    h = migration.headline(con)
    # present at the first date: a, b, c (buyers) and p, q (prospects); d and s are new
    assert h["customers"] == 5 and h["new"] == 2
    assert (h["up_count"], h["down_count"]) == (2, 1)  # b and p up, a down
    assert h["revenue_at_stake"] == 500  # a's spend as of the first date
    assert h["prospects_who_bought"] == 1


def test_movers_lists_select_by_segment_sets(con, migrated, tmp_path):
    migrate, scheme = migrated
    migrate(tmp_path / "snaps")
    migration.build_movers_list(con, name="lost_actives", from_segments=["active"],
                                to_segments=["lapsed"], known=scheme.keys)
    rows = con.execute("select customer_id, from_segment, to_segment, monetary_from "
                       "from movers_list").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("a", "active", "lapsed")]
    migration.build_movers_list(con, name="into_active", from_segments=[], to_segments=["active"],
                                known=scheme.keys)
    got = sorted(r[0] for r in con.execute("select customer_id from movers_list").fetchall())
    assert got == ["b", "d", "p"]  # anyone who moved into active; c was already there
    with pytest.raises(ValueError, match="unknown segment"):
        migration.build_movers_list(con, name="x", from_segments=["champions"],
                                    to_segments=["active"], known=scheme.keys)


def test_snapshot_based_and_recomputed_matrices_are_equal(con, migrated, tmp_path):
    migrate, _ = migrated
    first, sources = migrate(tmp_path / "snaps")
    assert sources == ("computed", "computed")
    again, sources = migrate(tmp_path / "snaps")
    assert sources == ("snapshot", "snapshot")
    fresh, _ = migrate(tmp_path / "other", use_snapshots=False)
    assert cells(first) == cells(again) == cells(fresh)


def test_month_ends_and_default_from_date():
    assert migration.default_from(date(2026, 10, 31)) == date(2026, 9, 30)
    assert migration.default_from(date(2026, 3, 15)) == date(2026, 2, 28)
    ends = snapshots.month_ends(date(2026, 10, 31), 12)
    assert ends[0] == date(2025, 11, 30) and ends[-1] == date(2026, 10, 31) and len(ends) == 12
    assert snapshots.month_ends(date(2026, 10, 15), 2) == [date(2026, 8, 31), date(2026, 9, 30)]


def test_a_snapshot_made_under_other_rules_is_not_reused(con, given_orders, given_customers,
                                                         tmp_path):
    """Editing the scheme file (here: the 30-day rule becomes 10 days) makes the next run
    recompute the segments instead of reading the snapshot made under the old rule."""
    given_orders(ORDERS)
    given_customers(CUSTOMERS)
    scheme_file = tmp_path / "active2.yaml"
    scheme_file.write_text(Path("tests/fixtures/active2.yaml").read_text(encoding="utf-8"),
                           encoding="utf-8")
    run = RunParams.from_values(as_of=TO, orders_path=tmp_path / "orders.csv",
                                customers_path=tmp_path / "customers.csv",
                                scheme=str(scheme_file))

    def segments():
        scheme = rfm.load_run_scheme(run)
        source = snapshots.segments_source(con, "seg_at", run=run, scheme=scheme, as_of=TO,
                                           input_checksums={"o": "1"},
                                           snapshot_root=tmp_path / "snaps")
        return dict(con.execute("select customer_id, segment from seg_at").fetchall()), source

    first, source = segments()
    assert source == "computed" and first["d"] == "active"  # d bought 21 days before TO
    assert segments()[1] == "snapshot"
    scheme_file.write_text(scheme_file.read_text(encoding="utf-8")
                           .replace("max: 30", "max: 10").replace("above: 30", "above: 10"),
                           encoding="utf-8")
    edited, source = segments()
    assert source == "computed" and edited["d"] == "lapsed"


def test_every_shipped_scheme_owns_valid_movers_lists_with_labels():
    from helpers.core.schemes import available_schemes, load_scheme

    for name in available_schemes():
        scheme = load_scheme(name)
        assert set(scheme.movers_lists) >= {"win_back", "thank_you"}, name
        for key, spec in scheme.movers_lists.items():
            assert set(spec["from"]) | set(spec["to"]) <= set(scheme.keys)
            for lang in ("vi", "en"):  # shown by its name in each language, never by its key
                assert scheme.movers_label(key, lang) not in ("", key), (name, key, lang)
    # a run may name its own lists; they are checked against the scheme it runs
    vn4 = load_scheme("vn4")
    assert migration.movers_lists_for(vn4, {}) == vn4.movers_lists
    with pytest.raises(ValueError, match="unknown segment.*champions"):
        migration.movers_lists_for(vn4, {"x": {"from": ["champions"], "to": ["old"]}})
