# %% [markdown]
# # Hạng thành viên · Loyalty tiers
# > Ai đang ở hạng nào theo chi tiêu, ai sắp lên hạng, ai vừa lên hay xuống hạng, và ai có sinh nhật tháng tới.
# > Who is in which tier by spend, who is close to the next one, who moved up or down, and whose birthday is next month.

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
loyalty_path = "params/loyalty.yaml"  # tiers, thresholds, period, points and re-ranking date
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
from helpers.pages.tiers import charts, files, sentences
from helpers.pages.tiers import compute as loyalty
from helpers.run import notebook

run = notebook.start(globals(), "04")  # every parameter above, checked
config = loyalty.load_loyalty(loyalty_path)
con, inputs = notebook.load(run)

# %%
narrative.section("04.1", lang=run.lang)

# %%
loyalty_members = loyalty.build_loyalty_members(con, as_of=run.as_of, config=config,
                                                excluded_statuses=run.excluded_statuses,
                                                store=loyalty.tier_store())
tier_summary = loyalty.tier_summary(con, config)
sentences.loyalty_headlines(tier_summary, names=config.names(run.lang), as_of=run.as_of,
                            reranking=loyalty.next_reranking(run.as_of, config.reranking_day),
                            lang=run.lang)

# %%
charts.tier_members(tier_summary, names=config.names(run.lang), lang=run.lang,
                    title=t("tiers_title", run.lang))

# %%
narrative.section("04.2", lang=run.lang)

# %%
charts.tier_changes(tier_summary, order=config.order, names=config.names(run.lang),
                    lang=run.lang, title=t("changes_title", run.lang))

# %%
narrative.section("04.3", lang=run.lang)

# %%
charts.gap_distribution(loyalty.gap_histogram(con, config), names=config.names(run.lang), lang=run.lang,
                        title=t("gap_title_tiers", run.lang))

# %%
narrative.section("04.4", lang=run.lang)

# %%
tier_lists = loyalty.build_tier_lists(con, as_of=run.as_of, config=config)
outputs = files.write_loyalty_outputs(con, output_dir=run.output_dir, lists=loyalty.LISTS,
                                      as_of=run.as_of, lang=run.lang, members=loyalty_members.alias,
                                      tier_lists=tier_lists.alias)
display(sentences.list_sizes(outputs["send_list_counts"], lang=run.lang),
        narrative.send_lists(outputs["send_list_counts"], {}, lang=run.lang))
