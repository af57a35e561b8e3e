"""Runs that never surprise the managers (issue 33): every parameter that depends on another is
checked before any notebook starts; a run with other values than the shop's own params is a
what-if published beside the month, never over it; an as-of after today is refused; a month not
yet over is said to be partial; the manifest holds no server path.

Notebooks are stand-ins here (papermill's execute_notebook replaced), as in test_hostile_run.py;
test_monthly.py runs the real month."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import nbformat
import pytest

from helpers.core.errors import ParamError
from helpers.core.params import check_as_of, month_complete
from helpers.core.paths import NOTEBOOKS_DIR, PARAMS_DIR, PROJECT_ROOT
from helpers.ingest.report import LoadReport
from helpers.run import monthly, monthly_cli, whatif
from helpers.run.manifest import absolute_paths, portable, portable_path

AS_OF = date(2026, 10, 31)
TODAY = date(2026, 12, 6)
ORDERS = "order_id,customer_id,order_date,amount\n1,a,2026-01-05,100\n2,b,2026-02-05,200\n"
NB_01 = NOTEBOOKS_DIR / "01_rfm_segments.ipynb"
NB_03 = NOTEBOOKS_DIR / "03_cohort_revenue.ipynb"
SHOP = [PARAMS_DIR / "default.yaml", PARAMS_DIR / "monthly.yaml"]


@pytest.fixture
def shop(tmp_path):
    """The shop's own params (default.yaml, monthly.yaml) with a tiny export in a folder named
    like a server's (/srv-like: tmp_path/srv/home/shopowner), reports beside it."""
    home = tmp_path / "srv" / "home" / "shopowner"
    home.mkdir(parents=True)
    orders = home / "orders.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    local = home / "shop.yaml"
    local.write_text(f"orders_path: {orders}\ncustomers_path: ''\n", encoding="utf-8")
    return [*SHOP, local], home / "reports"


@pytest.fixture
def ran(monkeypatch):
    """papermill replaced: each notebook writes a file; the list holds (stem, parameters)."""
    calls = []

    def execute(source, output, parameters=None, **kwargs):
        Path(output).write_text(json.dumps({"ran": Path(source).stem}), encoding="utf-8")
        (Path(output).parent / f"{Path(source).stem}.csv").write_text("x\n1\n", encoding="utf-8")
        calls.append((Path(source).stem, dict(parameters or {})))

    monkeypatch.setattr(monthly.pm, "execute_notebook", execute)
    monkeypatch.setattr(monthly, "_input_report", lambda params: {})
    return calls


def run(files, reports, said=None, **kwargs):
    kwargs.setdefault("notebooks", [NB_01, NB_03])
    kwargs.setdefault("today", TODAY)
    return monthly.run_month(kwargs.pop("as_of", AS_OF), params_files=files, reports_dir=reports,
                             echo=lambda *a, **k: None if said is None else said.append(
                                 " ".join(map(str, a))),
                             html=False, jobs=1, **kwargs)


def nothing_ran(reports: Path, ran) -> None:
    assert ran == []
    assert not reports.exists() or not any(reports.iterdir())  # no staging folder, no lock


# ---------------------------------------------------------------- checked before anything runs

def test_a_vn4_run_over_monthly_yaml_stops_before_any_notebook_naming_the_key(shop, ran):
    files, reports = shop
    with pytest.raises(ParamError) as caught:
        run(files, reports, extra={"scheme": "vn4"}, notebooks=None)
    said = str(caught.value)
    assert "next_campaign_target = 'at_risk'" in said and "params/monthly.yaml" in said
    assert "scheme 'vn4'" in said and "vip, potential, new, old" in said
    assert "--set next_campaign_target=old" in said  # the fix: vn4's own win-back segment
    nothing_ran(reports, ran)


def test_the_cli_names_the_key_of_a_vn4_run_and_publishes_nothing(tmp_path, ran, capsys):
    code = monthly.main(["--as-of", "2026-10-31", "--params", "params/monthly.yaml",
                             "--set", "scheme=vn4", "--reports-dir", str(tmp_path / "r")])
    assert code == 2
    assert "next_campaign_target = 'at_risk'" in capsys.readouterr().err
    nothing_ran(tmp_path / "r", ran)


