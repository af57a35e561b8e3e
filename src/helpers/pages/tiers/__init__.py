"""Page 04, loyalty tiers: notebooks/04_loyalty_tiers.ipynb."""

NOTEBOOK = "04_loyalty_tiers"
# pages whose outputs this one reads (the monthly runner starts it after them):
# reads the staged orders only
NEEDS: tuple[str, ...] = ()
