-- Generated from stg_order_structure.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* Staging, step 2 of 4: one row per order with several lines, with what its lines say together. */
/* An order in several files (overlapping exports) is read from the file exported last */
/* (export_rank, ingest.overlap): its figures come from that file's lines only. */
/* Reads the parsed lines of step 1 (parsed_order_lines). Nine in ten orders have one line: their */
/* figures are the line's own, so they are left out here, and the aggregation that keeps every */
/* order id at once holds only the ids and a count (spilled to disk by DuckDB when it does not fit). */
/* unique: order_id */
WITH lines AS (
  /* read twice, never copied: a CTE read twice is kept whole in memory otherwise */
  SELECT
    *
  FROM parsed_order_lines
  WHERE
    NOT order_id IS NULL
), multi_line_order_ids AS (
  SELECT
    order_id
  FROM lines
  GROUP BY ALL
  HAVING
    COUNT(*) > 1
), order_lines_all AS (
  SELECT
    lines.*
  FROM lines
  SEMI JOIN multi_line_order_ids
    ON lines.order_id = multi_line_order_ids.order_id
), per_file AS (
  /* an order's lines in each file: how many, and a digest of their raw text (two files with */
  /* the same lines of an order have the same count and digest) */
  SELECT
    order_id,
    source_file,
    MAX(export_rank) AS export_rank,
    COUNT(*) AS file_lines,
    SUM(row_hash % 1000003) AS file_digest
  FROM order_lines_all
  GROUP BY ALL
), per_order AS (
  SELECT
    order_id,
    COUNT(*) AS files,
    MAX(export_rank) AS latest_rank
  FROM per_file
  GROUP BY ALL
), customers_of_orders AS (
  /* one order belongs to one customer, in every file: an id of several customers (an id the */
  /* shop reuses month after month, or damaged by Excel) is never resolved by export time */
  SELECT
    order_id,
    MIN(customer_id) FILTER(WHERE
      NOT is_guest AND NOT customer_id IS NULL) <> MAX(customer_id) FILTER(WHERE
      NOT is_guest AND NOT customer_id IS NULL) AS is_shared_by_customers
  FROM order_lines_all
  GROUP BY ALL
), latest_files AS (
  /* the files of the latest export time that hold the order: one is read (the first by */
  /* name: a second download `… (1)` after its original); if they disagree, the load stops */
  SELECT
    per_file.order_id,
    MIN(per_file.source_file) AS kept_file,
    COUNT(*) > 1
    AND (
      MIN(per_file.file_lines) <> MAX(per_file.file_lines)
      OR MIN(per_file.file_digest) <> MAX(per_file.file_digest)
    ) AS is_export_conflict,
    MIN(per_file.file_lines) AS kept_lines,
    MIN(per_file.file_digest) AS kept_digest
  FROM per_file
  INNER JOIN per_order
    ON per_file.order_id = per_order.order_id
    AND per_file.export_rank = per_order.latest_rank
  GROUP BY ALL
), exports AS (
  SELECT
    per_order.order_id,
    per_order.files,
    latest_files.kept_file,
    latest_files.is_export_conflict,
    BOOL_OR(
      per_file.file_lines <> latest_files.kept_lines
      OR per_file.file_digest <> latest_files.kept_digest
    ) AS is_order_changed /* an earlier file says something else of the order: its status, lines or total changed */
  FROM per_order
  INNER JOIN latest_files
    ON per_order.order_id = latest_files.order_id
  INNER JOIN per_file
    ON per_order.order_id = per_file.order_id
  GROUP BY ALL
), multi_lines AS (
  /* the order as the export read for it has it: what follows never mixes two exports */
  SELECT
    order_lines_all.*
  FROM order_lines_all
  INNER JOIN exports
    ON order_lines_all.order_id = exports.order_id
    AND order_lines_all.source_file = exports.kept_file
), aggregated AS (
  SELECT
    order_id,
    COUNT(*) AS lines,
    MIN(line_amount) AS order_amount_min,
    MAX(line_amount) AS order_amount_max,
    MIN_BY(status_text, STRUCT(source_file AS file, source_line AS line)) /* an order's status may be written on its first line only (Shopify): the first one given */ FILTER(WHERE
      NOT status_text IS NULL) AS first_status_text,
    MIN_BY(
      STRUCT(source_file AS file, source_line AS line),
      STRUCT(
        line_amount IS NULL AS no_amount,
        ordered_at IS NULL AS no_date,
        source_file AS file,
        source_line AS line
      )
    ) AS amount_line, /* the line that carries an order-level amount: the first readable one */
    BOOL_OR(refund_class = 'refunded') AS is_refunded, /* a refund written on any line is the order's; what was bought and returned, summed */
    MAX(refund_amount) AS refund_amount,
    SUM(quantity) AS quantity,
    SUM(returned_quantity) AS returned_quantity
  FROM multi_lines
  GROUP BY ALL
), final AS (
  SELECT
    aggregated.*,
    COALESCE(customers_of_orders.is_shared_by_customers, FALSE) AS is_shared_by_customers,
    exports.files,
    exports.kept_file,
    exports.is_export_conflict,
    exports.files > 1 AND exports.is_order_changed AS is_order_changed
  FROM aggregated
  INNER JOIN exports
    ON aggregated.order_id = exports.order_id
  INNER JOIN customers_of_orders
    ON aggregated.order_id = customers_of_orders.order_id
)
SELECT
  *
FROM final
