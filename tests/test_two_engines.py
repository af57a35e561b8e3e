"""Both engines, the same answers (issue 18).

Every model the helpers of notebooks 01-04 build is recorded as it is built on DuckDB (its
parameters, the content of every source it reads, its result), then built again on Spark
(local[2]) from the same sources and parameters. The results are compared row for row, sorted:
integers, dates, strings and money exactly, doubles to 1e-12.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute  # noqa: F401 (pa.compute)
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from helpers.core.params import RunParams, bytes_in
from helpers.core.paths import PROJECT_ROOT
from helpers.engine import db, graph, spark_models
from helpers.kit import contract, export, rfm, snapshots
from helpers.pages.cohorts import compute as cohorts
from helpers.pages.cohorts import files as cohorts_files
from helpers.pages.migration import compute as migration
from helpers.pages.migration import files as migration_files
from helpers.pages.segments import files as segments_files
from helpers.pages.tiers import compute as loyalty
from helpers.pages.tiers import files as tiers_files
from helpers.run import notebook, spark_run

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    # tiny tables: two shuffle partitions, not the default eight
    session = spark_models.session("local[2]", conf={"spark.sql.shuffle.partitions": "2",
                                                     "spark.default.parallelism": "2"})
    # every result here is compared with DuckDB's, whose grain was checked: the same rows
    spark_models.CHECK_GRAIN = False
    yield session
    spark_models.CHECK_GRAIN = True
    session.stop()


class Recorder:
    """Wraps graph.walk: each top-level build on DuckDB with its parameters, the inputs given,
    the content of every source and input it reads, and its result."""

    def __init__(self, con):
        self.con, self.builds, self.depth = con, [], 0

    def __call__(self, original):
        def wrapped(engine, name, params, inputs=None):
            if not isinstance(engine, db.DuckDBEngine):
                return original(engine, name, params, inputs)
            self.depth += 1
            try:
                table = original(engine, name, params, inputs)
            finally:
                self.depth -= 1
            if self.depth == 0:
                given = {i: inputs[i] for i in graph.closure_inputs(name)}
                sources = {s: self.con.table(s).to_arrow_table()
                           for s in graph.closure_sources(name) | set(given.values())}
                self.builds.append((name, dict(params), given, sources,
                                    self.con.table(table).to_arrow_table()))
            return table
        return wrapped


def rows(table: pa.Table) -> list[tuple]:
    out = [tuple(r.values()) for r in table.to_pylist()]
    return sorted(out, key=lambda r: tuple((v is None, type(v).__name__, str(v)) for v in r))


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12 * max(1, abs(a))
    return a == b and type(a) is type(b)


def replay(spark, builds) -> dict[str, int]:
    """Each recorded build again on Spark; {model: rows compared}. Differences fail."""
    compared = {}
    for name, params, given, sources, expected in builds:
        for source, content in sources.items():  # each build's sources as they were then
            spark_models.register(spark, source, content, replace=True)
        got = spark_models.build(spark, name, inputs=given, **params).toArrow()
        assert got.column_names == expected.column_names, name
        want, have = rows(expected), rows(got)
        assert len(have) == len(want), f"{name}: {len(have)} rows on Spark, {len(want)} on DuckDB"
        for w, h in zip(want, have):
            bad = [(c, x, y) for c, x, y in zip(expected.column_names, w, h) if not same(x, y)]
            assert not bad, f"{name} ({params.get('as_of')}): {bad[:3]} (DuckDB, Spark)"
        compared[name] = compared.get(name, 0) + len(want)
    return compared


def run_pages(con, run: RunParams, recorder: Recorder, monkeypatch) -> None:
    """What notebooks 01-04 build, through the same helpers."""
    monkeypatch.setattr(graph, "walk", recorder(graph.walk))
    rfm.load_inputs(con, run)
    scheme = rfm.load_run_scheme(run)
    # 01
    rfm.build_rfm_customers(con, run=run, scheme=scheme)
    rfm.build_segment_summary(con, run)
    for name in ("rfm_grid", "rfm_distributions", "revenue_concentration", "rfm_headline"):
        db.build(con, name, **rfm.score_params(run))
    # 02: the segments at two month ends, who moved, the movers lists
    before = migration.default_from(run.as_of)
    snapshots.segments_source(con, "seg_from", run=run, scheme=scheme, as_of=before,
                                           input_checksums={}, use_snapshots=False, keep=False)
    snapshots.segments_source(con, "seg_to", run=run, scheme=scheme, as_of=run.as_of,
                                         input_checksums={}, use_snapshots=False, keep=False)
    migration.build_segment_movers(con, scheme=scheme,
                                   lang=run.lang)
    migration.build_segment_migration(con)
    migration.build_movers_lists(con, migration.movers_lists_for(scheme, None), scheme.keys)
    # 03
    statuses = run.excluded_statuses
    for grain in ("month", "week"):
        cohorts.build_cohort_revenue(con, as_of=run.as_of, grain=grain, excluded_statuses=statuses)
    cohorts.build_repurchase_windows(con, as_of=run.as_of, windows=[7, 14, 28],
                                     excluded_statuses=statuses)
    cohorts.second_purchase_gap(con, as_of=run.as_of, excluded_statuses=statuses)
    cohorts.return_within(con, as_of=run.as_of, windows=[7, 14, 28], excluded_statuses=statuses)
    # 04
    config = loyalty.load_loyalty(PROJECT_ROOT / "params" / "loyalty.yaml")
    loyalty.build_loyalty_members(con, as_of=run.as_of, config=config, excluded_statuses=statuses)
    loyalty.build_tier_lists(con, as_of=run.as_of, config=config)
    loyalty.tier_summary(con, config)
    loyalty.gap_histogram(con, config)
    monkeypatch.undo()


PAGES_MODELS = {"rfm_customers", "rfm_segments", "segment_summary", "rfm_grid",
                "rfm_distributions", "revenue_concentration", "rfm_headline", "segment_movers",
                "segment_migration", "movers_list", "cohort_revenue", "repurchase_windows",
                "second_purchase_gap", "return_within", "loyalty_spend", "loyalty_members",
                "tier_lists", "tier_summary", "tier_gap_histogram"}


def golden_orders() -> list[dict]:
    """The tricky cases of the other tests in one shop (as of 2024-03-31)."""
    def o(customer, order_id, when, amount, status="completed"):
        return {"order_id": order_id, "customer_id": customer, "order_date": when,
                "amount": str(amount), "status": status, "channel": "POS"}

    return [
        # ties: a and b have the same history
        o("a", "A1", "2024-01-15 10:00:00", 100000), o("a", "A2", "2024-03-01 10:00:00", 50000),
        o("b", "B1", "2024-01-15 11:00:00", 100000), o("b", "B2", "2024-03-01 12:00:00", 50000),
        # two orders on one day, and a multi-line order dated at its earliest line
        o("c", "C1", "2024-02-29 09:00:00", 30000), o("c", "C2", "2024-02-29 18:00:00", 70000),
        o("c", "C3", "2024-03-31 08:00:00", 10000), o("c", "C3", "2024-03-31 09:00:00", 15000),
        o("c", "C3", "2024-03-31 10:00:00", 25000),
        # 23:30 local time written in UTC: still 29 February in Ho Chi Minh City
        o("d", "D1", "2024-02-29T16:30:00Z", 990000), o("d", "D2", "2023-12-31 23:59:59", 5000),
        # a refund of part of an order, and a refund-only customer
        o("e", "E1", "2024-01-31 12:00:00", 400000), o("e", "E1R", "2024-02-10 12:00:00",
                                                        -150000, "refunded"),
        o("f", "F1R", "2024-03-15 12:00:00", -80000, "refunded"),
        # cancelled, and after the as-of date (changes nothing)
        o("g", "G1", "2024-03-20 12:00:00", 120000, "cancelled"),
        o("g", "G2", "2024-01-31 23:30:00", 60000), o("g", "G3", "2024-04-01 00:00:01", 999999),
        # month ends, a long gap, a second purchase within 7 days
        o("h", "H1", "2023-11-30 10:00:00", 250000), o("h", "H2", "2024-03-31 23:59:59", 250000),
        o("i", "I1", "2024-03-25 10:00:00", 35000), o("i", "I2", "2024-03-28 10:00:00", 35000),
        o("j", "J1", "2023-10-31 10:00:00", 5000000), o("j", "J2", "2023-11-30 10:00:00", 4000000),
        o("j", "J3", "2024-02-28 10:00:00", 3000000),
        o("k", "K1", "2024-03-10 10:00:00", 1), o("l", "L1", "2022-02-28 10:00:00", 700000),
    ]


def golden_customers() -> list[dict]:
    people = []
    for i, cid in enumerate("abcdefghijklmn"):
        people.append({"customer_id": cid, "name": f"Khách {cid}",
                       "phone": f"09{i:08d}", "email": f"{cid}@example.vn",
                       "signup_date": "2023-06-01" if cid != "n" else "2024-03-31",
                       "birthday": f"1990-04-{i + 1:02d}" if i % 2 else "1985-12-31",
                       "consent_sms": "true", "consent_zalo": "yes" if i % 3 else "no",
                       "consent_email": "1"})
    return people


def test_notebooks_01_to_04_give_the_same_rows_on_spark_on_the_golden_shop(
        spark, con, write_csv, tmp_path, monkeypatch):
    orders = write_csv(golden_orders(), "orders.csv")
    header = list(__import__("helpers.ingest", fromlist=["x"]).CUSTOMER_COLUMNS)
    customers = write_csv([{k: c.get(k, "") for k in header} for c in golden_customers()],
                          "customers.csv", header=header)
    run = RunParams.from_values(as_of="2024-03-31", orders_path=orders, customers_path=customers,
                                output_dir=tmp_path / "out")
    recorder = Recorder(con)
    run_pages(con, run, recorder, monkeypatch)
    compared = replay(spark, recorder.builds)
    assert set(compared) >= PAGES_MODELS, PAGES_MODELS - set(compared)
    assert compared["rfm_customers"] >= 13  # buyers and the prospect


def write_pages(con, run: RunParams, snapshot_root) -> None:
    """The files notebooks 01-04 write, through the same helpers (the trend over three months)."""
    scheme = rfm.load_run_scheme(run)
    rfm.build_rfm_customers(con, run=run, scheme=scheme)
    rfm.build_segment_summary(con, run)
    segments_files.write_rfm_outputs(con, output_dir=run.output_dir, segment_keys=scheme.keys,
                             as_of=run.as_of, with_contacts=True, xlsx=True,
                             labels=scheme.labels(run.lang), lang=run.lang)
    checks = {"orders": "x"}  # the snapshots' key: the same on both engines
    snapshots.write_snapshot(con, scheme=run.scheme, as_of=run.as_of,
                             settings=rfm.snapshot_settings(run, scheme), input_checksums=checks,
                             root=snapshot_root)
    # as notebook 02: the trend's month ends and the two dates in one pass (on Spark there)
    before, ready = migration.default_from(run.as_of), {}
    trend = migration.segment_trend(con, run=run, scheme=scheme,
                                    dates=snapshots.month_ends(run.as_of, 3),
                                    also=[before, run.as_of], ready=ready,
                                    input_checksums=checks, snapshot_root=snapshot_root)
    assert {kind for kind, _ in ready.values()} == {"computed"}
    snapshots.point(con, "seg_from", ready[before])
    snapshots.point(con, "seg_to", ready[run.as_of])
    migration.build_segment_movers(con, scheme=scheme,
                                   lang=run.lang)
    migration.build_segment_migration(con)
    migration_files.write_migration_outputs(
        con, output_dir=run.output_dir, trend=trend, headline=migration.headline(con),
        movers=migration.build_movers_lists(con, migration.movers_lists_for(scheme, None),
                                            scheme.keys), as_of=run.as_of)
    statuses = run.excluded_statuses
    cohorts.build_cohort_revenue(con, as_of=run.as_of, grain="month", excluded_statuses=statuses)
    cohorts.second_purchase_gap(con, as_of=run.as_of, excluded_statuses=statuses)
    cohorts.build_repurchase_windows(con, as_of=run.as_of, windows=[7, 14, 28],
                                     excluded_statuses=statuses)
    cohorts_files.write_cohort_outputs(con, output_dir=run.output_dir,
                                window_keys=["1-7d", "8-14d", "15-28d"], as_of=run.as_of)
    config = loyalty.load_loyalty(PROJECT_ROOT / "params" / "loyalty.yaml")
    loyalty.build_loyalty_members(con, as_of=run.as_of, config=config, excluded_statuses=statuses)
    loyalty.build_tier_lists(con, as_of=run.as_of, config=config)
    tiers_files.write_loyalty_outputs(con, output_dir=run.output_dir, lists=loyalty.LISTS,
                                      as_of=run.as_of)


def same_file(a: Path, b: Path) -> str | None:
    """None when the two files say the same (bytes, or rows with doubles to 1e-12), else why."""
    if a.read_bytes() == b.read_bytes():
        return None
    if a.suffix == ".csv":
        want, have = pacsv.read_csv(a), pacsv.read_csv(b)
    elif a.suffix == ".parquet":
        want, have = pq.read_table(a), pq.read_table(b)
    else:
        return "bytes differ"
    if want.column_names != have.column_names or want.num_rows != have.num_rows:
        return f"columns or rows differ: {want.column_names} {want.num_rows}, " \
               f"{have.column_names} {have.num_rows}"
    for w, h in zip(rows(want), rows(have)):
        bad = [(c, x, y) for c, x, y in zip(want.column_names, w, h) if not same(x, y)]
        if bad:
            return str(bad[:3])
    return None


def test_notebooks_01_to_04_write_the_same_files_on_spark_on_the_sample_shop(spark, shop,
                                                                            tmp_path,
                                                                            monkeypatch):
    """engine: spark as a notebook runs it (notebook.open_run attaches Spark to the run's
    connection): every file of pages 01-04 and the segment snapshots, the same as on DuckDB."""
    root, _ = shop
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793404800")  # the send lists' manifests' time
    for engine in ("duckdb", "spark"):
        run = RunParams.from_values(
            as_of=date(2026, 10, 31), orders_path=root / "raw" / "orders.csv",
            customers_path=root / "raw" / "customers.csv", output_dir=tmp_path / engine / "out",
            engine=engine, spark_conf={"spark.workbook.dir": str(tmp_path / "work")})
        con, _ = notebook.open_run(run)
        assert (db.engine(con).attached is not None) == (engine == "spark")
        write_pages(con, run, tmp_path / engine / "snapshots")
        if engine == "spark":
            # the results Spark wrote for this run are its own, and gone with it
            attached = db.engine(con).attached
            assert attached.written and attached.folder.is_dir()
            assert {"rfm_customers", "loyalty_members", "cohort_revenue"} <= {
                v.split("__")[0] for v in attached.written}
        con.close()
    duck, spark_files = (sorted(p.relative_to(tmp_path / e) for p in (tmp_path / e).rglob("*")
                                if p.is_file()) for e in ("duckdb", "spark"))
    assert duck == spark_files and len(duck) > 60
    differ = {str(f): why for f in duck
              if (why := same_file(tmp_path / "duckdb" / f, tmp_path / "spark" / f))}
    assert not differ, differ


def test_the_trend_in_one_pass_on_spark_equals_each_date_alone(spark, con, tmp_path):
    """rfm_segments_at_dates built on Spark: at each date the rows rfm_segments gives for that
    date alone (on DuckDB, whose equality with Spark the golden shop's test shows)."""
    from test_trend_one_pass import DATES, customers, lines

    orders = tmp_path / "orders.csv"
    orders.write_text("order_id\n", encoding="utf-8")
    run = RunParams.from_values(as_of=DATES[-1], orders_path=orders, window_days=45)
    scheme = rfm.load_run_scheme(run)
    sources = {"order_lines": lines(), "customers": customers(),
               **rfm.scheme_tables(scheme, run.lang, run.factors)}
    for name, table in sources.items():
        db.register(con, name, table)
        spark_models.register(spark, name, table, replace=True)
    params = {**rfm.score_params(run, DATES[-1]), "as_of_dates": DATES}
    got = spark_models.build(spark, "rfm_segments_at_dates", **params).toArrow()
    for day in DATES:
        alone = rfm.build_rfm_segments(con, run=run, scheme=scheme, as_of=day).alias
        want = con.table(alone).to_arrow_table()
        mine = got.filter(pa.compute.equal(got.column("as_of"), pa.scalar(day))).drop(["as_of"])
        assert mine.column_names == want.column_names
        assert len(rows(mine)) == len(rows(want)) >= 5, day
        for w, h in zip(rows(want), rows(mine)):
            bad = [(c, x, y) for c, x, y in zip(want.column_names, w, h) if not same(x, y)]
            assert not bad, f"{day}: {bad[:3]} (DuckDB alone, Spark in one pass)"


def test_the_trend_in_groups_on_spark_writes_the_files_of_duckdb(spark, con, tmp_path,
                                                                  monkeypatch):
    """The trend's dates in groups (snapshots.date_groups: too many rows for memory_limit) on a
    connection whose models run on Spark: the files are DuckDB's, and a group's model asked
    again after the release gives the same rows (on Spark, DuckDB holds views over the Parquet
    Spark wrote, which hold no memory; `to_duckdb` makes one again if it was dropped)."""
    from test_trend_one_pass import DATES, customers, lines

    orders = tmp_path / "orders.csv"
    orders.write_text("order_id\n", encoding="utf-8")
    run = RunParams.from_values(as_of=DATES[-1], orders_path=orders)
    scheme = rfm.load_run_scheme(run)
    duck = db.connect()
    for c in (con, duck):
        db.register(c, "order_lines", lines())
        db.register(c, "customers", customers())
    want = snapshots.prepare(duck, run=run, scheme=scheme, dates=DATES,
                             snapshot_root=tmp_path / "duckdb")
    engine = spark_models.SparkEngine(spark, tmp_path / "results")
    for name in ("order_lines", "customers"):
        engine.register(name, con.table(name).to_arrow_table())
    db.engine(con).attach(engine)
    limit = db.one(con, "select current_setting('memory_limit')")[0]
    monkeypatch.setattr(snapshots, "TREND_BYTES_PER_ROW", bytes_in(limit) // 20)
    groups = snapshots.date_groups(con, DATES, run.excluded_statuses)
    assert groups == [DATES[:2], [DATES[2]], [DATES[3]]]
    got = snapshots.prepare(con, run=run, scheme=scheme, dates=DATES,
                            snapshot_root=tmp_path / "spark")
    for day in DATES:
        assert got[day][1].read_bytes() == want[day][1].read_bytes(), day
    again = rfm.build_rfm_segments_at_dates(con, run=run, scheme=scheme, dates=DATES[:2]).alias
    rebuilt = con.execute(f"select * from {again} order by as_of, customer_id").fetchall()
    same_on_duckdb = rfm.build_rfm_segments_at_dates(duck, run=run, scheme=scheme,
                                                     dates=DATES[:2]).alias
    assert rebuilt == duck.execute(f"select * from {same_on_duckdb} "
                                   f"order by as_of, customer_id").fetchall()
    assert len(rebuilt) >= 7 + 9  # the buyers by each date (and the customers signed up)


def test_a_broken_grain_on_spark_is_the_same_error_as_on_duckdb(spark, con):
    table = pa.table({"customer_id": ["c1", "c2", "c1"], "n": [1, 2, 3]})
    spark_models.register(spark, "contact_source", table)
    db.register(con, "contact_source", table)
    with pytest.raises(db.ModelError) as on_duckdb:
        db._check_unique(con, "contact_source", "contact_source", ("customer_id",))
    with pytest.raises(db.ModelError) as on_spark:
        spark_models.check_unique(spark, "contact_source", "contact_source", ("customer_id",))
    assert str(on_spark.value) == str(on_duckdb.value)
    assert "('c1',) appears 2 times" in str(on_spark.value)


def test_spark_run_writes_notebook_01s_segments_as_parquet_parts(spark, shop, tmp_path):
    """helpers.spark_run (the spark-submit job of notebook 01's segments) from the staged cache:
    rfm_customers as a folder of parts, and the summary, both as DuckDB gives them."""
    root, _ = shop
    run = RunParams.from_values(as_of=date(2026, 10, 31), orders_path=root / "raw" / "orders.csv",
                                customers_path=root / "raw" / "customers.csv",
                                output_dir=tmp_path / "duckdb")
    con, inputs = notebook.open_run(run)
    out = tmp_path / "spark"
    done = spark_run.run(spark, run=run, order_lines=Path(inputs["orders"].staged),
                         customers=Path(inputs["customers"].staged), out=out)
    assert done["out"] == str(out) and (out / "rfm_customers.parquet").is_dir()
    built = rfm.build_rfm_customers(con, run=run, scheme=rfm.load_run_scheme(run)).alias
    columns = contract.CONTRACT_COLUMNS + contract.CONTACT_COLUMNS
    expected = con.sql(f"select {', '.join(columns)} from {built}").to_arrow_table()
    got = pq.read_table(out / "rfm_customers.parquet")
    assert got.column_names == columns
    want, have = rows(expected), rows(got)
    assert len(have) == len(want) > 3000
    assert all(same(x, y) for w, h in zip(want, have) for x, y in zip(w, h))
    summary = rfm.build_segment_summary(con, run).alias
    export.write_csv(con.sql(f"select * exclude (segment_rank) from {summary}")
                     .to_arrow_table(), tmp_path / "segment_summary.csv")
    assert same_file(tmp_path / "segment_summary.csv", out / "segment_summary.csv") is None


def test_results_of_a_killed_run_are_swept_and_no_others(tmp_path):
    """A kernel killed mid-page leaves its Spark results behind: the next run on this host
    removes those of processes that are gone, never a running one's or another host's."""
    import os
    import socket
    import subprocess
    import time

    host = socket.gethostname()
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = tmp_path / f"run-{host}-{gone.pid}-aaaa"
    mine = tmp_path / f"run-{host}-{os.getpid()}-bbbb"
    other = tmp_path / f"run-otherhost-{gone.pid}-cccc"
    for folder in (dead, mine, other):
        (folder / "rfm_customers__x").mkdir(parents=True)
    (tmp_path / "logs").mkdir()
    old, new = tmp_path / "logs" / "driver-1.log", tmp_path / "logs" / "driver-2.log"
    old.write_text("old")
    new.write_text("new")
    week_ago = time.time() - (spark_models.LOGS_KEPT_DAYS + 1) * 86400
    os.utime(old, (week_ago, week_ago))
    spark_models._sweep(tmp_path)
    assert not dead.exists() and mine.is_dir() and other.is_dir()
    assert not old.exists() and new.exists()


def test_without_java_engine_spark_says_how_to_install_it(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setattr(spark_models.shutil, "which", lambda name: None)
    with pytest.raises(db.ModelError, match=r"needs Java 17.*make java.*engine: duckdb"):
        spark_models.session("local[1]")
