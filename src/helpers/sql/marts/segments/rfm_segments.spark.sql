-- Generated from rfm_segments.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer: buyers scored and segmented, plus prospects (never bought) from customers. */
/* What migration, the 12-month trend and the summaries read: no contact columns (rfm_customers */
/* adds them for the exports). The one-date case of rfm_segments_at_dates, where the scheme's */
/* rules are matched (one text for both). */
WITH segments AS (
  SELECT
    *
  FROM rfm_segments_at_dates
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
    rfm_code,
    segment,
    segment_label,
    first_purchase_date,
    last_purchase_date,
    orders,
    aov,
    segment_rank,
    suggested_action
  FROM segments
  WHERE
    as_of = :as_of
)
SELECT
  *
FROM final
