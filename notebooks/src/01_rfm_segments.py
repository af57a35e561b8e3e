# %% [markdown]
# # Phân nhóm khách hàng RFM · RFM segments
# > Mỗi khách đang ở nhóm nào tính đến ngày phân tích, mỗi nhóm lớn cỡ nào, và nên chăm sóc ra sao.
# > Which segment each customer is in as of the run date, how big each segment is, and whom to contact.

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
lang = "vi"  # labels and number format, vi or en
currency = "VND"  # the shop's money, an ISO 4217 code (VND, USD, EUR): every amount is written in it
what_if = ""  # set by the monthly runner: the what-if's name, "" for the managers' month
file_mode = "0600"  # mode of the files written (contact lists, cache): "0600" only you, "0640" your group may read
xlsx = True  # also write exports/segments.xlsx with a sheet per segment
threads = None  # DuckDB threads, None for all cores
memory_limit = None  # DuckDB memory limit such as 8GB, None for the default
temp_directory = None  # where DuckDB spills what does not fit, None for .tmp here
temp_limit = None  # DuckDB spill at most, such as 20GB; None: 90% of the free disk
engine = "duckdb"  # where the models run: duckdb (this machine) or spark
spark_master = "local[2]"  # with engine spark: local[2], spark://host:7077, yarn, k8s://...
spark_conf = {}  # with engine spark: Spark settings, e.g. {"spark.executor.memory": "4g"}

# %%
from helpers.kit import narrative, rfm, snapshots
from helpers.kit.texts import t
from helpers.pages.segments import charts, compute, files, sentences
from helpers.run import notebook

run = notebook.start(globals(), "01")  # every parameter above, checked
scheme_def = rfm.load_run_scheme(run)
con, inputs = notebook.load(run)

# %%
narrative.section("01.1", lang=run.lang)

# %%
rfm_customers = rfm.build_rfm_customers(con, run=run, scheme=scheme_def)
segment_summary = rfm.build_segment_summary(con, run)
revenue_concentration = compute.build_revenue_concentration(con, run)
display(*sentences.rfm_headlines(compute.headline(con, run), lang=run.lang,
                                 window_days=run.window_days))

# %%
narrative.section("01.2", lang=run.lang)

# %%
charts.segment_treemap(segment_summary.df(), value="customers", lang=run.lang,
                       colors=scheme_def.colors(), title=t("treemap_customers", run.lang))

# %%
charts.segment_treemap(segment_summary.df(), value="revenue", lang=run.lang,
                       colors=scheme_def.colors(), title=t("treemap_revenue", run.lang))

# %%
sentences.segment_table(segment_summary.df(), lang=run.lang)

# %%
narrative.section("01.3", lang=run.lang)

# %%
charts.rfm_grid_heatmap(compute.rfm_grid(con, run), bins=run.bins, labels=scheme_def.labels(run.lang),
                        lang=run.lang, title=t("grid_title", run.lang))

# %%
narrative.section("01.4", lang=run.lang)

# %%
cut_points = compute.cut_points(con, bins=run.bins, table=rfm_customers.alias)
display(sentences.score_levels(cut_points, compute.empty_levels(cut_points), lang=run.lang),
        sentences.cut_point_table(cut_points, lang=run.lang))

# %%
narrative.section("01.5", lang=run.lang)

# %%
charts.rfm_distributions(compute.distributions(con, run), lang=run.lang)

# %%
narrative.section("01.6", lang=run.lang)

# %%
charts.revenue_concentration(revenue_concentration.df(), lang=run.lang,
                             title=t("pareto_title", run.lang))

# %%
narrative.section("01.7", lang=run.lang)

# %%
outputs = files.write_rfm_outputs(con, output_dir=run.output_dir, segment_keys=scheme_def.keys,
                                   as_of=run.as_of, with_contacts=run.customers_path is not None,
                                   xlsx=xlsx, labels=scheme_def.labels(run.lang), lang=run.lang,
                                   customers=rfm_customers.alias, summary=segment_summary.alias)
display(narrative.send_lists(outputs["send_list_counts"], scheme_def.labels(run.lang),
                             lang=run.lang),
        sentences.exports_written(outputs, run.output_dir, lang=run.lang))

# %%
snapshot_path = snapshots.write_snapshot(con, scheme=run.scheme, as_of=run.as_of,
                                         settings=rfm.snapshot_settings(run, scheme_def),
                                         input_checksums=snapshots.content_checksums(
                                             con, [run.as_of], run.excluded_statuses)[run.as_of])
sentences.snapshot_written(snapshot_path, lang=run.lang)
