"""Page 00, the monthly review a manager reads first: notebooks/00_monthly_review.ipynb."""
