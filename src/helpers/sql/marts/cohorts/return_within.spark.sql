-- Generated from return_within.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per window N: of buyers whose first purchase was at least N days before the as-of date */
/* (they all had N days to come back), the share who made a second purchase within N days. */
/* unique: window_days */
WITH buyers AS (
  SELECT
    *
  FROM int_second_purchases
), windows AS (
  SELECT
    EXPLODE(CAST(:windows AS ARRAY<INT>)) AS window_days
), flagged AS (
  SELECT
    windows.window_days,
    COALESCE(
      DATEDIFF(DAY, buyers.first_purchase_date, buyers.second_purchase_date) <= windows.window_days,
      FALSE
    ) AS has_returned
  FROM windows
  INNER JOIN buyers
    ON DATEDIFF(DAY, buyers.first_purchase_date, :as_of) >= windows.window_days
), final AS (
  SELECT
    window_days,
    COUNT(*) AS eligible_buyers,
    COUNT(*) FILTER(WHERE
      has_returned) AS returned,
    CAST(COUNT(*) FILTER(WHERE
      has_returned) AS DOUBLE) / NULLIF(COUNT(*), 0) AS share_returned
  FROM flagged
  GROUP BY ALL
  ORDER BY
    window_days NULLS LAST
)
SELECT
  *
FROM final
