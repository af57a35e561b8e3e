-- Generated from cohort_revenue.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (cohort, period >= 0) in which the cohort's customers have at least one order. */
/* unique: cohort, period */
WITH orders AS (
  SELECT
    *
  FROM int_orders
), first_purchases AS (
  /* the one definition of a buyer's first purchase (int_second_purchases.sql) */
  SELECT
    customer_id,
    first_purchase_date
  FROM int_second_purchases
), cohorts AS (
  /* cohort = calendar month (or ISO week) of the first purchase */
  SELECT
    customer_id,
    first_purchase_date,
    CASE
      WHEN :grain = 'week'
      THEN CAST(DATE_TRUNC('WEEK', first_purchase_date) AS DATE)
      ELSE CAST(DATE_TRUNC('MONTH', first_purchase_date) AS DATE)
    END AS cohort_start
  FROM first_purchases
), cohort_sizes AS (
  SELECT
    cohort_start,
    COUNT(*) AS cohort_size
  FROM cohorts
  GROUP BY ALL
), orders_in_periods AS (
  SELECT
    orders.customer_id,
    orders.amount,
    orders.is_purchase,
    cohorts.cohort_start,
    CASE
      WHEN :grain = 'week'
      THEN DATEDIFF(DAY, cohorts.cohort_start, CAST(DATE_TRUNC('WEEK', orders.order_date) AS DATE)) DIV 7
      ELSE (
        YEAR(orders.order_date) * 12 + MONTH(orders.order_date)
      ) - (
        YEAR(cohorts.first_purchase_date) * 12 + MONTH(cohorts.first_purchase_date)
      )
    END AS period /* calendar months (or weeks) between the cohort and the order, not 30-day blocks */
  FROM orders
  INNER JOIN cohorts
    ON orders.customer_id = cohorts.customer_id
), cells AS (
  SELECT
    cohort_start,
    period,
    COUNT(DISTINCT customer_id) FILTER(WHERE
      is_purchase) AS customers,
    COUNT(*) FILTER(WHERE
      is_purchase) AS purchases,
    SUM(amount) AS revenue
  FROM orders_in_periods
  /* orders before the cohort's month (a refund before the first purchase) are left out */
  WHERE
    period >= 0
  GROUP BY ALL
), final AS (
  SELECT
    CASE
      WHEN :grain = 'week'
      THEN CAST(YEAR(cells.cohort_start + 3) AS STRING) || '-W' || LPAD(
        CAST(CAST(FLOOR(CAST(DAYOFYEAR(cells.cohort_start + 3) - 1 AS DOUBLE) / 7) AS INT) + 1 AS STRING),
        2,
        '0'
      )
      ELSE DATE_FORMAT(cells.cohort_start, 'yyyy-MM')
    END AS cohort,
    cells.period,
    cells.customers,
    cells.purchases,
    cells.revenue,
    cohort_sizes.cohort_size,
    CAST(cells.customers AS DOUBLE) / cohort_sizes.cohort_size AS retention,
    cells.cohort_start
  FROM cells
  INNER JOIN cohort_sizes
    ON cells.cohort_start = cohort_sizes.cohort_start
  ORDER BY
    cells.cohort_start NULLS LAST,
    cells.period NULLS LAST
)
SELECT
  *
FROM final
