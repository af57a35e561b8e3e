-- Generated from fading_customers.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* The customers of one segment (the scheme's best) whose chance of still buying (P(alive), from */
/* notebook 06's customer_value) is below $p_alive_below, with their contacts: to call now. */
/* unique: customer_id */
WITH contacts AS (
  SELECT
    *
  FROM int_customer_contacts
), customer_value AS (
  SELECT
    *
  FROM customer_value
), final AS (
  SELECT
    customer_value.customer_id,
    contacts.*
    EXCEPT (customer_id, birthday), /* name, phone, e-mail and consent per channel (int_customer_contacts) */
    customer_value.segment,
    customer_value.p_alive,
    customer_value.expected_revenue,
    'fading_champions' AS fading_key
  FROM customer_value
  INNER JOIN contacts
    ON customer_value.customer_id = contacts.customer_id
  WHERE
    customer_value.segment = :segment AND customer_value.p_alive < :p_alive_below
)
SELECT
  *
FROM final
