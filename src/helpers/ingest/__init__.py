"""Layer 3: shop exports (CSV, XLSX, Parquet; a file, a folder or a glob) read into staged tables.

Nothing is lost: per file and in total, rows read = rows loaded + rows set aside (quarantined,
guest sales) + duplicates dropped. What the data can tell about its shape is detected from the
whole column and stated, or the load stops with the setting to choose. Imports engine and core.

    readers     each file streamed to a Parquet file of text columns, with its file and line
    typed       a Parquet file's numbers, decimals, dates and timestamps kept typed, not text
    file_cache  each file read, checked and parsed once, kept by its own content: a new month
                reads and parses its file alone
    raw_views   the views staging reads over the files as read (raw_orders, ...)
    detect      date order, decimal mark, an order total on every line, which mapping
    staging     the staging models over those columns (DuckDB or Spark), load(); the checks
                that span files over the parsed rows of every file
    cache       the staged export kept as Parquet, keyed by the files and settings
    ledger      counts per file, staged rows, guest sales, rows set aside with their reason
    report      LoadReport: what one load did
    guests      walk-in codes (guest_keys), keys that look like many people (heavy_buyers), ids
                that cannot be ids (scientific notation, order ids of several customers)
    overlap     overlapping exports: an order read whole from the file exported last
    refunds     refunds written on the order (refund_status_map), netted or a stop
    phones      phone numbers: the customers file's mobile rule, phone keys (customer_key: phone)
    campaign_files, mappings, sample_data, cli (python -m helpers.ingest)

What other layers use is named here.
"""

from helpers.core.errors import IngestError
from helpers.core.files import expand_inputs, file_sha256
from helpers.ingest.campaign_files import CAMPAIGN_FILES, load_campaign_files, read_raw
from helpers.ingest.cli import check_export, main
from helpers.ingest.mappings import CUSTOMER_COLUMNS, ORDER_COLUMNS, MappingError, load_mapping
from helpers.ingest.report import LoadReport
from helpers.ingest.staging import customers_mapping, load, load_customers, load_orders

__all__ = ["CAMPAIGN_FILES", "CUSTOMER_COLUMNS", "ORDER_COLUMNS", "IngestError", "LoadReport",
           "MappingError", "check_export", "customers_mapping", "expand_inputs", "file_sha256",
           "load", "load_campaign_files", "load_customers", "load_mapping", "load_orders", "main",
           "read_raw"]
