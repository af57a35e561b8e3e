-- Generated from segment_migration.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (from_segment, to_segment) pair with customers: the migration matrix. */
/* unique: from_segment, to_segment */
WITH movers AS (
  SELECT
    *
  FROM segment_movers
), counted AS (
  SELECT
    from_segment,
    to_segment,
    ANY_VALUE(from_rank) IGNORE NULLS AS from_rank,
    ANY_VALUE(to_rank) IGNORE NULLS AS to_rank,
    ANY_VALUE(direction) IGNORE NULLS AS direction,
    COUNT(*) AS customers,
    SUM(monetary_from) AS monetary_from
  FROM movers
  GROUP BY ALL
), final AS (
  SELECT
    from_segment,
    to_segment,
    customers,
    CAST(customers AS DOUBLE) / SUM(customers) OVER (PARTITION BY from_segment) AS share_of_from,
    from_rank,
    to_rank,
    direction,
    monetary_from
  FROM counted
  ORDER BY
    from_rank NULLS LAST,
    to_rank NULLS LAST
)
SELECT
  *
FROM final
