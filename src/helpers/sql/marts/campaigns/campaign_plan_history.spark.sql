-- Generated from campaign_plan_history.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per segment of the scheme as of one attribution window before the as-of date: its */
/* customers, how many bought in the window that follows (to the as-of date), and the mean and */
/* variance of what they spent there. The next campaign's plan uses it for a segment that no */
/* measured campaign held out. */
/* unique: segment */
WITH segments AS (
  SELECT
    *
  FROM plan_segments
), orders AS (
  SELECT
    *
  FROM int_orders
), in_window AS (
  SELECT
    segments.customer_id,
    segments.segment,
    COUNT(orders.customer_id) FILTER(WHERE
      orders.is_purchase) AS purchases,
    CAST(COALESCE(SUM(orders.amount), 0) AS DOUBLE) AS revenue
  FROM segments
  LEFT JOIN orders
    ON segments.customer_id = orders.customer_id
    AND orders.order_date > :window_start
    AND orders.order_date <= :as_of
  GROUP BY ALL
), final AS (
  SELECT
    segment,
    COUNT(*) AS customers,
    COUNT(*) FILTER(WHERE
      purchases > 0) AS buyers,
    SUM(revenue) AS revenue_sum,
    SUM(revenue * revenue) AS revenue_sumsq
  FROM in_window
  GROUP BY
    segment
)
SELECT
  *
FROM final
