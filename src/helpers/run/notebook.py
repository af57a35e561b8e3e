"""The opening every page shares: its parameters checked, its title shown, its data staged.

A notebook's first code cell is `run = notebook.start(globals(), "01")`, its own checks, then
`con, inputs = notebook.load(run)`. Between the two a page checks what only it knows (migration's
two dates, the loyalty programme file) before any export is read.
"""

from __future__ import annotations

import html

import duckdb
from IPython.display import display

from helpers.core.currency import use_currency
from helpers.core.params import RunParams, month_complete
from helpers.core.privacy import use_file_mode
from helpers.engine import db, spark_models
from helpers.ingest.report import LoadReport
from helpers.kit import narrative, rfm, theme
from helpers.kit.texts import callout, pick
from helpers.pages.review.sentences import what_if_caveat


def start(namespace: dict, page: str, **overrides) -> RunParams:
    """Every parameter of the notebook (its globals) checked, the page's title shown in the
    run's language and the charts themed for it; files this kernel writes get file_mode, and
    money is written in the run's currency."""
    run = RunParams.from_notebook(namespace, **overrides)
    use_file_mode(run.file_mode)  # contact lists and the cache this kernel writes are private
    use_currency(run.currency)  # every money(value, lang) of this kernel is in it from here on
    display(narrative.section(f"{page}.title", lang=run.lang))
    if namespace.get("what_if") and page != "00":  # page 00 says it in its own opening
        display(what_if_note(str(namespace["what_if"]), run.lang))
    if page != "00" and not month_complete(run.as_of):  # page 00 compares the same days
        display(partial_month_note(run.as_of, run.lang))
    theme.use_workbook_theme(run.lang)
    return run


def what_if_note(what_if: str, lang: str):
    """The callout every page of a what-if opens with (reports/<as_of>-<name>/): page 00's own
    sentence for it, and where the changes are listed."""
    said = what_if_caveat(html.escape(what_if), lang=lang)
    return callout(said + pick(lang, " Các thay đổi ghi trong manifest.json.",
                               " The changes are listed in manifest.json."))


def partial_month_note(as_of, lang: str):
    """The callout every page of a month not yet over opens with (page 00 compares the same
    days itself): how much of the month its figures hold, so no figure of it is read against a
    whole month."""
    days = as_of.day
    return callout(pick(
        lang, f"Tháng {as_of:%m/%Y} chưa kết thúc: số liệu tính đến hết ngày "
              f"{narrative.day(as_of, lang)}, tức {days} ngày đầu tháng {as_of:%m}; con số của "
              f"tháng này chưa so được với một tháng trọn.",
        f"{as_of:%B %Y} is not over: figures run to the end of {narrative.day(as_of, lang)}, "
        f"the first {days} days of {as_of:%B}; this month's figures are not comparable with a "
        f"whole month's."))


def open_run(run: RunParams) -> tuple[duckdb.DuckDBPyConnection, dict[str, LoadReport]]:
    """The run's database with its exports staged, and the engine its models run on."""
    con = db.connect(**run.duckdb_options())
    spark = None
    if run.engine == "spark":
        spark = spark_models.session(run.spark_master, spark_models.session_conf(run.spark_conf))
    # with Spark, the exports are parsed and checked there (helpers.spark_staging)
    inputs = rfm.load_inputs(con, run, spark=spark)
    if run.engine == "spark":
        # every model from here on runs on Spark
        spark_models.attach(con, master=run.spark_master, conf=run.spark_conf,
                            staged={"order_lines": inputs["orders"].staged,
                                    "customers": inputs["customers"].staged
                                    if "customers" in inputs else None})
    return con, inputs


def load(run: RunParams, *, summary: bool = True
         ) -> tuple[duckdb.DuckDBPyConnection, dict[str, LoadReport]]:
    """A private database with the run's exports staged; how recent the latest order is, said on
    the page in one line, and what was read (unless `summary` is False) folded under "Chi tiết
    tải dữ liệu" / "Loading details" for the analyst. With `engine: spark` the models
    then run on Spark (spark_models.attach)."""
    con, inputs = open_run(run)
    # the manager reads one line on freshness; what was read stays, folded, for the analyst
    fresh = narrative.freshness(rfm.last_order_date(con, run.as_of), as_of=run.as_of,
                                lang=run.lang)
    display(fresh, *([narrative.loading_details(inputs, run.lang)] if summary else []))
    return con, inputs
