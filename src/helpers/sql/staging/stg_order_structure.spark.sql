-- Generated from stg_order_structure.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* Staging, step 2 of 4: one row per order with several lines, with what its lines say together. */
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
), multi_lines AS (
  SELECT
    lines.*
  FROM lines
  SEMI JOIN multi_line_order_ids
    ON lines.order_id = multi_line_order_ids.order_id
), final AS (
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
    MIN(customer_id) /* one order belongs to one customer: an id shared by several cannot be trusted */ FILTER(WHERE
      NOT is_guest AND NOT customer_id IS NULL) <> MAX(customer_id) FILTER(WHERE
      NOT is_guest AND NOT customer_id IS NULL) AS is_shared_by_customers
  FROM multi_lines
  GROUP BY ALL
)
SELECT
  *
FROM final
