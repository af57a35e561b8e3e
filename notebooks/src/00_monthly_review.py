# %% [markdown]
# # Báo cáo tháng cho quản lý · Monthly review for managers
# > Trang tóm tắt đọc kết quả của các sổ 01–06 trong cùng thư mục tháng. · The summary page, read from notebooks 01–05's outputs in the same month folder.

# %% tags=["parameters"]
as_of = "2026-10-31"  # last day included, YYYY-MM-DD
output_dir = ""  # the month's run folder written by notebooks 01-06, empty means data/processed/runs/<as_of>
orders_path = "data/raw/orders.csv"  # shop export (CSV, Parquet or XLSX): a file, a folder or a glob such as data/raw/orders/*.xlsx
customers_path = "data/raw/customers.csv"  # customers export, empty for none
returns_path = ""  # returns export (a file, folder or glob), empty for none
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
scheme = "rfm11"  # segment scheme in params/schemes
scheme_params = {}  # values for the scheme's own parameters, e.g. churn_days for lifecycle
bins = 5  # score levels per factor
factors = "rfm"  # factors scored, rfm or two of them (rf, rm, fm)
loyalty_path = "params/loyalty.yaml"  # tiers, thresholds, period, points and re-ranking date
holdout_share = 0.1  # share of a campaign list held out (not contacted)
detectable_uplift = 0.02  # uplift in purchase rate the sample-size helper plans for
target_uplift = None  # as page 05 (checked here; the next campaign's plan is read from page 05's campaign_plan.csv)
margin = None  # as page 05 (checked here; ROI as page 05 wrote it)
lang = "vi"  # labels and number format, vi or en
currency = "VND"  # the shop's money, an ISO 4217 code (VND, USD, EUR): every amount is written in it
engine = "duckdb"  # where the models run: duckdb (this machine) or spark
spark_master = "local[2]"  # with engine spark: local[2], spark://host:7077, yarn, k8s://...
spark_conf = {}  # with engine spark: Spark settings, e.g. {"spark.executor.memory": "4g"}
file_mode = "0600"  # mode of the files written (contact lists, cache): "0600" only you, "0640" your group may read
run_id = ""  # the monthly run's id, set by the runner (and in its manifest); empty: made by this page from its time
what_if = ""  # set by the monthly runner: the what-if's name, "" for the managers' month
month_complete = None  # set by the monthly runner: False when the as-of is not its month's last day; None: from the date

# %%
from helpers.kit import rfm
from helpers.pages.campaigns.compute import check_params
from helpers.pages.review import compute as review
from helpers.pages.review import sentences
from helpers.run import notebook

run = notebook.start(globals(), "00")  # every parameter above, checked
check_params(holdout_share=holdout_share, detectable_uplift=detectable_uplift,
             target_uplift=target_uplift, margin=margin)
scheme_def = rfm.load_run_scheme(run)
period = review.review_period(run, month_complete)  # a month not over: the same days compared
display(*review.opening(run, period=period, run_id=run_id, what_if=what_if))
con, inputs = notebook.load(run, summary=False)

# %%
sentences.heading("actions", lang=run.lang)

# %%
display(*review.actions_section(run, scheme_def))

# %%
sentences.heading("kpis", lang=run.lang)

# %%
kpis = review.monthly_kpis(con, as_of=run.as_of, excluded_statuses=run.excluded_statuses,
                           period=period)
display(sentences.kpi_cards(kpis, period=period, lang=run.lang),
        sentences.kpi_sentences(kpis, period=period, lang=run.lang))

# %%
sentences.heading("segments", lang=run.lang)

# %%
display(*review.segments_section(run, scheme_def, period=period))

# %%
sentences.heading("migration", lang=run.lang)

# %%
display(*review.migration_section(run, scheme_def, period=period))

# %%
sentences.heading("cohorts", lang=run.lang)

# %%
display(*review.cohorts_section(run))

# %%
sentences.heading("tiers", lang=run.lang)

# %%
display(*review.tiers_section(run, loyalty_path, period=period))

# %%
sentences.heading("campaigns", lang=run.lang)

# %%
display(*review.campaigns_section(run))

# %%
sentences.heading("forecast", lang=run.lang)

# %%
display(*review.forecast_section(run))
