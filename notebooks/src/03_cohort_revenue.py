# %% [markdown]
# # Doanh thu theo nhóm khách và thời điểm mua lại · Cohort revenue and repurchase windows
# > Mỗi lứa khách mới tiếp tục mua ra sao theo từng tháng, và ai nên được liên hệ ngay bây giờ vì vừa mua 7, 14 hay 28 ngày trước.
# > How each intake of customers keeps buying month after month, and whom to contact now because they bought 7, 14 or 28 days ago.

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
excluded_statuses = ["cancelled", "canceled", "failed", "void"]  # order statuses dropped
grain = "month"  # cohort grain, month or week (ISO weeks)
max_periods = 24  # periods shown in the charts, None for all
windows = [7, 14, 28]  # repurchase windows in days before the as-of date
lang = "vi"  # labels and number format, vi or en
currency = "VND"  # the shop's money, an ISO 4217 code (VND, USD, EUR): every amount is written in it
what_if = ""  # set by the monthly runner: the what-if's name, "" for the managers' month
file_mode = "0600"  # mode of the files written (contact lists, cache): "0600" only you, "0640" your group may read
threads = None  # DuckDB threads, None for all cores
memory_limit = None  # DuckDB memory limit such as 8GB, None for the default
temp_directory = None  # where DuckDB spills what does not fit, None for .tmp here
temp_limit = None  # DuckDB spill at most, such as 20GB; None: 90% of the free disk
engine = "duckdb"  # where the models run: duckdb (this machine) or spark
spark_master = "local[2]"  # with engine spark: local[2], spark://host:7077, yarn, k8s://...
spark_conf = {}  # with engine spark: Spark settings, e.g. {"spark.executor.memory": "4g"}

# %%
from helpers.kit import narrative
from helpers.kit.texts import t
from helpers.pages.cohorts import charts, files, sentences
from helpers.pages.cohorts import compute as cohorts
from helpers.run import notebook

run = notebook.start(globals(), "03")  # every parameter above, checked
con, inputs = notebook.load(run)

# %%
narrative.section("03.1", lang=run.lang)

# %%
cohort_table = cohorts.build_cohort_revenue(con, as_of=run.as_of, grain=grain,
                                            excluded_statuses=run.excluded_statuses)
cohort_revenue = cohort_table.df()
returned = cohorts.return_within(con, as_of=run.as_of, windows=windows,
                                 excluded_statuses=run.excluded_statuses)
dense = cohorts.dense_triangle(cohort_revenue, as_of=run.as_of, grain=grain,
                               max_periods=max_periods)
sentences.cohort_headlines(cohort_revenue, returned, as_of=run.as_of, grain=grain, lang=run.lang)

# %%
charts.cohort_heatmap(dense, value="retention", lang=run.lang, title=t("retention_title", run.lang))

# %%
narrative.section("03.2", lang=run.lang)

# %%
charts.cohort_heatmap(dense, value="revenue", lang=run.lang,
                      title=t("revenue_triangle_title", run.lang))

# %%
charts.ltv_curves(cohorts.ltv_curves(dense), lang=run.lang, title=t("ltv_title", run.lang))

# %%
charts.purchases_per_customer(cohorts.purchases_per_customer(dense), lang=run.lang,
                              title=t("ppc_title", run.lang))

# %%
narrative.section("03.3", lang=run.lang)

# %%
second_purchase_gap = cohorts.second_purchase_gap(
    con, as_of=run.as_of, excluded_statuses=run.excluded_statuses)
charts.second_purchase_gap(second_purchase_gap.df(), returned, lang=run.lang,
                           title=t("gap_title", run.lang))

# %%
narrative.section("03.4", lang=run.lang)

# %%
repurchase_windows = cohorts.build_repurchase_windows(con, as_of=run.as_of, windows=windows,
                                                     excluded_statuses=run.excluded_statuses)
sentences.window_counts(repurchase_windows.df(), lang=run.lang)

# %%
window_keys = [f"{lo}-{hi}d" for lo, hi in zip([1] + [w + 1 for w in windows[:-1]], windows)]
outputs = files.write_cohort_outputs(con, output_dir=run.output_dir, window_keys=window_keys,
                                     as_of=run.as_of, lang=run.lang,
                                     tables={"cohort_revenue": cohort_table.alias,
                                             "second_purchase_gap": second_purchase_gap.alias,
                                             "repurchase_windows": repurchase_windows.alias})
narrative.send_lists(outputs["send_list_counts"], {}, lang=run.lang)
