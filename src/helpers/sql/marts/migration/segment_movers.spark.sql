-- Generated from segment_movers.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer present at either date: segment and figures then and now. */
/* unique: customer_id */
/* inputs: seg_from, seg_to (every customer's segment at each date, given at each build) */
WITH segments_from AS (
  SELECT
    *
  FROM seg_from
), segments_to AS (
  SELECT
    *
  FROM seg_to
), ranks AS (
  SELECT
    *
  FROM scheme_segments
), joined AS (
  SELECT
    COALESCE(segments_to.customer_id, segments_from.customer_id) AS customer_id,
    COALESCE(segments_from.segment, '(new)') AS from_segment, /* not yet a customer at the first date: first purchase (or sign-up) between the dates */
    COALESCE(segments_to.segment, '(gone)') AS to_segment,
    segments_from.r_score AS r_score_from,
    segments_from.f_score AS f_score_from,
    segments_from.m_score AS m_score_from,
    segments_from.recency_days AS recency_days_from,
    segments_from.frequency AS frequency_from,
    segments_from.monetary AS monetary_from,
    segments_to.r_score AS r_score_to,
    segments_to.f_score AS f_score_to,
    segments_to.m_score AS m_score_to,
    segments_to.recency_days AS recency_days_to,
    segments_to.frequency AS frequency_to,
    segments_to.monetary AS monetary_to
  FROM segments_from
  FULL OUTER JOIN segments_to
    ON segments_from.customer_id = segments_to.customer_id
), final AS (
  SELECT
    joined.*,
    COALESCE(from_ranks.segment_rank, 0) AS from_rank,
    COALESCE(to_ranks.segment_rank, 1000) AS to_rank,
    CASE
      WHEN joined.from_segment = '(new)'
      THEN 'new'
      WHEN to_ranks.segment_rank < from_ranks.segment_rank
      THEN 'up'
      WHEN to_ranks.segment_rank > from_ranks.segment_rank
      THEN 'down'
      ELSE 'same'
    END AS direction /* by the scheme's rank: a smaller rank is a better segment */
  FROM joined
  LEFT JOIN ranks AS from_ranks
    ON joined.from_segment = from_ranks.segment
  LEFT JOIN ranks AS to_ranks
    ON joined.to_segment = to_ranks.segment
)
SELECT
  *
FROM final
