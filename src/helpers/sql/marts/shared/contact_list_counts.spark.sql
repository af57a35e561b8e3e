-- Generated from contact_list_counts.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (list, channel): who is in the send list and who was left out, and why. */
/* unique: list_key, channel */
WITH contact_lists AS (
  SELECT
    *
  FROM contact_lists
), per_customer_channel AS (
  /* one row per customer and channel, so the counting below is written once */
  SELECT
    contact_lists.list_key,
    channels.channel,
    CASE channels.channel
      WHEN 'sms'
      THEN contact_lists.can_send_sms
      WHEN 'zalo'
      THEN contact_lists.can_send_zalo
      ELSE contact_lists.can_send_email
    END AS can_send,
    COALESCE(
      CASE channels.channel
        WHEN 'sms'
        THEN contact_lists.consent_sms
        WHEN 'zalo'
        THEN contact_lists.consent_zalo
        ELSE contact_lists.consent_email
      END,
      FALSE
    ) AS has_consent
  FROM contact_lists
  CROSS JOIN VALUES
    ('sms'),
    ('zalo'),
    ('email') AS channels(channel)
), final AS (
  SELECT
    list_key,
    channel,
    COUNT(*) AS customers,
    COUNT(*) FILTER(WHERE
      can_send) AS in_list,
    COUNT(*) FILTER(WHERE
      NOT has_consent) AS no_consent,
    COUNT(*) /* consent given, but no valid mobile (sms, zalo) or e-mail address to send to */ FILTER(WHERE
      has_consent AND NOT can_send) AS no_contact
  FROM per_customer_channel
  GROUP BY ALL
)
SELECT
  *
FROM final
ORDER BY
  list_key NULLS LAST,
  channel NULLS LAST
