# %% [markdown]
# # Kết quả chiến dịch chăm sóc · Campaign results against a holdout
# > Mỗi chiến dịch thực sự đã tạo ra bao nhiêu khách mua thêm, so với nhóm đối chứng không được liên hệ.
# > What each care campaign really caused, compared with a holdout that was not contacted.

# %% tags=["parameters"]
as_of = "2026-10-31"  # last day included, YYYY-MM-DD
orders_path = "data/raw/orders.csv"  # shop export (CSV, Parquet or XLSX): a file, a folder or a glob such as data/raw/orders/*.xlsx
customers_path = "data/raw/customers.csv"  # customers export, empty for none
returns_path = ""  # returns export (a file, folder or glob), empty for none
campaigns_path = "data/raw/campaigns.csv"  # campaigns.csv
campaign_sends_path = "data/raw/campaign_sends.csv"  # campaign_sends.csv (the send lists)
campaign_holdout_path = "data/raw/campaign_holdout.csv"  # campaign_holdout.csv (not contacted)
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
holdout_share = 0.1  # share of a campaign list held out (not contacted)
detectable_uplift = 0.02  # uplift in purchase rate the sample-size helper plans for
target_uplift = None  # uplift the next campaign should detect, a fraction like detectable_uplift (0.005 is 0.5 points); None: detectable_uplift
margin = None  # margin on revenue, a share such as 0.3 (ROI on margin); None: ROI on revenue (campaigns.csv may give a margin per campaign)
next_campaign_target = ""  # segment key for the next campaign's lists, empty for none
next_campaign_key = ""  # campaign id for the stable holdout hash, empty means target and date
lang = "vi"  # labels and number format, vi or en
currency = "VND"  # the shop's money, an ISO 4217 code (VND, USD, EUR): every amount is written in it
engine = "duckdb"  # where the models run: duckdb (this machine) or spark
spark_master = "local[2]"  # with engine spark: local[2], spark://host:7077, yarn, k8s://...
spark_conf = {}  # with engine spark: Spark settings, e.g. {"spark.executor.memory": "4g"}
what_if = ""  # set by the monthly runner: the what-if's name, "" for the managers' month
file_mode = "0600"  # mode of the files written (contact lists, cache): "0600" only you, "0640" your group may read
threads = None  # DuckDB threads, None for all cores
memory_limit = None  # DuckDB memory limit such as 8GB, None for the default
temp_directory = None  # where DuckDB spills what does not fit, None for .tmp here
temp_limit = None  # DuckDB spill at most, such as 20GB; None: 90% of the free disk

# %%
from helpers.kit import narrative, rfm
from helpers.kit.texts import t
from helpers.pages.campaigns import charts, checks, days, files, sentences
from helpers.pages.campaigns import compute as campaigns
from helpers.run import notebook

run = notebook.start(globals(), "05")  # every parameter above, checked
campaigns.check_params(holdout_share=holdout_share, detectable_uplift=detectable_uplift,
                       target_uplift=target_uplift, margin=margin)
scheme_def = rfm.load_run_scheme(run)
con, inputs = notebook.load(run)
campaign_rows = campaigns.load_campaigns(con, campaigns_path=campaigns_path,
                                       sends_path=campaign_sends_path,
                                       holdout_path=campaign_holdout_path)

# %%
narrative.section("05.1", lang=run.lang)

# %%
campaign_segments = campaigns.build_campaign_segments(con, run=run, scheme=scheme_def,
                                                      input_checksums=rfm.input_checksums(inputs),
                                                      store=days.campaign_store())
campaign_results = campaigns.measured_campaigns(con, as_of=run.as_of,
                                                excluded_statuses=run.excluded_statuses,
                                                holdout_share=holdout_share, margin=margin)
sentences.campaign_sentences(campaign_results, lang=run.lang)

# %%
charts.uplift_intervals(campaigns.totals(campaign_results), labels=scheme_def.labels(run.lang),
                        lang=run.lang, title=t("uplift_title", run.lang))

# %%
sentences.campaign_table(campaigns.totals(campaign_results), labels=scheme_def.labels(run.lang),
                         lang=run.lang)

# %%
display(checks.checks_sentence(campaigns.totals(campaign_results), lang=run.lang),
        checks.checks_table(campaigns.totals(campaign_results), holdout_share=holdout_share,
                            lang=run.lang))

# %%
checks.cuped_sentences(campaigns.totals(campaign_results), lang=run.lang)

# %%
narrative.section("05.2", lang=run.lang)

# %%
display(checks.small_segments_sentence(campaign_results, min_group=30, lang=run.lang),
        charts.uplift_intervals(campaigns.segment_detail(campaign_results, min_group=30),
                                labels=scheme_def.labels(run.lang), lang=run.lang,
                                title=t("uplift_segment_title", run.lang)))

# %%
narrative.section("05.3", lang=run.lang)

# %%
charts.delivery_funnel(campaign_results, lang=run.lang, title=t("funnel_title", run.lang))

# %%
charts.revenue_per_group(campaign_results, lang=run.lang, title=t("revenue_group_title", run.lang))

# %%
campaign_outcomes = campaigns.outcome_results(con, as_of=run.as_of)
checks.outcomes_table(campaign_outcomes, lang=run.lang)

# %%
narrative.section("05.4", lang=run.lang)

# %%
campaign_plan = campaigns.next_campaign_plan(
    con, run=run, scheme=scheme_def, results=campaign_results,
    input_checksums=rfm.input_checksums(inputs), holdout_share=holdout_share,
    target_uplift=target_uplift or detectable_uplift, store=days.campaign_store())
files.write_campaign_results(con, output_dir=run.output_dir, measured=campaign_results,
                             plan=campaign_plan, outcomes=campaign_outcomes,
                             results=campaigns.build_campaign_results(
                                 con, as_of=run.as_of,
                                 excluded_statuses=run.excluded_statuses).alias)
display(checks.plan_intro(campaign_plan, target=next_campaign_target,
                          labels=scheme_def.labels(run.lang), lang=run.lang),
        checks.plan_table(campaign_plan, labels=scheme_def.labels(run.lang), lang=run.lang))

# %%
next_list = campaigns.prepare_next_campaign(con, run=run, scheme=scheme_def,
                                            target=next_campaign_target, key=next_campaign_key,
                                            holdout_share=holdout_share)
sentences.next_campaign_result(next_list, lang=run.lang)
