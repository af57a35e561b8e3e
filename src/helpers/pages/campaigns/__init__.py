"""Page 05, campaign results against a holdout: notebooks/05_campaign_results.ipynb."""

NOTEBOOK = "05_campaign_results"
# pages whose outputs this one reads (the monthly runner starts it after them):
# reads the segment snapshots that 01 stores
NEEDS: tuple[str, ...] = ("segments",)
