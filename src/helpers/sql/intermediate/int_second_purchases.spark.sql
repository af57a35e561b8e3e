-- Generated from int_second_purchases.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per buyer: the dates of their first and (if any) second purchase. */
/* unique: customer_id */
WITH orders AS (
  SELECT
    *
  FROM int_orders
), purchases AS (
  SELECT
    customer_id,
    order_date,
    ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY order_date NULLS LAST) AS purchase_number
  FROM orders
  WHERE
    is_purchase
), final AS (
  SELECT
    customer_id,
    MIN(order_date) FILTER(WHERE
      purchase_number = 1) AS first_purchase_date,
    MIN(order_date) FILTER(WHERE
      purchase_number = 2) AS second_purchase_date
  FROM purchases
  WHERE
    purchase_number <= 2
  GROUP BY ALL
)
SELECT
  *
FROM final
