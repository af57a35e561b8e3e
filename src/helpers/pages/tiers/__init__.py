"""Page 04, loyalty tiers: notebooks/04_loyalty_tiers.ipynb."""
