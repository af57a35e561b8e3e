# %% [markdown]
# # Khách còn mua không, và đáng giá bao nhiêu · Customer value
# > Ai vẫn còn là khách, mỗi người sẽ mua bao nhiêu lần và mang lại bao nhiêu trong thời gian tới (BG/NBD hoặc MBG/NBD, Gamma-Gamma).
# > Who is still a customer, and how much each will buy and bring in the coming months (BG/NBD or MBG/NBD, Gamma-Gamma).

# %% tags=["parameters"]
as_of = "2026-10-31"  # last day included, YYYY-MM-DD
orders_path = "data/raw/orders.csv"  # shop export (CSV, Parquet or XLSX): a file, a folder or a glob such as data/raw/orders/*.xlsx
customers_path = "data/raw/customers.csv"  # customers export, empty for none
returns_path = ""  # returns export (a file, folder or glob), empty for none
output_dir = ""  # folder for the outputs, empty means data/processed/runs/<as_of>
mapping = "auto"  # column mapping in params/mappings (auto picks it from the headers; kiotviet, shopee, tiktok_shop, shopify, generic)
date_order = ""  # dates written dmy, mdy or ymd; empty means as the mapping says (auto by default)
decimal_mark = ""  # decimal mark of amounts, "," or "."; per column {"Đơn giá": ","}; empty means as the mapping says
guest_keys = []  # walk-in codes read as guest sales, e.g. ["KH000"] (Khách lẻ and other common ones always are)
heavy_buyers = []  # customer keys that are one real buyer although they have far more orders than anyone else
customer_key = ""  # phone: the customer key is a phone number, one customer whatever its spelling; empty means as the mapping says
phone_region = ""  # with customer_key phone: the country of numbers written without +, e.g. VN (empty means VN)
shop_tz = "Asia/Ho_Chi_Minh"  # shop time zone, for timestamps written with a zone
encoding = "utf-8"  # text encoding of CSV exports, e.g. cp1258 for old Windows files
drop_duplicates = False  # drop exact duplicate rows (only when the export repeats rows)
scheme = "rfm11"  # segment scheme in params/schemes
scheme_params = {}  # values for the scheme's own parameters, e.g. churn_days for lifecycle
window_days = None  # look-back for F and M in days, None means all history
bins = 5  # score levels per factor
scoring = "quantile"  # quantile or fixed
fixed_cuts = {}  # cut points per factor (recency_days, frequency, monetary) for fixed scoring
factors = "rfm"  # factors scored, rfm or two of them (rf, rm, fm)
monetary = "total"  # M on the total spend (total) or the average order value (aov)
excluded_statuses = ["cancelled", "canceled", "failed", "void"]  # order statuses dropped
horizon_days = 90  # the horizon of expected purchases and revenue, in days
backtest_from = ""  # the back-test: the model fitted on what was known at this date (YYYY-MM-DD) predicts up to as_of, set against what happened; empty means the previous month end
slipping_drop = 0.2  # a customer whose P(alive) fell by more than this since backtest_from is listed in value/slipping.csv (as is one who fell below 0.5)
zero_amount_purchases = False  # count an order of amount 0 as a purchase day
fit_seed = 2026  # seed of the simulated futures behind the totals' 90% intervals (the fit itself is deterministic)
fit_max_customers = 500000  # no longer used: every buyer is fitted, on their distinct patterns weighted by their counts (kept so older params files run)
value_model = "bg_nbd"  # bg_nbd (Fader, Hardie & Lee 2005; a customer leaves only after a repeat purchase) or mbg_nbd (Batislam et al. 2007; may leave after any purchase, the first included)
engine = "duckdb"  # where the models run: duckdb (this machine) or spark
spark_master = "local[2]"  # with engine spark: local[2], spark://host:7077, yarn, k8s://...
spark_conf = {}  # with engine spark: Spark settings, e.g. {"spark.executor.memory": "4g"}
lang = "vi"  # labels and number format, vi or en
currency = "VND"  # the shop's money, an ISO 4217 code (VND, USD, EUR): every amount is written in it
what_if = ""  # set by the monthly runner: the what-if's name, "" for the managers' month
file_mode = "0600"  # mode of the files written (contact lists, cache): "0600" only you, "0640" your group may read
threads = None  # DuckDB threads, None for all cores
memory_limit = None  # DuckDB memory limit such as 8GB, None for the default
temp_directory = None  # where DuckDB spills what does not fit, None for .tmp here
temp_limit = None  # DuckDB spill at most, such as 20GB; None: 90% of the free disk

# %%
from helpers.kit import narrative, rfm, snapshots
from helpers.kit.texts import t
from helpers.pages.value import backtest, charts, check, files, sentences, slipping
from helpers.pages.value import backtest_sentences as bt_sentences
from helpers.pages.value import compute as customer_value
from helpers.run import notebook

run = notebook.start(globals(), "06")  # every parameter above, checked
customer_value.check_params(horizon_days=horizon_days, fit_max_customers=fit_max_customers,
                            value_model=value_model)
fitted_as_of = backtest.backtest_date(backtest_from, run.as_of)
slipping.check_params(slipping_drop=slipping_drop)
scheme_def = rfm.load_run_scheme(run)
con, inputs = notebook.load(run)

# %%
sentences.model_section(value_model, lang=run.lang)

# %%
summary = customer_value.summary_table(con, as_of=run.as_of,
                                       excluded_statuses=run.excluded_statuses,
                                       zero_amount_purchases=zero_amount_purchases)
