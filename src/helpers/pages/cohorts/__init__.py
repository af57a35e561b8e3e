"""Page 03, cohort revenue and repeat purchases: notebooks/03_cohort_revenue.ipynb."""

NOTEBOOK = "03_cohort_revenue"
# pages whose outputs this one reads (the monthly runner starts it after them):
# reads the staged orders only
NEEDS: tuple[str, ...] = ()
