"""Value fits kept by content (fit_store.py): a later month's back-test reads the fit page 06 kept
at that date; a line added after the date keeps it; a changed older line, another setting or
another date is another fit. Hand-made lines; the fit itself is stood in for (counted)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from helpers.engine import db
from helpers.pages.value import fit_store
from helpers.pages.value.fit import ValueFit

AS_OF = date(2026, 9, 30)


def _lines(extra=(), amount=100.0):
    rows = [("c1", "o1", date(2026, 8, 1), amount), ("c1", "o2", date(2026, 9, 3), 50.0),
            ("c2", "o3", date(2026, 9, 10), 70.0), *extra]
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "order_id": [r[1] for r in rows],
                         "is_return": False, "source_file": "f.csv",
                         "source_line": range(1, len(rows) + 1),
                         "order_date": pd.to_datetime([r[2] for r in rows]).date,
                         "amount": [r[3] for r in rows], "status": "done"})


def _fit(tag: float) -> ValueFit:
    return ValueFit(status="ok", customers=3, repeat_customers=1, fitted_on=3,
                    model="mbg_nbd", bgnbd={"r": 0.1 + tag, "alpha": 1 / 3, "a": 2.0, "b": 7.0},
                    gamma_gamma={"p": 1.5, "q": 3.25, "v": 1e5 / 3}, loglik_bgnbd=-1234.5678901,
                    loglik_gamma_gamma=float("nan"), spend_unit=100.0, seconds=0.25,
                    patterns=3, spend_patterns=1,
                    cov_bgnbd=np.array([[1 / 3, 1e-17], [1e-17, 2 / 7]]), cov_gamma_gamma=None)


@pytest.fixture
def counted(monkeypatch):
    calls = []

    def fake_fit_table(con, table, **options):
        calls.append(options)
        return _fit(len(calls))

    monkeypatch.setattr(fit_store, "fit_table", fake_fit_table)
    return calls


def _register(con, lines):
    db.register(con, "order_lines", lines, replace=True)
    db.register(con, "customers", pd.DataFrame({"customer_id": ["c1", "c2"],
                                                "signup_date": [None, None]}), replace=True)


def _same(a: ValueFit, b: ValueFit) -> bool:
    for name, value in vars(a).items():
        other = getattr(b, name)
        if isinstance(value, np.ndarray) or isinstance(other, np.ndarray):
            if not np.array_equal(value, other):
                return False
        elif isinstance(value, float) and np.isnan(value):
            if not (isinstance(other, float) and np.isnan(other)):
                return False
        elif value != other:
            return False
    return True


def test_a_fit_read_back_is_the_same_to_the_last_bit():
    fit = _fit(0.123456789)
    assert _same(fit_store.load(fit_store.dump(fit)), fit)
    import json
    assert _same(fit_store.load(json.loads(json.dumps(fit_store.dump(fit)))), fit)


def test_kept_by_the_lines_up_to_its_date(con, tmp_path, counted):
    store = tmp_path / "fits"
    options = {"as_of": AS_OF, "excluded_statuses": ["cancelled"], "model": "mbg_nbd",
               "store": store}
    _register(con, _lines())
    first = fit_store.stored_fit(con, "summary", **options)
    assert len(counted) == 1 and len(list(store.glob("fit_*.json"))) == 1
    again = fit_store.stored_fit(con, "summary", **options)
    assert len(counted) == 1 and _same(again, first)
    # next month's export: a line after the date changes nothing up to it
    _register(con, _lines(extra=[("c2", "o9", date(2026, 10, 5), 80.0)]))
    assert _same(fit_store.stored_fit(con, "summary", **options), first)
    assert len(counted) == 1
    # an older line changed (a late refund of o1): fitted again
    _register(con, _lines(extra=[("c2", "o9", date(2026, 10, 5), 80.0)], amount=90.0))
    fit_store.stored_fit(con, "summary", **options)
    assert len(counted) == 2
    # another model, spend or not, another date, other statuses: each its own fit
    fit_store.stored_fit(con, "summary", **{**options, "model": "bg_nbd"})
    fit_store.stored_fit(con, "summary", **options, spend=False)
    fit_store.stored_fit(con, "summary", **{**options, "as_of": date(2026, 9, 29)})
    fit_store.stored_fit(con, "summary", **{**options, "excluded_statuses": []})
    assert len(counted) == 6
    # without a store: always fitted, nothing kept
    fit_store.stored_fit(con, "summary", **{**options, "store": None})
    assert len(counted) == 7 and len(list(store.glob("fit_*.json"))) == 6


def test_an_unreadable_fit_is_fitted_again(con, tmp_path, counted):
    store = tmp_path / "fits"
    _register(con, _lines())
    fit_store.stored_fit(con, "summary", as_of=AS_OF, excluded_statuses=[], store=store)
    (kept,) = store.glob("fit_*.json")
    kept.write_text("{not json", encoding="utf-8")
    fit_store.stored_fit(con, "summary", as_of=AS_OF, excluded_statuses=[], store=store)
    assert len(counted) == 2
    assert fit_store.load(__import__("json").loads(kept.read_text())["fit"]).status == "ok"


def test_a_summary_kept_is_read_back_until_an_older_line_changes(con, tmp_path):
    from helpers.pages.value import compute

    store = tmp_path / "fits"
    options = {"as_of": AS_OF, "excluded_statuses": ["cancelled"],
               "zero_amount_purchases": False}
    _register(con, _lines())
    table = compute.summary_table(con, **options)
    built = con.execute(f"select * from {table} order by customer_id").fetchall()
    assert fit_store.stored_summary(con, "kept", **options, store=store) is None
    assert fit_store.keep_summary(con, table, **options, store=store).exists()
    _register(con, _lines(extra=[("c2", "o9", date(2026, 10, 5), 80.0)]))  # a later line
    assert fit_store.stored_summary(con, "kept", **options, store=store) == "kept"
    assert con.execute("select * from kept order by customer_id").fetchall() == built
    assert con.execute("describe kept").fetchall() == con.execute(f"describe {table}").fetchall()
    _register(con, _lines(amount=90.0))  # an older line changed
    assert fit_store.stored_summary(con, "kept", **options, store=store) is None
    assert fit_store.keep_summary(con, table, **options, store=None) is None


@pytest.mark.parametrize("damage", ["truncated", "emptied", "edited", "unsealed"])
def test_a_damaged_kept_summary_is_built_again_not_read(con, tmp_path, damage):
    # red team: a truncated summary stopped page 06 (cell 16) every month until deleted
    from helpers.pages.value import compute

    store = tmp_path / "fits"
    options = {"as_of": AS_OF, "excluded_statuses": ["cancelled"],
               "zero_amount_purchases": False}
    _register(con, _lines())
    table = compute.summary_table(con, **options)
    path = fit_store.keep_summary(con, table, **options, store=store)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[:100])
    elif damage == "emptied":
        path.write_bytes(b"")
    elif damage == "edited":  # same size, one byte changed
        path.write_bytes(data[:50] + bytes([data[50] ^ 1]) + data[51:])
    else:
        path.with_suffix(".json").unlink()
    assert fit_store.stored_summary(con, "kept", **options, store=store) is None
    again = fit_store.keep_summary(con, table, **options, store=store)  # written whole again
    assert fit_store.stored_summary(con, "kept", **options, store=store) == "kept"
    assert again == path and path.read_bytes() == data
