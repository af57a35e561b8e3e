"""Page 01, RFM segments: notebooks/01_rfm_segments.ipynb."""
