"""The scheduled monthly run: every notebook in order, HTML for managers, a manifest, all or nothing.

    python -m helpers.monthly --as-of 2026-10-31 --params params/monthly.yaml

Parameters are checked before anything runs (papermill itself only warns on a misspelt key),
including those that depend on another (run/preflight.py), and an as-of date after today is
refused. A run with other values than the shop's own params files is a what-if, published
beside the month, never over it (run/whatif.py). The manifest holds no server path
(run/manifest.py).
Notebooks run side by side (--jobs, two by default), each after the notebooks whose outputs it
reads (NEEDS). They execute into a staging folder; reports/<as_of>/ is replaced only when all
succeeded. A
failure exits non-zero naming the notebook and cell, and keeps the failed notebook under
reports/failed-<as_of>/.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import platform
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import date
from importlib import metadata
from pathlib import Path

import papermill as pm

from helpers import ingest, pages
from helpers.core.checks import check_folder, check_lang, check_run_values
from helpers.core.errors import IngestError, InputChanged, ParamError
from helpers.core.files import expand_inputs, file_sha256
from helpers.core.params import (
    check_as_of,
    month_complete,
    shop_today,
    size_bytes,
    stale_days,
    unknown_parameter,
)
from helpers.core.paths import (
    DATA_PROCESSED,
    DATA_RAW,
    NOTEBOOKS_DIR,
    PROJECT_ROOT,
    REPORTS_DIR,
    resolve,
)
from helpers.core.privacy import file_mode_umask, private_folders
from helpers.core.safety import LockHeld, pid_lock, usable_cores
from helpers.core.yamlsafe import read_yaml
from helpers.engine import db
from helpers.ingest.report import LoadReport
from helpers.kit.html_report import export_html, print_pdf
from helpers.kit.texts import pick
from helpers.pages.review import stamp
from helpers.pages.review.sentences import PAGE_TITLES
from helpers.run import heartbeat, monthly_cli, saves
from helpers.run.archive import zip_month
from helpers.run.failed import keep_failed, safe_message
from helpers.run.inputs import InputsChanged, InputVersion
from helpers.run.kernel_memory import KernelMemory
from helpers.run.kernels import Interrupted, IpcKernelManager, stop_on_signals  # noqa: F401
from helpers.run.manifest import portable, project_path
from helpers.run.preflight import check_dependent
from helpers.run.whatif import WhatIf, decide

NOTEBOOKS = pages.notebooks()  # each page declares its notebook (pages/<page>/__init__.py)
KEY_PACKAGES = ["duckdb", "pandas", "pyarrow", "plotly", "papermill", "nbconvert", "ipykernel",
                "babel", "pymc-marketing", "pymc"]
# given by the runner itself, never by a params file: the date, the month's folder, whether the
# run is a what-if (its name, "" for the managers' month) and whether the month is over
RUNNER_KEYS = {"as_of", "output_dir", "what_if", "month_complete", "run_id"}
STALE_AFTER_DAYS = 3  # the freshness limit: an export ending more days before the as-of is stale


class RunFailed(RuntimeError):
    """A notebook failed; the message names it and its failing cell."""


def available_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    return [notebooks_dir / f"{name}.ipynb" for name in NOTEBOOKS
            if (notebooks_dir / f"{name}.ipynb").exists()]


def declared_parameters(notebook: Path) -> dict[str, object]:
    """name -> default value of the notebook's parameters cell."""
    out = {}
    for name, info in pm.inspect_notebook(str(notebook)).items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            out[name] = info["default"]
    return out


def load_params(files: list[Path]) -> tuple[dict, dict[str, Path]]:
    """Merge flat YAML files (later wins); remember which file set each key."""
    merged, source = {}, {}
    for f in files:
        path = resolve(f)
        if not path.exists():
            raise ParamError(f"params file {path} not found")
        doc = read_yaml(path, error=ParamError) or {}
        if not isinstance(doc, dict):
            raise ParamError(f"{path}: must be a mapping of parameter names to values")
        for key, value in doc.items():
            if isinstance(value, dict) and key not in ("scheme_params", "fixed_cuts",
                                                       "movers_lists", "spark_conf"):
                raise ParamError(f"{path}: {key} is a nested block; keep params files flat "
                                 f"(papermill replaces nested blocks whole)")
            merged[key] = value
            source[key] = path
    return merged, source


