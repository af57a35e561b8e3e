"""Page 02, segment migration and the 12-month trend: notebooks/02_segment_migration.ipynb."""
