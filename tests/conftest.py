"""Shared fixtures: a private DuckDB per test, hand-made shop exports in a temp folder."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from _pytest.nodeid import NodeId

# models of 50 rows or more are kept one per model, as a large shop's are (db.KEEP_LARGE_ROWS):
# set before helpers is imported, and inherited by the notebooks' kernels
os.environ.setdefault("WORKBOOK_KEEP_LARGE_ROWS", "50")

from helpers import ingest
from helpers.core.paths import PARAMS_DIR
from helpers.engine import db
from helpers.ingest import sample_data
from helpers.ingest.sample_data import REFERENCE_AS_OF as SAMPLE_AS_OF
from helpers.run import monthly


@pytest.fixture
def con():
    c = db.connect()
    yield c
    c.close()


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(rows, name) -> path of a UTF-8 CSV with the rows' keys as header."""

    def _write(rows: list[dict], name: str = "orders.csv", *, delimiter=",", encoding="utf-8",
               header: list[str] | None = None) -> Path:
        path = tmp_path / name
        fields = header or list(dict.fromkeys(k for r in rows for k in r))
        with open(path, "w", newline="", encoding=encoding) as f:
            w = csv.DictWriter(f, fieldnames=fields, delimiter=delimiter)
            w.writeheader()
            for r in rows:
                w.writerow(r)
        return path

    return _write


@pytest.fixture
def stage(con, tmp_path):
    """stage(kind, path, **kw) -> LoadReport, with cache and quarantine under tmp_path."""

    def _stage(kind, path, **kwargs):
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        kwargs.setdefault("quarantine_dir", tmp_path / "quarantine")
        return ingest.load(con, kind, path, **kwargs)

    return _stage


@pytest.fixture
def given_orders(con, write_csv, stage):
    """given_orders(rows) stages hand-made order rows (strings as a shop would write them)."""

    def _given(rows: list[dict], **kwargs):
        header = ["order_id", "customer_id", "order_date", "amount", "status", "channel"]
        rows = [{k: ("" if r.get(k) is None else r.get(k)) for k in header} for r in rows]
        return stage("orders", write_csv(rows, header=header), use_cache=False, **kwargs)

    return _given


@pytest.fixture
def given_customers(con, write_csv, stage):
    def _given(rows: list[dict], **kwargs):
        header = list(ingest.CUSTOMER_COLUMNS)
        rows = [{k: ("" if r.get(k) is None else r.get(k)) for k in header} for r in rows]
        return stage("customers", write_csv(rows, "customers.csv", header=header),
                     use_cache=False, **kwargs)

    return _given


# ---------------------------------------------------------------- the months, made once a session
# `make test` runs on two pytest-xdist workers, and a session fixture runs once per worker. The
# small shop and its two months (vi, en) are made once for the whole session instead, in a folder
# the workers share (the session's base temp folder): the first worker that asks makes it, under
# a lock; a worker that asks while the other is making it makes the other month meanwhile (when
# a collected test needs it), then waits. Each month is one run of the monthly runner; the
# English one is published beside the Vietnamese one in the same reports folder, and both
# read the staged exports and segment snapshots the first one left (data/processed).


def _session_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _flock(path: Path, *, wait: bool):
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _once(shared: Path, name: str, build, *, meanwhile=None, wait: bool = True):
    """build() once per session whichever worker asks first; its result (a JSON value) for
    every worker. While another worker builds it, meanwhile() runs here, then this one waits.
    With wait=False, returns None at once when another worker is building it."""
    done, failed = shared / f"{name}.done.json", shared / f"{name}.failed"

    def result():
        if done.exists():
            return json.loads(done.read_text(encoding="utf-8"))
        if failed.exists():
            raise RuntimeError(f"{name}, made by another pytest worker, failed:\n"
                               + failed.read_text(encoding="utf-8"))
        try:
            value = build()
        except BaseException as exc:
            failed.write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
            raise
        done.write_text(json.dumps(value), encoding="utf-8")
        return value

    with _flock(shared / f"{name}.lock", wait=False) as mine:
        if mine:
            return result()
    if not wait:
        return None
    if meanwhile is not None:
        meanwhile()
    with _flock(shared / f"{name}.lock", wait=True):
        return result()


def _make_shop(root: Path) -> tuple[Path, Path]:
    root.mkdir(parents=True, exist_ok=True)
    sample_data.generate(root / "raw", customers=4000, orders=20000, seed=11, as_of=SAMPLE_AS_OF)
    params = {"orders_path": str(root / "raw" / "orders.csv"),
              "customers_path": str(root / "raw" / "customers.csv"),
              # as params/monthly.yaml: next month's lists, so page 00's campaign size is checked
              "next_campaign_target": "at_risk"}
    for name in ("campaigns", "campaign_sends", "campaign_holdout"):
        if any(name + "_path" in monthly.declared_parameters(nb)
               for nb in monthly.available_notebooks()):
            params[f"{name}_path"] = str(root / "raw" / f"{name}.csv")
    path = root / "test.yaml"
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return root, path


