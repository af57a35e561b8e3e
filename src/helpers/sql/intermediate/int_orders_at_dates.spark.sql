-- Generated from int_orders_at_dates.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* The orders of a set of as-of dates (the trend's month ends) other than $as_of, for */
/* int_customer_metrics_at_dates: what int_orders gives at each date, each whole order once */
/* ($as_of's own are int_orders, read there through int_customer_metrics). An order whose last */
/* line is on or before a date is whole there and at every later date: it is one row, at the */
/* first date of the set on or after its last line (is_whole). An order with lines on both sides */
/* of a date is a row at that date only, summed from its lines up to the date and dated at the */
/* first of them. Only the lines of those orders are read: the whole orders come from their */
/* totals, joined to the dates by the day they end on (an equality join: a range join of every */
/* line or order with the dates is what made this slow). */
/* int_order_totals is read where each step uses it, not through one CTE: read three times, a CTE */
/* would be materialized whole even when the set holds no other date. */
WITH order_lines AS (
  SELECT
    *
  FROM order_lines
), dates AS (
  SELECT
    as_of
  FROM (
    SELECT
      EXPLODE(CAST(:as_of_dates AS ARRAY<DATE>)) AS as_of
  ) AS given
  WHERE
    as_of <> :as_of
), spans AS (
  /* each date with the one before it (the first: a day before any line): the days after */
  /* `previous` up to `as_of`; plain inequalities, a range join on both engines */
  SELECT
    as_of,
    COALESCE(LAG(as_of) OVER (ORDER BY as_of NULLS LAST), CAST('0001-01-01' AS DATE)) AS previous
  FROM dates
), last_days AS (
  /* the days orders end on, each with the first date of the set on or after it: a small */
  /* range join, then an equality join for every order */
  SELECT
    days.last_date,
    spans.as_of
  FROM (
    SELECT DISTINCT
      last_date
    FROM int_order_totals
  ) AS days
  INNER JOIN spans
    ON days.last_date <= spans.as_of AND days.last_date > spans.previous
), whole AS (
  /* every line on or before the date: the order as a whole, from that date on */
  SELECT
    last_days.as_of,
    totals.customer_id,
    totals.first_date AS order_date,
    totals.amount,
    TRUE AS is_whole
  FROM int_order_totals AS totals
  INNER JOIN last_days
    ON totals.last_date = last_days.last_date
), cut AS (
  /* an order with lines on both sides of a date, once per date it spans (only an order of */
  /* lines on two days or more: it has an order_id, a line without one is an order of one line) */
  SELECT
    dates.as_of,
    totals.customer_id,
    totals.order_id,
    totals.is_return
  FROM int_order_totals AS totals
  INNER JOIN dates
    ON totals.first_date <= dates.as_of AND totals.last_date > dates.as_of
  WHERE
    totals.first_date < totals.last_date
), cut_lines AS (
  /* the kept lines of those orders, and of no other */
  SELECT
    order_lines.customer_id,
    order_lines.order_id,
    order_lines.is_return,
    order_lines.order_date,
    order_lines.amount
  FROM order_lines
  SEMI JOIN cut
    ON order_lines.customer_id = cut.customer_id
    AND order_lines.order_id = cut.order_id
    AND order_lines.is_return = cut.is_return
  WHERE
    NOT ARRAY_CONTAINS(
      CAST(:excluded_statuses AS ARRAY<STRING>),
      COALESCE(LOWER(TRIM(order_lines.status)), '')
    )
), cut_orders AS (
  /* each cut order's lines up to the date only, dated at the first of them: at that date alone */
  SELECT
    cut.as_of,
    cut.customer_id,
    MIN(cut_lines.order_date) AS order_date,
    SUM(cut_lines.amount) AS amount,
    FALSE AS is_whole
  FROM cut
  INNER JOIN cut_lines
    ON cut.customer_id = cut_lines.customer_id
    AND cut.order_id = cut_lines.order_id
    AND cut.is_return = cut_lines.is_return
  WHERE
    cut_lines.order_date <= cut.as_of
  GROUP BY
    cut.as_of,
    cut.customer_id,
    cut.order_id,
    cut.is_return
), final AS (
  SELECT
    as_of,
    customer_id,
    order_date,
    amount,
    amount > 0 AS is_purchase,
    amount < 0 AS is_refund,
    is_whole
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
