-- Generated from rfm_segments.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer: buyers scored and segmented, plus prospects (never bought) from customers. */
/* What migration, the 12-month trend and the summaries read: no contact columns (rfm_customers */
/* adds them for the exports). */
/* unique: customer_id */
WITH scores AS (
  SELECT
    *
  FROM rfm_scores
), rules AS (
  SELECT
    *
  FROM scheme_rules
), segments AS (
  SELECT
    *
  FROM scheme_segments
), customers AS (
  SELECT
    *
  FROM customers
), lookup AS (
  SELECT
    *
  FROM scheme_lookup
), ruled AS (
  /* schemes on raw values: range rules (the validator guarantees exactly one match); empty */
  /* for schemes on scores only, which the lookup below assigns */
  SELECT DISTINCT
    scores.customer_id,
    rules.segment
  FROM scores
  INNER JOIN rules
    ON (
      rules.r_score_min IS NULL OR scores.r_score >= rules.r_score_min
    )
    AND (
      rules.r_score_max IS NULL OR scores.r_score <= rules.r_score_max
    )
    AND (
      rules.f_score_min IS NULL OR scores.f_score >= rules.f_score_min
    )
    AND (
      rules.f_score_max IS NULL OR scores.f_score <= rules.f_score_max
    )
    AND (
      rules.m_score_min IS NULL OR scores.m_score >= rules.m_score_min
    )
    AND (
      rules.m_score_max IS NULL OR scores.m_score <= rules.m_score_max
    )
    AND (
      rules.fm_score_min IS NULL OR scores.fm_score >= rules.fm_score_min
    )
    AND (
      rules.fm_score_max IS NULL OR scores.fm_score <= rules.fm_score_max
    )
    AND (
      rules.recency_days_min IS NULL OR scores.recency_days >= rules.recency_days_min
    )
    AND (
      rules.recency_days_max IS NULL OR scores.recency_days <= rules.recency_days_max
    )
    AND (
      rules.frequency_min IS NULL OR scores.frequency >= rules.frequency_min
    )
    AND (
      rules.frequency_max IS NULL OR scores.frequency <= rules.frequency_max
    )
    AND (
      rules.monetary_min IS NULL OR scores.monetary >= rules.monetary_min
    )
    AND (
      rules.monetary_max IS NULL OR scores.monetary <= rules.monetary_max
    )
), buyers AS (
  /* schemes on scores only: one equality join on (r, f, m); 0 stands for a factor left out */
  SELECT
    scores.*,
    COALESCE(lookup.segment, ruled.segment) AS segment
  FROM scores
  LEFT JOIN lookup
    ON COALESCE(scores.r_score, 0) = lookup.r_key
    AND COALESCE(scores.f_score, 0) = lookup.f_key
    AND COALESCE(scores.m_score, 0) = lookup.m_key
  LEFT JOIN ruled
    ON scores.customer_id = ruled.customer_id
), prospects AS (
  /* signed up on or before the as-of date, no purchase by then: R0/F0/M0, not scored */
  SELECT
    customers.customer_id,
    CAST(NULL AS BIGINT) AS recency_days,
    CAST(0 AS BIGINT) AS frequency,
    CAST(0 AS DECIMAL(38, 4)) AS monetary,
    0 AS r_score,
    0 AS f_score,
    0 AS m_score,
    0 AS fm_score,
    CAST(NULL AS DATE) AS first_purchase_date,
    CAST(NULL AS DATE) AS last_purchase_date,
    CAST(0 AS BIGINT) AS orders,
    CAST(NULL AS DECIMAL(18, 2)) AS aov,
    'prospect' AS segment
  FROM customers
  ANTI JOIN scores
    ON customers.customer_id = scores.customer_id
  WHERE
    COALESCE(customers.signup_date, :as_of) <= :as_of
), everyone AS (
  /* the same columns in the same order on both sides (Spark has no union by name) */
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
    aov,
    segment
  FROM buyers
  UNION ALL
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
    aov,
    segment
  FROM prospects
), final AS (
  SELECT
    everyone.customer_id,
    everyone.recency_days,
    everyone.frequency,
    everyone.monetary,
    everyone.r_score,
    everyone.f_score,
    everyone.m_score,
    everyone.fm_score,
    COALESCE(CAST(everyone.r_score AS STRING), '-') || COALESCE(CAST(everyone.f_score AS STRING), '-') || COALESCE(CAST(everyone.m_score AS STRING), '-') AS rfm_code,
    everyone.segment,
    segments.segment_label,
    everyone.first_purchase_date,
    everyone.last_purchase_date,
    everyone.orders,
    everyone.aov,
    segments.segment_rank,
    segments.suggested_action
  FROM everyone
  LEFT JOIN segments
    ON everyone.segment = segments.segment
)
SELECT
  *
FROM final
