-- Generated from rfm_customers.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer: rfm_segments with how to reach each customer, for the exports. */
/* unique: customer_id */
WITH segments AS (
  SELECT
    *
  FROM rfm_segments
), contacts AS (
  SELECT
    *
  FROM int_customer_contacts
), final AS (
  SELECT
    segments.*
    EXCEPT (segment_rank, suggested_action),
    contacts.*
    EXCEPT (customer_id, birthday), /* name, phone, e-mail and consent per channel (int_customer_contacts) */
    segments.segment_rank,
    segments.suggested_action
  FROM segments
  LEFT JOIN contacts
    ON segments.customer_id = contacts.customer_id
)
SELECT
  *
FROM final
