-- Generated from stg_order_lines.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* Staging, step 4 of 4: one row per source row of the orders export(s), in file order: parsed */
/* (step 1, parsed_order_lines), with its order's figures (step 2, order_structure), whether it */
/* repeats an earlier row (step 3, order_repeats) and the reason it cannot be used. */
/* Every join keeps the lines' order and holds only the small side in memory. */
WITH lines AS (
  SELECT
    *
  FROM parsed_order_lines
), orders_of_lines AS (
  SELECT
    lines.*,
    CASE
      WHEN order_structure.order_id IS NULL
      THEN lines.line_amount
      ELSE order_structure.order_amount_min
    END AS order_amount_min, /* a line without another line in its order (or without an order id) is its own order */
    CASE
      WHEN order_structure.order_id IS NULL
      THEN lines.line_amount
      ELSE order_structure.order_amount_max
    END AS order_amount_max,
    COALESCE(lines.status_text, order_structure.first_status_text) AS order_status,
    order_structure.order_id IS NULL
    OR order_structure.amount_line = STRUCT(lines.source_file AS file, lines.source_line AS line) AS is_amount_line,
    COALESCE(order_structure.is_shared_by_customers, FALSE) AS is_order_id_shared,
    COALESCE(
      CASE
        WHEN order_structure.order_id IS NULL
        THEN lines.refund_class = 'refunded'
        ELSE order_structure.is_refunded
      END,
      FALSE
    ) AS is_refunded, /* a refund written on the order: the whole order's figures (its own line's when alone) */
    CASE
      WHEN order_structure.order_id IS NULL
      THEN lines.refund_amount
      ELSE order_structure.refund_amount
    END AS order_refund_amount,
    CASE
      WHEN order_structure.order_id IS NULL
      THEN lines.quantity
      ELSE order_structure.quantity
    END AS order_quantity,
    CASE
      WHEN order_structure.order_id IS NULL
      THEN lines.returned_quantity
      ELSE order_structure.returned_quantity
    END AS order_returned_quantity,
    NOT order_structure.order_id /* the order is read from a later export (overlapping files): this line's file is older */ /* (not an id of several customers: that is set aside as such, in every file) */ IS NULL
    AND lines.source_file <> order_structure.kept_file
    AND NOT order_structure.is_shared_by_customers AS is_replaced,
    COALESCE(order_structure.is_export_conflict, FALSE) AS is_export_conflict,
    COALESCE(order_structure.is_order_changed, FALSE) AS is_order_changed
  FROM lines
  LEFT JOIN order_structure
    ON lines.order_id = order_structure.order_id
), refunds AS (
  SELECT
    *,
    is_refunded /* refunded in full: every unit bought came back (or the refund is the order's amount) */
    AND order_refund_amount IS NULL
    AND NOT order_returned_quantity IS NULL
    AND NOT order_quantity IS NULL
    AND order_returned_quantity >= order_quantity AS is_refunded_in_full,
    is_refunded /* refunded, and the export does not say how much (ingest stops, naming the columns) */
    AND order_refund_amount IS NULL
    AND NOT COALESCE(order_returned_quantity >= order_quantity, FALSE) AS is_refund_unknown
  FROM orders_of_lines
), checked AS (
  SELECT
    *,
    CASE
      WHEN NOT :amount_level_order
      THEN line_amount
      WHEN order_amount_min <> order_amount_max
      THEN NULL
      WHEN is_amount_line
      THEN order_amount_max
      WHEN NOT order_amount_max IS NULL
      THEN 0
    END AS amount,
    CASE
      WHEN is_blank_row
      THEN 'empty_row'
      WHEN is_replaced
      THEN 'replaced_by_later_export'
      ELSE NULLIF(
        CONCAT_WS(
          '; ',
          CASE WHEN is_guest THEN 'guest_sale' END,
          CASE WHEN is_key_invalid THEN 'invalid_phone_key' END,
          CASE WHEN ordered_at IS NULL THEN 'unparseable_date' END,
          CASE
            WHEN is_amount_unreadable
            THEN 'unparseable_amount'
            WHEN is_amount_inexact
            THEN 'amount_beyond_4_decimals'
            WHEN NOT :amount_level_order AND is_amount_empty AND NOT :empty_amount_is_zero
            THEN 'unparseable_amount'
            WHEN :amount_level_order AND order_amount_min <> order_amount_max
            THEN 'order_amount_differs_between_lines'
            WHEN :amount_level_order AND order_amount_max IS NULL AND NOT :empty_amount_is_zero
            THEN 'unparseable_amount'
          END,
          CASE WHEN is_order_id_shared THEN 'order_id_shared_by_customers' END
        ),
        ''
      )
    END AS reject_reason
  FROM refunds
), final AS (
  SELECT
    checked.source_file,
    checked.source_line,
    checked.order_id,
    checked.customer_id,
    checked.ordered_at,
    CAST(checked.ordered_at AS DATE) AS order_date,
    CASE
      WHEN checked.amount IS NULL AND :empty_amount_is_zero AND checked.reject_reason IS NULL
      THEN CAST(0 AS DECIMAL(18, 4))
      WHEN checked.is_refunded_in_full AND NOT checked.amount IS NULL
      THEN CAST(0 AS DECIMAL(18, 4))
      WHEN checked.is_refunded
      AND NOT checked.order_refund_amount IS NULL
      AND checked.is_amount_line
      AND NOT checked.amount IS NULL
      THEN CAST(checked.amount - checked.order_refund_amount AS DECIMAL(18, 4))
      ELSE checked.amount
    END AS amount,
    checked.line_amount,
    COALESCE(
      TRY_ELEMENT_AT(
        MAP_FROM_ARRAYS(CAST(:status_keys AS ARRAY<STRING>), CAST(:status_values AS ARRAY<STRING>)),
        LOWER(checked.order_status)
      ),
      checked.order_status
    ) AS status,
    checked.channel,
    FALSE AS is_return,
    CAST(NULL AS STRING) AS returned_order_id,
    checked.order_date_text,
    checked.amount_text,
    checked.is_guest AND NOT checked.is_blank_row AS is_guest,
    checked.reject_reason,
    checked.reject_reason /* an exact repeat of a usable row (identical rows have the same reason, if any) */ IS NULL
    AND NOT order_repeats.source_line IS NULL AS is_duplicate,
    checked.is_export_conflict,
    checked.is_order_changed,
    checked.is_refunded,
    checked.is_refund_unknown
  FROM checked
  LEFT JOIN order_repeats
    ON checked.source_file = order_repeats.source_file
    AND checked.source_line = order_repeats.source_line
)
SELECT
  *
FROM final
