"""Page 06, customer value (BG/NBD or MBG/NBD, and Gamma-Gamma): notebooks/06_customer_value.ipynb."""

NOTEBOOK = "06_customer_value"
# pages whose outputs this one reads (the monthly runner starts it after them):
# joins its predictions to the segments 01 wrote
NEEDS: tuple[str, ...] = ("segments",)
