-- Generated from second_purchase_gap.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per gap in days between a customer's first and second purchase (repeat buyers only). */
/* unique: gap_days */
WITH buyers AS (
  SELECT
    *
  FROM int_second_purchases
), counted AS (
  SELECT
    DATEDIFF(DAY, first_purchase_date, second_purchase_date) AS gap_days,
    COUNT(*) AS customers
  FROM buyers
  WHERE
    NOT second_purchase_date IS NULL
  GROUP BY ALL
), final AS (
  SELECT
    gap_days,
    customers,
    CAST(customers AS DOUBLE) / SUM(customers) OVER () AS share_of_repeat_buyers,
    CAST(SUM(customers) OVER (ORDER BY gap_days NULLS LAST) AS DOUBLE) / SUM(customers) OVER () AS cumulative_share
  FROM counted
  ORDER BY
    gap_days NULLS LAST
)
SELECT
  *
FROM final
