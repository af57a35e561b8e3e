"""Page 00, the monthly review a manager reads first: notebooks/00_monthly_review.ipynb."""

NOTEBOOK = "00_monthly_review"
# pages whose outputs this one reads (the monthly runner starts it after them):
# reads the files every other page wrote
NEEDS: tuple[str, ...] = ("segments", "migration", "cohorts", "tiers", "campaigns", "value")
