-- Generated from int_order_totals.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per order, before any as-of date is applied: its lines summed, the dates of its first */
/* and last line. Built once per status setting; int_orders reads it at each as-of date. */
/* Its grain (customer_id, order_id, is_return, single_file, single_line) is the grouping itself, */
/* so it is not checked again at build time (a check would cost a second grouping of every order). */
/* Read from the staged export's cache, it is written once as Parquet beside it and read from */
/* there by every notebook of the month (db._persisted): */
/* persist: beside its sources */
WITH order_lines AS (
  SELECT
    *
  FROM order_lines
), kept AS (
  /* status never decides purchase/refund: excluded statuses are dropped, nothing else */
  SELECT
    *
  FROM order_lines
  WHERE
    NOT ARRAY_CONTAINS(CAST(:excluded_statuses AS ARRAY<STRING>), COALESCE(LOWER(TRIM(status)), ''))
), final AS (
  SELECT
    customer_id,
    order_id,
    is_return, /* a return (returns export) is an order of its own, dated on the return */
    CASE WHEN order_id IS NULL THEN source_file END AS single_file, /* rows sharing an order_id are one order; an empty order_id makes the row its own order */
    CASE WHEN order_id IS NULL THEN source_line END AS single_line,
    MIN(order_date) AS first_date,
    MAX(order_date) AS last_date,
    SUM(amount) AS amount
  FROM kept
  GROUP BY ALL
)
SELECT
  *
FROM final
