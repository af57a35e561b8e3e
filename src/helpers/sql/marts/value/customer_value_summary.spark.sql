-- Generated from customer_value_summary.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per buyer as of the as-of date: what the BG/NBD and Gamma-Gamma models read */
/* (Fader, Hardie & Lee 2005). A purchase is a day with at least one purchase order (an order of */
/* amount 0 counts too when $zero_amount_purchases is true, as the published CDNOW summary does). */
/* x = purchase days after the first; t_x = weeks from the first to the last purchase day; */
/* T = weeks from the first purchase day to the as-of date; mean_spend = the mean of the repeat */
/* purchase days' totals (null for a one-time buyer). */
/* unique: customer_id */
WITH orders AS (
  SELECT
    *
  FROM int_orders
), purchase_days AS (
  SELECT
    customer_id,
    order_date,
    SUM(amount) AS spend
  FROM orders
  WHERE
    is_purchase OR (
      CAST(:zero_amount_purchases AS BOOLEAN) AND amount = 0
    )
  GROUP BY
    customer_id,
    order_date
), numbered AS (
  SELECT
    *,
    MIN(order_date) OVER (PARTITION BY customer_id) AS first_day
  FROM purchase_days
), final AS (
  SELECT
    customer_id,
    COUNT(*) - 1 AS x,
    CAST(DATEDIFF(DAY, MIN(order_date), MAX(order_date)) AS DOUBLE) / 7 AS t_x,
    CAST(DATEDIFF(DAY, MIN(order_date), CAST(:as_of AS DATE)) AS DOUBLE) /* the papers call it T, and so do the issue's output columns */ / 7 AS T, /* noqa: CP02 */
    CAST(CAST(SUM(spend) FILTER(WHERE
      order_date > first_day) AS DOUBLE) / COUNT(spend) FILTER(WHERE
      order_date > first_day) AS DECIMAL(18, 2)) AS mean_spend,
    MIN(order_date) AS first_purchase_date,
    MAX(order_date) AS last_purchase_date
  FROM numbered
  GROUP BY
    customer_id
)
SELECT
  *
FROM final
