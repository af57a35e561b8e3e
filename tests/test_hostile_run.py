"""The runner under a careless or hostile user (issue 32, round two): parameters that would make
a path, YAML that would hang or crash, an export replaced during the month, locks that would
hang, signals, failed notebooks that would keep contacts, files others could read.

No month is run in full here: a notebook is either a stand-in (papermill's execute_notebook
replaced) or a tiny notebook made by the test (test_monthly.py runs the real month)."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

import nbformat
import pyarrow.parquet as pq
import pytest

from helpers.core import locks
from helpers.core.checks import check_run_values
from helpers.core.errors import ParamError
from helpers.core.files import MONTH_VERSION_ENV, file_sha256
from helpers.core.locks import LockHeld, pid_lock
from helpers.core.params import RunParams, size_bytes
from helpers.core.paths import MAPPINGS_DIR, NOTEBOOKS_DIR, PARAMS_DIR, PROJECT_ROOT, SCHEMES_DIR
from helpers.core.privacy import file_mode_bits, folder_mode
from helpers.core.safety import folder_name
from helpers.core.schemes import SchemeError, load_scheme
from helpers.core.yamlsafe import read_yaml
from helpers.engine import db
from helpers.ingest.mappings import MappingError, load_mapping
from helpers.kit import snapshots
from helpers.run import failed, heartbeat, monthly

AS_OF = date(2026, 10, 31)
ORDERS = "order_id,customer_id,order_date,amount\n1,a,2026-01-05,100\n2,b,2026-02-05,200\n"
NB_01 = NOTEBOOKS_DIR / "01_rfm_segments.ipynb"
NB_03 = NOTEBOOKS_DIR / "03_cohort_revenue.ipynb"


def quiet(*args, **kwargs):
    pass


@pytest.fixture
def small(tmp_path):
    """A tiny export and a params file for it, under tmp_path/shop; reports go to
    tmp_path/out/reports (created by the runner only once every parameter passed)."""
    shop = tmp_path / "shop"
    shop.mkdir()
    orders = shop / "orders.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    params = shop / "p.yaml"
    params.write_text(f"orders_path: {orders}\ncustomers_path: ''\n", encoding="utf-8")
    return orders, params, tmp_path / "out" / "reports"


def everything_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# ---------------------------------------------------------------- YAML read safely

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def test_every_shipped_yaml_reads_with_the_guarded_loader():
    files = [*PARAMS_DIR.glob("*.yaml"), *SCHEMES_DIR.glob("*.yaml"), *MAPPINGS_DIR.glob("*.yaml")]
    assert len(files) > 10
    for path in files:
        assert isinstance(read_yaml(path), dict), path


@pytest.mark.parametrize("text, said", [
    ("bins: !!python/object/apply:os.system [echo hi]\n", "the tag !!python/object/apply"),
    ("bins: !!str 5\n", "the tag !!str"),
    (BILLION_LAUGHS, "an alias (*a)"),
    ("bins: [5\n", "not valid YAML"),
])
def test_a_params_file_with_a_tag_an_alias_or_bad_yaml_stops_in_words(small, tmp_path, text,
                                                                       said):
    _, params, reports = small
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ParamError) as err:
        monthly.run_month(AS_OF, params_files=[params, hostile], reports_dir=reports, echo=quiet)
    assert time.monotonic() - started < 10
    assert str(hostile) in str(err.value) and said in str(err.value)
    assert "line " in str(err.value)
    assert not reports.exists()


def test_a_mapping_scheme_or_params_file_that_would_expand_or_is_huge_is_refused(tmp_path):
    mapping = tmp_path / "laughs.yaml"
    mapping.write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(MappingError, match=r"laughs.yaml, line 2.*alias"):
        load_mapping(str(mapping))
    scheme = tmp_path / "tagged.yaml"
    scheme.write_text("name: x\nsegments: !!python/name:os.system\n", encoding="utf-8")
    with pytest.raises(SchemeError, match=r"tagged.yaml.*tag !!python/name:os.system"):
        load_scheme(str(scheme))
    huge = tmp_path / "huge.yaml"
    huge.write_text("notes: '" + "x" * 1_200_000 + "'\n", encoding="utf-8")
    for loader, error in ((lambda: read_yaml(huge), ParamError),
                          (lambda: load_mapping(str(huge)), MappingError),
                          (lambda: load_scheme(str(huge)), SchemeError)):
        with pytest.raises(error, match=r"huge.yaml.*larger than 1 MB"):
            loader()
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"bins: \xff\xfe\n")
    with pytest.raises(ParamError, match=r"binary.yaml: not UTF-8"):
        read_yaml(binary)


# ---------------------------------------------------------------- parameters before paths

TRAVERSALS = {
    "lang": "x/../../../victim.txt",
    "scheme": "x/../../../victim",
    "mapping": "../../../victim",
    "next_campaign_key": "../../../victim",
    "next_campaign_target": "../victim",
    "movers_lists": {"../../../victim": {"from": [], "to": ["lost"]}},
    "temp_directory": "../../../victim-folder",
    "orders_path": "SECRET",  # a file that is no shop export (a key, /etc/passwd)
    "output_dir": "../../../victim-folder",
    "file_mode": "0666",
}


@pytest.mark.parametrize("name", sorted(TRAVERSALS))
def test_a_traversal_through_any_parameter_is_refused_before_anything_is_touched(small, tmp_path,
                                                                                 name):
    """`lang: "x/../../../victim.txt"` once deleted the victim as a stale lock: every parameter
    that reaches a path is checked first, and nothing is created, changed or removed."""
    orders, params, reports = small
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "victim.yaml").write_text("precious: true\n", encoding="utf-8")
    (tmp_path / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    value = TRAVERSALS[name]
    if value == "SECRET":
        value = str(tmp_path / "id_ed25519")
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(json.dumps({name: value}), encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    with pytest.raises(ParamError, match=name):
        monthly.run_month(AS_OF, params_files=[params, hostile], reports_dir=reports, echo=quiet)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
    assert not reports.exists()


def test_the_month_lock_and_folder_refuse_a_language_that_is_a_path(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    reports = tmp_path / "a" / "b" / "reports"
    reports.mkdir(parents=True)
    with pytest.raises(ParamError, match="lang"), \
            monthly.month_lock(reports, AS_OF, lang="x/../../../victim.txt"):
        pass
    with pytest.raises(ParamError, match="lang"):
        monthly.month_folder_name(AS_OF, "../../x")
    assert victim.exists() and list(reports.iterdir()) == []


@pytest.mark.parametrize("reports_dir", ["data/raw", ".", "/"])
def test_reports_dir_is_never_the_exports_or_the_project_itself(small, reports_dir):
    _, params, _ = small
    with pytest.raises(ParamError, match="reports_dir"):
        monthly.run_month(AS_OF, params_files=[params], reports_dir=Path(reports_dir), echo=quiet)


def test_a_scheme_given_as_a_path_names_folders_that_stay_inside(tmp_path):
    for scheme in ("../../x.yaml", "/etc/passwd.yaml", "a/../../b"):
        name = folder_name(scheme)
        assert "/" not in name and ".." not in name
        folder = snapshots.snapshot_dir(scheme=scheme, as_of=AS_OF, key="k", root=tmp_path)
        assert tmp_path in folder.resolve().parents
    with pytest.raises(SchemeError, match="shipped scheme"):
        load_scheme("x/../../../victim")


def test_output_dir_of_a_notebook_run_cannot_climb_out_or_land_in_the_exports(small):
    orders, _, _ = small
    for out in ("../../../elsewhere", "data/raw/out", str(PROJECT_ROOT)):
        with pytest.raises(ParamError, match="output_dir"):
            RunParams.from_values(as_of=AS_OF, orders_path=str(orders), output_dir=out)


@pytest.mark.parametrize("name, value", [
    ("trend_months", 100000), ("trend_months", 0), ("bins", 50), ("window_days", 10**9),
    ("max_periods", -1), ("horizon_days", 10**6), ("windows", [7, 7]), ("windows", [0, 10**7]),
    ("holdout_share", 1.5), ("detectable_uplift", 0), ("threads", 0), ("fit_seed", -1),
])
def test_numbers_out_of_bounds_stop_with_a_plain_message(name, value):
    errors = check_run_values({name: value})
    assert len(errors) == 1 and errors[0].startswith(f"{name} = ")


def test_trend_months_of_100000_is_a_message_not_a_crash_in_the_notebook_too():
    with pytest.raises(ParamError, match=r"trend_months = 100000: give a whole number from 1 to "
                                         r"120"):
        snapshots.month_ends(AS_OF, 100000)
    assert len(snapshots.month_ends(AS_OF, 120)) == 120


def test_window_days_and_threads_have_bounds_in_run_params(small):
    orders, _, _ = small
    for name, value in (("window_days", 10**9), ("threads", 0), ("threads", 10**6)):
        with pytest.raises(ParamError, match=name):
            RunParams.from_values(as_of=AS_OF, orders_path=str(orders), **{name: value})


# ---------------------------------------------------------------- one version per month


def fake_notebooks(monkeypatch, after=None):
    """papermill replaced: each 'notebook' writes its output file; `after(stem)` runs once it
    is done (the hook where a test swaps an export)."""
    ran = []

    def execute(source, output, **kwargs):
        Path(output).write_text(json.dumps({"ran": Path(source).stem}), encoding="utf-8")
        (Path(output).parent / f"{Path(source).stem}.csv").write_text("x\n1\n", encoding="utf-8")
        ran.append(Path(source).stem)
        if after:
            after(Path(source).stem)

    monkeypatch.setattr(monthly.pm, "execute_notebook", execute)
    monkeypatch.setattr(monthly, "_input_report", lambda params: {})
    return ran


def test_an_export_replaced_between_notebooks_stops_the_run_naming_it(small, monkeypatch):
    orders, params, reports = small

    def swap(stem):
        if stem == "01_rfm_segments":
            orders.write_text(ORDERS + "3,c,2026-03-05,300\n", encoding="utf-8")

    ran = fake_notebooks(monkeypatch, after=swap)
    with pytest.raises(monthly.RunFailed, match=rf"before 03_cohort_revenue.*orders_path: "
                                                rf"{orders} changed.*Nothing was published"):
        monthly.run_month(AS_OF, params_files=[params], reports_dir=reports, echo=quiet,
                          notebooks=[NB_01, NB_03], html=False, jobs=1)
    assert ran == ["01_rfm_segments"]
    assert not (reports / AS_OF.isoformat()).exists()
    assert not list(reports.glob(".staging-*")) and not list(reports.glob(".lock-*"))


def test_an_export_replaced_during_the_last_notebook_stops_before_publishing(small, monkeypatch):
    orders, params, reports = small

    def swap(stem):
        orders.write_text(ORDERS.replace("200", "999"), encoding="utf-8")  # same size, in place

    fake_notebooks(monkeypatch, after=swap)
    with pytest.raises(monthly.RunFailed, match=r"after the last notebook.*orders_path"):
        monthly.run_month(AS_OF, params_files=[params], reports_dir=reports, echo=quiet,
                          notebooks=[NB_01], html=False, jobs=1)
    assert not (reports / AS_OF.isoformat()).exists()


def test_an_export_changed_and_put_back_while_a_notebook_read_it_stops_the_run(small,
                                                                             monkeypatch):
    """A-B-A: the file is rewritten while notebook 03 stages it, then put back byte for byte;
    the runner's checks before and after see the same bytes, but the notebook hashed the other
    version: the month's version, set for the kernels, stops it (core.files.file_sha256)."""
    orders, params, reports = small

    def execute(source, output, **kwargs):
        if Path(source).stem == "03_cohort_revenue":
            orders.write_text(ORDERS[: len(ORDERS) // 2], encoding="utf-8")
            try:
                file_sha256(orders)  # what staging does first
            finally:
                orders.write_text(ORDERS, encoding="utf-8")
        Path(output).write_text("{}", encoding="utf-8")

    monkeypatch.setattr(monthly.pm, "execute_notebook", execute)
    monkeypatch.setattr(monthly, "_input_report", lambda params: {})
    with pytest.raises(monthly.RunFailed, match=rf"{orders} is not the version this month "
                                                rf"started with"):
        monthly.run_month(AS_OF, params_files=[params], reports_dir=reports, echo=quiet,
                          notebooks=[NB_01, NB_03], html=False, jobs=1)
    assert not (reports / AS_OF.isoformat()).exists()
    assert MONTH_VERSION_ENV not in os.environ  # the run's environment is given back
    assert file_sha256(orders)  # outside a run, no version is imposed


def test_a_notebook_waiting_for_a_lock_is_said_on_the_runners_console(small, monkeypatch):
    """A kernel's stderr never reaches the console: its lock messages go through the run's
    status file, and a notebook running a minute says so."""
    orders, params, reports = small
    said = []

    def execute(source, output, **kwargs):
        locks._stderr("Waiting for data/processed/cache/.lock-orders-x: held by process 7")
        time.sleep(0.3)
        Path(output).write_text("{}", encoding="utf-8")

    monkeypatch.setattr(monthly.pm, "execute_notebook", execute)
    monkeypatch.setattr(monthly, "_input_report", lambda params: {})
    monkeypatch.setattr(heartbeat, "EVERY_SECONDS", 0.1)
    monthly.run_month(AS_OF, params_files=[params], reports_dir=reports,
                      echo=lambda *a, **k: said.append(" ".join(map(str, a))),
                      notebooks=[NB_01], html=False, jobs=1)
    assert any("01_rfm_segments: Waiting for data/processed/cache/.lock-orders-x" in line
               for line in said), said
    assert any("01_rfm_segments still running" in line for line in said), said


def test_a_file_added_to_an_export_folder_during_the_run_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "jan.csv").write_text(ORDERS, encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text(f"orders_path: {folder}\ncustomers_path: ''\n", encoding="utf-8")

    def add(stem):
        (folder / "feb.csv").write_text(ORDERS, encoding="utf-8")

    fake_notebooks(monkeypatch, after=add)
    with pytest.raises(monthly.RunFailed, match=r"feb.csv appeared"):
        monthly.run_month(AS_OF, params_files=[params], reports_dir=tmp_path / "r", echo=quiet,
                          notebooks=[NB_01, NB_03], html=False, jobs=1)


def test_an_unchanged_month_records_its_input_version_and_a_touch_is_no_change(small,
                                                                               monkeypatch):
    orders, params, reports = small
    fake_notebooks(monkeypatch, after=lambda stem: os.utime(orders))  # touched, not changed
    folder = monthly.run_month(AS_OF, params_files=[params], reports_dir=reports, echo=quiet,
                               notebooks=[NB_01, NB_03], html=False, jobs=2)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [recorded] = manifest["input_version"]["orders_path"]
    import hashlib

    assert recorded["path"] == orders.name  # by its name: no server path in a manifest
    assert recorded["sha256"] == hashlib.sha256(orders.read_bytes()).hexdigest()
    assert "scheme" in manifest["input_version"]  # the scheme file read by the pages, too


# ---------------------------------------------------------------- private files


@pytest.mark.parametrize("mode, ok", [("0600", True), ("0640", True), ("0660", True),
                                      ("600", True), ("0644", False), ("0400", False),
                                      ("0700", False), ("rw-------", False), ("0o600", False),
                                      ("0606", False), (True, False)])
def test_file_mode_is_an_octal_string_owner_read_write_never_world(mode, ok):
    if ok:
        assert file_mode_bits(mode) & 0o600 == 0o600
    else:
        with pytest.raises(ParamError, match="file_mode"):
            file_mode_bits(mode)


@pytest.mark.parametrize("mode, files, folders", [("0600", 0o600, 0o700),
                                                  ("0640", 0o640, 0o750)])
def test_a_month_is_written_with_file_mode_in_private_folders(small, monkeypatch, tmp_path, mode,
                                                              files, folders):
    _, params, reports = small
    chosen = tmp_path / "mode.yaml"
    chosen.write_text(f'file_mode: "{mode}"\n', encoding="utf-8")
    fake_notebooks(monkeypatch)
    umask = os.umask(0o022)
    os.umask(umask)
    folder = monthly.run_month(AS_OF, params_files=[params, chosen], reports_dir=reports,
                               echo=quiet, notebooks=[NB_01], html=False, jobs=1)
    assert folder_mode(files) == folders
    assert stat.S_IMODE(folder.stat().st_mode) == folders
    assert stat.S_IMODE(reports.stat().st_mode) == folders
    for path in folder.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (folders if path.is_dir() else files), path
    assert os.umask(umask) == umask  # the caller's umask is back


def test_a_shared_reports_folder_outside_the_project_is_left_as_it_is(small, monkeypatch,
                                                                       tmp_path):
    """--reports-dir on a team's share (sticky, setgid, open to the group) is not the workbook's
    to close: only the month folders it makes inside are private."""
    _, params, _ = small
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o3777)
    fake_notebooks(monkeypatch)
    folder = monthly.run_month(AS_OF, params_files=[params], reports_dir=shared, echo=quiet,
                               notebooks=[NB_01], html=False, jobs=1)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o3777
    assert stat.S_IMODE(folder.stat().st_mode) & 0o777 == 0o700  # setgid is inherited


def test_run_params_refuse_a_world_readable_file_mode(small):
    orders, _, _ = small
    assert RunParams.from_values(as_of=AS_OF, orders_path=str(orders)).file_mode == "0600"
    with pytest.raises(ParamError, match="file_mode = '0644'"):
        RunParams.from_values(as_of=AS_OF, orders_path=str(orders), file_mode="0644")


# ---------------------------------------------------------------- failed notebooks


def test_a_kept_failed_notebook_holds_cells_and_error_names_but_no_values(tmp_path):
    nb = nbformat.v4.new_notebook()
    row = "Nguyễn Văn A, 0912345678, an@example.com"
    table = nbformat.v4.new_code_cell("frame.head()")
    table.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": row}),
                     nbformat.v4.new_output("stream", name="stderr", text=row)]
    broken = nbformat.v4.new_code_cell("lookup['0912345678']")
    broken.outputs = [nbformat.v4.new_output("error", ename="KeyError", evalue=f"'{row}'",
                                             traceback=[f"KeyError: '{row}'"])]
    stopped = nbformat.v4.new_code_cell("run = notebook.start(globals(), '01')")
    stopped.outputs = [nbformat.v4.new_output(
        "error", ename="IngestError", evalue="orders.csv, line 3: no amount column",
        traceback=["IngestError: orders.csv, line 3: no amount column"])]
    nb.cells = [table, broken, stopped]
    executed = tmp_path / "staging" / "01_rfm_segments.ipynb"
    executed.parent.mkdir()
    nbformat.write(nb, executed)
    kept = monthly._keep_failed(executed, tmp_path / "failed")
    text = kept.read_text(encoding="utf-8")
    assert "0912345678'" not in text.replace("lookup['0912345678']", "")
    assert "Nguy" not in text and "example.com" not in text
    cells = nbformat.read(kept, as_version=4).cells
    assert [c.source for c in cells] == [c.source for c in nb.cells]
    assert cells[0].outputs == []
    assert cells[1].outputs[0].ename == "KeyError" and "not shown" in cells[1].outputs[0].evalue
    assert cells[2].outputs[0].evalue == "orders.csv, line 3: no amount column"


