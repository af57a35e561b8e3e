-- Generated from monthly_kpis.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per date (the as-of date and the month end before it): the managers' headline figures. */
/* unique: as_of */
WITH orders AS (
  SELECT
    *
  FROM int_orders
), dates AS (
  SELECT
    EXPLODE(CAST(:dates AS ARRAY<DATE>)) AS as_of
), per_date AS (
  SELECT
    dates.as_of,
    orders.customer_id,
    orders.order_date,
    orders.amount,
    orders.is_purchase,
    orders.order_date /* the reporting month: from the first of the as-of date's month up to the as-of date */ >= DATE_TRUNC('MONTH', dates.as_of) AS is_in_month
  FROM dates
  INNER JOIN orders
    ON orders.order_date <= dates.as_of
), customers AS (
  SELECT
    as_of,
    customer_id,
    COUNT(*) FILTER(WHERE
      is_purchase) AS purchases,
    COUNT(*) FILTER(WHERE
      is_purchase AND is_in_month) AS purchases_in_month,
    COUNT(*) FILTER(WHERE
      is_purchase AND NOT is_in_month) AS purchases_before_month,
    COALESCE(SUM(amount) FILTER(WHERE
      is_in_month), 0) AS revenue_in_month
  FROM per_date
  GROUP BY ALL
), final AS (
  /* one row per date, also when nobody bought anything yet (a new shop, an empty export) */
  SELECT
    dates.as_of,
    COUNT(*) /* customers: everyone with a purchase on or before the date */ FILTER(WHERE
      customers.purchases > 0) AS customers,
    COUNT(*) /* active buyers: a purchase in the reporting month */ FILTER(WHERE
      customers.purchases_in_month > 0) AS active_buyers,
    COALESCE(SUM(customers.revenue_in_month), 0) AS revenue,
    CAST(COUNT(*) FILTER(WHERE
      customers.purchases_in_month > 0 AND customers.purchases_before_month > 0) AS DOUBLE) /* repeat rate: active buyers of the month who had bought before it */ / NULLIF(COUNT(*) FILTER(WHERE
      customers.purchases_in_month > 0), 0) AS repeat_rate,
    CAST(COUNT(*) FILTER(WHERE
      customers.purchases = 1) AS DOUBLE) /* one-time buyers: customers with exactly one purchase so far */ / NULLIF(COUNT(*) FILTER(WHERE
      customers.purchases > 0), 0) AS share_one_time
  FROM dates
  LEFT JOIN customers
    ON dates.as_of = customers.as_of
  GROUP BY ALL
  ORDER BY
    dates.as_of NULLS LAST
)
SELECT
  *
FROM final
