-- Generated from rfm_headline.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row: the figures the RFM page opens with (buyers, prospects, one-time buyers, revenue, */
/* the top 20%'s share of revenue, the segment bringing most revenue and the largest segment). */
/* unique: buyers */
WITH customers AS (
  SELECT
    *
  FROM rfm_segments
), segments AS (
  SELECT
    *
  FROM segment_summary
), concentration AS (
  SELECT
    *
  FROM revenue_concentration
), counts AS (
  SELECT
    COUNT(*) FILTER(WHERE
      segment <> 'prospect') AS buyers,
    COUNT(*) FILTER(WHERE
      segment = 'prospect') AS prospects,
    COUNT(*) FILTER(WHERE
      segment <> 'prospect' AND frequency <= 1) AS one_time,
    SUM(monetary) AS revenue
  FROM customers
), top_revenue AS (
  SELECT
    segment_label AS top_segment,
    customers AS top_customers,
    revenue_share AS top_revenue_share
  FROM segments
  WHERE
    segment <> 'prospect'
  ORDER BY
    revenue DESC,
    segment_rank ASC NULLS LAST
  LIMIT 1
), largest AS (
  SELECT
    segment_label AS largest_segment,
    share AS largest_share
  FROM segments
  WHERE
    segment <> 'prospect'
  ORDER BY
    customers DESC,
    segment_rank ASC NULLS LAST
  LIMIT 1
), final AS (
  SELECT
    counts.buyers,
    counts.prospects,
    counts.one_time,
    counts.revenue,
    (
      SELECT
        concentration.revenue_share
      FROM concentration
      WHERE
        concentration.customer_percentile = 20
    ) AS top20_revenue_share,
    top_revenue.top_segment,
    top_revenue.top_customers,
    top_revenue.top_revenue_share,
    largest.largest_segment,
    largest.largest_share
  FROM counts
  LEFT JOIN top_revenue
    ON TRUE
  LEFT JOIN largest
    ON TRUE
)
SELECT
  *
FROM final
