-- Generated from tier_gap_histogram.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* How far members are from their next tier: members per next tier and gap bin, the bins of */
/* one round width for every tier (1, 2, 2.5 or 5 times a power of ten, about $gap_bins of them */
/* up to the largest gap), so the page draws counts, never one value per member. */
/* unique: next_tier, gap_from */
WITH members AS (
  SELECT
    *
  FROM loyalty_members
), gaps AS (
  SELECT
    next_tier,
    CAST(gap_to_next AS DOUBLE) AS gap
  FROM members
  WHERE
    NOT next_tier IS NULL
), extent AS (
  SELECT
    CAST(MAX(gap) AS DOUBLE) / :gap_bins AS raw
  FROM gaps
  HAVING
    MAX(gap) > 0
), powers AS (
  SELECT
    raw,
    POWER(10.0, FLOOR(LOG10(raw))) AS p
  FROM extent
), widths AS (
  SELECT
    CASE
      WHEN p >= raw
      THEN p
      WHEN 2 * p >= raw
      THEN 2 * p
      WHEN 2.5 * p >= raw
      THEN 2.5 * p
      WHEN 5 * p >= raw
      THEN 5 * p
      ELSE 10 * p
    END AS width
  FROM powers
), binned AS (
  SELECT
    gaps.next_tier,
    widths.width,
    FLOOR(CAST(gaps.gap AS DOUBLE) / widths.width) AS bin
  FROM gaps
  CROSS JOIN widths
), final AS (
  SELECT
    next_tier,
    bin * width AS gap_from,
    (
      bin + 1
    ) * width AS gap_to,
    COUNT(*) AS members
  FROM binned
  GROUP BY
    next_tier,
    bin,
    width
)
SELECT
  *
FROM final
