-- Staging, step 4 of 4: one row per source row of the orders export(s), in file order: parsed
-- (step 1, parsed_order_lines), with its order's figures (step 2, order_structure), whether it
-- repeats an earlier row (step 3, order_repeats) and the reason it cannot be used.
-- Every join keeps the lines' order and holds only the small side in memory.
with

lines as (

    select * from parsed_order_lines

),

orders_of_lines as (

    select
        lines.*,
        -- a line without another line in its order (or without an order id) is its own order
        case when order_structure.order_id is null then lines.line_amount
            else order_structure.order_amount_min end as order_amount_min,
        case when order_structure.order_id is null then lines.line_amount
            else order_structure.order_amount_max end as order_amount_max,
        coalesce(lines.status_text, order_structure.first_status_text) as order_status,
        order_structure.order_id is null
            or order_structure.amount_line
            = { 'file': lines.source_file, 'line': lines.source_line }
            as is_amount_line,
        coalesce(order_structure.is_shared_by_customers, false) as is_order_id_shared,
        -- a refund written on the order: the whole order's figures (its own line's when alone)
        coalesce(case
            when order_structure.order_id is null then lines.refund_class = 'refunded'
            else order_structure.is_refunded
        end, false) as is_refunded,
        case when order_structure.order_id is null then lines.refund_amount
            else order_structure.refund_amount end as order_refund_amount,
        case when order_structure.order_id is null then lines.quantity
            else order_structure.quantity end as order_quantity,
        case when order_structure.order_id is null then lines.returned_quantity
            else order_structure.returned_quantity end as order_returned_quantity,
        -- the order is read from a later export (overlapping files): this line's file is older
        -- (not an id of several customers: that is set aside as such, in every file)
        order_structure.order_id is not null and lines.source_file <> order_structure.kept_file
            and not order_structure.is_shared_by_customers as is_replaced,
        coalesce(order_structure.is_export_conflict, false) as is_export_conflict,
        coalesce(order_structure.is_order_changed, false) as is_order_changed

    from lines

    left join order_structure
        on lines.order_id = order_structure.order_id

),

refunds as (

    select
        *,
        -- refunded in full: every unit bought came back (or the refund is the order's amount)
        is_refunded and order_refund_amount is null
            and order_returned_quantity is not null and order_quantity is not null
            and order_returned_quantity >= order_quantity as is_refunded_in_full,
        -- refunded, and the export does not say how much (ingest stops, naming the columns)
        is_refunded and order_refund_amount is null and not coalesce(
            order_returned_quantity >= order_quantity, false
        ) as is_refund_unknown

    from orders_of_lines

),

checked as (

    select
        *,
        case
            when not $amount_level_order then line_amount
            when order_amount_min <> order_amount_max then null
            when is_amount_line then order_amount_max
            -- the order's amount is counted once, on its first line; its other lines add 0
            when order_amount_max is not null then 0
        end as amount,
        case
            when is_blank_row then 'empty_row'
            when is_replaced then 'replaced_by_later_export'
            else nullif(concat_ws(
            '; ',
            case when is_guest then 'guest_sale' end,
            case when is_key_invalid then 'invalid_phone_key' end,
            case when ordered_at is null then 'unparseable_date' end,
            case
                when is_amount_unreadable then 'unparseable_amount'
                when is_amount_inexact then 'amount_beyond_4_decimals'
                when not $amount_level_order and is_amount_empty and not $empty_amount_is_zero
                    then 'unparseable_amount'
                when $amount_level_order and order_amount_min <> order_amount_max
                    then 'order_amount_differs_between_lines'
                when $amount_level_order and order_amount_max is null and not $empty_amount_is_zero
                    then 'unparseable_amount'
            end,
            case when is_order_id_shared then 'order_id_shared_by_customers' end
        ), '')
        end as reject_reason

    from refunds

),

final as (

    select
        checked.source_file,
        checked.source_line,
        checked.order_id,
        checked.customer_id,
        checked.ordered_at,
        cast(checked.ordered_at as date) as order_date,
        case
            when checked.amount is null and $empty_amount_is_zero and checked.reject_reason is null
                then cast(0 as decimal(18, 4))
            -- refunded in full: the order nets to nothing (not a purchase)
            when checked.is_refunded_in_full and checked.amount is not null
                then cast(0 as decimal(18, 4))
            -- refunded in part, by the amount the export gives, on the order's amount line
            when checked.is_refunded and checked.order_refund_amount is not null
                and checked.is_amount_line and checked.amount is not null
                then cast(checked.amount - checked.order_refund_amount as decimal(18, 4))
            else checked.amount
        end as amount,
        checked.line_amount,
        coalesce(
            map_extract_value(
                map(cast($status_keys as varchar[]), cast($status_values as varchar[])),
                lower(checked.order_status)
            ),
            checked.order_status
        ) as status,
        checked.channel,
        false as is_return,
        cast(null as varchar) as returned_order_id,
        checked.order_date_text,
        checked.amount_text,
        checked.is_guest and not checked.is_blank_row as is_guest,
        checked.reject_reason,
        -- an exact repeat of a usable row (identical rows have the same reason, if any)
        checked.reject_reason is null and order_repeats.source_line is not null as is_duplicate,
        checked.is_export_conflict,
        checked.is_order_changed,
        checked.is_refunded,
        checked.is_refund_unknown

    from checked

    left join order_repeats
        on checked.source_file = order_repeats.source_file
        and checked.source_line = order_repeats.source_line

)

select * from final
