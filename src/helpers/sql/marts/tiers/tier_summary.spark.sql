-- Generated from tier_summary.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per tier (lowest first): members, revenue, changes since the previous month end. */
/* unique: tier */
WITH members AS (
  SELECT
    *
  FROM loyalty_members
), tiers AS (
  SELECT
    *
  FROM loyalty_tiers
), per_tier AS (
  SELECT
    tier,
    COUNT(*) AS members,
    SUM(spend) AS spend,
    COUNT(*) FILTER(WHERE
      tier_change = 'up') AS upgraded,
    COUNT(*) FILTER(WHERE
      tier_change = 'down') AS downgraded,
    COUNT(*) FILTER(WHERE
      tier_change = 'new') AS new_members,
    COUNT(*) FILTER(WHERE
      close_to_next) AS close_to_next,
    COUNT(*) FILTER(WHERE
      will_drop) AS will_drop
  FROM members
  GROUP BY ALL
), final AS (
  SELECT
    tiers.tier,
    tiers.tier_rank,
    tiers.threshold,
    COALESCE(per_tier.members, 0) AS members,
    COALESCE(per_tier.spend, 0) AS spend,
    COALESCE(per_tier.upgraded, 0) AS upgraded,
    COALESCE(per_tier.downgraded, 0) AS downgraded,
    COALESCE(per_tier.new_members, 0) AS new_members,
    COALESCE(per_tier.close_to_next, 0) AS close_to_next,
    COALESCE(per_tier.will_drop, 0) AS will_drop
  FROM tiers
  LEFT JOIN per_tier
    ON tiers.tier = per_tier.tier
  ORDER BY
    tiers.tier_rank NULLS LAST
)
SELECT
  *
FROM final
