"""The monthly run end to end on a small sample shop: outputs, manifest, HTML, failures, reruns."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
import yaml

from helpers.core.errors import ParamError
from helpers.core.paths import NOTEBOOKS_DIR, PARAMS_DIR
from helpers.pages.review import actions as review_actions
from helpers.pages.review.sentences import PAGE_TITLES
from helpers.run import monthly

pytestmark = pytest.mark.notebooks
AS_OF = date(2026, 10, 31)


def quiet(*args, **kwargs):
    pass


def digest(folder: Path, suffixes=(".csv", ".parquet", ".xlsx")) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in suffixes}


def test_every_notebook_ran_and_its_outputs_were_published(month):
    for nb in monthly.available_notebooks():
        assert (month / nb.name).exists() and (month / f"{nb.stem}.html").exists()
    for name in ("rfm_customers.parquet", "rfm_customers.csv", "segment_summary.csv",
                 "exports/segment=champions.csv", "exports/sms/segment=champions.csv",
                 "exports/segments.xlsx"):
        assert (month / name).exists(), name
    # its own staging folder is gone (the English month may be running beside it)
    assert not (month.parent / f".staging-{month.name}").exists()


def test_manifest_records_parameters_inputs_outputs_and_versions(month):
    manifest = json.loads((month / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2026-10-31"
    assert manifest["parameters"]["scheme"] == "rfm11"
    orders = manifest["inputs"]["orders"]
    assert orders["rows_read"] == orders["rows_loaded"] + orders["rows_quarantined"]
    assert orders["reconciles"] and len(orders["sha256"]) == 64
    assert orders["rows_quarantined"] == 3  # the sample's deliberate bad rows
    out = manifest["outputs"]["rfm_customers.csv"]
    assert out["sha256"] == hashlib.sha256((month / "rfm_customers.csv").read_bytes()).hexdigest()
    assert {"python", "duckdb", "papermill", "plotly"} <= set(manifest["versions"])
    assert set(manifest["durations_seconds"]) == {nb.stem for nb in monthly.available_notebooks()}


def test_html_reports_are_offline_code_free_and_small(month):
    for html in month.glob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", text), f"{html.name} loads an external script"
        assert "plotly-graph-div" in text
        assert text.count("Plotly.newPlot") >= 1
        # no code: neither the source of a cell nor an input editor is in the page
        assert "RunParams." not in text and "from helpers import" not in text
        assert 'class="highlight hl-ipython3"' not in text
        visible = re.sub(r"<(script|style).*?</\1>", "", text, flags=re.S)
        assert "Traceback" not in visible and "Warning" not in visible
        assert "jupyter.stderr" not in visible and "ename" not in visible
        assert html.stat().st_size < 10_000_000


@pytest.mark.xdist_group("month_rerun")  # a unit of its own on either worker (tests/conftest.py)
def test_a_rerun_of_the_same_month_gives_byte_identical_exports(shop, month):
    root, params = shop
    again = monthly.run_month(AS_OF, params_files=[PARAMS_DIR / "default.yaml", params],
                              reports_dir=root / "again", echo=quiet, html=False)
    # customer_value_model.csv records how long the fit took; every other file is the same
    skip = {"customer_value_model.csv"}
    assert {k: v for k, v in digest(month).items() if k not in skip} == \
        {k: v for k, v in digest(again).items() if k not in skip}
    assert len(digest(month)) > 10


def test_a_failed_notebook_stops_the_run_and_leaves_the_published_month_alone(shop, month,
                                                                            tmp_path):
    import shutil

    root, _ = shop
    # a copy of the published month: the reports folder of the `month` fixture is shared by the
    # test workers, which must not see this run's staging folder
    month = shutil.copytree(month, tmp_path / "reports" / month.name)
    bad_orders = tmp_path / "bad_orders.csv"
    bad_orders.write_text("order_id,customer_id,order_date\n1,a,2026-01-01\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"orders_path": str(bad_orders)}), encoding="utf-8")
    before = digest(month, suffixes=(".csv", ".json", ".html"))
    with pytest.raises(monthly.RunFailed) as err:
        monthly.run_month(AS_OF, params_files=[PARAMS_DIR / "default.yaml", root / "test.yaml",
                                               bad], reports_dir=month.parent, echo=quiet)
    message = str(err.value)
    assert "01_rfm_segments failed in cell" in message and "amount" in message
    # the failed notebook is kept beside the published month, never inside it
    assert (month.parent / f"failed-{AS_OF}" / "01_rfm_segments.ipynb").exists()
    assert not (month / "failed").exists()
    assert digest(month, suffixes=(".csv", ".json", ".html")) == before
    assert not list(month.parent.glob(".staging-*"))


def test_misspelt_or_mistyped_parameters_are_rejected_before_running(shop, tmp_path):
    root, params = shop
    typo = tmp_path / "typo.yaml"
    typo.write_text("bin: 4\n", encoding="utf-8")
    with pytest.raises(ParamError, match=r"typo.yaml: unknown parameter 'bin'.*bins"):
        monthly.run_month(AS_OF, params_files=[params, typo], reports_dir=tmp_path, echo=quiet)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("bins: five\n", encoding="utf-8")
    with pytest.raises(ParamError, match=r"wrong.yaml: bins = 'five' should be int"):
        monthly.run_month(AS_OF, params_files=[params, wrong], reports_dir=tmp_path, echo=quiet)
    assert not any(tmp_path.glob("2026-*"))


def test_parameters_cells_match_default_yaml():
    defaults = yaml.safe_load((PARAMS_DIR / "default.yaml").read_text(encoding="utf-8"))
    for nb in monthly.available_notebooks():
        declared = pm.inspect_notebook(str(nb))
        for key, info in declared.items():
            if key in defaults:
                value = ast.literal_eval(info["default"])
                expected = defaults[key]
                if isinstance(value, list) or isinstance(expected, list):
                    value, expected = list(value), list(expected)
                assert value == expected, f"{nb.name}: {key} = {value!r}, default.yaml {expected!r}"


def test_committed_notebooks_carry_no_outputs_and_keep_the_parameters_tag():
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert any("parameters" in c.metadata.get("tags", []) for c in code), path.name
        assert nb.metadata.kernelspec.name == "python3"
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def test_no_personal_data_in_any_html_page(month, shop):
    import pandas as pd

    root, _ = shop
    customers = pd.read_csv(root / "raw" / "customers.csv", dtype=str, keep_default_na=False)
    emails = {e for e in customers.email if e}
    names = {n for n in customers.name if len(n.split()) >= 3}
    for html in month.glob("*.html"):
        visible = re.sub(r"<(script|style).*?</\1>", "", html.read_text(encoding="utf-8"),
                         flags=re.S)
        assert not re.search(r"\+84\d{9}", visible), f"{html.name} shows a full phone number"
        assert not any(e in visible for e in emails), f"{html.name} shows an e-mail address"
        assert not any(n in visible for n in names), f"{html.name} shows a full name"
    review = (month / "00_monthly_review.html").read_text(encoding="utf-8")
    assert "•" in review  # the win-back table is there, masked


def test_the_review_page_has_kpis_contents_and_vnd_money(month):
    text = (month / "00_monthly_review.html").read_text(encoding="utf-8")
    for anchor in ("kpis", "segments", "migration", "cohorts", "tiers", "campaigns"):
        assert re.search(f"id=[\"']{anchor}[\"']", text), anchor
        assert re.search(f"href=[\"']#{anchor}[\"']", text), anchor
    assert re.search(r"\d{1,3}(\.\d{3})+\xa0₫", text), "money as 1.234.567 ₫"
    assert "workbook-kpi" in text and "so với tháng trước" in text


def test_the_actions_list_links_to_files_in_the_published_month(month):
    text = (month / "00_monthly_review.html").read_text(encoding="utf-8")
    start = re.search(r"id=[\"']actions[\"']", text).start()
    section = text[start:re.search(r"id=[\"']kpis[\"']", text).start()]
    links = re.findall(r"href=[\"']([^\"'#]+)[\"']", section)
    # a person's list: the labelled XLSX beside the data CSV when there is one, else the CSV
    for data in ("movers/win_back.csv", "tiers/close_to_next.csv", "repurchase/window=1-7d.csv"):
        assert review_actions.person_file(month, data) in links, data
    for link in links:  # every link resolves inside the month, pages 01-05 included
        assert (month / link).exists(), link
    assert {f"{page}.html" for page in ("01_rfm_segments", "05_campaign_results")} <= set(links)
    assert "SMS" in section and "Zalo" in section


def test_pages_say_their_title_and_language_and_the_review_is_a_pdf_too(month):
    import shutil

    page = (month / "01_rfm_segments.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    # the page's name as its own heading says it, and as page 00's link does
    assert f"<title>{PAGE_TITLES['01_rfm_segments'][0]} · 10/2026</title>" in page
    assert "<h1" in page and PAGE_TITLES["01_rfm_segments"][0] in page
    if shutil.which("chromium"):  # make test installs it; the PDF is printed by it
        pdf = (month / "00_monthly_review.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 100_000  # charts drawn, not a blank page


def test_a_month_in_english_is_published_beside_the_vietnamese_one():
    assert monthly.month_folder_name(AS_OF, "vi") == "2026-10-31"
    assert monthly.month_folder_name(AS_OF, "en") == "2026-10-31-en"


def _visible(html: Path) -> str:
    text = re.sub(r"<(script|style).*?</\1>", "", html.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def test_a_vietnamese_page_has_no_english_heading_and_shows_labels_not_keys(month):
    from helpers.kit.narrative import REASON_LABELS
    from helpers.kit.page_texts import PAGE_TEXTS

    english = [line.lstrip("#> ").strip() for t in PAGE_TEXTS.values()
               for line in t["en"].splitlines()]
    keys = set(REASON_LABELS) | {"close_to_next", "will_drop", "win_back", "thank_you",
                                 "empty_customer_id", "cant_lose_them", "potential_loyalists"}
    for html in sorted(month.glob("0*.html")):
        visible = _visible(html)
        for line in english:
            assert line not in visible, f"{html.name}: English text {line!r}"
        for key in keys:
            assert not re.search(rf"(?<![\w/=]){key}(?![\w.])", visible), f"{html.name}: {key}"


def test_an_english_page_has_no_vietnamese_and_the_vietnamese_month_is_kept(month, month_en,
                                                                            shop):
    import pandas as pd

    from helpers.kit.page_texts import PAGE_TEXTS

    root, _ = shop
    # the shop's own campaign names are its data, shown as written
    own = pd.read_csv(root / "raw" / "campaigns.csv", dtype=str).name.tolist()

    assert month_en.name == "2026-10-31-en" and (month / "manifest.json").exists()
    vietnamese = [line.lstrip("#> ").strip() for t in PAGE_TEXTS.values()
                  for line in t["vi"].splitlines()]
    for html in sorted(month_en.glob("0*.html")):
        visible = _visible(html)
        for name in own:
            visible = visible.replace(name, "")
        assert '<html lang="en">' in html.read_text(encoding="utf-8")
        for line in vietnamese:
            assert line not in visible, f"{html.name}: Vietnamese text {line!r}"
        words = re.findall(r"\b(khách|tháng|doanh thu|nhóm|đơn hàng|ngày)\b", visible)
        assert not words, f"{html.name}: Vietnamese words {sorted(set(words))}"


def test_no_staging_folder_absolute_path_or_hash_in_a_page(month):
    from helpers.core.paths import PROJECT_ROOT

    for html in month.glob("*.html"):
        visible = re.sub(r"<(script|style).*?</\1>", "", html.read_text(encoding="utf-8"),
                         flags=re.S)
        visible = re.sub(r"<[^>]+>", " ", visible)
        assert ".staging" not in visible, html.name
        assert str(PROJECT_ROOT) not in visible and str(month.parent) not in visible, html.name
        assert not re.search(r"\b[0-9a-f]{20,64}\b", visible), html.name


@pytest.mark.xdist_group("month_killed")
@pytest.mark.parametrize("victim", ["01_rfm_segments"])  # 00 too by hand: CI time is counted
def test_a_run_killed_mid_notebook_leaves_the_month_untouched_and_the_rerun_completes(
        shop, month, victim):
    """kill -9 of the runner (and its kernel) while `victim` runs: the published month keeps
    its bytes, the stale lock and staging are cleared by the next run, which completes."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    root, params = shop
    # a copy of the published month, so the other tests keep theirs whatever happens here
    reports = root / "killed"
    shutil.rmtree(reports, ignore_errors=True)
    shutil.copytree(month, reports / month.name)
    month = reports / month.name
    before = digest(month, suffixes=(".csv", ".json", ".html", ".parquet"))
    command = [sys.executable, "-m", "helpers.monthly", "--as-of", AS_OF.isoformat(),
               "--params", str(PARAMS_DIR / "default.yaml"), "--params", str(params),
               "--reports-dir", str(month.parent), "--no-html"]
    runner = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    seen = ""
    while time.monotonic() < deadline:
        line = runner.stdout.readline()
        seen += line
        if f"{victim} …" in line or not line:
            break
    assert f"{victim} …" in seen, seen
    time.sleep(2)  # inside the notebook: the kernel is running its cells
    os.killpg(runner.pid, signal.SIGKILL)
    runner.wait(timeout=30)
    assert digest(month, suffixes=(".csv", ".json", ".html", ".parquet")) == before
    assert (month.parent / f".lock-{AS_OF}").exists()  # left by the killed run
    said = []
    # the next run (of one notebook: what matters is that it clears the lock and the staging
    # folder the killed run left, and publishes)
    again = monthly.run_month(AS_OF, params_files=[PARAMS_DIR / "default.yaml", params],
                              reports_dir=month.parent, echo=lambda *a, **k: said.append(a),
                              notebooks=[NOTEBOOKS_DIR / f"{victim}.ipynb"], html=False)
    assert (again / "manifest.json").exists()
    assert any("stopped" in str(a) for a in said)
    assert not list(month.parent.glob(".staging-*")) and not list(month.parent.glob(".lock-*"))


