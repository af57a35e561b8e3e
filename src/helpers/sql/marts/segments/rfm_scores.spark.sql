-- Generated from rfm_scores.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer with at least one purchase on or before the as-of date: metrics and scores. */
/* Scores only: changing cut points, bins or factors rebuilds this file, not the metrics it reads. */
/* unique: customer_id */
WITH valued AS (
  SELECT
    *
  FROM int_customer_metrics
), population AS (
  SELECT
    COUNT(*) AS n
  FROM valued
), r_levels /* scores are computed once per distinct value: equal values always get equal scores */ AS (
  SELECT
    recency_days,
    COUNT(*) AS customers
  FROM valued
  GROUP BY ALL
), f_levels AS (
  SELECT
    frequency,
    COUNT(*) AS customers
  FROM valued
  GROUP BY ALL
), m_levels AS (
  SELECT
    m_value,
    COUNT(*) AS customers
  FROM valued
  GROUP BY ALL
), cuts AS (
  SELECT
    EXPLODE(CAST(:r_cuts AS ARRAY<DOUBLE>)) AS r_cut,
    NULL AS f_cut,
    NULL AS m_cut
  UNION ALL
  SELECT
    NULL AS r_cut,
    EXPLODE(CAST(:f_cuts AS ARRAY<DOUBLE>)) AS f_cut,
    NULL AS m_cut
  UNION ALL
  SELECT
    NULL AS r_cut,
    NULL AS f_cut,
    EXPLODE(CAST(:m_cuts AS ARRAY<DOUBLE>)) AS m_cut
), r_scores AS (
  SELECT
    r_levels.recency_days,
    1 /* rank_min on -recency_days: 1 + customers strictly less recent */ + COALESCE(
      SUM(r_levels.customers) OVER (
        ORDER BY r_levels.recency_days DESC
        rows BETWEEN UNBOUNDED preceding AND 1 preceding
      ),
      0
    ) AS rank_min,
    :bins - (
      SELECT
        COUNT(*)
      FROM cuts
      WHERE
        cuts.r_cut < r_levels.recency_days
    ) AS fixed_score
  FROM r_levels
), f_scores AS (
  SELECT
    f_levels.frequency,
    1 + COALESCE(
      SUM(f_levels.customers) OVER (
        ORDER BY f_levels.frequency NULLS LAST
        rows BETWEEN UNBOUNDED preceding AND 1 preceding
      ),
      0
    ) AS rank_min,
    1 + (
      SELECT
        COUNT(*)
      FROM cuts
      WHERE
        cuts.f_cut <= f_levels.frequency
    ) AS fixed_score
  FROM f_levels
), m_scores AS (
  SELECT
    m_levels.m_value,
    1 + COALESCE(
      SUM(m_levels.customers) OVER (
        ORDER BY m_levels.m_value NULLS LAST
        rows BETWEEN UNBOUNDED preceding AND 1 preceding
      ),
      0
    ) AS rank_min,
    1 + (
      SELECT
        COUNT(*)
      FROM cuts
      WHERE
        cuts.m_cut <= m_levels.m_value
    ) AS fixed_score
  FROM m_levels
), scored AS (
  SELECT
    valued.*
    EXCEPT (m_value),
    CASE
      WHEN NOT :use_r
      THEN NULL
      WHEN :scoring = 'fixed'
      THEN r_scores.fixed_score
      ELSE 1 + (
        :bins * (
          r_scores.rank_min - 1
        )
      ) DIV population.n
    END AS r_score, /* score = 1 + floor(bins * (rank_min - 1) / n), in exact integer arithmetic */
    CASE
      WHEN NOT :use_f
      THEN NULL
      WHEN :scoring = 'fixed'
      THEN f_scores.fixed_score
      ELSE 1 + (
        :bins * (
          f_scores.rank_min - 1
        )
      ) DIV population.n
    END AS f_score,
    CASE
      WHEN NOT :use_m
      THEN NULL
      WHEN :scoring = 'fixed'
      THEN m_scores.fixed_score
      ELSE 1 + (
        :bins * (
          m_scores.rank_min - 1
        )
      ) DIV population.n
    END AS m_score
  FROM valued
  CROSS JOIN population
  INNER JOIN r_scores
    ON valued.recency_days = r_scores.recency_days
  INNER JOIN f_scores
    ON valued.frequency = f_scores.frequency
  INNER JOIN m_scores
    ON valued.m_value = m_scores.m_value
), final AS (
  SELECT
    customer_id,
    recency_days,
    frequency,
    monetary,
    CAST(r_score AS INT) AS r_score,
    CAST(f_score AS INT) AS f_score,
    CAST(m_score AS INT) AS m_score,
    CAST(CASE
      WHEN NOT f_score IS NULL AND NOT m_score IS NULL
      THEN (
        f_score + m_score + 1
      ) DIV 2
      ELSE COALESCE(f_score, m_score)
    END AS INT) AS fm_score, /* fm_score = floor((f + m) / 2 + 0.5); with one of them left out, the other alone */
    first_purchase_date,
    last_purchase_date,
    orders,
    aov
  FROM scored
)
SELECT
  *
FROM final
