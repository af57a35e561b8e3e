"""A real multi-process Spark run (issue 18): a standalone master and two workers on 127.0.0.1,
started from the scripts in the pyspark package, run notebook 01's segments through
helpers.spark_run's command line, give what DuckDB gives, and are stopped.

The driver is this process (after test_two_engines.py, whose Java gateway it reuses: a cold
driver JVM costs CI half a minute); the executors are the workers' own processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from helpers import db, ingest, rfm, spark_run
from helpers.paths import PROJECT_ROOT
from helpers.spark_run import run_params
from tests.test_two_engines import rows, same

pytestmark = pytest.mark.spark


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    import pyspark

    home = Path(pyspark.__file__).parent
    logs = tmp_path_factory.mktemp("spark-cluster")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_LOG_DIR": str(logs), "SPARK_WORKER_DIR": str(logs / "work")}
    port, ui = free_port(), free_port()
    spark_class = [str(home / "bin" / "spark-class")]

    def start(args: list[str], log: str) -> subprocess.Popen:
        with open(logs / log, "w") as out:  # the child keeps its own copy of the file
            return subprocess.Popen(spark_class + args, env=env, stdout=out,
                                    stderr=subprocess.STDOUT)

    procs = [start(["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", str(port), "--webui-port", str(ui)], "master.log")]
    try:
        for i in range(2):
            procs.append(start(["org.apache.spark.deploy.worker.Worker",
                                f"spark://127.0.0.1:{port}", "--host", "127.0.0.1", "--cores", "1",
                                "--memory", "1g", "--webui-port", str(free_port()),
                                "--work-dir", str(logs / f"work{i}")], f"worker{i}.log"))
        deadline = time.monotonic() + 120
        alive = 0
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=2) as r:
                    alive = json.load(r).get("aliveworkers", 0)
            except OSError:
                alive = 0
            if alive == 2:
                break
            time.sleep(1)
        assert alive == 2, (logs / "master.log").read_text()[-2000:]
        yield f"spark://127.0.0.1:{port}", ui
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_segments_on_a_standalone_cluster_match_duckdb(cluster, shop, tmp_path, capsys):
    master, ui = cluster
    root, _ = shop
    con = db.connect()
    cache = tmp_path / "cache"
    for kind in ("orders", "customers"):
        ingest.load(con, kind, root / "raw" / f"{kind}.csv", cache_dir=cache,
                    quarantine_dir=tmp_path / "quarantine")
    order_lines = next(cache.glob("orders-*/staged.parquet"))
    customers = next(cache.glob("customers-*/staged.parquet"))
    out = tmp_path / "spark"
    spark_run.main(["--as-of", "2026-10-31", "--order-lines", str(order_lines),
                    "--customers", str(customers), "--out", str(out), "--master", master,
                    "--conf", "spark.executor.memory=512m", "--conf", "spark.cores.max=2",
                    "--conf", "spark.sql.shuffle.partitions=4"])
    assert f"computed on {master}" in capsys.readouterr().out

    # the application ran on the cluster's two workers
    with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=5) as r:
        state = json.load(r)
    assert len(state["completedapps"]) == 1 and state["aliveworkers"] == 2

    run = run_params("2026-10-31", order_lines, [PROJECT_ROOT / "params" / "default.yaml"])
    scheme = rfm.load_run_scheme(run)
    rfm.build_rfm_customers(con, run=run, scheme=scheme)
    columns = rfm.CONTRACT_COLUMNS + rfm.CONTACT_COLUMNS
    expected = con.sql(f"select {', '.join(columns)} from rfm_customers").to_arrow_table()
    got = pq.read_table(out / "rfm_customers.parquet")
    assert got.column_names == columns
    want, have = rows(expected), rows(got)
    assert len(have) == len(want) > 3000
    assert all(same(x, y) for w, h in zip(want, have) for x, y in zip(w, h))

    summary = pacsv.read_csv(out / "segment_summary.csv")
    rfm.build_segment_summary(con, run)
    duck = con.sql("select * exclude (segment_rank) from segment_summary").to_arrow_table()
    assert summary.column("customers").to_pylist() == duck.column("customers").to_pylist()
    assert summary.column("segment").to_pylist() == duck.column("segment").to_pylist()
