-- Generated from int_customer_metrics_at_dates.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer and as-of date of a set, with at least one purchase on or before the */
/* date: int_customer_metrics at every date in one pass (the same rules, the date a column). */
/* A whole order is read once: it counts from the first date it is whole at, and in the window */
/* until the first date at least window_days after it; the changes at each date, summed per */
/* customer, are carried to every later date, so each date's metrics are sums over the dates */
/* so far (where a single date filtered the orders), plus the orders cut by it. */
/* unique: as_of, customer_id */
WITH orders AS (
  SELECT
    *
  FROM int_orders_at_dates
), dates AS (
  SELECT
    EXPLODE(CAST(:as_of_dates AS ARRAY<DATE>)) AS as_of
), spans AS (
  /* each date with the one before it, as day numbers: a window's end is found by a range join */
  SELECT
    as_of,
    DATEDIFF(DAY, CAST('1970-01-01' AS DATE), as_of) AS day_number,
    COALESCE(
      DATEDIFF(DAY, CAST('1970-01-01' AS DATE), LAG(as_of) OVER (ORDER BY as_of NULLS LAST)),
      -1000000
    ) AS previous_day_number
  FROM dates
), whole AS (
  /* window_days = null means all history; otherwise dates in (as_of - N, as_of]: an order in */
  /* the window at the first date it is whole at */
  SELECT
    customer_id,
    as_of,
    order_date,
    amount,
    is_purchase,
    (
      :window_days IS NULL OR DATEDIFF(DAY, order_date, as_of) < :window_days
    ) AS is_in_window,
    DATEDIFF(DAY, CAST('1970-01-01' AS DATE), order_date) /* the day it leaves the window (null: never) */ + :window_days AS out_day
  FROM orders
  WHERE
    is_whole
), out_days AS (
  /* the days orders leave the window on, each with the first date of the set on or after it: */
  /* a small range join, then an equality join for every order */
  SELECT
    days.out_day,
    spans.as_of AS leaves
  FROM (
    SELECT DISTINCT
      out_day
    FROM whole
  ) AS days
  INNER JOIN spans
    ON days.out_day <= spans.day_number AND days.out_day > spans.previous_day_number
), leaving AS (
  /* and leaves it at the first date of the set N days or more after it (null: never) */
  SELECT
    whole.*,
    out_days.leaves
  FROM whole
  LEFT JOIN out_days
    ON whole.out_day = out_days.out_day
), changes AS (
  /* what each whole order adds at its first date, and takes away when it leaves the window */
  SELECT
    customer_id,
    as_of,
    CASE WHEN is_purchase AND is_in_window THEN 1 ELSE 0 END AS frequency,
    CASE WHEN is_in_window THEN amount ELSE 0 END AS monetary,
    CASE WHEN is_in_window THEN 1 ELSE 0 END AS orders,
    CASE WHEN is_purchase THEN 1 ELSE 0 END AS purchases,
    CASE WHEN is_purchase THEN order_date END AS purchase_date
  FROM leaving
  UNION ALL
  SELECT
    customer_id,
    leaves AS as_of,
    CASE WHEN is_purchase THEN -1 ELSE 0 END AS frequency,
    -amount AS monetary,
    -1 AS orders,
    0 AS purchases,
    CAST(NULL AS DATE) AS purchase_date
  FROM leaving
  WHERE
    is_in_window AND NOT leaves IS NULL
), steps AS (
  SELECT
    customer_id,
    as_of,
    SUM(frequency) AS frequency,
    SUM(monetary) AS monetary,
    SUM(orders) AS orders,
    SUM(purchases) AS purchases,
    MIN(purchase_date) AS first_purchase_date,
    MAX(purchase_date) AS last_purchase_date
  FROM changes
  GROUP BY
    customer_id,
    as_of
), cut AS (
  /* the orders cut by a date count at that date alone */
  SELECT
    as_of,
    customer_id,
    COUNT(*) FILTER(WHERE
      is_purchase AND is_in_window) AS frequency,
    COALESCE(SUM(amount) FILTER(WHERE
      is_in_window), 0) AS monetary,
    COUNT(*) FILTER(WHERE
      is_in_window) AS orders,
    COUNT(*) FILTER(WHERE
      is_purchase) AS purchases,
    MIN(order_date) FILTER(WHERE
      is_purchase) AS first_purchase_date,
    MAX(order_date) FILTER(WHERE
      is_purchase) AS last_purchase_date
  FROM (
    SELECT
      *,
      (
        :window_days IS NULL OR DATEDIFF(DAY, order_date, as_of) < :window_days
      ) AS is_in_window
    FROM orders
    WHERE
      NOT is_whole
  ) AS cut_orders
  GROUP BY
    as_of,
    customer_id
), reach AS (
  /* each date of the set with the dates on or after it: what changes at a date counts there */
  /* and at every later date (an equality join, then one grouping: no window per customer) */
  SELECT
    changed.as_of AS changed_at,
    dates.as_of
  FROM dates AS changed
  INNER JOIN dates
    ON changed.as_of <= dates.as_of
), counted AS (
  SELECT
    reach.as_of,
    steps.customer_id,
    steps.frequency,
    steps.monetary,
    steps.orders,
    steps.purchases,
    steps.first_purchase_date,
    steps.last_purchase_date
  FROM steps
  INNER JOIN reach
    ON steps.as_of = reach.changed_at
  UNION ALL
  SELECT
    as_of,
    customer_id,
    frequency,
    monetary,
    orders,
    purchases,
    first_purchase_date,
    last_purchase_date
  FROM cut
), metrics AS (
  /* recency and first/last purchase always use all history, frequency and monetary only the */
  /* window */
  SELECT
    as_of,
    customer_id,
    DATEDIFF(DAY, MAX(last_purchase_date), as_of) AS recency_days,
    CAST(SUM(frequency) AS BIGINT) AS frequency,
    CAST(SUM(monetary) AS DECIMAL(38, 4)) AS monetary,
    CAST(SUM(orders) AS BIGINT) AS orders,
    CAST(CAST(SUM(monetary) AS DOUBLE) / NULLIF(SUM(frequency), 0) AS DECIMAL(18, 2)) AS aov,
    MIN(first_purchase_date) AS first_purchase_date,
    MAX(last_purchase_date) AS last_purchase_date
  FROM counted
  GROUP BY
    as_of,
    customer_id
  HAVING
    SUM(purchases) > 0
), final AS (
  /* the value each factor is scored on: monetary is the total, or the average order value */
  SELECT
    *,
    CASE
      WHEN :monetary_basis = 'aov' AND frequency > 0
      THEN CAST(aov AS DECIMAL(38, 2))
      ELSE monetary
    END AS m_value
  FROM metrics
)
SELECT
  *
FROM final
