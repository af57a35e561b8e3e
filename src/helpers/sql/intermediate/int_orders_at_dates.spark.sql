-- Generated from int_orders_at_dates.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per order at each date of a set of as-of dates: what int_orders gives at each of them, */
/* for every date in one pass (the trend's month ends). At each date only its lines count: an */
/* order whose last line is on or before the date is whole there, one with lines on both sides */
/* of it is summed from its lines up to the date, dated at the first of them. */
WITH totals AS (
  SELECT
    *
  FROM int_order_totals
), order_lines AS (
  SELECT
    *
  FROM order_lines
), dates AS (
  SELECT
    EXPLODE(CAST(:as_of_dates AS ARRAY<DATE>)) AS as_of
), whole AS (
  /* every line on or before the date: the order as a whole (almost every order) */
  SELECT
    dates.as_of,
    totals.customer_id,
    totals.first_date AS order_date,
    totals.amount
  FROM totals
  INNER JOIN dates
    ON totals.last_date <= dates.as_of
), cut AS (
  /* an order with lines on both sides of the date (it has an order_id: a line without one is */
  /* an order of one line), once per date it spans */
  SELECT
    dates.as_of,
    totals.customer_id,
    totals.order_id,
    totals.is_return
  FROM totals
  INNER JOIN dates
    ON totals.first_date <= dates.as_of AND totals.last_date > dates.as_of
), cut_orders AS (
  /* its lines up to the date only, dated at the first of them */
  SELECT
    cut.as_of,
    order_lines.customer_id,
    MIN(order_lines.order_date) AS order_date,
    SUM(order_lines.amount) AS amount
  FROM order_lines
  INNER JOIN cut
    ON order_lines.customer_id = cut.customer_id
    AND order_lines.order_id = cut.order_id
    AND order_lines.is_return = cut.is_return
  WHERE
    order_lines.order_date <= cut.as_of
    AND NOT ARRAY_CONTAINS(
      CAST(:excluded_statuses AS ARRAY<STRING>),
      COALESCE(LOWER(TRIM(order_lines.status)), '')
    )
  GROUP BY
    cut.as_of,
    order_lines.customer_id,
    order_lines.order_id,
    order_lines.is_return
), final AS (
  SELECT
    as_of,
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
