"""Page 01, RFM segments: notebooks/01_rfm_segments.ipynb."""

NOTEBOOK = "01_rfm_segments"
# pages whose outputs this one reads (the monthly runner starts it after them):
# the segments at the as-of date and their snapshot, which 02, 05 and 06 read
NEEDS: tuple[str, ...] = ()
