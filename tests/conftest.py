"""Shared fixtures: a private DuckDB per test, hand-made shop exports in a temp folder."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import pytest
import yaml

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


@pytest.fixture(scope="session")
def shop(tmp_path_factory):
    """A small sample shop and a params file pointing at it."""
    root = tmp_path_factory.mktemp("shop")
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


@pytest.fixture(scope="session")
def month(shop):
    """The month folder published by a full monthly run on the small shop."""
    root, params = shop
    folder = monthly.run_month(date(2026, 10, 31), params_files=[PARAMS_DIR / "default.yaml", params],
                               reports_dir=root / "reports", echo=lambda *a, **k: None)
    return folder


@pytest.fixture(scope="session")
def month_en(shop):
    """The same month run in English: published beside the Vietnamese one, never over it."""
    root, params = shop
    english = root / "english.yaml"
    english.write_text("lang: en\n", encoding="utf-8")
    return monthly.run_month(date(2026, 10, 31),
                             params_files=[PARAMS_DIR / "default.yaml", params, english],
                             reports_dir=root / "reports", echo=lambda *a, **k: None)



# ---------------------------------------------------------------- two workers (make test: -n 2)
# `make test` runs on two pytest-xdist workers with --dist loadgroup. A session fixture runs once
# per worker, so the tests that read a published month are grouped by the months they read: those
# that read the English month (and the Vietnamese one beside it) in one group, those that read the
# Vietnamese month only in another, so the two groups run at once (the Vietnamese month is made
# on both workers: about a minute of one core, for several minutes of the critical path). The
# other tests, those of the small shop alone included, are grouped by module, so a module's
# fixtures (a Spark session, a notebook run) are made once.


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "month_en" in fixtures:
            group = "month_en"
        elif "month" in fixtures:
            group = "month"
        else:
            group = item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
