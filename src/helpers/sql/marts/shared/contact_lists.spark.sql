-- Generated from contact_lists.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer of a list (contact_source): may we send on each channel, and why not. */
WITH contact_source AS (
  SELECT
    *
  FROM contact_source
), final AS (
  SELECT
    *,
    COALESCE(consent_sms, FALSE) /* SMS and Zalo ZNS need a valid Vietnamese mobile; advertising needs prior consent */
    AND NOT phone IS NULL AS can_send_sms,
    COALESCE(consent_zalo, FALSE) AND NOT phone IS NULL AS can_send_zalo,
    COALESCE(consent_email, FALSE)
    AND COALESCE(email RLIKE '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', FALSE) AS can_send_email
  FROM contact_source
)
SELECT
  *
FROM final