def _make_month(shop: tuple[Path, Path], lang: str) -> Path:
    root, params = shop
    files = [PARAMS_DIR / "default.yaml", params]
    if lang != "vi":
        (root / "english.yaml").write_text(f"lang: {lang}\n", encoding="utf-8")
        files.append(root / "english.yaml")
    return monthly.run_month(date(2026, 10, 31), params_files=files,
                             reports_dir=root / "reports", echo=lambda *a, **k: None)


def _month(request, lang: str) -> Path:
    shared = _session_dir(request.getfixturevalue("tmp_path_factory"))
    shop = request.getfixturevalue("shop")
    other = "en" if lang == "vi" else "vi"

    def meanwhile():
        if f"month_{other}" in request.config.stash.get(MONTHS_NEEDED, set()):
            _once(shared, f"month_{other}", lambda: str(_make_month(shop, other)), wait=False)

    return Path(_once(shared, f"month_{lang}", lambda: str(_make_month(shop, lang)),
                      meanwhile=meanwhile))


@pytest.fixture(scope="session")
def shop(tmp_path_factory):
    """A small sample shop and a params file pointing at it (one for the session)."""
    shared = _session_dir(tmp_path_factory)
    root, params = _once(shared, "shop", lambda: [str(p) for p in _make_shop(shared / "shop")])
    return Path(root), Path(params)


@pytest.fixture(scope="session")
def month(request, shop):
    """The month folder published by a full monthly run on the small shop."""
    return _month(request, "vi")


@pytest.fixture(scope="session")
def month_en(request, shop):
    """The same month run in English: published beside the Vietnamese one, never over it."""
    return _month(request, "en")


# ---------------------------------------------------------------- two workers (make test: -n 2)
# `make test` runs on two pytest-xdist workers with --dist loadgroup and --no-loadscope-reorder:
# each group runs whole on one worker, and the groups are handed out in the order below, the
# longest first, so that both workers finish together. The tests that read the English month
# (and the Vietnamese one) are one group, those that read the Vietnamese month only another, and
# these two go first: their workers make the two months at once. A test marked with its own
# xdist_group keeps it (test_monthly.py's reruns); the others are grouped by module, so a
# module's fixtures (a Spark session, a notebook run) are made once. A test that reads a month is
# marked `notebooks` (left out of make test-fast) whether or not its module says so.
MONTHS_NEEDED = pytest.StashKey[set]()
# CPU seconds of the units that take more than a few, as measured on 2 cores (6 December; the
# others count 0.2 s a test): the order in which the units are handed out, the longest first
HEAVY = {"spark_cluster": 100, "tests/test_two_engines.py": 60, "month_rerun": 38,
         "tests/test_spark_staging.py": 40, "tests/test_value_fit_spark.py": 40,
         "scheme_vn4": 19, "scheme_care4": 19, "scheme_lifecycle": 19, "scheme_value3": 19,
         "tests/test_sample_truth.py": 18, "tests/test_hostile_pages.py": 16,
         "tests/test_sql_lint.py": 15, "notebooks/10_explore.ipynb": 15,
         "tests/test_browser.py": 12, "tests/test_explorer.py": 9, "month_killed": 8}


def _group(item) -> str:
    own = item.get_closest_marker("xdist_group")
    if own is not None:
        return own.args[0] if own.args else own.kwargs["name"]
    fixtures = set(getattr(item, "fixturenames", ()))
    if "month_en" in fixtures:
        return "month_en"
    if "month" in fixtures:
        return "month"
    return item.nodeid.split("::")[0]


def _loadgroup(config) -> bool:
    """Whether xdist hands out groups (`-n 2 --dist loadgroup`); plain pytest has no such option."""
    return bool(getattr(config.option, "loadgroup", False)
                or config.getoption("dist", default="no") == "loadgroup")


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(config, items):
    groups: dict[str, list] = {}
    for item in items:
        if set(getattr(item, "fixturenames", ())) & {"month", "month_en"}:
            item.add_marker(pytest.mark.notebooks)  # before -m reads the marks
        group = _group(item)
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))
        if _loadgroup(config) and "@" not in item.nodeid:
            # the group as xdist's scheduler reads it, the test id's "@<group>" suffix: xdist 3.8
            # sets it through item._nodeid, which pytest 9 no longer reads (every test was its
            # own unit, so each worker made each month)
            item._id = NodeId.parse(f"{item.nodeid}@{group}")
        groups.setdefault(group, []).append(item)

    def cost(group: str) -> tuple:
        first = {"month": 0, "month_en": 1}.get(group, 2)
        return first, -HEAVY.get(group, 0.2 * len(groups[group]))

    items[:] = [item for group in sorted(groups, key=cost) for item in groups[group]]


def pytest_collection_finish(session):
    """The months the selected tests read (a worker making one may make the other meanwhile)."""
    names = {"month": "month_vi", "month_en": "month_en"}
    session.config.stash[MONTHS_NEEDED] = {
        names[f] for item in session.items
        for f in set(getattr(item, "fixturenames", ())) & set(names)}
