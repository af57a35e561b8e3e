-- Generated from int_customer_contacts.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer id the shop knows (in the customers file or on any order line): how to */
/* reach them, their consent per channel (false unless the customers file says yes), birthday. */
/* unique: customer_id */
/* It takes no parameter: written once beside the staged customers file, every notebook reads it. */
/* persist: beside its sources */
WITH customers AS (
  SELECT
    *
  FROM customers
), order_lines AS (
  SELECT
    *
  FROM order_lines
), buyers_not_in_customers AS (
  /* a buyer missing from the customers file is still a customer: no contact, no consent */
  SELECT DISTINCT
    order_lines.customer_id
  FROM order_lines
  ANTI JOIN customers
    ON order_lines.customer_id = customers.customer_id
), ids AS (
  SELECT
    customer_id
  FROM customers
  UNION ALL
  SELECT
    customer_id
  FROM buyers_not_in_customers
), final AS (
  SELECT
    ids.customer_id,
    customers.name,
    customers.phone,
    customers.email,
    COALESCE(customers.consent_sms, FALSE) AS consent_sms,
    COALESCE(customers.consent_zalo, FALSE) AS consent_zalo,
    COALESCE(customers.consent_email, FALSE) AS consent_email,
    customers.birthday
  FROM ids
  LEFT JOIN customers
    ON ids.customer_id = customers.customer_id
)
SELECT
  *
FROM final
