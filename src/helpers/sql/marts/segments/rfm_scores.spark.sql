-- Generated from rfm_scores.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer with at least one purchase on or before the as-of date: metrics and scores. */
/* The one-date case of rfm_scores_at_dates, where the scoring rules are (one text for both). */
WITH scores AS (
  SELECT
    *
  FROM rfm_scores_at_dates
), final AS (
  SELECT
    customer_id,
    recency_days,
    frequency,
    monetary,
    r_score,
    f_score,
    m_score,
    fm_score,
    first_purchase_date,
    last_purchase_date,
    orders,
    aov
  FROM scores
  WHERE
    as_of = :as_of
)
SELECT
  *
FROM final