def _type_ok(value, default) -> bool:
    if default is None or value is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, (str, date))
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    if isinstance(default, dict):
        return isinstance(value, dict)
    return True


def check_params(params: dict, source: dict[str, Path], notebooks: list[Path]) -> dict[str, dict]:
    """Every key must be declared by some notebook, with a value of the declared type."""
    declared = {nb.stem: declared_parameters(nb) for nb in notebooks}
    known = set().union(*[set(d) for d in declared.values()]) if declared else set()
    errors = []
    for key, value in params.items():
        where = source.get(key, "the command line")
        if key not in known:
            errors.append(unknown_parameter(key, known, where))
            continue
        for name, defaults in declared.items():
            if key in defaults and not _type_ok(value, defaults[key]):
                errors.append(f"{where}: {key} = {value!r} should be "
                              f"{type(defaults[key]).__name__} like the default "
                              f"{defaults[key]!r} of {name}")
                break
    if errors:
        raise ParamError("parameters rejected before running anything:\n  " + "\n  ".join(errors))
    return declared


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def _input_report(params: dict) -> dict:
    """Input files with checksums and the ingest reconciliation (from the staging cache)."""

    con = db.connect()
    out = {}
    options = {k: params[k] for k in ("mapping", "shop_tz", "encoding", "drop_duplicates")
               if k in params}
    options |= {k: params.get(k) or None for k in ("date_order", "decimal_mark", "guest_keys",
                                                    "heavy_buyers", "customer_key",
                                                    "phone_region")}
    orders = ingest.load(con, "orders", params["orders_path"],
                         returns_path=params.get("returns_path") or None, **options)
    out["orders"] = orders.as_dict()
    if params.get("customers_path"):
        options["mapping"] = ingest.customers_mapping(options.get("mapping", "auto"), orders)
        out["customers"] = ingest.load(con, "customers", params["customers_path"],
                                       **options).as_dict()
    for key in ("campaigns_path", "campaign_sends_path", "campaign_holdout_path"):
        if params.get(key) and resolve(params[key]).exists():
            path = resolve(params[key])
            with open(path, encoding="utf-8-sig") as f:
                rows = sum(1 for _ in f) - 1
            out[key.removesuffix("_path")] = {"path": str(path), "sha256": file_sha256(path),
                                               "rows_read": rows}
    con.close()
    return out


def _schedule(notebooks: list[Path], run_one, jobs: int) -> tuple[dict, dict]:
    """Run each notebook once its NEEDS (those in this run) are done, up to `jobs` at a time,
    the longest chain first where there is a choice (LONGEST_FIRST; one at a time: the run's
    order). After a failure nothing new starts; the notebooks
    already running finish. Returns (seconds per notebook done, exception per notebook failed)."""
    stems = {nb.stem for nb in notebooks}
    needs = {nb.stem: [n for n in NEEDS.get(nb.stem, ()) if n in stems] for nb in notebooks}
    done: dict[str, float] = {}
    failed: dict[str, Exception] = {}
    rank = {stem: i for i, stem in enumerate(LONGEST_FIRST)}
    pending = list(notebooks) if jobs <= 1 else sorted(
        notebooks, key=lambda nb: rank.get(nb.stem, len(rank)))
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="notebook") as pool:
        running = {}
        while True:
            for nb in list(pending):
                if failed or len(running) >= jobs:
                    break
                if all(n in done for n in needs[nb.stem]):
                    pending.remove(nb)
                    running[pool.submit(run_one, nb)] = nb
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                nb = running.pop(future)
                if future.exception() is not None:
                    failed[nb.stem] = future.exception()
                else:
                    done[nb.stem] = future.result()
    # failures in the run's order
    return done, {nb.stem: failed[nb.stem] for nb in notebooks if nb.stem in failed}


def _keep_failed(executed: Path, folder: Path) -> Path:
    """The executed notebook with the error, kept in `folder` with its outputs cleared of
    personal data (run/failed.py)."""
    return keep_failed(executed, folder)


def _failure_message(notebook: str, exc: Exception, executed: Path) -> str:
    cell = getattr(exc, "exec_count", None)
    index = getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = f"cell {index}" if index is not None else "a cell"
    if cell is not None:
        where += f" (execution count {cell})"
    return (f"{notebook} failed in {where}: {ename}: {safe_message(ename, evalue)}\n"
            f"The executed notebook with the error is kept at {executed}")


