-- Generated from int_orders.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per order as of the as-of date (lines after it are dropped before the order is summed). */
/* int_order_totals is read where each step uses it, not through one CTE: read twice, a CTE would */
/* be materialized whole, every column of every order. */
WITH order_lines AS (
  SELECT
    *
  FROM order_lines
), whole AS (
  /* every line on or before the as-of date: the order as a whole (almost every order) */
  SELECT
    customer_id,
    first_date AS order_date,
    amount
  FROM int_order_totals
  WHERE
    last_date <= :as_of
), cut AS (
  /* an order with lines on both sides of the as-of date (it has an order_id: a line without */
  /* one is an order of one line) */
  SELECT
    customer_id,
    order_id,
    is_return
  FROM int_order_totals
  WHERE
    first_date <= :as_of AND last_date > :as_of
), cut_orders AS (
  /* its lines up to the as-of date only, dated at the first of them */
  SELECT
    order_lines.customer_id,
    MIN(order_lines.order_date) AS order_date,
    SUM(order_lines.amount) AS amount
  FROM order_lines
  SEMI JOIN cut
    ON order_lines.customer_id = cut.customer_id
    AND order_lines.order_id = cut.order_id
    AND order_lines.is_return = cut.is_return
  WHERE
    order_lines.order_date <= :as_of
    AND NOT ARRAY_CONTAINS(
      CAST(:excluded_statuses AS ARRAY<STRING>),
      COALESCE(LOWER(TRIM(order_lines.status)), '')
    )
  GROUP BY
    order_lines.customer_id,
    order_lines.order_id,
    order_lines.is_return
), final AS (
  /* only what the models downstream read: a narrow table is quick to build and scan */
  SELECT
    customer_id,
    order_date,
    amount,
    amount > 0 AS is_purchase,
    amount < 0 AS is_refund
  FROM (
    SELECT
      *
    FROM whole
    UNION ALL
    SELECT
      *
    FROM cut_orders
  ) AS orders
)
SELECT
  *
FROM final
