# %% [markdown]
# # Khách chuyển nhóm giữa hai kỳ · Segment migration
# > Ai đã lên nhóm, ai đã tụt nhóm, và ai cần được giành lại ngay bây giờ.
# > Who moved where between two dates, and who must be won back now.

# %% tags=["parameters"]
as_of_to = "2026-10-31"  # the later date, YYYY-MM-DD
as_of_from = ""  # the earlier date, empty means the month end before as_of_to
orders_path = "data/raw/orders.csv"  # shop export (CSV, Parquet or XLSX): a file, a folder or a glob such as data/raw/orders/*.xlsx
customers_path = "data/raw/customers.csv"  # customers export, empty for none
returns_path = ""  # returns export (a file, folder or glob), empty for none
output_dir = ""  # folder for the outputs, empty means data/processed/runs/<as_of_to>
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
movers_lists = {}  # movers lists to write; empty means the scheme's own (movers_lists in its file), or name -> from and to segment lists (an empty from means any other segment)
trend_months = 12  # month ends shown in the trend
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
from helpers.core.params import parse_date
from helpers.kit import narrative, rfm, snapshots
from helpers.kit.texts import t
from helpers.pages.migration import charts, files, sentences
from helpers.pages.migration import compute as migration
from helpers.run import notebook

run = notebook.start(globals(), "02", as_of=as_of_to)  # every parameter above, checked
date_from = parse_date(as_of_from, "as_of_from") if as_of_from else migration.default_from(run.as_of)
migration.check_dates(date_from, run.as_of)
scheme_def = rfm.load_run_scheme(run)
movers = migration.movers_lists_for(scheme_def, movers_lists)
con, inputs = notebook.load(run)
checksums = rfm.input_checksums(inputs)

# %%
narrative.section("02.1", lang=run.lang)

# %%
# every date's segments: from its snapshot, or the new dates computed together in one pass
ready = {}
trend = migration.segment_trend(con, run=run, scheme=scheme_def,
                                dates=snapshots.month_ends(run.as_of, trend_months),
                                also=[date_from, run.as_of], ready=ready, input_checksums=checksums)
source_from = snapshots.point(con, "seg_from", ready[date_from])
source_to = snapshots.point(con, "seg_to", ready[run.as_of])
segment_movers = migration.build_segment_movers(con, scheme=scheme_def, lang=run.lang)
segment_migration = migration.build_segment_migration(con)
headline = migration.headline(con)
sentences.migration_headlines(headline, as_of_from=date_from, as_of_to=run.as_of,
                              lang=run.lang, sources={date_from: source_from, run.as_of: source_to})

# %%
charts.migration_heatmap(segment_migration.df(), order=scheme_def.order,
                         labels=scheme_def.labels(run.lang), lang=run.lang,
                         title=t("migration_title", run.lang, a=narrative.day(date_from, run.lang),
                                 b=narrative.day(run.as_of, run.lang)))

# %%
charts.migration_sankey(segment_migration.df(), order=scheme_def.order,
                        labels=scheme_def.labels(run.lang), colors=scheme_def.colors(),
                        lang=run.lang, title=t("sankey_title", run.lang))

# %%
narrative.section("02.2", lang=run.lang)

# %%
outputs = files.write_migration_outputs(
    con, output_dir=run.output_dir, trend=trend, headline=headline, as_of=run.as_of,
    movers=migration.build_movers_lists(con, movers, scheme_def.keys), lang=run.lang,
    list_labels={name: scheme_def.movers_label(name, run.lang) for name in movers},
    matrix=segment_migration.alias)
display(sentences.movers_sizes(outputs["sizes"], scheme_def, lang=run.lang),
        narrative.send_lists(outputs["send_list_counts"], {}, lang=run.lang))

# %%
narrative.section("02.3", lang=run.lang)

# %%
charts.segment_trend(trend, order=scheme_def.order, labels=scheme_def.labels(run.lang),
                     colors=scheme_def.colors(), lang=run.lang, title=t("trend_title", run.lang))