def test_the_runners_failure_message_hides_a_message_that_may_quote_a_row():
    class Failure(Exception):
        ename, evalue = "ConversionException", "Could not convert 'Nguyễn Văn A' to INT64"

    message = monthly._failure_message("01_rfm_segments", Failure(), Path("kept.ipynb"))
    assert "ConversionException" in message and "Nguy" not in message
    assert failed.safe_message("ParamError", "bins = 50") == "bins = 50"


# ---------------------------------------------------------------- damaged snapshot meta.json


@pytest.mark.parametrize("meta", [b"{not json", b"[]", b"\xff\xfe", b'{"sha256": 5, "rows": []}'])
def test_a_damaged_snapshot_meta_json_is_treated_as_absent_and_said(tmp_path, meta):
    con = db.connect()
    cols = ", ".join(f"null as {c}" for c in snapshots.SNAPSHOT_COLUMNS[2:])
    con.execute(f"create table rfm_segments as select 'a' as customer_id, 'lost' as segment, "
                f"{cols}")
    kw = {"scheme": "rfm11", "as_of": AS_OF, "settings": {"a": 1},
          "input_checksums": {"orders": "x"}, "root": tmp_path}
    path = snapshots.write_snapshot(con, **kw)
    (path.parent / "meta.json").write_bytes(meta)
    with pytest.warns(UserWarning, match="damaged.*computed again"):
        assert snapshots.read_snapshot(**kw) is None
    snapshots.write_snapshot(con, **kw)  # rebuilt whole
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert snapshots.read_snapshot(**kw).num_rows == 1
    assert pq.read_table(path).num_rows == 1


