-- Generated from rfm_distributions.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (factor, bucket): how many buyers fall in each range of R, F and M (for histograms). */
/* unique: factor, bucket_low */
WITH buyers AS (
  SELECT
    *
  FROM rfm_segments
  WHERE
    segment <> 'prospect'
), recency AS (
  /* 30-day buckets */
  SELECT
    'recency_days' AS factor,
    30 * (
      recency_days DIV 30
    ) AS bucket_low,
    COUNT(*) AS customers
  FROM buyers
  GROUP BY ALL
), frequency AS (
  /* each count up to 20, then one bucket for 20 and more */
  SELECT
    'frequency' AS factor,
    LEAST(frequency, 20) AS bucket_low,
    COUNT(*) AS customers
  FROM buyers
  GROUP BY ALL
), monetary AS (
  /* four buckets per power of ten; zero and negative totals in their own bucket (bucket_low 0) */
  SELECT
    'monetary' AS factor,
    CASE
      WHEN monetary <= 0
      THEN 0
      ELSE POWER(10, CAST(FLOOR(4 * LOG10(CAST(monetary AS DOUBLE))) AS DOUBLE) / 4)
    END AS bucket_low,
    COUNT(*) AS customers
  FROM buyers
  GROUP BY ALL
), final AS (
  SELECT
    *
  FROM recency
  UNION ALL
  SELECT
    *
  FROM frequency
  UNION ALL
  SELECT
    *
  FROM monetary
)
SELECT
  *
FROM final
ORDER BY
  factor NULLS LAST,
  bucket_low NULLS LAST
