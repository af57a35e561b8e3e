"""Layer 4: what every page uses: the run's inputs and segments at a date (rfm, snapshots),
file writers and contact lists (export, xlsx), chart helpers, formatting, texts, theme, HTML and
PDF. Imports ingest, engine, core.
"""
