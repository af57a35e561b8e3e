"""Page 06, customer value (BG/NBD and Gamma-Gamma): notebooks/06_customer_value.ipynb."""
