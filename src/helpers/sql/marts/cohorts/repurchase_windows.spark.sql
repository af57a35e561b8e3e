-- Generated from repurchase_windows.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per buyer whose last purchase was 1..max(windows) days before the as-of date. */
WITH contacts AS (
  SELECT
    *
  FROM int_customer_contacts
), orders AS (
  SELECT
    *
  FROM int_orders
), buyers AS (
  SELECT
    customer_id,
    MAX(order_date) FILTER(WHERE
      is_purchase) AS last_purchase_date,
    MIN(order_date) FILTER(WHERE
      is_purchase) AS first_purchase_date,
    COUNT(*) FILTER(WHERE
      is_purchase) AS purchases,
    SUM(amount) AS monetary
  FROM orders
  GROUP BY ALL
  HAVING
    COUNT(*) FILTER(WHERE
      is_purchase) > 0
), windows AS (
  /* windows [7, 14, 28] -> 1-7, 8-14, 15-28 days before the as-of date */
  SELECT
    window_high,
    COALESCE(LAG(window_high) OVER (ORDER BY window_high NULLS LAST), 0) + 1 AS window_low
  FROM (
    SELECT
      EXPLODE(CAST(:windows AS ARRAY<INT>)) AS window_high
  ) AS listed
), in_windows AS (
  SELECT
    buyers.*,
    DATEDIFF(DAY, buyers.last_purchase_date, :as_of) AS days_since_purchase,
    windows.window_low,
    windows.window_high
  FROM buyers
  INNER JOIN windows
    ON DATEDIFF(DAY, buyers.last_purchase_date, :as_of) BETWEEN windows.window_low AND windows.window_high
), final AS (
  SELECT
    in_windows.customer_id,
    CAST(in_windows.window_low AS STRING) || '-' || CAST(in_windows.window_high AS STRING) || 'd' AS window_key,
    CASE WHEN in_windows.purchases = 1 THEN 'one_time' ELSE 'repeat' END AS buyer_type,
    in_windows.days_since_purchase,
    in_windows.last_purchase_date,
    in_windows.first_purchase_date,
    in_windows.purchases,
    in_windows.monetary,
    contacts.*
    EXCEPT (customer_id, birthday) /* name, phone, e-mail and consent per channel (int_customer_contacts) */
  FROM in_windows
  LEFT JOIN contacts
    ON in_windows.customer_id = contacts.customer_id
)
SELECT
  *
FROM final
