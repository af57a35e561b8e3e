-- Generated from stg_order_repeats.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* Staging, step 3 of 4: the rows that exactly repeat an earlier row (every column of the export */
/* alike, the same order). Two identical lines may be two real purchases: they are kept unless */
/* drop_duplicates. Identical rows share their order id, so only the lines of orders with several */
/* lines (order_structure) and the lines without an order id can repeat one another. */
/* unique: source_file, source_line */
WITH candidates AS (
  /* the lines that can repeat another: one pass over the parsed lines */
  SELECT
    source_file,
    source_line,
    row_hash,
    order_id,
    customer_id,
    order_date_text,
    amount_text,
    status_text,
    channel
  FROM parsed_order_lines
  WHERE
    order_id IS NULL
  UNION ALL
  /* an order in several files: only the lines of the file it is read from (stg_order_structure) */
  SELECT
    lines.source_file,
    lines.source_line,
    lines.row_hash,
    lines.order_id,
    lines.customer_id,
    lines.order_date_text,
    lines.amount_text,
    lines.status_text,
    lines.channel
  FROM parsed_order_lines AS lines
  SEMI JOIN order_structure
    ON lines.order_id = order_structure.order_id
    AND lines.source_file = order_structure.kept_file
), repeated_hashes AS (
  /* rows can repeat each other only where the hash of their raw text repeats */
  SELECT
    row_hash
  FROM candidates
  GROUP BY ALL
  HAVING
    COUNT(*) > 1
), copies AS (
  SELECT
    source_file,
    source_line,
    ROW_NUMBER() OVER (
      PARTITION BY row_hash, order_id, customer_id, order_date_text, amount_text, status_text, channel
      ORDER BY source_file NULLS LAST, source_line NULLS LAST
    ) AS copy_number
  FROM candidates
  SEMI JOIN repeated_hashes
    ON candidates.row_hash = repeated_hashes.row_hash
), final AS (
  SELECT
    source_file,
    source_line
  FROM copies
  WHERE
    copy_number > 1
)
SELECT
  *
FROM final
