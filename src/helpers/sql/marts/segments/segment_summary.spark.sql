-- Generated from segment_summary.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per segment of the scheme (empty segments included), best segment first. */
/* unique: segment */
WITH segmented AS (
  SELECT
    *
  FROM rfm_segments
), segments AS (
  SELECT
    *
  FROM scheme_segments
), per_segment AS (
  SELECT
    segment,
    COUNT(*) AS customers,
    SUM(monetary) AS revenue,
    CAST(SUM(recency_days) AS DOUBLE) / COUNT(recency_days) AS mean_recency_days,
    CAST(SUM(frequency) AS DOUBLE) / COUNT(frequency) AS mean_frequency,
    CAST(SUM(monetary) AS DOUBLE) / COUNT(monetary) AS mean_monetary,
    COUNT(*) FILTER(WHERE
      frequency >= 2) AS repeat_customers
  FROM segmented
  GROUP BY ALL
), totals AS (
  SELECT
    COUNT(*) AS customers,
    SUM(monetary) AS revenue
  FROM segmented
), final AS (
  SELECT
    segments.segment,
    segments.segment_label,
    segments.segment_rank,
    COALESCE(per_segment.customers, 0) AS customers,
    CAST(COALESCE(per_segment.customers, 0) AS DOUBLE) / NULLIF(totals.customers, 0) AS share,
    COALESCE(per_segment.revenue, 0) AS revenue,
    CAST(COALESCE(per_segment.revenue, 0) AS DOUBLE) / NULLIF(totals.revenue, 0) AS revenue_share,
    per_segment.mean_recency_days,
    per_segment.mean_frequency,
    per_segment.mean_monetary,
    CAST(per_segment.repeat_customers AS DOUBLE) /* repurchase rate: share of the segment with two or more purchases in the window */ / NULLIF(per_segment.customers, 0) AS repurchase_rate,
    segments.suggested_action
  FROM segments
  CROSS JOIN totals
  LEFT JOIN per_segment
    ON segments.segment = per_segment.segment
  ORDER BY
    segments.segment_rank NULLS LAST
)
SELECT
  *
FROM final