# ---------------------------------------------------------------- locks that never hang

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")


def write_lock(path: Path, pid, host, started: datetime, identity: str = "-") -> None:
    path.write_text(f"{pid} {host} {started.astimezone().isoformat(timespec='seconds')} "
                    f"{identity}", encoding="utf-8")


def test_a_lock_records_pid_host_time_and_process_start(tmp_path):
    with pid_lock(tmp_path / ".lock") as lock:
        pid, host, started, identity = lock.read_text(encoding="utf-8").split()
    assert pid == str(os.getpid()) and host == socket.gethostname()
    assert datetime.fromisoformat(started).tzinfo is not None
    if Path("/proc/self/stat").exists():
        assert identity == locks.process_identity(os.getpid()) and "@" in identity


@needs_proc
@pytest.mark.parametrize("identity, said", [
    ("1@{boot}", "now belongs to another, newer process"),
    ("{start}@00000000", "the machine has restarted"),
])
def test_a_lock_whose_pid_now_belongs_to_another_process_is_taken_over(tmp_path, identity, said):
    """After a reboot, or once pids wrap, the pid in a lock may be a live stranger's: the
    staging lock once waited four hours for it without a word."""
    start, boot = locks.process_identity(os.getpid()).split("@")
    lock = tmp_path / ".lock-orders-abc"
    write_lock(lock, os.getpid(), socket.gethostname(), datetime.now(),
               identity.format(start=start, boot=boot))
    heard = []
    began = time.monotonic()
    with pid_lock(lock, wait_seconds=4 * 3600, echo=heard.append):
        assert lock.read_text(encoding="utf-8").split()[3] == f"{start}@{boot}"
    assert time.monotonic() - began < 5
    assert len(heard) == 1 and said in heard[0] and str(lock) in heard[0]


