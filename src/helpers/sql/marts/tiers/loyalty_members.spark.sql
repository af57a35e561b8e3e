-- Generated from loyalty_members.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per member (a buyer on or before the as-of date): tier, points, next tier, change. */
/* unique: customer_id */
WITH now_tiers AS (
  SELECT
    *
  FROM tier_now
), previous_tiers AS (
  SELECT
    *
  FROM tier_previous
), reranking_tiers AS (
  SELECT
    *
  FROM tier_reranking
), tiers AS (
  SELECT
    *
  FROM loyalty_tiers
), with_next AS (
  SELECT
    now_tiers.*,
    next_tiers.tier AS next_tier,
    next_tiers.threshold AS next_threshold
  FROM now_tiers
  LEFT JOIN tiers AS next_tiers
    ON next_tiers.tier_rank = now_tiers.tier_rank + 1
), final AS (
  SELECT
    with_next.customer_id,
    with_next.spend,
    with_next.tier,
    CAST(ROUND(GREATEST(with_next.spend, 0) * 100) AS BIGINT) /* points = floor(max(spend, 0) / point_value), in exact integer arithmetic on cents */ /* (rounded to cents explicitly: a decimal cast to an integer rounds in DuckDB and */ /* truncates in Spark) */ DIV CAST(ROUND(CAST(:point_value AS DECIMAL(18, 2)) * 100) AS BIGINT) AS points,
    with_next.next_tier,
    with_next.next_threshold - with_next.spend AS gap_to_next,
    COALESCE(
      with_next.next_threshold - with_next.spend <= CAST(:close_share AS DECIMAL(18, 6)) * with_next.next_threshold,
      FALSE
    ) AS close_to_next,
    previous_tiers.tier AS previous_tier,
    CASE
      WHEN previous_tiers.tier IS NULL
      THEN 'new'
      WHEN with_next.tier_rank > previous_tiers.tier_rank
      THEN 'up'
      WHEN with_next.tier_rank < previous_tiers.tier_rank
      THEN 'down'
      ELSE 'same'
    END AS tier_change,
    with_next.tier_rank,
    reranking_tiers.tier AS tier_at_reranking,
    COALESCE(reranking_tiers.tier_rank < with_next.tier_rank, FALSE) AS will_drop
  FROM with_next
  LEFT JOIN previous_tiers
    ON with_next.customer_id = previous_tiers.customer_id
  LEFT JOIN reranking_tiers
    ON with_next.customer_id = reranking_tiers.customer_id
)
SELECT
  *
FROM final
