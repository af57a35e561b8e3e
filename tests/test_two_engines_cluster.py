"""A real multi-process Spark run (issue 18): a standalone master and two workers on 127.0.0.1,
started from the scripts in the pyspark package, run notebook 01 (engine: spark) through the
monthly runner, give what DuckDB gives, and are stopped.

The driver is the notebook's kernel; the executors are the workers' own processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
import yaml

from helpers.core.paths import NOTEBOOKS_DIR, PARAMS_DIR
from helpers.run import monthly
from tests.test_two_engines import same_file

# its own unit on either worker (tests/conftest.py), not the month's: it starts a cluster
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.xdist_group("spark_cluster")]
AS_OF = date(2026, 10, 31)


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


def test_notebook_01_on_a_standalone_cluster_writes_what_duckdb_writes(cluster, shop, month,
                                                                        tmp_path):
    """The monthly runner runs notebook 01 with engine: spark on the cluster (its parameters
    from a params file, as a scheduled run takes them); every file it publishes is the one the
    DuckDB month (the `month` fixture, same shop) published."""
    master, ui = cluster
    _, params = shop
    on_cluster = tmp_path / "cluster.yaml"
    on_cluster.write_text(yaml.safe_dump({
        "engine": "spark", "spark_master": master,
        # said, not detected: the same staged rows as the DuckDB month, under a staging cache
        # of their own, so that the export is staged here, on the cluster
        "date_order": "ymd",
        "spark_conf": {"spark.executor.memory": "512m", "spark.cores.max": 2,
                       "spark.sql.shuffle.partitions": 2,
                       "spark.workbook.dir": str(tmp_path / "work")}}), encoding="utf-8")
    folder = monthly.run_month(AS_OF, params_files=[PARAMS_DIR / "default.yaml", params,
                                                    on_cluster],
                               notebooks=[NOTEBOOKS_DIR / "01_rfm_segments.ipynb"],
                               reports_dir=tmp_path / "reports", html=False,
                               echo=lambda *a, **k: None)

    # the application ran on the cluster's two workers, and left no results behind
    with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=5) as r:
        state = json.load(r)
    assert len(state["completedapps"]) == 1 and state["aliveworkers"] == 2
    assert state["completedapps"][0]["cores"] == 2
    assert not any((tmp_path / "work").iterdir())

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["engine"] == "spark"
    # the orders and customers exports were parsed and checked on the cluster
    assert manifest["inputs"]["orders"]["facts"]["engine"] == "spark"
    assert manifest["inputs"]["customers"]["facts"]["engine"] == "spark"
    files = sorted(p.relative_to(folder) for p in folder.rglob("*")
                   if p.suffix in (".csv", ".parquet", ".xlsx"))
    assert len(files) > 30 and Path("rfm_customers.parquet") in files
    differ = {str(f): why for f in files if (why := same_file(month / f, folder / f))}
    assert not differ, differ
