-- Generated from tier_lists.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (list, member): close to the next tier, upgraded, downgraded, birthdays next month, */
/* and those who will drop at the next re-ranking if nothing changes. */
/* unique: list_key, customer_id */
WITH contacts AS (
  SELECT
    *
  FROM int_customer_contacts
), members AS (
  SELECT
    *
  FROM loyalty_members
), listed AS (
  SELECT
    'close_to_next' AS list_key,
    *
  FROM members
  WHERE
    close_to_next
  UNION ALL
  SELECT
    'upgraded' AS list_key,
    *
  FROM members
  WHERE
    tier_change = 'up'
  UNION ALL
  SELECT
    'downgraded' AS list_key,
    *
  FROM members
  WHERE
    tier_change = 'down'
  UNION ALL
  SELECT
    'will_drop' AS list_key,
    *
  FROM members
  WHERE
    will_drop
  UNION ALL
  /* birthdays in the calendar month after the as-of date's month */
  SELECT
    'birthdays' AS list_key,
    members.*
  FROM members
  INNER JOIN contacts
    ON members.customer_id = contacts.customer_id
  WHERE
    MONTH(contacts.birthday) = MONTH(DATE_TRUNC('MONTH', :as_of) + INTERVAL '1' MONTH)
), final AS (
  SELECT
    listed.list_key,
    listed.customer_id,
    contacts.*
    EXCEPT (customer_id), /* name, phone, e-mail, consent per channel and birthday (int_customer_contacts) */
    listed.tier,
    listed.spend,
    listed.points,
    listed.next_tier,
    listed.gap_to_next,
    listed.previous_tier,
    listed.tier_change,
    listed.tier_at_reranking
  FROM listed
  LEFT JOIN contacts
    ON listed.customer_id = contacts.customer_id
)
SELECT
  *
FROM final
