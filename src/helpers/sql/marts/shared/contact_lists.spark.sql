-- Generated from contact_lists.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer of a list (contact_source): may we send on each channel, and if not, why. */
/* The rules are the customers file's own (stg_customers.sql): `phone` is a valid mobile number */
/* or null, is_email_valid the workbook's one e-mail rule, the masks of the platforms; and the */
/* consent per channel, where a later "no" has already won over a "yes". */
/* inputs: contact_source, contact_checks (the list's customers and the customers file's rules, */
/* given at each build by export.build_contact_lists) */
WITH contact_source AS (
  SELECT
    *
  FROM contact_source
), contact_checks AS (
  /* per customer of the customers file: has a phone written, the e-mail rule, the masks and */
  /* the consent evidence (export.build_contact_lists) */
  SELECT
    *
  FROM contact_checks
), checked AS (
  SELECT
    contact_source.*,
    contact_checks.consent_sms_date,
    contact_checks.consent_zalo_date,
    contact_checks.consent_email_date,
    contact_checks.consent_source,
    COALESCE(contact_checks.has_phone_text, FALSE) AS has_phone_text,
    COALESCE(contact_checks.is_email_valid, FALSE) AS is_email_valid,
    COALESCE(contact_checks.is_phone_masked, FALSE) AS is_phone_masked,
    COALESCE(contact_checks.is_email_masked, FALSE) AS is_email_masked
  FROM contact_source
  LEFT JOIN contact_checks
    ON contact_source.customer_id = contact_checks.customer_id
), reasons AS (
  /* why a customer is left out of a channel's send list (null: in it), the first that holds: */
  /* advertising needs prior consent; SMS and Zalo ZNS need a valid mobile number, e-mail a */
  /* valid address; a contact a platform masked, one the rules refuse, or none at all */
  SELECT
    *,
    CASE
      WHEN NOT COALESCE(consent_sms, FALSE)
      THEN 'no_consent'
      WHEN is_phone_masked
      THEN 'masked'
      WHEN NOT phone IS NULL
      THEN NULL
      WHEN has_phone_text
      THEN 'invalid_contact'
      ELSE 'no_contact'
    END AS sms_left_out,
    CASE
      WHEN NOT COALESCE(consent_zalo, FALSE)
      THEN 'no_consent'
      WHEN is_phone_masked
      THEN 'masked'
      WHEN NOT phone IS NULL
      THEN NULL
      WHEN has_phone_text
      THEN 'invalid_contact'
      ELSE 'no_contact'
    END AS zalo_left_out,
    CASE
      WHEN NOT COALESCE(consent_email, FALSE)
      THEN 'no_consent'
      WHEN is_email_masked
      THEN 'masked'
      WHEN is_email_valid
      THEN NULL
      WHEN NOT email IS NULL
      THEN 'invalid_contact'
      ELSE 'no_contact'
    END AS email_left_out
  FROM checked
), final AS (
  SELECT
    *
    EXCEPT (has_phone_text, is_email_valid, is_phone_masked, is_email_masked),
    sms_left_out IS NULL AS can_send_sms,
    zalo_left_out IS NULL AS can_send_zalo,
    email_left_out IS NULL AS can_send_email
  FROM reasons
)
SELECT
  *
FROM final