def run_month(as_of: date, *, params_files: list[Path], reports_dir: Path = REPORTS_DIR,
              notebooks: list[Path] | None = None, extra: dict | None = None,
              html: bool = True, echo=print, jobs: int | None = None,
              what_if_files: list[Path] | None = None, name: str | None = None,
              publish: bool = False, today: date | None = None) -> Path:
    """Execute the notebooks for `as_of` and publish reports/<as_of>/ whole; returns that folder.

    `params_files` are the shop's own params; `what_if_files` and `extra` (--set) go over them,
    and when they change what the month shows the run is a what-if, published to
    reports/<as_of>-<name>/ unless `publish` (run/whatif.py). Up to `jobs` notebooks run at once
    (default_jobs()), each after the notebooks it reads."""
    started = time.perf_counter()
    notebooks = notebooks or available_notebooks()
    own, source = load_params(params_files)
    layered, layered_source = load_params(list(what_if_files or []))
    params = own | layered | dict(extra or {})
    source = source | layered_source | {k: "--set" for k in (extra or {})}
    source = {k: project_path(v) if isinstance(v, Path) else v for k, v in source.items()}
    bad = RUNNER_KEYS & set(params)
    if bad:
        raise ParamError(f"{', '.join(sorted(bad))} is set by the runner (--as-of; the month's "
                         f"own folder; --name), not in "
                         f"{', '.join(str(source.get(k, 'the command line')) for k in bad)}")
    # a params file serves the whole workbook: a run of some notebooks accepts every key that
    # any notebook declares, and gives each notebook its own
    declared = check_params(params, source, sorted(set(notebooks) | set(available_notebooks())))
    # every value that reaches a path or a size, before any path is built from it
    errors = check_run_values(params)
    try:
        reports_dir = check_folder(reports_dir, "reports_dir")
    except ValueError as exc:
        errors.append(str(exc))
    if not errors:  # values that depend on another, once each has its own form
        errors += check_dependent(params, source, as_of)
    try:  # an as-of after today is refused
        check_as_of(as_of, today=today or shop_today(params.get("shop_tz")))
    except ParamError as exc:
        errors.append(str(exc))
    try:  # where the run is published: the managers' month, or a what-if beside it
        what_if = decide(own, layered | dict(extra or {}), name=name, publish=publish)
    except ParamError as exc:
        errors.append(str(exc))
    if errors:
        raise ParamError("parameters rejected before running anything:\n  " + "\n  ".join(errors))
    file_mode = params.get("file_mode")

    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ParamError(f"jobs = {jobs}: at least 1 notebook must run at a time")
    memory_per_notebook(params.get("memory_limit"), jobs)  # a malformed limit stops the run here
    temp_per_notebook(params.get("temp_limit"), params.get("temp_directory"), jobs)
    try:
        expand_inputs(params.get("orders_path", DATA_RAW / "orders.csv"), key="orders_path")
    except IngestError as exc:
        raise ParamError(f"{exc} Run `make sample-data` for the sample shop.") from None

    # files the run writes (contact lists, staging, failed notebooks) are private: the umask
    # from file_mode, inherited by the kernels (core/privacy.py)
    with file_mode_umask(file_mode), stop_on_signals(echo):
        Path(reports_dir).mkdir(parents=True, exist_ok=True)
        private_folders(reports_dir, DATA_PROCESSED, file_mode=file_mode or "0600")
        with month_lock(Path(reports_dir), as_of, echo=echo, lang=params.get("lang", "vi")):
            return _run_locked(as_of, params, [*params_files, *(what_if_files or [])],
                               declared, notebooks, Path(reports_dir), html, echo, started, jobs,
                               what_if)


class RunLocked(RuntimeError):
    """Another run of the same month is in progress."""


def month_folder_name(as_of: date, lang: str = "vi") -> str:
    """reports/<as_of>/ in Vietnamese (the default), reports/<as_of>-en/ in English: a month run
    in one language never replaces the other."""
    return as_of.isoformat() if check_lang(lang) == "vi" else f"{as_of.isoformat()}-{lang}"


def page_title(stem: str, as_of: date, lang: str = "vi") -> str:

    titles = PAGE_TITLES
    when = pick(lang, f"{as_of:%m/%Y}", f"{as_of:%b %Y}")
    return f"{pick(lang, *titles.get(stem, (stem, stem)))} · {when}"


