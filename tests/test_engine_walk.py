"""One walk of the model graph for every engine (graph.walk), the engine passed; a source name
holds one source; library code reads the table `build` returns, never the plain name."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from helpers.core.params import RunParams
from helpers.engine import db, graph, spark_models
from helpers.engine.graph import ModelError
from helpers.kit import rfm, snapshots
from helpers.pages.migration import compute as migration
from helpers.pages.segments import compute as segments


class FakeEngine:
    """An engine that runs nothing: it records what the walk asks of it (graph.Engine)."""

    check_grain = True

    def __init__(self, duplicates: dict | None = None):
        self.tables, self.created, self.checked, self.shown = {}, [], [], []
        self.duplicates = duplicates or {}  # table prefix -> the rows the grain check returns

    def handoff(self, name, inputs):
        return None

    def receive(self, name, table, other):
        raise AssertionError("nothing is handed off")

    def text(self, name):
        return graph.model(name).text

    def identity(self, table):
        return f"id:{table}"

    def has(self, key, table):
        return self.tables.get(key) == table

    def create(self, m, table, sql, used, deps):
        self.created.append((m.name, table, sql, used, dict(deps)))

    def rows(self, sql):
        self.checked.append(sql)
        table = sql.split(" from ")[1].split()[0]
        return self.duplicates.get(table.split("__")[0], [])

    def keep(self, key, table):
        self.tables[key] = table

    def done(self, name, table):
        self.shown.append((name, table))


ORDERS = dict(as_of=date(2024, 3, 31), excluded_statuses=["cancelled"])
METRICS = dict(ORDERS, window_days=365, monetary_basis="net")


def test_the_walk_builds_what_a_model_reads_first_each_once_and_checks_each_grain():
    engine = FakeEngine()
    table = graph.walk(engine, "int_customer_metrics", dict(METRICS, unused=1))
    built = [c[0] for c in engine.created]
    assert built == ["int_order_totals", "int_orders", "int_customer_metrics"]
    assert table == engine.created[-1][1] and table.startswith("int_customer_metrics__")
    # each model only the parameters it takes; each read of a model points at its built table
    assert engine.created[0][3] == {"excluded_statuses": ["cancelled"]}
    assert engine.created[1][3] == ORDERS
    orders_table = engine.created[1][1]
    assert f"from {orders_table}" in engine.created[2][2].lower()
    assert engine.created[2][4] == {"int_orders": orders_table}
    # a stated grain is checked by the one query every engine runs
    assert [graph.model(n).unique for n in built] == [(), (), ("customer_id",)]
    assert len(engine.checked) == 1
    assert all("group by" in q and "having count(*) > 1" in q for q in engine.checked)
    # asked again: nothing built again, the same table
    assert graph.walk(engine, "int_customer_metrics", METRICS) == table
    assert len(engine.created) == 3
    # another date: the order totals (which do not take as_of) are not built again
    graph.walk(engine, "int_customer_metrics", dict(METRICS, as_of=date(2024, 2, 29)))
    assert [c[0] for c in engine.created[3:]] == ["int_orders", "int_customer_metrics"]


def test_the_walk_says_which_grain_is_broken_on_any_engine():
    engine = FakeEngine(duplicates={"int_customer_metrics": [("c1", 3), ("c2", 2)]})
    with pytest.raises(ModelError, match=r"model int_customer_metrics: \(customer_id\) should "
                                         r"be unique, but \('c1',\) appears 3 times \(and 1 "
                                         r"more like it shown\)"):
        graph.walk(engine, "int_customer_metrics", METRICS)
    kept = [t.split("__")[0] for t in engine.tables.values()]
    assert kept == ["int_order_totals", "int_orders"]  # the broken one is not kept


def test_declared_inputs_are_given_at_each_build_and_part_of_the_key():
    m = graph.model("segment_movers")
    assert m.inputs == ("seg_from", "seg_to")
    assert "seg_from" not in m.sources and "seg_from" not in graph.closure_sources("movers_list")
    assert graph.closure_inputs("segment_migration") == {"seg_from", "seg_to"}
    engine = FakeEngine()
    with pytest.raises(ModelError, match=r"model segment_movers reads seg_from, seg_to, given by "
                                         r"the caller.*inputs=\{'seg_from': <table>"):
        graph.walk(engine, "segment_movers", {})
    one = graph.walk(engine, "segment_migration", {}, {"seg_from": "a", "seg_to": "b"})
    movers_sql = engine.created[0][2].lower()
    assert "from a as seg_from" in movers_sql and "from b as seg_to" in movers_sql
    other = graph.walk(engine, "segment_migration", {}, {"seg_from": "a", "seg_to": "c"})
    assert one != other  # other segments, another table
    with pytest.raises(ModelError, match=r"input seg_to = 'x y' is not a table name"):
        graph.walk(engine, "segment_movers", {}, {"seg_from": "a", "seg_to": "x y"})


def test_duckdb_and_spark_are_engines_of_the_one_walk_and_none_is_found_in_a_registry():
    assert not hasattr(db, "_engines") and not hasattr(db, "use_engine")
    assert not hasattr(db, "_build") and not hasattr(spark_models, "_build")
    for engine in (db.DuckDBEngine, spark_models.SparkEngine):
        for step in ("handoff", "receive", "text", "identity", "has", "create", "rows", "keep",
                     "done", "register", "register_parquet", "alias", "build", "stage", "read"):
            assert callable(getattr(engine, step)), (engine, step)


def test_a_connection_s_engine_is_its_own_and_goes_with_it():
    con = db.connect()
    engine = db.engine(con)
    assert db.engine(con) is engine and engine.attached is None
    assert db.engine(db.connect()) is not engine
    con.close()


FRAME = pd.DataFrame({"segment": ["a"], "segment_rank": [1], "segment_label": ["A"],
                      "segment_description": [""], "suggested_action": [""]})


def test_a_name_that_holds_a_source_is_not_silently_given_another(con, tmp_path):
    db.register(con, "scheme_segments", FRAME)
    db.register(con, "scheme_segments", FRAME.copy())  # the same source again: nothing new
    with pytest.raises(ModelError) as caught:
        db.register(con, "scheme_segments", FRAME.assign(segment_rank=[2]))
    message = str(caught.value)
    assert message.startswith("source scheme_segments is already a registered table (1 rows")
    assert "replace=True" in message
    # a file, and a built table: each named in the message
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "one.parquet")
    pd.DataFrame({"x": [2]}).to_parquet(tmp_path / "two.parquet")
    db.register_parquet(con, "numbers", tmp_path / "one.parquet")
    db.register_parquet(con, "numbers", tmp_path / "one.parquet")
    with pytest.raises(ModelError, match=r"source numbers is already the Parquet file "
                                         r".*one\.parquet; registering the Parquet file "
                                         r".*two\.parquet under the same name"):
        db.register_parquet(con, "numbers", tmp_path / "two.parquet")
    # an alias is its caller's name for a built table: pointed again, it follows; a name that
    # holds a registered frame is not made an alias unless said
    con.execute("create table t1 as select 1 as x")
    con.execute("create table t2 as select 2 as x")
    db.alias(con, "held", "t1")
    db.alias(con, "held", "t2")
    assert con.execute("select x from held").fetchall() == [(2,)]
    with pytest.raises(ModelError, match=r"source scheme_segments is already a registered table "
                                         r"\(1 rows, content \w+\); registering the built "
                                         r"table t1 under the same name"):
        db.alias(con, "scheme_segments", "t1")
    db.alias(con, "scheme_segments", "t1", replace=True)
    assert con.execute("select x from scheme_segments").fetchall() == [(1,)]
    with pytest.raises(ModelError, match=r"source held is already the built table t2; "
                                         r"registering a registered table"):
        db.register(con, "held", pd.DataFrame({"x": [3]}))
    # a file dropped first: the name is free again
    db.drop_relation(con, "numbers")
    db.register_parquet(con, "numbers", tmp_path / "two.parquet")
    assert con.execute("select x from numbers").fetchall() == [(2,)]


def O(customer, order_id, day, amount=100):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day, "amount": str(amount)}


@pytest.fixture
def shop(con, given_orders, tmp_path):
    given_orders([O("a", "1", "2024-01-10"), O("a", "2", "2024-03-05"), O("b", "3", "2024-02-01"),
                  O("c", "4", "2024-03-20", 900)])
    con.execute(rfm.EMPTY_CUSTOMERS)
    run = RunParams.from_values(as_of=date(2024, 3, 31), orders_path=tmp_path / "orders.csv")
    return run, rfm.load_run_scheme(run)


def test_library_code_reads_the_table_it_was_given_not_the_one_built_last(con, shop, tmp_path):
    """Built for March, then for January (the plain names now show January): what is read for
    March is March's."""
    run, scheme = shop
    march = rfm.build_rfm_customers(con, run=run, scheme=scheme).alias
    march_segments = db.table_name(con, "rfm_segments", **rfm.score_params(run))
    want = segments.cut_points(con, bins=run.bins, table=march)
    january = run.replace(as_of=date(2024, 1, 31))
    rfm.build_rfm_customers(con, run=january, scheme=scheme)
    assert db.latest(con, "rfm_customers") != march
    assert con.execute("select count(*) from rfm_customers").fetchall()[0][0] == 1  # January's
    got = segments.cut_points(con, bins=run.bins, table=march)
    pd.testing.assert_frame_equal(got, want)
    assert got.customers.sum() == 3 * 3  # three buyers, per factor
    # the snapshot of March's segments holds March's customers
    path = snapshots.write_snapshot(con, scheme=run.scheme, as_of=run.as_of, settings={},
                                    input_checksums={}, root=tmp_path / "s",
                                    segments=march_segments)
    assert pd.read_parquet(path).customer_id.tolist() == ["a", "b", "c"]
    # the check of one segment each reads the table it is given
    rfm.check_one_segment_each(con, march_segments)
    con.execute(f"create table twice as select * from {march_segments} "
                f"union all select * from {march_segments} where customer_id = 'a'")
    with pytest.raises(AssertionError, match="1 customers counted twice"):
        rfm.check_one_segment_each(con, "twice")


