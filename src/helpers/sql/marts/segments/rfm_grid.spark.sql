-- Generated from rfm_grid.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (r_score, fm_score) cell with buyers: customers, revenue and the cell's segment. */
/* unique: r_score, fm_score */
WITH segmented AS (
  SELECT
    *
  FROM rfm_segments
), final AS (
  SELECT
    r_score,
    fm_score,
    ANY_VALUE(segment) IGNORE NULLS AS segment,
    COUNT(*) AS customers,
    SUM(monetary) AS revenue
  FROM segmented
  WHERE
    segment <> 'prospect'
  GROUP BY ALL
)
SELECT
  *
FROM final