@pytest.mark.parametrize("extra, said", [
    ({"scheme": "vn5"}, "scheme = 'vn5' (did you mean vn4?): give one of care4, lifecycle"),
    ({"scheme": "care4", "next_campaign_target": "at_risk"}, "not a segment of scheme 'care4'"),
    ({"scheme": "vn4", "next_campaign_target": "old",
      "movers_lists": {"back": {"from": ["champions"], "to": ["old"]}}},
     "movers list 'back' names unknown segment(s) ['champions']"),
    ({"bins": 4}, "written for bins = 5, but the run uses bins = 4"),
    ({"scoring": "fixed"}, "scoring = 'fixed' needs fixed_cuts"),
    ({"fixed_cuts": {"frequency": [2, 3]}}, "need 4 strictly ascending cut points"),
    ({"factors": "rfx"}, "factors = 'rfx': must be one of rfm, rf, rm, fm"),
    ({"scheme_params": {"churn_days": 90}}, "scheme parameter 'churn_days' is not declared"),
    ({"grain": "day"}, "grain = 'day'"),
    ({"next_campaign_target": "", "next_campaign_key": "tet-2027"}, "next_campaign_target is empty"),
    ({"as_of_from": "2026-11-30"}, "as_of_from = 2026-11-30"),
    ({"as_of_to": "2026-09-30"}, "as_of_to = 2026-09-30"),
    ({"as_of_from": "31/13/2026"}, "as_of_from = '31/13/2026' is not a date"),
])
def test_every_dependent_value_is_refused_before_any_notebook(shop, ran, extra, said):
    files, reports = shop
    with pytest.raises(ParamError, match="rejected before running anything") as caught:
        run(files, reports, extra=extra)
    assert said in str(caught.value)
    nothing_ran(reports, ran)


def test_a_loyalty_file_that_cannot_be_used_stops_the_run_before_any_notebook(shop, ran, tmp_path):
    files, reports = shop
    bad = tmp_path / "loyalty.yaml"
    bad.write_text("tiers:\n  - {key: member, vi: A, en: A, threshold: 0}\n", encoding="utf-8")
    with pytest.raises(ParamError, match=r"loyalty_path = .*at least two tiers"):
        run(files, reports, extra={"loyalty_path": str(bad)})
    nothing_ran(reports, ran)


def test_engine_spark_without_java_stops_before_any_notebook(shop, ran, monkeypatch):
    from helpers.run import preflight

    files, reports = shop
    monkeypatch.setattr(preflight.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ParamError, match=r"engine = 'spark' \(given with --set\) needs .*Java 17"):
        run(files, reports, extra={"engine": "spark"})
    nothing_ran(reports, ran)


# ---------------------------------------------------------------- what-ifs beside the month