def test_without_a_table_the_latest_is_read_and_none_built_is_an_error(con, shop):
    run, scheme = shop
    with pytest.raises(ModelError, match="model rfm_customers has not been built on this conn"):
        segments.cut_points(con, bins=run.bins)
    rfm.build_rfm_customers(con, run=run, scheme=scheme)
    assert segments.cut_points(con, bins=run.bins).customers.sum() == 9


def test_migration_reads_the_movers_of_the_segments_it_is_given(con, shop, tmp_path):
    """Movers between two dates given by name: another pair built after them (the plain name
    segment_movers now shows it) changes nothing that is read for the first pair."""
    run, scheme = shop
    for name, day in (("seg_jan", date(2024, 1, 31)), ("seg_feb", date(2024, 2, 29)),
                      ("seg_mar", date(2024, 3, 31))):
        snapshots.segments_source(con, name, run=run, scheme=scheme, as_of=day,
                                  input_checksums={}, snapshot_root=tmp_path / "s")
    pair = dict(seg_from="seg_jan", seg_to="seg_mar")
    migration.build_segment_movers(con, scheme=scheme, lang="en", **pair)
    want = migration.headline(con, **pair)
    matrix = migration.build_segment_migration(con, **pair).df()
    migration.build_segment_movers(con, scheme=scheme, lang="en", seg_from="seg_feb",
                                   seg_to="seg_mar")
    assert migration.headline(con, **pair) == want
    assert want["new"] == 2  # b and c first bought after January
    pd.testing.assert_frame_equal(migration.build_segment_migration(con, **pair).df(), matrix)
    held = migration.build_movers_lists(con, {"into_any": {"from": [], "to": scheme.keys}},
                                        scheme.keys, **pair)
    assert con.execute(f"select count(*) from {held['into_any']}").fetchall()[0][0] == 3
