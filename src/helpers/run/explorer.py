"""The analyst's explorer: ipywidgets over the staged data, redrawn on every control change.

The shop's data is staged once in DuckDB. A control change only re-scores and re-segments (and
rebuilds the orders when the as-of date moves), so it stays interactive on millions of lines.
Everything the view shows is also kept on the object (`figures`, `tables`, `message`), which is
what the tests drive and check.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import time
from datetime import datetime
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import HTML, display

from helpers.core.currency import use_currency
from helpers.core.errors import ParamError
from helpers.core.params import RunParams, previous_month_end
from helpers.core.paths import DATA_RAW, EXPORTS_DIR, PROJECT_ROOT, REPORTS_DIR
from helpers.core.privacy import use_file_mode
from helpers.core.safety import folder_name, inside
from helpers.core.schemes import SchemeError, available_schemes, load_scheme
from helpers.engine import db
from helpers.ingest.phones import mobile
from helpers.kit import export, rfm, snapshots, theme
from helpers.kit.formatting import mask_any, money, number
from helpers.kit.narrative import day, html_table
from helpers.kit.safe_text import html_text
from helpers.kit.texts import channel_name, pick, t
from helpers.pages.segments import charts
from helpers.pages.segments import compute as segments_compute
from helpers.pages.segments import files as segments_files
from helpers.pages.segments import sentences as segments_sentences
from helpers.run.explorer_texts import (
    ALL_HISTORY,
    BUTTON_LABELS,
    CONTROL_LABELS,
    FACTOR_NAMES,
    LANG_NAMES,
    LOOKUP_HINT,
    NO_SEGMENT,
    SCORING_NAMES,
    SORTABLE,
    TAB_TITLES,
    WINDOW_NAMES,
    WINDOWS,
    CutsError,
    check_cuts,
    column,
    cuts_text,
    pair,
    parse_cuts,
    scheme_bins_message,
)

DEFAULT_CUTS = {"recency_days": [30, 90, 180, 365], "frequency": [2, 3, 5, 10],
                "monetary": [500_000, 1_000_000, 3_000_000, 10_000_000]}
PAGE_SIZE = 20
# what the explorer takes from a published month's manifest (the rest is the notebook's own)
NOT_FROM_A_MONTH = {"output_dir", "engine", "spark_master", "spark_conf"}
MONTH_FOLDER = re.compile(r"(\d{4}-\d{2}-\d{2})(-en)?")


def last_published_month(reports_dir: Path = REPORTS_DIR) -> dict | None:
    """The latest month published under reports_dir: a folder named by its as-of date (the
    English run's with -en) holding the manifest that marks it complete. Returns its parameters
    (those the explorer uses) with `as_of` and `folder`, or None when no month is published.

    What-if runs (reports/<as_of>-<name>/), failed and staging folders are not published months."""
    found = []
    for folder in Path(reports_dir).glob("*"):
        match = MONTH_FOLDER.fullmatch(folder.name)
        if match and (folder / "manifest.json").is_file():
            try:
                manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            # a month not yet over (month_complete false) only when no complete month is there
            complete = manifest.get("month_complete", True) is not False
            found.append((complete, match.group(1), match.group(2) is None, folder, manifest))
    if not found:
        return None
    _, when, _, folder, manifest = max(found, key=lambda f: f[:3])
    known = {f.name for f in dataclasses.fields(RunParams)} - NOT_FROM_A_MONTH
    values = {k: v for k, v in (manifest.get("parameters") or {}).items() if k in known}
    # an export outside the project is named in the manifest by its file name only (no server
    # path in a published month): one that cannot be found here is left to the notebook's value
    values = {k: v for k, v in values.items()
              if not (k.endswith("_path") and v and not _findable(v))}
    return values | {"as_of": manifest.get("as_of") or when, "folder": folder}


def _findable(path: str) -> bool:
    given = Path(path)
    return given.exists() or (not given.is_absolute() and (PROJECT_ROOT / given).exists())


@functools.lru_cache(maxsize=4)
def _scheme_options(lang: str) -> tuple[tuple[str, str], ...]:
    """Each shipped scheme by its name and its description in the reader's language."""
    out = []
    for name in available_schemes():
        try:
            described = load_scheme(name).description
        except SchemeError:
            described = ""
        if isinstance(described, dict):
            described = described.get(lang) or described.get("en") or ""
        out.append((f"{name} · {described}" if described else name, name))
    return tuple(out)


NONE = "(none)"  # the segment of a month end before the customer's first purchase
MONEY_COLUMNS = {"monetary", "aov", "amount"}
DATE_COLUMNS = {"last_purchase_date", "month_end", "order_date"}


def shown_table(frame: pd.DataFrame, lang: str) -> HTML:
    """A table as the analyst reads it: headers in the language, money and counts formatted the
    reader's way, dates as dd/mm/yyyy (the frame itself, in self.tables, keeps keys and values)."""
    shown = pd.DataFrame(index=frame.index)
    for key in frame.columns:
        values = frame[key]
        if key in MONEY_COLUMNS:
            values = values.map(lambda v: money(v, lang))
        elif key in DATE_COLUMNS:
            values = values.map(lambda v: "–" if pd.isna(v) else day(v, lang))
        elif pd.api.types.is_numeric_dtype(values):
            values = values.map(lambda v: number(v, lang, 0 if float(v).is_integer() else 1)
                                if pd.notna(v) else "–")
        else:
            values = values.map(lambda v: "–" if v is None or (isinstance(v, float) and pd.isna(v))
                                else v)
        shown[column(key, lang)] = values
    return html_table(shown)


class Explorer:
    """Controls, views and actions for one staged shop. Build with Explorer.open(...)."""

    def __init__(self, con, run: RunParams, *, exports_dir: Path = EXPORTS_DIR,
                 month: dict | None = None):
        self.con = con
        self.run = run
        self.exports_dir = Path(exports_dir)
        self.month = month  # the published month it opened on (last_published_month), if any
        self.figures: dict[str, object] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.message = ""
        self.drawn: dict[str, tuple] = {}
        self.timings: dict[str, float] = {}
        self._scheme = None
        self._quiet = False  # set while the explorer itself changes a control's options
        self._compare_stale = True
        self._build_controls()
        self._build_outputs()
        self.refresh()

    @classmethod
    def open(cls, *, as_of=None, orders_path=None, customers_path=None, scheme=None, lang=None,
             exports_dir: Path = EXPORTS_DIR, reports_dir: Path = REPORTS_DIR,
             **params) -> Explorer:
        """The explorer on the shop's exports. Every value left empty (None or "") is the last
        published month's (reports/<as_of>/ and its manifest): its as-of date, its exports, its
        scheme, window and language; without a published month, the month before today on
        data/raw/."""
        month = last_published_month(reports_dir)
        given = {"as_of": as_of, "orders_path": orders_path, "customers_path": customers_path,
                 "scheme": scheme, "lang": lang, **params}
        given = {k: v for k, v in given.items() if v not in (None, "")}
        if month is not None:
            values = {k: v for k, v in month.items() if k != "folder"} | given
        else:
            customers = DATA_RAW / "customers.csv"
            values = {"as_of": previous_month_end(),
                      "customers_path": customers if customers.exists() else None} | given
        values.setdefault("scheme", "rfm11")
        values.setdefault("lang", "vi")
        run = RunParams.from_values(**values)
        use_file_mode(run.file_mode)  # the contact lists it exports are private
        use_currency(run.currency)  # its tables and charts in the shop's money
        con = db.connect(**run.duckdb_options())
        rfm.load_inputs(con, run)
        return cls(con, run, exports_dir=exports_dir, month=month)

    # ------------------------------------------------------------ controls

    def _build_controls(self) -> None:
        r = self.run
        style = {"description_width": "120px"}
        wide = w.Layout(width="460px")  # a scheme's description, four cut points in millions
        cuts = {k: w.Text(value=cuts_text(DEFAULT_CUTS[k], r.lang), style=style, layout=wide)
                for k in DEFAULT_CUTS}
        self.controls = {
            "as_of": w.DatePicker(value=r.as_of, style=style),
            "scheme": w.Dropdown(options=_scheme_options(r.lang), value=r.scheme, style=style,
                                 layout=wide),
            "window": w.Dropdown(options=[(n, n) for n in WINDOWS],
                                 value=r.window_days if r.window_days in WINDOWS else ALL_HISTORY,
                                 style=style),
            "bins": w.IntSlider(value=r.bins, min=2, max=10, style=style),
            "scoring": w.ToggleButtons(options=list(SCORING_NAMES), value=r.scoring, style=style),
            "cuts_recency_days": cuts["recency_days"], "cuts_frequency": cuts["frequency"],
            "cuts_monetary": cuts["monetary"],
            "factors": w.Dropdown(options=list(FACTOR_NAMES), value=r.factors, style=style),
            "lang": w.ToggleButtons(options=LANG_NAMES, value=r.lang, style=style),
            "segment": w.Dropdown(options=[], style=style),
            "sort": w.Dropdown(options=SORTABLE, value="monetary", style=style),
            "descending": w.Checkbox(value=True),
            "page": w.BoundedIntText(value=1, min=1, max=1, style=style),
            "compare": w.Dropdown(options=available_schemes(), value="vn4"
                                  if "vn4" in available_schemes() else r.scheme, style=style,
                                  layout=wide),
            "lookup": w.Text(style=style),
        }
        fit = w.Layout(width="auto")  # the label whole, in either language
        self.buttons = {"export": w.Button(icon="download", button_style="primary", layout=fit),
                        "lookup": w.Button(icon="search", layout=fit)}
        self._tabs = None
        self._heading = w.HTML()
        self._cuts_lang = r.lang  # the language the cut points' texts are written in
        self._apply_language(r.lang)
        # the new names first, then one refresh for the new language
        self.controls["lang"].observe(lambda change: self._apply_language(change["new"]),
                                      names="value")
        for name in ("as_of", "scheme", "window", "bins", "scoring", "cuts_recency_days",
                     "cuts_frequency", "cuts_monetary", "factors", "lang"):
            self.controls[name].observe(lambda change: None if self._quiet else self.refresh(),
                                        names="value")
        # another scheme to compare with: the scores stay, only the comparison is redone
        self.controls["compare"].observe(
            lambda change: None if self._quiet else self._compare(self.active), names="value")
        for name in ("segment", "sort", "descending", "page"):
            self.controls[name].observe(
                lambda change: None if self._quiet else self._redraw_table(), names="value")
        self.buttons["export"].on_click(lambda _: self.export_selection())
        self.buttons["lookup"].on_click(lambda _: self.lookup(self.controls["lookup"].value))
        self.controls["lookup"].continuous_update = False

    def _apply_language(self, lang: str) -> None:
        """Every label of the explorer in one language (vi or en); values never change, and
        renaming the options recomputes nothing."""
        c = self.controls
        for name, texts in CONTROL_LABELS.items():
            c[name].description = pair(texts, lang)
        self._quiet = True  # new option names, the same values: no recomputation
        try:
            for name, options in (
                    ("window", [(pair(WINDOW_NAMES[v], lang), v) for v in WINDOWS]),
                    ("scoring", [(pair(SCORING_NAMES[k], lang), k) for k in SCORING_NAMES]),
                    ("factors", [(pair(FACTOR_NAMES[k], lang), k) for k in FACTOR_NAMES]),
                    ("sort", [(column(k, lang), k) for k in SORTABLE]),
                    ("scheme", _scheme_options(lang)), ("compare", _scheme_options(lang))):
                value = c[name].value
                c[name].options = options
                c[name].value = value
            for key in DEFAULT_CUTS:  # the same cut points, written the reader's way
                text = c[f"cuts_{key}"]
                try:
                    text.value = cuts_text(parse_cuts(text.value, self._cuts_lang), lang)
                except CutsError:
                    pass  # a text being typed stays as it is
        finally:
            self._quiet = False
        self._cuts_lang = lang
        c["lookup"].placeholder = pair(LOOKUP_HINT, lang)
        for name, texts in BUTTON_LABELS.items():
            self.buttons[name].description = pair(texts, lang)
        if getattr(self, "_tabs", None) is not None:
            for i, title in enumerate(TAB_TITLES):
                self._tabs.set_title(i, pair(title, lang))
        self._heading.value = self._opening_line(lang)

    def _opening_line(self, lang: str) -> str:
        """Which month the explorer opened on, and from where."""
        if self.month is None:
            return pick(lang, "<p>Chưa có tháng nào được công bố trong reports/: mở theo ngày "
                              f"{day(self.run.as_of, lang)}.</p>",
                        "<p>No month is published in reports/ yet: opened on "
                        f"{day(self.run.as_of, lang)}.</p>")
        name = html_text(Path(self.month["folder"]).name)
        when = day(self.month["as_of"], lang)
        return pick(lang, f"<p>Mở theo tháng đã công bố gần nhất: <b>{when}</b> "
                          f"(reports/{name}/), cùng tệp dữ liệu và cách phân nhóm.</p>",
                    f"<p>Opened on the last published month: <b>{when}</b> (reports/{name}/), "
                    f"with its exports and scheme.</p>")

    def _build_outputs(self) -> None:
        self.outputs = {name: w.Output() for name in ("status", "sizes", "grid", "table",
                                                      "compare", "lookup", "export")}

    def widget(self) -> w.Widget:
        c, o = self.controls, self.outputs
        settings = w.VBox([c["as_of"], c["scheme"], c["window"], c["bins"], c["factors"],
                           c["scoring"], c["cuts_recency_days"], c["cuts_frequency"],
                           c["cuts_monetary"], c["lang"]])
        segment_box = w.VBox([w.HBox([c["segment"], c["sort"], c["descending"], c["page"]]),
                              o["table"], w.HBox([self.buttons["export"]]), o["export"]])
        tabs = w.Tab(children=[w.VBox([o["sizes"]]), o["grid"], segment_box,
                               w.VBox([c["compare"], o["compare"]]),
                               w.VBox([w.HBox([c["lookup"], self.buttons["lookup"]]),
                                       o["lookup"]])])
        self._tabs = tabs
        tabs.observe(lambda change: self._compare_if_shown(), names="selected_index")
        self._apply_language(self.controls["lang"].value)
        return w.VBox([self._heading, w.HBox([settings, o["status"]]), tabs])

    def _ipython_display_(self) -> None:
        display(self.widget())

    # ------------------------------------------------------------ state from the controls

    def current_run(self) -> RunParams:
        c = self.controls
        as_of = c["as_of"].value
        if isinstance(as_of, datetime):
            as_of = as_of.date()
        cuts = {}
        if c["scoring"].value == "fixed":
            cuts = {k: parse_cuts(c[f"cuts_{k}"].value, self._cuts_lang,
                                  name=c[f"cuts_{k}"].description)
                    for k in ("recency_days", "frequency", "monetary")}
            for k, values in cuts.items():
                check_cuts(values, c["bins"].value, c["lang"].value,
                           name=c[f"cuts_{k}"].description)
        return self.run.replace(
            as_of=as_of, scheme=c["scheme"].value, window_days=c["window"].value or None,
            bins=c["bins"].value, scoring=c["scoring"].value, factors=c["factors"].value,
            lang=c["lang"].value, fixed_cuts=RunParams.from_values(
                as_of=as_of, orders_path=self.run.orders_path, bins=c["bins"].value,
                scoring=c["scoring"].value, fixed_cuts=cuts).fixed_cuts)

    # ------------------------------------------------------------ recompute and redraw

    def refresh(self) -> None:
        """Recompute scores and segments for the controls' values and redraw every view."""
        started = time.perf_counter()
        try:
            run = self.current_run()
            scheme = load_scheme(run.scheme, bins=run.bins, factors=run.factors)
        except CutsError as exc:  # said in the reader's language already
            self._say(f"⚠ {exc}")
            return
        except (ParamError, SchemeError, ValueError) as exc:
            # the parameters' own checks speak English: the common ones are said in the
            # reader's words; for another, the Vietnamese reader is told what happened first
            lang, c = self.controls["lang"].value, self.controls
            said = scheme_bins_message(str(exc), c["scheme"].value, c["bins"].value, lang)
            self._say("⚠ " + (said or pick(lang, f"Không vẽ lại được với các giá trị này: {exc}",
                                            str(exc))))
            return
        # the model graph builds only what these values change: a scheme or language change
        # reassigns segments on the scores already built
        # held by an alias: db keeps only the latest table of a large model, and the explorer
        # reads this one while it builds others (a customer's history, a comparison)
        db.alias(self.con, "explorer_customers",
                 rfm.build_rfm_customers(self.con, run=run, scheme=scheme).alias)
        self._table = "explorer_customers"
        self.active, self._scheme = run, scheme
        summary = rfm.build_segment_summary(self.con, run).df()
        self.tables["segment_summary"] = summary
        lang = run.lang
        if getattr(self, "_themed", None) != lang:  # the charts' decimal marks follow the language
            theme.use_workbook_theme(lang)
            self._themed = lang
        self.figures["sizes"] = charts.segment_treemap(summary, value="customers", lang=lang,
                                                       colors=scheme.colors(),
                                                       title=t("treemap_customers", lang))
        self.figures["revenue"] = charts.segment_treemap(summary, value="revenue", lang=lang,
                                                         colors=scheme.colors(),
                                                         title=t("treemap_revenue", lang))
        grid = segments_compute.rfm_grid(self.con, run)
        self.figures["grid"] = charts.rfm_grid_heatmap(grid, bins=run.bins,
                                                       labels=scheme.labels(lang), lang=lang,
                                                       title=t("grid_title", lang))
        options = [(f"{scheme.label(k, lang)} ({number(n, lang)})", k)
                   for k, n in zip(summary.segment, summary.customers)]
        current = self.controls["segment"].value
        buyers = summary[summary.segment != "prospect"]
        chosen = current if current in scheme.keys else (
            buyers.loc[buyers.customers.idxmax(), "segment"] if len(buyers) else None)
        self._updating = True  # one table redraw below, not one per option change
        try:
            self.controls["segment"].options = options
            self.controls["segment"].value = chosen
        finally:
            self._updating = False
        self._compare_stale = True
        self._compare_if_shown()
        self._redraw_table()
        self.timings["refresh"] = time.perf_counter() - started
        self._draw("sizes", self.figures["sizes"], self.figures["revenue"],
                   segments_sentences.segment_table(summary, lang=lang))
        self._draw("grid", self.figures["grid"])
        customers = number(int(summary.customers.sum()), lang)
        seconds = number(self.timings["refresh"], lang, 2)
        self._say(pick(lang, f"{day(run.as_of, lang)} · {run.scheme} · {customers} khách · "
                             f"vẽ lại trong {seconds} giây",
                       f"{day(run.as_of, lang)} · {run.scheme} · {customers} customers · "
                       f"redrawn in {seconds} s"))

    COMPARE_TAB = 3

    def _compare_if_shown(self) -> None:
        """The comparison is redone when its tab is open (or opened), not on every change."""
        if (self._compare_stale and self._tabs is not None
                and self._tabs.selected_index == self.COMPARE_TAB):
            self._compare(self.active)

    def _compare(self, run: RunParams) -> None:
        self._compare_stale = False
        other = self.controls["compare"].value
        try:
            scheme_b = load_scheme(other, bins=run.bins, factors=run.factors)
        except SchemeError as exc:
            self.tables["compare"] = pd.DataFrame()
            self._draw("compare", HTML(f"<p>⚠ {html_text(str(exc))}</p>"))
            return
        # the scores are the same: only the segment assignment changes
        db.alias(self.con, "compare_b",
                 rfm.build_rfm_segments(self.con, run=run, scheme=scheme_b).alias)
        db.alias(self.con, "compare_a",
                 rfm.build_rfm_segments(self.con, run=run, scheme=self._scheme).alias)
        table_a, table_b = "compare_a", "compare_b"
        cross = self.con.execute(f"""
            select a.segment as segment_a, b.segment as segment_b, count(*) as customers
            from {table_a} as a
            inner join {table_b} as b on a.customer_id = b.customer_id
            group by all
        """).df()
        table = cross.pivot_table(index="segment_a", columns="segment_b", values="customers",
                                  aggfunc="sum", fill_value=0)
        table = table.reindex(index=[k for k in self._scheme.order if k in table.index],
                              columns=[k for k in scheme_b.order if k in table.columns])
        table.index = [self._scheme.label(k, run.lang) for k in table.index]
        table.columns = [scheme_b.label(k, run.lang) for k in table.columns]
        self.tables["compare"] = table
        said = pick(run.lang, f"Số khách theo nhóm: hàng theo cách {run.scheme}, cột theo cách "
                              f"{other}.",
                    f"Customers by segment: rows by {run.scheme}, columns by {other}.")
        shown = table.map(lambda v: number(v, run.lang))
        self._draw("compare", HTML(f"<p>{html_text(said)}</p>" + shown.to_html(border=0)))

    def _redraw_table(self) -> None:
        """The selected segment's customers, sorted and paged in SQL."""
        c = self.controls
        segment = c["segment"].value
        if segment is None or getattr(self, "_updating", False):
            return
        sort = c["sort"].value if c["sort"].value in SORTABLE else "monetary"
        direction = "desc" if c["descending"].value else "asc"
        total = db.one(self.con, f"select count(*) from {self._table} where segment = ?",
                       [segment])[0]
        pages = max(1, -(-total // PAGE_SIZE))
        c["page"].max = pages
        page = min(c["page"].value, pages)
        frame = self.con.execute(
            f"select customer_id, recency_days, frequency, monetary, orders, aov, rfm_code, "
            f"last_purchase_date from {self._table} where segment = ? "
            f"order by {sort} {direction} nulls last, customer_id limit ? offset ?",
            [segment, PAGE_SIZE, (page - 1) * PAGE_SIZE]).df()
        self.tables["segment_customers"] = frame
        lang = self.active.lang
        count = pick(lang, f"{number(total, lang)} khách · trang {page}/{pages}",
                     f"{number(total, lang)} customers · page {page} of {pages}")
        self._draw("table", HTML(f"<p>{count}</p>"), shown_table(frame, lang))

    # ------------------------------------------------------------ actions

    def export_selection(self) -> Path:
        """Write the selected segment's contact list (all, and per channel with consent)."""
        segment = self.controls["segment"].value
        run = self.active
        built = export.build_contact_lists(self.con, self._table, "segment").alias
        # the scheme may be a path: the folder is named safely, and stays in exports_dir
        folder = inside(self.exports_dir,
                        self.exports_dir / f"{folder_name(run.scheme)}_{run.as_of}")
        files = export.write_contact_lists(self.con, folder, file_name="segment={key}.csv",
                                           keys=[segment],
                                           columns=segments_files.RFM_EXPORT_COLUMNS,
                                           as_of=run.as_of, table=built)
        counts = export.contact_list_counts(self.con, built).df()
        counts = counts[counts.list_key == segment].set_index("channel")
        lang = run.lang
        parts = "; ".join(pick(
            lang, f"{channel_name(ch)}: {number(counts.loc[ch, 'in_list'], lang)} khách gửi được, "
                  f"{number(counts.loc[ch, 'no_consent'], lang)} không đồng ý nhận tin",
            f"{channel_name(ch)}: {number(counts.loc[ch, 'in_list'], lang)} sendable, "
            f"{number(counts.loc[ch, 'no_consent'], lang)} without consent")
            for ch in export.CHANNELS if ch in counts.index)
        label = self._scheme.label(segment, lang)
        self.message = pick(
            lang, f"Đã ghi danh sách nhóm “{label}” vào {files[0]} (và danh sách theo từng kênh "
                  f"bên cạnh). {parts}.",
            f"Wrote the “{label}” list to {files[0]} (and per-channel lists beside it). {parts}.")
        self._draw("export", HTML(f"<p>{html_text(self.message)}</p>"))
        return files[0]

    def lookup(self, query: str) -> dict | None:
        """A customer's orders, RFM history over the last 12 month ends and segment path."""
        found = self.con.execute(
            "select customer_id from customers where customer_id = $q or phone = $phone "
            "or lower(email) = lower($q) or phone_raw = $q "
            "union select customer_id from order_lines where customer_id = $q limit 1",
            # the customers file's rule (stg_customers: ingest.phones.mobile for the run's region)
            {"q": query.strip(), "phone": mobile(query, self.run.phone_region or "VN")}).fetchall()
        if not found:
            self.tables.pop("lookup_orders", None)
            # what was typed may be a phone number or an e-mail: shown masked, never whole
            asked = html_text(mask_any(query.strip()))
            self._draw("lookup", HTML(pick(self.active.lang,
                                           f"<p>Không có khách nào khớp với “{asked}”.</p>",
                                           f"<p>No customer matches “{asked}”.</p>")))
            return None
        customer_id = found[0][0]
        orders = self.con.execute(
            "select order_id, order_date, amount, status, channel from order_lines "
            "where customer_id = ? and order_date <= ? order by order_date desc, source_line",
            [customer_id, self.active.as_of]).df()
        history = []
        for then_day in snapshots.month_ends(self.active.as_of, 12):
            then = rfm.build_rfm_segments(self.con, run=self.active, scheme=self._scheme,
                                          as_of=then_day).alias
            row = self.con.execute(
                f"select segment, rfm_code, recency_days, frequency, monetary from {then} "
                "where customer_id = ?", [customer_id]).df().to_dict("records")
            history.append({"month_end": then_day, **(row[0] if row else {"segment": NONE})})
        # each date's table is kept: the current one is built already, nothing to restore
        rfm.build_rfm_customers(self.con, run=self.active, scheme=self._scheme)
        history = pd.DataFrame(history)
        path = [s for i, s in enumerate(history.segment) if i == 0 or s != history.segment[i - 1]]
        self.tables["lookup_orders"], self.tables["lookup_history"] = orders, history
        lang = self.active.lang
        labels = self._scheme.labels(lang) | {NONE: pair(NO_SEGMENT, lang)}
        said = pick(lang, "Đường đi qua các nhóm", "Segment path")
        self._draw("lookup",
                   HTML(f"<h4>{html_text(customer_id)}</h4><p>{said}: "
                        + " → ".join(html_text(labels.get(s, s)) for s in path) + "</p>"),
                   shown_table(history.assign(segment=history.segment.map(
                       lambda s: labels.get(s, s))), lang),
                   shown_table(orders, lang))
        return {"customer_id": customer_id, "path": path}

    def snapshot(self) -> list:
        """The current view as static outputs (what a headless run and its HTML show)."""
        return [self.figures["sizes"], self.figures["grid"],
                segments_sentences.segment_table(self.tables["segment_summary"], lang=self.active.lang)]

    # ------------------------------------------------------------ drawing

    def _draw(self, name: str, *objects) -> None:
        self.drawn[name] = objects  # what each view shows, for the tests and a static copy
        out = self.outputs[name]
        out.clear_output(wait=True)
        with out:
            for obj in objects:
                display(obj)

    def _say(self, text: str) -> None:
        self.message = text
        self._draw("status", HTML(f"<p>{html_text(text)}</p>"))


def measure_redraw(explorer: Explorer, changes: list[tuple[str, object]]) -> list[dict]:
    """Time each control change (for the benchmark): [{control, value, seconds}]."""
    out = []
    for name, value in changes:
        started = time.perf_counter()
        explorer.controls[name].value = value
        out.append({"control": name, "value": value, "seconds": time.perf_counter() - started})
    return out