def month_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_vn4_what_if_is_published_beside_the_month_never_over_it(shop, ran):
    files, reports = shop
    month = run(files, reports)
    assert month == reports / "2026-10-31"
    manifest = json.loads((month / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["what_if"] == "" and manifest["what_if_changes"] == {}
    before = month_bytes(month)
    said = []
    what_if = run(files, reports, said, extra={"scheme": "vn4", "next_campaign_target": "old"})
    assert what_if == reports / "2026-10-31-scheme-vn4"  # named after the scheme alone
    assert month_bytes(month) == before  # the managers' month, byte for byte
    manifest = json.loads((what_if / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["what_if"] == what_if.name.removeprefix("2026-10-31-")
    assert manifest["what_if_changes"]["scheme"] == {"shop": "rfm11", "run": "vn4"}
    assert manifest["what_if_changes"]["next_campaign_target"] == {"shop": "at_risk",
                                                                   "run": "old"}
    console = " ".join(said)
    assert "WHAT-IF" in console and "scheme = 'vn4' (the shop's own: 'rfm11')" in console
    assert not list(reports.glob(".staging-*")) and not list(reports.glob(".lock-*"))


def test_a_later_params_file_is_a_what_if_and_the_first_is_the_shops_own(tmp_path):
    own, what_if_files = monthly_cli.file_list(None)
    assert own == [Path("params/default.yaml"), Path("params/monthly.yaml")] and not what_if_files
    own, what_if_files = monthly_cli.file_list(["params/monthly.yaml", str(tmp_path / "v.yaml")])
    assert own[-1] == Path("params/monthly.yaml") and what_if_files == [tmp_path / "v.yaml"]
    own, what_if_files = monthly_cli.file_list([str(PARAMS_DIR / "default.yaml"),
                                                 "/etc/shop/monthly.yaml"])
    assert own == [Path("params/default.yaml"), Path("/etc/shop/monthly.yaml")]


def test_a_what_if_file_goes_beside_the_month(shop, ran, tmp_path):
    files, reports = shop
    vn4 = tmp_path / "vn4.yaml"
    vn4.write_text("scheme: vn4\nnext_campaign_target: old\n", encoding="utf-8")
    folder = run(files, reports, what_if_files=[vn4], name="vn4-trial")
    assert folder.name == "2026-10-31-vn4-trial"
    assert not (reports / "2026-10-31").exists()


@pytest.mark.parametrize("extra", [{"scheme": "rfm11"}, {"next_campaign_target": "at_risk"},
                                   {"threads": 1, "memory_limit": "2GB", "file_mode": "0600"}])
def test_a_value_equal_to_the_shops_own_or_of_how_the_run_runs_is_the_month(shop, ran, extra):
    files, reports = shop
    folder = run(files, reports, extra=extra)
    assert folder.name == "2026-10-31"
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["what_if"] == ""


def test_publish_makes_a_what_if_the_month_and_says_so(shop, ran):
    files, reports = shop
    said = []
    folder = run(files, reports, said, extra={"window_days": 365}, publish=True)
    assert folder.name == "2026-10-31"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["published_with_changes"] is True
    assert manifest["what_if_changes"] == {"window_days": {"shop": None, "run": 365}}
    assert any("PUBLISHED AS THE MONTH" in str(a) for a in said)


@pytest.mark.parametrize("name", ["../x", "my test", "a/b", ".hidden", "en", "", "x" * 61,
                                  "vn4;rm -rf", "tết"])
def test_a_what_if_name_that_is_not_a_plain_folder_name_is_refused(shop, ran, name):
    files, reports = shop
    with pytest.raises(ParamError, match="--name"):
        run(files, reports, extra={"scheme": "vn4", "next_campaign_target": "old"}, name=name)
    nothing_ran(reports, ran)


def test_name_and_publish_together_are_refused():
    with pytest.raises(ParamError, match="not both"):
        whatif.decide({}, {"bins": 4}, name="x", publish=True)


def test_a_what_if_is_named_after_what_differs_safely():
    name = whatif.name_after(whatif.changes({"scheme": "rfm11"}, {
        "scheme": "../../evil/x.yaml", "fixed_cuts": {"frequency": [1, 2, 3, 4]},
        "orders_path": "/srv/shop/Đơn hàng tháng 11.csv"}))
    assert whatif.NAME.fullmatch(name) and ".." not in name and "/" not in name
    assert name == "scheme-x-fixed_cuts"  # the segments' settings name it
    assert whatif.name_after(whatif.changes({}, {"holdout_share": 0.2})) == "holdout_share-0-2"
    long = whatif.name_after({f"key_{i}": {"shop": 0, "run": i} for i in range(20)})
    assert len(long) <= whatif.NAME_LIMIT and whatif.NAME.fullmatch(long)


def test_set_values_are_read_as_yaml_and_a_malformed_one_is_refused():
    assert whatif.parse_set(["scheme=vn4", "window_days=180", "windows=[7, 30]",
                             "next_campaign_target="]) == {
        "scheme": "vn4", "window_days": 180, "windows": [7, 30], "next_campaign_target": ""}
    assert whatif.parse_set([["scheme", "vn4"], ["bins=4", "factors=rf"]]) == {
        "scheme": "vn4", "bins": 4, "factors": "rf"}  # papermill's -p KEY VALUE too
    for bad in ("scheme", "Scheme=vn4", "=vn4", "x=!!python/object:os.system ls"):
        with pytest.raises(ParamError):
            whatif.parse_set([bad])


def test_what_if_and_month_complete_reach_the_notebooks_that_declare_them(shop, ran, tmp_path):
    files, reports = shop
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('as_of = "2026-10-31"\noutput_dir = ""\nwhat_if = ""\n'
                                     'month_complete = True\n')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "99_probe.ipynb"
    nbformat.write(nb, path)
    run(files, reports, extra={"scheme": "vn4", "next_campaign_target": "old"}, name="trial",
        notebooks=[path], as_of=date(2026, 11, 15))
    [(_, given)] = ran
    assert given["what_if"] == "trial" and given["month_complete"] is False
    assert given["as_of"] == "2026-11-15"


@pytest.mark.parametrize("key", ["what_if", "month_complete"])
def test_a_params_file_cannot_set_what_the_runner_sets(shop, ran, key):
    files, reports = shop
    with pytest.raises(ParamError, match="set by the runner"):
        run(files, reports, extra={key: "x"})


# ---------------------------------------------------------------- dates

def test_an_as_of_after_today_is_refused_before_anything_runs(shop, ran):
    files, reports = shop
    with pytest.raises(ParamError, match=r"--as-of 2026-12-07 is after today \(2026-12-06.*"
                                         r"--as-of 2026-11-30"):
        run(files, reports, as_of=date(2026, 12, 7))
    nothing_ran(reports, ran)
    assert check_as_of(TODAY, today=TODAY) == TODAY  # today itself runs (a partial month)


def test_the_cli_refuses_tomorrow_in_the_shops_time_zone(tmp_path, ran, capsys):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    tomorrow = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + timedelta(days=1)
    code = monthly.main(["--as-of", tomorrow.isoformat(), "--reports-dir",
                             str(tmp_path / "r")])
    assert code == 2 and "is after today" in capsys.readouterr().err
    nothing_ran(tmp_path / "r", ran)


def test_a_month_not_yet_over_is_partial_in_the_manifest_and_on_the_console(shop, ran):
    files, reports = shop
    said = []
    folder = run(files, reports, said, as_of=date(2026, 12, 5))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month_complete"] is False
    assert any("PARTIAL MONTH" in str(a) and "day 5" in str(a) for a in said)
    assert month_complete(date(2026, 11, 30)) and month_complete(date(2028, 2, 29))
    assert not month_complete(date(2028, 2, 28)) and not month_complete(date(2026, 12, 5))


def test_an_export_ending_days_before_the_as_of_is_warned_about_and_recorded(shop, ran,
                                                                             monkeypatch):
    files, reports = shop
    report = LoadReport(kind="orders", path="orders.csv", sha256="0" * 64, mapping="generic",
                        rows_read=2, rows_loaded=2, rows_quarantined=0, duplicates=0,
                        duplicates_dropped=0, last_order_date="2026-10-20").as_dict()
    monkeypatch.setattr(monthly, "_input_report", lambda params: {"orders": report})
    said = []
    folder = run(files, reports, said)
    assert any("WARNING" in str(a) and "2026-10-20, 11 days" in str(a) for a in said)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["freshness"] == {"last_order_date": "2026-10-20", "stale_days": 11,
                                     "limit_days": 3}


# ---------------------------------------------------------------- no server path

def test_the_manifest_holds_no_absolute_path_nor_a_server_folder_name(shop, monkeypatch):
    files, reports = shop

    def execute(source, output, **kwargs):
        Path(output).write_text("{}", encoding="utf-8")
        (Path(output).parent / "lists").mkdir(exist_ok=True)
        (Path(output).parent / "lists" / "a.csv").write_text("x\n", encoding="utf-8")

    monkeypatch.setattr(monthly.pm, "execute_notebook", execute)  # the real input report
    folder = run(files, reports)
    text = (folder / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert absolute_paths(manifest) == []
    for name in ("srv", "home", "shopowner", str(PROJECT_ROOT), str(Path.home()), "pytest-of",
                 ".staging"):
        assert f"/{name}" not in text and f"{name}/" not in text, name
    assert manifest["inputs"]["orders"]["path"] == "orders.csv"
    assert manifest["params_files"] == ["params/default.yaml", "params/monthly.yaml", "shop.yaml"]
    assert "lists/a.csv" in manifest["outputs"]


@pytest.mark.parametrize("given, expected", [
    ("/srv/shop/data/orders.csv", "orders.csv"),
    (str(PROJECT_ROOT / "data/raw/orders.csv"), "data/raw/orders.csv"),
    ("data/raw/orders.csv", "data/raw/orders.csv"),
    ("C:\\Users\\lan\\Downloads\\DanhSach.xlsx", "DanhSach.xlsx"),
    ("file:///home/lan/reports/.staging-2026-10-31/01.html", "01.html"),
    ("~/exports/orders.csv", "orders.csv"),
])
def test_a_path_is_written_relative_or_by_its_name(given, expected):
    assert portable_path(given) == expected


def test_paths_inside_messages_are_shortened_and_ordinary_slashes_kept():
    value = portable({"a": ["rows set aside: /srv/x/quarantine/q.csv (3 rows)", "5/30 and/or",
                            "R0/F0/M0", "31/02/2025"]})
    assert value["a"] == ["rows set aside: q.csv (3 rows)", "5/30 and/or", "R0/F0/M0",
                          "31/02/2025"]


# ---------------------------------------------------------------- the month in one file

def test_a_published_month_is_zipped_beside_it_with_nothing_outside_the_month(shop, ran):
    import zipfile

    files, reports = shop
    month = run(files, reports)
    packed = reports / "2026-10-31.zip"
    with zipfile.ZipFile(packed) as archive:
        names = archive.namelist()
        assert archive.read("2026-10-31/manifest.json") == (month / "manifest.json").read_bytes()
    assert "2026-10-31/01_rfm_segments.csv" not in names  # data files (contacts) stay out
    assert all(n.startswith("2026-10-31/") and ".." not in n for n in names)
    assert not any(n.endswith(".ipynb") for n in names)  # the record of the run stays in reports/
    before = packed.read_bytes()
    run(files, reports, extra={"scheme": "vn4", "next_campaign_target": "old"})
    assert packed.read_bytes() == before  # a what-if zips beside, never over the month's zip
    assert (reports / "2026-10-31-scheme-vn4.zip").is_file()
    assert not list(reports.glob(".*.partial"))


def test_the_zip_holds_pages_pdf_manifest_and_the_action_lists_for_a_person_only(tmp_path):
    """The file made to be forwarded never carries the whole base's contacts: no CSV, no segment
    export, no channel send file; the XLSX of the action lists page 00 links, yes."""
    from helpers.run import archive

    month = tmp_path / "2026-10-31"
    for name in ["00_monthly_review.html", "00_monthly_review.pdf", "manifest.json",
                 "rfm_customers.csv", "customer_value.csv", "exports/segments.xlsx",
                 "exports/sms/segment=lost.csv", "movers/win_back.csv", "movers/win_back.xlsx",
                 "movers/sms/win_back.csv", "tiers/will_drop.xlsx", "value/fading_champions.xlsx",
                 "campaign_lists/at_risk-2026-10-31/send_sms.csv",
                 "campaign_lists/at_risk-2026-10-31/send_sms.xlsx", ".hidden.xlsx",
                 "01_rfm_segments.ipynb", "rfm_customers.parquet"]:
        (month / name).parent.mkdir(parents=True, exist_ok=True)
        (month / name).write_text("x", encoding="utf-8")
    kept = [p.relative_to(month).as_posix() for p in archive.month_files(month)]
    assert kept == ["00_monthly_review.html", "00_monthly_review.pdf",
                    "campaign_lists/at_risk-2026-10-31/send_sms.xlsx", "manifest.json",
                    "movers/win_back.xlsx", "tiers/will_drop.xlsx", "value/fading_champions.xlsx"]


def test_a_named_run_without_changes_is_still_beside_the_month_and_a_rerun_replaces_it(shop, ran):
    files, reports = shop
    said = []
    first = run(files, reports, said, name="copy")
    assert first.name == "2026-10-31-copy" and not (reports / "2026-10-31").exists()
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["what_if"] == "copy" and manifest["what_if_changes"] == {}
    assert not any("replaces the earlier what-if" in line for line in said)
    run(files, reports, said, name="copy")
    assert any("replaces the earlier what-if 2026-10-31-copy/" in line for line in said)


def test_an_unknown_phone_region_stops_before_any_notebook(shop, ran):
    """phone_region was checked only when a notebook loaded the customers (after 7 s of a run)."""
    files, reports = shop
    with pytest.raises(ParamError, match=r"phone_region = 'ZZ'.*two-letter country code"):
        run(files, reports, extra={"phone_region": "zz"})
    nothing_ran(reports, ran)
