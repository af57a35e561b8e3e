"""Page 03, cohort revenue and repeat purchases: notebooks/03_cohort_revenue.ipynb."""