@needs_proc
def test_an_old_style_lock_whose_pid_started_after_it_was_written_is_taken_over(tmp_path):
    """A lock of three fields (an older version) names a live pid: that process started after
    the lock was written, so it is not the holder."""
    lock = tmp_path / ".lock-orders-abc"
    lock.write_text(f"{os.getpid()} {socket.gethostname()} 2020-01-01T00:00:00", encoding="utf-8")
    heard = []
    with pid_lock(lock, wait_seconds=60, echo=heard.append):
        pass
    assert heard and "started after the lock was taken" in heard[0]


def test_a_young_lock_from_another_host_stops_at_once_naming_the_lock_and_the_fix(tmp_path):
    lock = tmp_path / ".lock-orders-abc"
    write_lock(lock, 4242, "worker-7", datetime.now() - timedelta(minutes=20))
    began = time.monotonic()
    with pytest.raises(LockHeld) as err, pid_lock(lock, wait_seconds=4 * 3600, echo=quiet):
        pass
    assert time.monotonic() - began < 2
    message = str(err.value)
    assert "worker-7" in message and str(lock) in message and f"delete {lock}" in message
    assert lock.exists()  # never taken from a host that may still run it


def test_an_old_lock_from_another_host_is_taken_over_and_said(tmp_path):
    lock = tmp_path / ".lock-orders-abc"
    write_lock(lock, 4242, "worker-7", datetime.now() - timedelta(hours=7))
    heard = []
    with pid_lock(lock, wait_seconds=0, echo=heard.append, stale_after_hours=6):
        pass
    assert heard and "worker-7" in heard[0] and "6 hours" in heard[0]
    assert not lock.exists()