# kept by content: next month's back-test fits this date again on the same lines
value_fit = customer_value.stored_fit(con, summary, as_of=run.as_of,
                                      excluded_statuses=run.excluded_statuses,
                                      zero_amount_purchases=zero_amount_purchases,
                                      seed=fit_seed, max_customers=fit_max_customers,
                                      model=value_model, store=customer_value.FIT_STORE)
# kept by content too (DuckDB runs), for next month's back-test
summary_store = customer_value.FIT_STORE if run.engine == "duckdb" else None
customer_value.keep_summary(con, summary, as_of=run.as_of, excluded_statuses=run.excluded_statuses,
                            zero_amount_purchases=zero_amount_purchases, store=summary_store)
# what the back-test sets against its predictions, while the orders as of as_of are at hand
actuals = backtest.actuals_table(con, fitted_as_of=fitted_as_of, through=run.as_of,
                                 excluded_statuses=run.excluded_statuses,
                                 zero_amount_purchases=zero_amount_purchases)
# the segments at as_of: page 01's snapshot of this date (computed only when there is none)
rfm.register_scheme(con, scheme_def, run.lang, run.factors)
snapshots.segments_source(con, "seg_value", run=run, scheme=scheme_def, as_of=run.as_of,
                          input_checksums={}, keep=False)
values = customer_value.write_values(con, value_fit, summary,
                                     run.output_dir / "customer_value.parquet",
                                     horizon_days=horizon_days, segments="seg_value")
written = files.write_customer_value(con, output_dir=run.output_dir, values=values,
                                      model=customer_value.model_table(
                                          value_fit, as_of=run.as_of, horizon_days=horizon_days),
                                      fading_segment=scheme_def.order[0], as_of=run.as_of,
                                      lang=run.lang)
fit_check, against = files.write_fit_check(con, value_fit, output_dir=run.output_dir,
                                           lost=check.lost_segment(scheme_def), as_of=run.as_of)
totals = customer_value.total_intervals(con, value_fit, horizon_days=horizon_days, seed=fit_seed)
sentences.value_headlines(value_fit, customer_value.headline_figures(con), written,
                          scheme=scheme_def, horizon_days=horizon_days, lang=run.lang,
                          check=fit_check, totals=totals)

# %%
sentences.against_rfm_sentence(fit_check, against, scheme=scheme_def, lang=run.lang,
                               fading_segment=scheme_def.order[0])

# %%
narrative.section("06.2", lang=run.lang)

# %%
charts.value_per_segment(customer_value.per_segment(con), order=scheme_def.order,
                         labels=scheme_def.labels(run.lang), colors=scheme_def.colors(),
                         lang=run.lang,
                         title=t("value_per_segment_title", run.lang, days=horizon_days))

# %%
narrative.section("06.3", lang=run.lang)

# %%
charts.p_alive_curves(customer_value.p_alive_curves(value_fit), lang=run.lang,
                      title=t("p_alive_title", run.lang))

# %%
sentences.rule_sentence(fit_check, against, lang=run.lang)

# %%
narrative.section("06.4", lang=run.lang)

# %%
calibrated = customer_value.calibration(
    con, as_of=run.as_of, excluded_statuses=run.excluded_statuses,
    zero_amount_purchases=zero_amount_purchases, horizon_days=horizon_days, seed=fit_seed,
    max_customers=fit_max_customers, first_date=customer_value.first_purchase(con, summary),
    model=value_model, store=customer_value.FIT_STORE)
sentences.calibration_sentence(calibrated, horizon_days=horizon_days, lang=run.lang,
                               as_of=run.as_of, since=fitted_as_of)

# %%
charts.calibration(calibrated, lang=run.lang, title=t("calibration_title", run.lang))

# %%
bt_sentences.heading("backtest", lang=run.lang, since=fitted_as_of, as_of=run.as_of)

# %%
# the segments at the fit's date: page 02's snapshot of that month end when it has one
snapshots.segments_source(con, "seg_backtest", run=run, scheme=scheme_def, as_of=fitted_as_of,
                          input_checksums={}, keep=False)
backtest_segments = "seg_backtest"
tested = backtest.run(
    con, fitted_as_of=fitted_as_of, through=run.as_of, excluded_statuses=run.excluded_statuses,
    zero_amount_purchases=zero_amount_purchases, horizon_days=horizon_days, seed=fit_seed,
    max_customers=fit_max_customers, model=value_model, output_dir=run.output_dir,
    segments=backtest_segments, actuals=actuals, fit_store=customer_value.FIT_STORE,
    summary_store=summary_store)
bt_sentences.backtest_sentences(tested, lang=run.lang)

# %%
charts.backtest_history(backtest.last_months(tested.history), lang=run.lang)

# %%
bt_sentences.history_sentence(backtest.last_months(tested.history), lang=run.lang)

# %%
bt_sentences.segment_table(tested.by_segment, labels=scheme_def.labels(run.lang),
                           order=scheme_def.order, lang=run.lang)

# %%
charts.backtest_frequency(tested.by_frequency, lang=run.lang)

# %%
bt_sentences.band_table(tested.bands, lang=run.lang)

# %%
bt_sentences.heading("slipping", lang=run.lang)

# %%
slipped = slipping.write_slipping(con, backtest.SCRATCH if tested.ok else None,
                                  output_dir=run.output_dir, fitted_as_of=fitted_as_of,
                                  as_of=run.as_of, drop=slipping_drop, lang=run.lang)
bt_sentences.slipping_sentence(slipped, lang=run.lang)

# %%
bt_sentences.heading("one_time", lang=run.lang)

# %%
sentences.one_time_sentence(value_model, lang=run.lang)

# %%
sentences.one_time_table(check.one_time_buyers(con, backtest.SCRATCH if tested.ok else None),
                         lang=run.lang)
