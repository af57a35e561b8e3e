-- Generated from export_order_amounts.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row: how often the amount is the same on every line of an order with several lines. */
/* An order total repeated on each product line (KiotViet, Shopee, TikTok Shop) looks like this; */
/* line amounts rarely do. */
WITH lines AS (
  SELECT
    *
  FROM stg_orders_checked
), orders AS (
  SELECT
    order_id,
    COUNT(*) AS readable_lines,
    MIN(line_amount) = MAX(line_amount) AS is_constant
  FROM lines
  WHERE
    NOT order_id IS NULL
    AND NOT line_amount IS NULL
    AND /* an exact copy of a row is a duplicate, not a second line of the order */ NOT is_duplicate
    AND /* rows set aside for another reason (a shared order id, a bad date) do not decide it */ COALESCE(reject_reason, 'guest_sale') = 'guest_sale'
  GROUP BY ALL
  HAVING
    COUNT(*) > 1
), final AS (
  SELECT
    COUNT(*) AS multi_line_orders,
    COUNT(*) FILTER(WHERE
      is_constant) AS constant_orders
  FROM orders
)
SELECT
  *
FROM final