def test_a_wait_for_a_live_holder_says_every_interval_who_holds_it(tmp_path):
    lock = tmp_path / ".lock-orders-abc"
    lock.write_text(locks.lock_line(), encoding="utf-8")  # held by this (live) process
    heard = []
    began = time.monotonic()
    with pytest.raises(LockHeld), pid_lock(lock, wait_seconds=1.3, say_every=0.4,
                                           echo=heard.append):
        pass
    assert 1.2 < time.monotonic() - began < 4
    assert len(heard) >= 2
    assert all(f"held by process {os.getpid()} on {socket.gethostname()}" in h for h in heard)
    assert f"delete {lock}" in heard[0]


def test_a_month_lock_taken_over_from_a_reused_pid_says_so(tmp_path):
    lock = tmp_path / f".lock-{AS_OF}"
    write_lock(lock, os.getpid(), socket.gethostname(), datetime.now(), "1@x")
    heard = []
    if Path("/proc/self/stat").exists():
        with monthly.month_lock(tmp_path, AS_OF, echo=heard.append):
            pass
        assert heard and "stopped" in heard[0]
    else:  # no /proc: a live pid counts as a live run
        with pytest.raises(monthly.RunLocked), monthly.month_lock(tmp_path, AS_OF, echo=quiet):
            pass