@contextlib.contextmanager
def month_lock(reports_dir: Path, as_of: date, *, echo=print, lang: str = "vi"):
    """One run per month at a time: reports/.lock-<as_of> holds the running process's id.

    A second run meets it and stops with a clear message; a lock left by a run that died (its
    process is gone) is taken over, and the message says so."""
    lock = reports_dir / f".lock-{month_folder_name(as_of, check_lang(lang))}"
    try:
        with pid_lock(lock, wait_seconds=0, echo=echo):
            yield lock
    except LockHeld as held:
        if held.specific:  # another host's lock: what this machine cannot tell, and the fix
            raise RunLocked(f"another run of {as_of} may be in progress: {held.specific}") \
                from None
        pid, host, started = (held.holder + ["?", "?", "?"])[:3]
        raise RunLocked(f"another run of {as_of} is in progress (process {pid} on {host}, "
                        f"started {started}); wait for it to finish. If no such run exists, "
                        f"delete {lock}") from None


def _run_locked(as_of, params, params_files, declared, notebooks, reports_dir, html, echo,
                started, jobs, what_if: WhatIf | None = None) -> Path:
    what_if = what_if or WhatIf()
    # a what-if shares the month's lock (one run of a month at a time) but never its folder
    name = what_if.folder(month_folder_name(as_of, params.get("lang", "vi")))
    final = reports_dir / name
    staging = reports_dir / f".staging-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        return _execute(as_of, params, params_files, declared, notebooks, reports_dir, html, echo,
                        started, final, staging, jobs, what_if)
    finally:
        # a failed or interrupted run leaves no staging folder (it holds contact data)
        shutil.rmtree(staging, ignore_errors=True)


# what a notebook reads that another notebook of the month writes: it starts only after them.
# 02 reads 01's segment snapshot of the run's date (its page says where each date's segments
# came from; 05 never writes into page 01/02's store, it keeps its own days in
# snapshots/campaign_days, so it cannot change that sentence); 00 reads every output. 03, 04 and
# 05 read only the staged exports (05 and 06 after 01, whose as-of snapshot they read).
NEEDS = pages.needs()  # what each page reads from the others, as it declares


# with notebooks side by side, the ones on the longest chain start first when several are ready
# (06 fits two models after 01, then 00 waits for it); one at a time keeps the run's order
LONGEST_FIRST = ["01_rfm_segments", "06_customer_value", "02_segment_migration",
                 "05_campaign_results", "03_cohort_revenue", "04_loyalty_tiers",
                 "00_monthly_review"]


def default_jobs() -> int:
    """Notebooks run side by side: two where there are two cores or more (each kernel spends
    much of its time in single-threaded Python: start, imports, charts, the page)."""
    return 2 if usable_cores() >= 2 else 1


def physical_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_per_notebook(memory_limit: str | None, jobs: int) -> str | None:
    """The run's memory_limit shared by the notebooks running at once (each is its own DuckDB);
    without one, 80% of this machine's memory is shared, as one DuckDB would take alone."""
    if jobs <= 1:
        return memory_limit
    total = size_bytes(memory_limit, "memory_limit") or int(physical_memory() * 0.8)
    return f"{total // jobs // 10**6}MB"


def free_disk(folder: str | Path | None) -> int:
    """Bytes free on the disk of DuckDB's temp folder (it need not exist yet)."""
    path = resolve(folder) if folder else PROJECT_ROOT
    while not path.exists():
        path = path.parent
    return shutil.disk_usage(path).free


def temp_per_notebook(temp_limit: str | None, temp_directory: str | None, jobs: int) -> str:
    """The run's budget of DuckDB scratch disk shared by the notebooks running at once.

    DuckDB alone takes up to 90% of the disk that is free, measured by each process for itself,
    so two notebooks spilling at once could fill the disk (at 100M lines two did: 34 GB). Without
    a temp_limit the run shares 80% of what is free on the temp folder's disk when it starts."""
    total = size_bytes(temp_limit, "temp_limit", "20GB") or int(free_disk(temp_directory) * 0.8)
    return f"{max(total // max(jobs, 1) // 10**6, 1)}MB"


SPILL_HINT = ("{notebook} needed more temporary disk than its share, {share} (temp_limit "
              "{budget}, shared by {jobs} notebook(s) running at once; DuckDB spills to "
              "{where} what does not fit memory_limit). Free disk space there, set temp_directory "
              "to a larger disk or temp_limit higher{fewer}.")