@pytest.mark.parametrize("scheme", [  # each a unit of its own on either worker
    pytest.param(s, marks=pytest.mark.xdist_group(f"scheme_{s}"))
    for s in ("vn4", "care4", "lifecycle", "value3")])
def test_the_whole_month_runs_with_every_shipped_scheme(shop, tmp_path, scheme):
    """The month's notebooks that read the scheme (01, 02, 05 and 00; 03 and 04 do not), with
    the default parameters and another scheme (rfm11 is the `month` fixture): the movers lists
    are the scheme's own, and page 00 finds its win-back list."""
    root, params = shop
    chosen = tmp_path / "scheme.yaml"
    # the shop fixture prepares an rfm11 campaign (next_campaign_target: at_risk), which another
    # scheme has no segment for: the runner would refuse it before any notebook (test_what_if)
    chosen.write_text(f"scheme: {scheme}\nnext_campaign_target: ''\n", encoding="utf-8")
    notebooks = [NOTEBOOKS_DIR / f"{name}.ipynb" for name in (
        "01_rfm_segments", "02_segment_migration", "05_campaign_results", "00_monthly_review")]
    folder = monthly.run_month(AS_OF, params_files=[PARAMS_DIR / "default.yaml", params, chosen],
                               reports_dir=tmp_path / "reports", notebooks=notebooks,
                               html=False, echo=quiet)
    assert (folder / "movers" / "win_back.csv").exists()
    assert (folder / "movers" / "thank_you.csv").exists()
    segments = set(pd.read_csv(folder / "segment_summary.csv").segment)
    from helpers.core.schemes import load_scheme

    assert segments <= set(load_scheme(scheme).keys)


def test_a_misspelt_papermill_parameter_stops_the_notebook(tmp_path):
    """papermill alone (the Airflow path) only warns on `-p bin 4` and would run with bins = 5:
    the notebook itself refuses it, with the runner's message."""
    with pytest.raises(pm.PapermillExecutionError, match=r"unknown parameter 'bin'.*bins"):
        pm.execute_notebook(str(NOTEBOOKS_DIR / "01_rfm_segments.ipynb"),
                            str(tmp_path / "out.ipynb"), parameters={"bin": 4},
                            kernel_name="python3", progress_bar=False)
