"""Page 02, segment migration and the 12-month trend: notebooks/02_segment_migration.ipynb."""

NOTEBOOK = "02_segment_migration"
# pages whose outputs this one reads (the monthly runner starts it after them):
# reads the as-of date's segment snapshot that 01 stores
NEEDS: tuple[str, ...] = ("segments",)
