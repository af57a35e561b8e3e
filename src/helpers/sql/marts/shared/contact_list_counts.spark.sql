-- Generated from contact_list_counts.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (list, channel): who is in the send list and who was left out, and why. */
/* unique: list_key, channel */
/* inputs: contact_lists (the table export.build_contact_lists returned, given at each build) */
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
      THEN contact_lists.sms_left_out
      WHEN 'zalo'
      THEN contact_lists.zalo_left_out
      ELSE contact_lists.email_left_out
    END AS left_out
  FROM contact_lists
  CROSS JOIN VALUES
    ('sms'),
    ('zalo'),
    ('email') AS channels(channel)
), final AS (
  /* every customer of a list is in the send list or left out for one reason: */
  /* customers = in_list + no_consent + masked + invalid_contact + missing_contact */
  SELECT
    list_key,
    channel,
    COUNT(*) AS customers,
    COUNT(*) FILTER(WHERE
      left_out IS NULL) AS in_list,
    COUNT(*) FILTER(WHERE
      left_out = 'no_consent') AS no_consent,
    COUNT(*) /* consent given, but no contact to send to: masked, refused by the rules, or none */ FILTER(WHERE
      left_out IN ('masked', 'invalid_contact', 'no_contact')) AS no_contact,
    COUNT(*) FILTER(WHERE
      left_out = 'masked') AS masked,
    COUNT(*) FILTER(WHERE
      left_out = 'invalid_contact') AS invalid_contact,
    COUNT(*) FILTER(WHERE
      left_out = 'no_contact') AS missing_contact
  FROM per_customer_channel
  GROUP BY ALL
)
SELECT
  *
FROM final
ORDER BY
  list_key NULLS LAST,
  channel NULLS LAST