def test_a_month_lock_from_another_host_names_that_host_and_the_fix(tmp_path):
    lock = tmp_path / f".lock-{AS_OF}"
    write_lock(lock, 4242, "scheduler-worker-7", datetime.now(), "1@x")
    with pytest.raises(monthly.RunLocked, match=r"may be in progress: .* on another host, "
                                                r"scheduler-worker-7.*delete"), \
            monthly.month_lock(tmp_path, AS_OF, echo=quiet):
        pass


# ---------------------------------------------------------------- signals

SLEEPER = """
import os, time
from pathlib import Path
Path(marker).write_text(str(os.getpid()))
time.sleep(300)
"""

RUNNER = """
import sys
from datetime import date
from pathlib import Path
from helpers.run import monthly
tmp = Path(sys.argv[1])
try:
    monthly.run_month(date(2026, 10, 31), params_files=[tmp / "p.yaml"],
                      reports_dir=tmp / "reports", notebooks=[tmp / "99_sleeper.ipynb"],
                      html=False, jobs=1)
except monthly.Interrupted as exc:
    sys.exit(128 + exc.signum)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_removes_the_staging_folder_releases_the_lock_and_stops_the_kernel(
        small, tmp_path, signum):
    orders, params, _ = small
    marker = tmp_path / "kernel.pid"
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell(f'as_of = ""\noutput_dir = ""\nmarker = "{marker}"\n')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(SLEEPER)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / "99_sleeper.ipynb")
    (tmp_path / "p.yaml").write_text(params.read_text(encoding="utf-8"), encoding="utf-8")
    runner = subprocess.Popen([sys.executable, "-c", RUNNER, str(tmp_path)], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and runner.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), runner.communicate(timeout=30)[0][-3000:]
        reports = tmp_path / "reports"
        assert list(reports.glob(".staging-*")) and list(reports.glob(".lock-*"))
        kernel = int(marker.read_text())
        runner.send_signal(signum)
        output, _ = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
    assert runner.returncode == 128 + signum, output[-3000:]
    assert "Stopping" in output
    assert not list(reports.glob(".staging-*")) and not list(reports.glob(".lock-*"))
    assert not (reports / AS_OF.isoformat()).exists()
    deadline = time.monotonic() + 10
    while locks.process_alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not locks.process_alive(kernel), "the kernel outlived the run"


def test_an_encoding_or_size_that_cannot_be_used_is_a_plain_message():
    errors = check_run_values({"encoding": "rot13x"})
    assert len(errors) == 1 and errors[0].startswith("encoding = 'rot13x': not an encoding")
    for size in ("infGB", "1e400GB", "nanMB"):
        with pytest.raises(ParamError, match=rf"temp_limit = '{size}': write a size as DuckDB"):
            size_bytes(size, "temp_limit")


def test_a_key_given_twice_in_a_settings_file_is_refused(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("lang: vi\nbins: 5\nlang: en\n", encoding="utf-8")
    with pytest.raises(ParamError, match=r"p.yaml, line 3, column 1: the key 'lang' is given "
                                         r"twice"):
        read_yaml(path)
