-- Generated from revenue_concentration.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per percentile of buyers (1..100, best first): the share of revenue they bring. */
/* unique: customer_percentile */
WITH segmented AS (
  SELECT
    *
  FROM rfm_segments
), ranked AS (
  SELECT
    monetary,
    ROW_NUMBER() OVER (ORDER BY monetary DESC, customer_id ASC NULLS LAST) AS position,
    COUNT(*) OVER () AS buyers,
    SUM(monetary) OVER () AS revenue
  FROM segmented
  WHERE
    segment <> 'prospect'
), cumulative AS (
  SELECT
    position,
    buyers,
    revenue,
    SUM(monetary) OVER (ORDER BY position NULLS LAST) AS cumulative_revenue
  FROM ranked
), final AS (
  /* the last customer inside each percentile of buyers */
  SELECT
    CAST(CEIL(CAST(100 * position AS DOUBLE) / buyers) AS INT) AS customer_percentile,
    CAST(MAX(cumulative_revenue) AS DOUBLE) / NULLIF(ANY_VALUE(revenue) IGNORE NULLS, 0) AS revenue_share
  FROM cumulative
  GROUP BY ALL
  ORDER BY
    customer_percentile NULLS LAST
)
SELECT
  *
FROM final
