"""The monthly run's notebooks side by side: the order they start in, what they share, and what
two processes staging the same export at once do. No notebook is executed here (test_monthly.py
runs the real month)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from helpers.core.errors import ParamError
from helpers.core.paths import PROJECT_ROOT
from helpers.run import monthly

ORDER = [Path(f"{stem}.ipynb") for stem in monthly.NOTEBOOKS]


class Recorder:
    """A stand-in for running a notebook: records when each starts and ends."""

    def __init__(self, seconds: dict[str, float], fail: set[str] = frozenset()):
        self.seconds, self.fail = seconds, fail
        self.events: list[tuple[str, str]] = []
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, nb: Path) -> float:
        with self.lock:
            self.events.append(("start", nb.stem))
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds.get(nb.stem, 0.05))
        with self.lock:
            self.running -= 1
            self.events.append(("end", nb.stem))
        if nb.stem in self.fail:
            raise RuntimeError(f"{nb.stem} broke")
        return 1.0

    def started(self) -> list[str]:
        return [stem for what, stem in self.events if what == "start"]

    def index(self, what: str, stem: str) -> int:
        return self.events.index((what, stem))


def test_each_notebook_starts_after_the_notebooks_it_reads_and_no_more_than_jobs_at_once():
    rec = Recorder({"01_rfm_segments": 0.3, "03_cohort_revenue": 0.1})
    done, failed = monthly._schedule(ORDER, rec, jobs=2)
    assert not failed and set(done) == set(monthly.NOTEBOOKS)
    assert rec.most == 2
    for stem, needs in monthly.NEEDS.items():
        for need in needs:
            assert rec.index("end", need) < rec.index("start", stem), (need, stem)
    # 03 and 04 read only the exports: they run while 01 is still running
    assert rec.started()[:2] == ["01_rfm_segments", "03_cohort_revenue"]
    assert rec.index("start", "04_loyalty_tiers") < rec.index("end", "01_rfm_segments")
    assert rec.started()[-1] == "00_monthly_review"


def test_one_job_runs_the_notebooks_one_by_one_in_the_run_order():
    rec = Recorder({})
    monthly._schedule(ORDER, rec, jobs=1)
    assert rec.most == 1 and rec.started() == monthly.NOTEBOOKS


def test_a_run_of_some_notebooks_waits_only_for_those_in_it():
    some = [Path("05_campaign_results.ipynb"), Path("00_monthly_review.ipynb")]
    rec = Recorder({})
    done, failed = monthly._schedule(some, rec, jobs=2)
    assert rec.started() == ["05_campaign_results", "00_monthly_review"] and not failed


def test_after_a_failure_nothing_new_starts_and_the_first_failure_in_run_order_is_reported():
    # 03 fails first in time, 01 later: both are reported, 01 first (the run's order)
    rec = Recorder({"01_rfm_segments": 0.4, "03_cohort_revenue": 0.05},
                   fail={"01_rfm_segments", "03_cohort_revenue"})
    done, failed = monthly._schedule(ORDER, rec, jobs=2)
    assert list(failed) == ["01_rfm_segments", "03_cohort_revenue"]
    assert rec.started() == ["01_rfm_segments", "03_cohort_revenue"] and not done


def test_the_memory_limit_is_shared_by_the_notebooks_running_at_once():
    assert monthly.memory_per_notebook("8GB", 2) == "4000MB"
    assert monthly.memory_per_notebook("8GB", 1) == "8GB"
    assert monthly.memory_per_notebook(None, 1) is None
    # without a limit, 80% of the machine is shared out, as one DuckDB would take alone
    share = int(monthly.memory_per_notebook(None, 2).removesuffix("MB")) * 10**6
    assert share == pytest.approx(monthly.physical_memory() * 0.8 / 2, rel=0.001)
    with pytest.raises(ParamError, match="memory_limit = 'lots'.*8GB"):
        monthly.memory_per_notebook("lots", 2)


def test_two_processes_staging_the_same_export_take_turns_and_the_second_reads_the_cache(
        tmp_path):
    """Notebooks 01 and 03 start together on a new export: one stages it, the other waits for
    the lock and finds the cache (no half-written Parquet is ever read)."""
    rows = ["order_id,customer_id,order_date,amount"] + [
        f"{i},c{i % 50},2026-0{1 + i % 9}-1{i % 10},{1000 + i}" for i in range(300_000)]
    orders = tmp_path / "orders.csv"
    orders.write_text("\n".join(rows) + "\n", encoding="utf-8")
    script = (
        "import json, sys\n"
        "from helpers import ingest\nfrom helpers.engine import db\n"
        "con = db.connect()\n"
        f"r = ingest.load(con, 'orders', {str(orders)!r}, cache_dir={str(tmp_path / 'cache')!r},"
        f" quarantine_dir={str(tmp_path / 'q')!r})\n"
        "n, total = con.execute('select count(*), sum(amount)::varchar from order_lines')"
        ".fetchone()\n"
        "print(json.dumps({'from_cache': r.from_cache, 'rows': n, 'total': total}))\n")
    runs = [subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    said = [json.loads(r.communicate(timeout=300)[0].strip().splitlines()[-1]) for r in runs]
    assert sorted(s["from_cache"] for s in said) == [False, True]
    assert said[0]["rows"] == said[1]["rows"] == 300_000
    assert Decimal(said[0]["total"]) == Decimal(said[1]["total"]) == sum(1000 + i for i in range(300_000))
    assert not list((tmp_path / "cache").glob(".lock-*"))


def test_notebook_05_reads_segment_snapshots_but_never_writes_one(monkeypatch):
    """So page 02's sentence on where each date's segments came from does not depend on
    whether 05 ran beside it (NEEDS lets 05 start right after 01)."""
    import duckdb

    from helpers.kit import snapshots
    from helpers.pages.campaigns import compute as campaigns

    asked = []

    def segments_source(con, name, **kwargs):
        asked.append(kwargs.get("keep", True))
        con.execute(f"create or replace temp view {name} as "
                    f"select 'a' as customer_id, 'champions' as segment")
        return "computed"

    monkeypatch.setattr(snapshots, "segments_source", segments_source)
    con = duckdb.connect()
    con.execute("create table campaigns as select 'c1' as campaign_id, "
                "date '2026-10-01' as start_date")

    class Run:
        as_of = __import__("datetime").date(2026, 10, 31)

    campaigns.build_campaign_segments(con, run=Run(), scheme=None, input_checksums={})
    assert asked == [False]
    assert con.sql("select * from campaign_segments").fetchall() == [("a", "champions", "c1")]
    assert "02_segment_migration" not in monthly.NEEDS["05_campaign_results"]


def test_customer_value_starts_as_soon_as_01_is_done_when_several_notebooks_are_ready():
    """06 is the longest notebook after 01, and 00 waits for it: it goes before 02, 04, 05."""
    rec = Recorder({"01_rfm_segments": 0.3, "03_cohort_revenue": 0.35})
    monthly._schedule(ORDER, rec, jobs=2)
    after_01 = rec.started()[rec.started().index("01_rfm_segments") + 2]
    assert after_01 == "06_customer_value", rec.started()


def test_the_temp_disk_budget_is_shared_by_the_notebooks_running_at_once(tmp_path):
    """DuckDB alone takes up to 90% of the free disk, measured by each process for itself: two
    notebooks spilling at once could fill the disk. The run shares one budget."""
    assert monthly.temp_per_notebook("20GB", None, 2) == "10000MB"
    assert monthly.temp_per_notebook("20GB", None, 1) == "20000MB"
    # without a limit, 80% of the free disk where DuckDB spills (a folder not yet made counts
    # as the disk it will be on)
    share = int(monthly.temp_per_notebook(None, str(tmp_path / "not" / "yet"), 2)
                .removesuffix("MB")) * 10**6
    assert share == pytest.approx(monthly.free_disk(tmp_path) * 0.8 / 2, rel=0.01)
    with pytest.raises(ParamError, match="temp_limit = 'much'.*20GB"):
        monthly.temp_per_notebook("much", None, 2)


def test_duckdb_stops_at_the_temp_limit_with_the_words_the_runner_explains(tmp_path):
    """db.connect's temp_limit is DuckDB's max_temp_directory_size; the runner recognises the
    error by that name, so a DuckDB that words it otherwise fails here first."""
    import duckdb

    from helpers.engine import db

    con = db.connect(threads=1, memory_limit="30MB", temp_directory=str(tmp_path / "spill"),
                     temp_limit="1MB")
    with pytest.raises(duckdb.OutOfMemoryException, match="max_temp_directory_size"):
        con.execute("select i from range(4000000) t(i) order by hash(i)").fetch_arrow_table()
    roomy = db.connect(threads=1, memory_limit="30MB", temp_directory=str(tmp_path / "spill"),
                       temp_limit="2GB")
    assert roomy.execute("select count(*) from (select i from range(4000000) t(i) "
                         "order by hash(i))").fetchone() == (4_000_000,)


def test_a_notebook_out_of_temp_disk_fails_with_what_to_change(tmp_path, monkeypatch):
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,customer_id,order_date,amount\n1,a,2026-01-01,10\n",
                      encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text(f"orders_path: {orders}\ntemp_limit: 6GB\n", encoding="utf-8")

    class Failure(Exception):
        ename = "OutOfMemoryException"
        evalue = ("Out of Memory Error: failed to offload data block of size 256.0 KiB "
                  "(2.9 GiB/2.9 GiB used). This limit was set by the 'max_temp_directory_size' "
                  "setting.")

    seen = {}

    def schedule(notebooks, run_one, jobs):
        seen["jobs"] = jobs
        return {}, {"04_loyalty_tiers": Failure()}

    monkeypatch.setattr(monthly, "_schedule", schedule)
    with pytest.raises(monthly.RunFailed) as err:
        monthly.run_month(date(2026, 10, 31), params_files=[params], reports_dir=tmp_path / "r",
                          echo=lambda *a, **k: None, jobs=2)
    message = str(err.value)
    assert "04_loyalty_tiers failed" in message
    assert "its share, 3000MB (temp_limit 6GB, shared by 2 notebook(s)" in message
    assert "temp_directory" in message and "--jobs 1" in message


def test_duckdb_temp_files_of_a_process_that_is_gone_are_removed_by_the_next(tmp_path):
    """A notebook's kernel is stopped without closing DuckDB: its spill stayed in .tmp (6 GB
    after page 06 at 100M lines). The next connection removes the files of dead processes."""
    from helpers.engine import db

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    gone = int(child.stdout)
    folder = tmp_path / "spill"
    folder.mkdir()
    for name in (f"duckdb_temp_{gone}_0_owner", f"duckdb_temp_{gone}_0_storage_DEFAULT-0.tmp",
                 f"duckdb_temp_{os.getppid()}_0_storage_DEFAULT-0.tmp", "notes.txt"):
        (folder / name).write_bytes(b"x")
    db.connect(temp_directory=str(folder))
    assert sorted(p.name for p in folder.iterdir()) == [
        f"duckdb_temp_{os.getppid()}_0_storage_DEFAULT-0.tmp", "notes.txt"]
