-- Generated from int_orders_at_dates.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* The orders of a set of as-of dates (the trend's month ends), for int_customer_metrics_at_dates: */
/* what int_orders gives at each date, each whole order once. An order whose last line is on or */
/* before a date is whole there and at every later date: it is one row, at the first date of the */
/* set on or after its last line (is_whole). An order with lines on both sides of a date is a row */
/* at that date only, summed from its lines up to the date and dated at the first of them. */
/* Every join of the lines is an equality (the dates are joined to the days lines fall on): */
/* a range join of every line with the dates is what made this slow. */
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
), spans AS (
  /* each date with the one before it (the first: a day before any line): the lines after */
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
    FROM totals
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
  FROM totals
  INNER JOIN last_days
    ON totals.last_date = last_days.last_date
), multi_day AS (
  /* only an order of lines on two days or more can be cut by a date (it has an order_id: a */
  /* line without one is an order of one line) */
  SELECT
    customer_id,
    order_id,
    is_return,
    first_date,
    last_date
  FROM totals
  WHERE
    first_date < last_date
), line_days AS (
  /* the days lines fall on, each with the first date of the set on or after it */
  SELECT
    days.order_date,
    spans.as_of
  FROM (
    SELECT DISTINCT
      order_date
    FROM order_lines
  ) AS days
  INNER JOIN spans
    ON days.order_date <= spans.as_of AND days.order_date > spans.previous
), parts AS (
  /* their kept lines, summed per date of the set they count from */
  SELECT
    order_lines.customer_id,
    order_lines.order_id,
    order_lines.is_return,
    line_days.as_of,
    MIN(order_lines.order_date) AS order_date,
    SUM(order_lines.amount) AS amount
  FROM order_lines
  INNER JOIN multi_day
    ON order_lines.customer_id = multi_day.customer_id
    AND order_lines.order_id = multi_day.order_id
    AND order_lines.is_return = multi_day.is_return
  INNER JOIN line_days
    ON order_lines.order_date = line_days.order_date
  WHERE
    NOT ARRAY_CONTAINS(
      CAST(:excluded_statuses AS ARRAY<STRING>),
      COALESCE(LOWER(TRIM(order_lines.status)), '')
    )
  GROUP BY
    order_lines.customer_id,
    order_lines.order_id,
    order_lines.is_return,
    line_days.as_of
), cut AS (
  /* an order with lines on both sides of a date, once per date it spans */
  SELECT
    dates.as_of,
    multi_day.customer_id,
    multi_day.order_id,
    multi_day.is_return
  FROM multi_day
  INNER JOIN dates
    ON multi_day.first_date <= dates.as_of AND multi_day.last_date > dates.as_of
), cut_orders AS (
  /* its lines up to the date only, dated at the first of them: at that date alone */
  SELECT
    cut.as_of,
    cut.customer_id,
    MIN(parts.order_date) AS order_date,
    SUM(parts.amount) AS amount,
    FALSE AS is_whole
  FROM cut
  INNER JOIN parts
    ON cut.customer_id = parts.customer_id
    AND cut.order_id = parts.order_id
    AND cut.is_return = parts.is_return
  WHERE
    parts.as_of <= cut.as_of
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
