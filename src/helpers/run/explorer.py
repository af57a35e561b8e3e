"""The analyst's explorer: ipywidgets over the staged data, redrawn on every control change.

The shop's data is staged once in DuckDB. A control change only re-scores and re-segments (and
rebuilds the orders when the as-of date moves), so it stays interactive on millions of lines.
Everything the view shows is also kept on the object (`figures`, `tables`, `message`), which is
what the tests drive and check.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import HTML, display

from helpers.core.errors import ParamError
from helpers.core.params import RunParams
from helpers.core.paths import EXPORTS_DIR
from helpers.core.privacy import use_file_mode
from helpers.core.safety import folder_name, inside
from helpers.core.schemes import SchemeError, available_schemes, load_scheme
from helpers.engine import db
from helpers.ingest.phones import vn_mobile
from helpers.kit import export, rfm, snapshots
from helpers.kit.formatting import money, number
from helpers.kit.safe_text import html_text
from helpers.kit.texts import t
from helpers.pages.segments import charts
from helpers.pages.segments import compute as segments_compute
from helpers.pages.segments import files as segments_files
from helpers.pages.segments import sentences as segments_sentences

SORTABLE = ["monetary", "frequency", "recency_days", "orders", "aov", "customer_id"]
DEFAULT_CUTS = {"recency_days": [30, 90, 180, 365], "frequency": [2, 3, 5, 10],
                "monetary": [500_000, 1_000_000, 3_000_000, 10_000_000]}
PAGE_SIZE = 20

# (vi, en) for every label of the explorer: one language at a time, switched with its control
CONTROL_LABELS = {
    "as_of": ("Ngày phân tích", "As of"), "scheme": ("Cách phân nhóm", "Scheme"),
    "window": ("Cửa sổ", "Window"), "bins": ("Số mức điểm", "Bins"),
    "scoring": ("Cách chấm điểm", "Scoring"), "cuts_recency_days": ("Mốc R (ngày)", "R cut days"),
    "cuts_frequency": ("Mốc F (lần mua)", "F cut points"),
    "cuts_monetary": ("Mốc M (₫)", "M cut points"), "factors": ("Tiêu chí", "Factors"),
    "lang": ("Ngôn ngữ", "Language"), "segment": ("Nhóm", "Segment"),
    "sort": ("Sắp xếp theo", "Sort by"), "descending": ("giảm dần", "descending"),
    "page": ("Trang", "Page"), "compare": ("So với cách", "Compare with"),
    "lookup": ("Tìm", "Find"),
}
WINDOW_NAMES = {None: ("toàn bộ lịch sử", "all history"), 30: ("30 ngày", "30 days"),
                90: ("90 ngày", "90 days"), 180: ("180 ngày", "180 days"),
                365: ("365 ngày", "365 days"), 730: ("730 ngày", "730 days")}
TAB_TITLES = [("Các nhóm", "Segments"), ("R × FM", "R × FM"), ("Khách hàng", "Customers"),
              ("So sánh cách phân nhóm", "Compare schemes"), ("Tra cứu khách", "Customer lookup")]
BUTTON_LABELS = {"export": ("Xuất danh sách đang xem", "Export this selection"),
                 "lookup": ("Tra cứu", "Look up")}
LOOKUP_HINT = ("mã khách, số điện thoại hoặc email", "customer id, phone or e-mail")


def _cuts_text(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _parse_cuts(text: str) -> list[float]:
    return [float(x.replace("_", "")) for x in text.replace(";", ",").split(",") if x.strip()]


class Explorer:
    """Controls, views and actions for one staged shop. Build with Explorer.open(...)."""

    def __init__(self, con, run: RunParams, *, exports_dir: Path = EXPORTS_DIR):
        self.con = con
        self.run = run
        self.exports_dir = Path(exports_dir)
        self.figures: dict[str, object] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.message = ""
        self.timings: dict[str, float] = {}
        self._scheme = None
        self._quiet = False  # set while the explorer itself changes a control's options
        self._compare_stale = True
        self._build_controls()
        self._build_outputs()
        self.refresh()

    @classmethod
    def open(cls, *, as_of, orders_path, customers_path=None, scheme="rfm11", lang="vi",
             exports_dir: Path = EXPORTS_DIR, **params) -> Explorer:
        run = RunParams.from_values(as_of=as_of, orders_path=orders_path,
                                    customers_path=customers_path, scheme=scheme, lang=lang,
                                    **params)
        use_file_mode(run.file_mode)  # the contact lists it exports are private
        con = db.connect(**run.duckdb_options())
        rfm.load_inputs(con, run)
        return cls(con, run, exports_dir=exports_dir)

    # ------------------------------------------------------------ controls

    def _build_controls(self) -> None:
        r = self.run
        style = {"description_width": "110px"}
        self.controls = {
            "as_of": w.DatePicker(value=r.as_of, description="As of", style=style),
            "scheme": w.Dropdown(options=available_schemes(), value=r.scheme,
                                 description="Scheme", style=style),
            "window": w.Dropdown(options=[("all history", None), ("30 days", 30),
                                          ("90 days", 90), ("180 days", 180), ("365 days", 365),
                                          ("730 days", 730)],
                                 value=r.window_days if r.window_days in (30, 90, 180, 365, 730)
                                 else None, description="Window", style=style),
            "bins": w.IntSlider(value=r.bins, min=2, max=10, description="Bins", style=style),
            "scoring": w.ToggleButtons(options=["quantile", "fixed"], value=r.scoring,
                                       description="Scoring", style=style),
            "cuts_recency_days": w.Text(value=_cuts_text(DEFAULT_CUTS["recency_days"]),
                                        description="R cut days", style=style),
            "cuts_frequency": w.Text(value=_cuts_text(DEFAULT_CUTS["frequency"]),
                                     description="F cut points", style=style),
            "cuts_monetary": w.Text(value=_cuts_text(DEFAULT_CUTS["monetary"]),
                                    description="M cut points", style=style),
            "factors": w.Dropdown(options=["rfm", "rf", "rm", "fm"], value=r.factors,
                                  description="Factors", style=style),
            "lang": w.ToggleButtons(options=["vi", "en"], value=r.lang, description="Language",
                                    style=style),
            "segment": w.Dropdown(options=[], description="Segment", style=style),
            "sort": w.Dropdown(options=SORTABLE, value="monetary", description="Sort by",
                               style=style),
            "descending": w.Checkbox(value=True, description="descending"),
            "page": w.BoundedIntText(value=1, min=1, max=1, description="Page", style=style),
            "compare": w.Dropdown(options=available_schemes(), value="vn4"
                                  if "vn4" in available_schemes() else r.scheme,
                                  description="Compare with", style=style),
            "lookup": w.Text(placeholder="customer id, phone or e-mail", description="Find",
                             style=style),
        }
        self.buttons = {"export": w.Button(description="Export this selection", icon="download",
                                           button_style="primary"),
                        "lookup": w.Button(description="Look up", icon="search")}
        for name in ("as_of", "scheme", "window", "bins", "scoring", "cuts_recency_days",
                     "cuts_frequency", "cuts_monetary", "factors", "lang"):
            self.controls[name].observe(lambda change: None if self._quiet else self.refresh(),
                                        names="value")
        # another scheme to compare with: the scores stay, only the comparison is redone
        self.controls["compare"].observe(lambda change: self._compare(self.active), names="value")
        for name in ("segment", "sort", "descending", "page"):
            self.controls[name].observe(lambda change: self._redraw_table(), names="value")
        self.buttons["export"].on_click(lambda _: self.export_selection())
        self.buttons["lookup"].on_click(lambda _: self.lookup(self.controls["lookup"].value))
        self.controls["lookup"].continuous_update = False
        self._tabs = None
        self._apply_language(r.lang)
        self.controls["lang"].observe(lambda change: self._apply_language(change["new"]),
                                      names="value")

    def _apply_language(self, lang: str) -> None:
        """Every label of the explorer in one language (vi or en); values never change."""
        pick = 0 if lang == "vi" else 1
        for name, texts in CONTROL_LABELS.items():
            self.controls[name].description = texts[pick]
        window = self.controls["window"]
        value = window.value
        self._quiet = True  # new option names, the same window: no recomputation
        try:
            window.options = [(WINDOW_NAMES[v][pick], v) for v in (None, 30, 90, 180, 365, 730)]
            window.value = value
        finally:
            self._quiet = False
        self.controls["lookup"].placeholder = LOOKUP_HINT[pick]
        self.buttons["export"].description = BUTTON_LABELS["export"][pick]
        self.buttons["lookup"].description = BUTTON_LABELS["lookup"][pick]
        if getattr(self, "_tabs", None) is not None:
            for i, title in enumerate(TAB_TITLES):
                self._tabs.set_title(i, title[pick])

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
        return w.VBox([w.HBox([settings, o["status"]]), tabs])

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
            cuts = {k: _parse_cuts(c[f"cuts_{k}"].value)
                    for k in ("recency_days", "frequency", "monetary")}
        return self.run.replace(
            as_of=as_of, scheme=c["scheme"].value, window_days=c["window"].value,
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
        except (ParamError, SchemeError, ValueError) as exc:
            self._say(f"⚠ {exc}")
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
        self._say(f"{run.as_of} · {run.scheme} · {number(int(summary.customers.sum()), lang)} "
                  f"customers · {self.timings['refresh']:.2f} s")

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
        self._draw("compare", HTML(table.to_html(border=0)))

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
        shown = frame.assign(monetary=[money(v, self.active.lang) for v in frame.monetary],
                             aov=[money(v, self.active.lang) for v in frame.aov])
        lang = self.active.lang
        count = (f"{number(total, lang)} khách · trang {page}/{pages}" if lang == "vi"
                 else f"{number(total, lang)} customers · page {page} of {pages}")
        shown = shown.fillna("–")
        self._draw("table", HTML(f"<p>{count}</p>" + shown.to_html(index=False, border=0)))

    # ------------------------------------------------------------ actions

    def export_selection(self) -> Path:
        """Write the selected segment's contact list (all, and per channel with consent)."""
        segment = self.controls["segment"].value
        run = self.active
        export.build_contact_lists(self.con, self._table, "segment")
        # the scheme may be a path: the folder is named safely, and stays in exports_dir
        folder = inside(self.exports_dir,
                        self.exports_dir / f"{folder_name(run.scheme)}_{run.as_of}")
        files = export.write_contact_lists(self.con, folder, file_name="segment={key}.csv",
                                           keys=[segment],
                                           columns=segments_files.RFM_EXPORT_COLUMNS,
                                           as_of=run.as_of)
        counts = export.contact_list_counts(self.con).df()
        counts = counts[counts.list_key == segment].set_index("channel")
        parts = ", ".join(f"{ch}: {int(counts.loc[ch, 'in_list'])} sendable, "
                          f"{int(counts.loc[ch, 'no_consent'])} without consent"
                          for ch in export.CHANNELS if ch in counts.index)
        self.message = f"Wrote {files[0]} (and per-channel lists beside it). {parts}."
        self._draw("export", HTML(f"<p>{html_text(self.message)}</p>"))
        return files[0]

    def lookup(self, query: str) -> dict | None:
        """A customer's orders, RFM history over the last 12 month ends and segment path."""
        found = self.con.execute(
            "select customer_id from customers where customer_id = $q or phone = $phone "
            "or lower(email) = lower($q) or phone_raw = $q "
            "union select customer_id from order_lines where customer_id = $q limit 1",
            {"q": query.strip(), "phone": vn_mobile(query)}).fetchall()
        if not found:
            self.tables.pop("lookup_orders", None)
            said = ("Không có khách nào khớp với" if self.active.lang == "vi"
                    else "No customer matches")
            self._draw("lookup", HTML(f"<p>{said} {html_text(repr(query))}.</p>"))
            return None
        customer_id = found[0][0]
        orders = self.con.execute(
            "select order_id, order_date, amount, status, channel from order_lines "
            "where customer_id = ? and order_date <= ? order by order_date desc, source_line",
            [customer_id, self.active.as_of]).df()
        history = []
        for day in snapshots.month_ends(self.active.as_of, 12):
            then = rfm.build_rfm_segments(self.con, run=self.active, scheme=self._scheme,
                                          as_of=day).alias
            row = self.con.execute(
                f"select segment, rfm_code, recency_days, frequency, monetary from {then} "
                "where customer_id = ?", [customer_id]).df().to_dict("records")
            history.append({"month_end": day, **(row[0] if row else {"segment": "(none)"})})
        # each date's table is kept: the current one is built already, nothing to restore
        rfm.build_rfm_customers(self.con, run=self.active, scheme=self._scheme)
        history = pd.DataFrame(history)
        path = [s for i, s in enumerate(history.segment) if i == 0 or s != history.segment[i - 1]]
        self.tables["lookup_orders"], self.tables["lookup_history"] = orders, history
        labels = self._scheme.labels(self.active.lang)
        self._draw("lookup",
                   HTML(f"<h4>{html_text(customer_id)}</h4><p>Segment path: "
                        + " → ".join(html_text(labels.get(s, s)) for s in path) + "</p>"),
                   HTML(history.to_html(index=False, border=0)),
                   HTML(orders.to_html(index=False, border=0)))
        return {"customer_id": customer_id, "path": path}

    def snapshot(self) -> list:
        """The current view as static outputs (what a headless run and its HTML show)."""
        return [self.figures["sizes"], self.figures["grid"],
                segments_sentences.segment_table(self.tables["segment_summary"], lang=self.active.lang)]

    # ------------------------------------------------------------ drawing

    def _draw(self, name: str, *objects) -> None:
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
