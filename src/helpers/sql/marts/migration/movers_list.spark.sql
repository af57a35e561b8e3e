-- Generated from movers_list.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer who moved from one of $from_segments to one of $to_segments. */
/* unique: customer_id */
WITH contacts AS (
  SELECT
    *
  FROM int_customer_contacts
), movers AS (
  SELECT
    *
  FROM segment_movers
), selected AS (
  SELECT
    *
  FROM movers
  /* an empty "from" set means any other segment: "anyone who moved into champions" */
  WHERE
    (
      SIZE(CAST(:from_segments AS ARRAY<STRING>)) = 0
      OR ARRAY_CONTAINS(CAST(:from_segments AS ARRAY<STRING>), from_segment)
    )
    AND ARRAY_CONTAINS(CAST(:to_segments AS ARRAY<STRING>), to_segment)
    AND from_segment <> to_segment
), final AS (
  SELECT
    selected.customer_id,
    contacts.*
    EXCEPT (customer_id, birthday), /* name, phone, e-mail and consent per channel (int_customer_contacts) */
    selected.from_segment,
    selected.to_segment,
    selected.r_score_from,
    selected.f_score_from,
    selected.m_score_from,
    selected.r_score_to,
    selected.f_score_to,
    selected.m_score_to,
    selected.recency_days_from,
    selected.recency_days_to,
    selected.frequency_from,
    selected.frequency_to,
    selected.monetary_from,
    selected.monetary_to,
    :list_name AS list_name /* noqa: AL09 */
  FROM selected
  LEFT JOIN contacts
    ON selected.customer_id = contacts.customer_id
)
SELECT
  *
FROM final