def _execute(as_of, params, params_files, declared, notebooks, reports_dir, html, echo, started,
             final, staging, jobs, what_if: WhatIf) -> Path:
    complete = month_complete(as_of)
    shared = params | {"as_of": as_of.isoformat(), "output_dir": str(staging),
                       "what_if": what_if.name, "month_complete": complete}
    at_once = jobs if len(notebooks) > 1 else 1
    if at_once > 1:
        shared["memory_limit"] = memory_per_notebook(params.get("memory_limit"), jobs)
    shared["temp_limit"] = temp_per_notebook(params.get("temp_limit"),
                                             params.get("temp_directory"), at_once)
    spill = {"share": shared["temp_limit"], "jobs": at_once,
             "budget": params.get("temp_limit") or "unset: 80% of the free disk",
             "where": params.get("temp_directory") or ".tmp in the project folder",
             "fewer": ", or run with --jobs 1" if at_once > 1 else ""}
    echo(f"Monthly run for {as_of} → {final}  ({len(notebooks)} notebooks"
         + (f", up to {jobs} at a time)" if jobs > 1 and len(notebooks) > 1 else ")"))
    _say_what_if(what_if, final, echo)
    if not complete:
        echo(f"  A PARTIAL MONTH: {as_of} is day {as_of.day} of its month, which is not over; "
             f"the notebooks are given month_complete = false to say so.")
    steps = {nb.stem: f"[{i}/{len(notebooks)}] {nb.stem}" for i, nb in enumerate(notebooks, 1)}
    memory = KernelMemory()  # each kernel's peak resident memory (run/kernel_memory.py)
    lang = params.get("lang", "vi")
    version = InputVersion.take(params)  # every notebook reads this version (run/inputs.py)
    with version.for_kernels():  # the run's id carries the inputs' version, as a page's own
        shared["run_id"] = run_id = stamp.run_id("", stamp.generated_at(), as_of)

    def run_one(nb: Path) -> float:
        mine = {k: v for k, v in shared.items() if k in declared[nb.stem]}
        if "as_of_to" in declared[nb.stem] and "as_of_to" not in params:
            mine["as_of_to"] = as_of.isoformat()  # the migration notebook ends on the run's date
        mine = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in mine.items()}
        version.check(f"before {nb.stem}")
        t0 = time.perf_counter()
        echo(f"{steps[nb.stem]} …", flush=True)
        try:
            # the kernel starts in the project folder (resources, not papermill's cwd=, which
            # changes this process's folder and is not safe with notebooks side by side)
            with heartbeat.beating(steps[nb.stem], echo, status, kernel=lambda: memory.kernel(nb.stem)):
                pm.execute_notebook(str(nb), str(staging / nb.name), parameters=mine,
                                    kernel_name="python3", progress_bar=False, log_output=False,
                                    engine_name=saves.ENGINE,
                                    kernel_manager_class=memory.manager(nb.stem),
                                    resources={"metadata": {"path": str(PROJECT_ROOT)}})
        except Exception:
            echo(f"{steps[nb.stem]} FAILED after {time.perf_counter() - t0:.1f} s", flush=True)
            raise
        seconds = round(time.perf_counter() - t0, 2)
        if html:
            page = export_html(staging / nb.name, title=page_title(nb.stem, as_of, lang),
                               lang=lang)
            if nb.stem == "00_monthly_review" and print_pdf(page) is None:
                echo("  (no PDF of the review: Chromium is not installed; `make browser` "
                     "installs it)")
        echo(f"{steps[nb.stem]} done in {seconds:.1f} s", flush=True)
        return seconds

    with version.for_kernels(), heartbeat.status_file() as status_path:
        status = heartbeat.Status(status_path)
        durations, failed = _schedule(notebooks, run_one, jobs)
    changed = [exc for exc in failed.values() if isinstance(exc, InputsChanged)]
    if changed:
        raise RunFailed(str(changed[0])) from None
    # a kernel found an export that is not the month's version (core.files.file_sha256)
    changed = [getattr(exc, "evalue", str(exc)) for exc in failed.values()
               if isinstance(exc, InputChanged) or getattr(exc, "ename", "") == "InputChanged"]
    if changed:
        raise RunFailed(f"an input changed while the month ran: {changed[0]}") from None
    if failed:
        # every failed notebook is kept beside (never inside) the published month; the message
        # names the first one in the run's order
        folder = reports_dir / f"failed-{final.name}"
        kept = {stem: _keep_failed(staging / f"{stem}.ipynb", folder) for stem in failed}
        first = next(iter(failed))
        message = _failure_message(first, failed[first], kept[first])
        if "max_temp_directory_size" in message:
            message += "\n" + SPILL_HINT.format(notebook=first, **spill)
        raise RunFailed(message) from None
    durations = {nb.stem: durations[nb.stem] for nb in notebooks}
    try:
        version.check("after the last notebook")
    except InputsChanged as exc:
        raise RunFailed(str(exc)) from None

    manifest = {
        "as_of": as_of.isoformat(),
        **what_if.manifest(),
        "month_complete": complete,
        "run_id": run_id,
        "parameters": {k: (v.isoformat() if isinstance(v, date) else v)
                       for k, v in sorted(params.items())},
        "params_files": [resolve(f) for f in params_files],
        "inputs": _input_report(params),
        "input_version": version.manifest(),
        "notebooks": list(durations),
        "durations_seconds": durations,
        **memory.manifest(durations),  # peak_memory_gb and kernel_cpu_seconds per notebook
        "jobs": jobs,
        "versions": _versions(),
    }
    manifest["outputs"] = {
        str(p.relative_to(staging)): {"sha256": file_sha256(p), "bytes": p.stat().st_size}
        for p in sorted(staging.rglob("*")) if p.is_file()
    }
    manifest["total_seconds"] = round(time.perf_counter() - started, 2)
    last = (manifest["inputs"].get("orders") or {}).get("last_order_date")
    stale = stale_days(last, as_of, allowed=STALE_AFTER_DAYS)
    manifest["freshness"] = {"last_order_date": last, "stale_days": stale,
                             "limit_days": STALE_AFTER_DAYS}
    if stale:
        echo(f"  WARNING: the latest order on or before {as_of} is dated {last}, {stale} days "
             f"earlier: the export may be incomplete, and this month's figures cover only part "
             f"of it.")
    for kind in ("orders", "customers"):
        if kind in manifest["inputs"]:

            report = manifest["inputs"][kind]
            fields = {k: v for k, v in report.items() if k in LoadReport.__dataclass_fields__}
            echo("  " + LoadReport(**fields).summary())
            if report.get("quarantine_path"):
                echo(f"    rows set aside, with reasons and line numbers: "
                     f"{report['quarantine_path']}")
    # the manifest is written last: it marks the folder as complete. It is forwarded with the
    # month: paths relative to the month or the project, never a server's folders
    manifest = portable(manifest, folders=(staging, final))
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False,
                                                      default=str), encoding="utf-8")
    old = reports_dir / f".old-{final.name}"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists() and what_if.is_what_if:
        echo(f"  replaces the earlier what-if {final.name}/ (give --name to keep both)")
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    try:  # the month in one file to forward (run/archive.py); the month stands without it
        packed = zip_month(final)
        echo(f"  To forward: {packed.name} (pages, PDF and the action lists for a person: "
             f"contacts, keep it private), beside {final.name}/")
    except OSError as exc:
        (final.parent / f"{final.name}.zip").unlink(missing_ok=True)  # never an older month's
        echo(f"  (no {final.name}.zip: {exc.strerror or exc})")
    echo(f"Done in {manifest['total_seconds']:.1f} s. Open {final / '00_monthly_review.html'}"
         if (final / "00_monthly_review.html").exists()
         else f"Done in {manifest['total_seconds']:.1f} s: {final}")
    if what_if.is_what_if:
        echo(f"  This is a WHAT-IF ({what_if.said()}): the managers' month "
             f"{final.parent / month_folder_name(as_of, params.get('lang', 'vi'))} was not "
             f"touched.")
    return final


def _say_what_if(what_if: WhatIf, final: Path, echo) -> None:
    if what_if.is_what_if:
        echo(f"  A WHAT-IF, not the managers' month: {what_if.said()}. It is published to "
             f"{final.name}/ beside the month, never over it (--publish would replace the "
             f"month).")
    elif what_if.published and what_if.changes:
        echo(f"  PUBLISHED AS THE MONTH with values that are not the shop's own (--publish): "
             f"{what_if.said()}.")


def main(argv: list[str] | None = None) -> int:
    """The command line (run/monthly_cli.py: --as-of, --params, --set, --name, --publish)."""
    return monthly_cli.main(argv, run=run_month, jobs=default_jobs(),
                            codes={ParamError: 2, RunFailed: 1, RunLocked: 3})


if __name__ == "__main__":
    sys.exit(main())
