-- Generated from guest_sales.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per date (the as-of date and the month end before it): guest sales in that month. */
/* Guest sales are orders without a customer key: revenue the shop made, from nobody RFM can score. */
WITH guests AS (
  SELECT
    *
  FROM guest_lines
), dates AS (
  SELECT
    EXPLODE(CAST(:dates AS ARRAY<DATE>)) AS as_of
), kept AS (
  SELECT
    *
  FROM guests
  WHERE
    NOT COALESCE(LOWER(TRIM(status)), '') IN (
      SELECT
        EXPLODE(CAST(:excluded_statuses AS ARRAY<STRING>))
    )
), final AS (
  SELECT
    dates.as_of,
    COUNT(DISTINCT COALESCE(kept.order_id, kept.source_file || ':' || kept.source_line)) FILTER(WHERE
      kept.amount > 0) AS guest_orders,
    COALESCE(SUM(kept.amount), 0) AS guest_revenue
  FROM dates
  LEFT JOIN kept
    ON kept.order_date >= DATE_TRUNC('MONTH', dates.as_of)
    AND kept.order_date <= dates.as_of
  GROUP BY ALL
)
SELECT
  *
FROM final
ORDER BY
  as_of NULLS LAST
