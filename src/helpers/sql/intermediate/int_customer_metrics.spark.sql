-- Generated from int_customer_metrics.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer with at least one purchase on or before the as-of date: the metrics */
/* RFM scores (recency, frequency, monetary in the window) and the value monetary is scored on. */
/* unique: customer_id */
WITH orders AS (
  SELECT
    *
  FROM int_orders
), flagged AS (
  /* window_days = null means all history; otherwise dates in (as_of - N, as_of] */
  SELECT
    *,
    (
      :window_days IS NULL OR DATEDIFF(DAY, order_date, :as_of) < :window_days
    ) AS is_in_window
  FROM orders
), metrics AS (
  /* one pass over the orders: recency and first/last purchase always use all history, */
  /* frequency and monetary only the window */
  SELECT
    customer_id,
    DATEDIFF(DAY, MAX(order_date) FILTER(WHERE
      is_purchase), :as_of) AS recency_days,
    COUNT(*) FILTER(WHERE
      is_purchase AND is_in_window) AS frequency,
    COALESCE(SUM(amount) FILTER(WHERE
      is_in_window), 0) AS monetary,
    COUNT(*) FILTER(WHERE
      is_in_window) AS orders,
    CAST(CAST(SUM(amount) FILTER(WHERE
      is_in_window) AS DOUBLE) / NULLIF(COUNT(*) FILTER(WHERE
      is_purchase AND is_in_window), 0) AS DECIMAL(18, 2)) AS aov,
    MIN(order_date) FILTER(WHERE
      is_purchase) AS first_purchase_date,
    MAX(order_date) FILTER(WHERE
      is_purchase) AS last_purchase_date
  FROM flagged
  GROUP BY ALL
  HAVING
    COUNT(*) FILTER(WHERE
      is_purchase) > 0
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
