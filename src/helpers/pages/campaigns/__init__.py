"""Page 05, campaign results against a holdout: notebooks/05_campaign_results.ipynb."""
