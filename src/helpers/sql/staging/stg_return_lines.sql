-- One row per source row of the returns export(s): one refund per return, dated on the return.
-- Amounts are written positive (what is paid back) and staged negative. The customer is the
-- returns file's own customer column or, when that is empty, the customer of the returned order.
with

source as (

    select * from raw_returns

),

orders as (

    -- one row per order_id of the orders export: its customer, or a guest sale
    select * from order_customers

),

parsed as (

    select
        ---------- where the row came from
        source_file,
        source_line,
        row_hash,
        is_blank_row,
        -- when the row's file was exported, as a rank (1 = earliest; ingest.overlap)
        map_extract_value(
            map(cast($export_files as varchar[]), cast($export_ranks as integer[])), source_file
        ) as export_rank,

        ---------- ids
        nullif(case when $return_id_integer then integer_text_id(return_id) else return_id end, '')
            as return_id,
        nullif(case when $order_id_integer then integer_text_id(order_id) else order_id end, '')
            as returned_order_id,
        case
            when not is_guest_key(customer_id, cast($guest_keys as varchar[]))
                then case
                    when $customer_id_integer then integer_text_id(customer_id) else customer_id
                end
        end as own_customer_id,
        case when $customer_id_integer then integer_text_id(customer_id) else customer_id end
            as customer_id_text,

        ---------- strings
        nullif(trim(nfc_normalize(status)), '') as status_text,

        ---------- numerics
        parse_amount(amount_1, $decimal_mark) as amount_value,
        coalesce(trim(amount_1), '') = '' as is_amount_empty,

        ---------- dates
        parse_local_timestamp(return_date, $shop_tz, $date_order, 9999) as ordered_at,

        ---------- what was written
        return_date as order_date_text,
        amount_1 as amount_text

    from source

),

linked as (

    select
        parsed.*,
        orders.order_id is not null as is_order_known,
        coalesce(orders.is_guest, false) as is_order_guest,
        case
            when parsed.own_customer_id is not null then parsed.customer_id_text
            else orders.customer_id
        end as customer_id

    from parsed

    left join orders
        on parsed.returned_order_id = orders.order_id

),

latest as (

    -- a return in several files (overlapping exports) is read from the file exported last
    select
        *,
        max(export_rank) over (partition by return_id) as latest_rank

    from linked

),

kept as (

    select
        *,
        return_id is not null and source_file <> min(
            case when export_rank = latest_rank then source_file end
        ) over (partition by return_id) as is_replaced

    from latest

),

per_return as (

    select
        *,
        -- what is paid back is written on every returned line: one refund per return
        min(amount_value) over return_lines as return_amount_min,
        max(amount_value) over return_lines as return_amount_max,
        -- the window written out: Spark has no refinement of a named window
        row_number() over (
            partition by
                return_id,
                is_replaced,
                case when return_id is null or not $amount_level_order then source_file end,
                case when return_id is null or not $amount_level_order then source_line end
            order by amount_value is null, ordered_at is null, source_file, source_line
        ) as line_in_return

    from kept

    window return_lines as (
        partition by
            return_id,
            is_replaced,
            case when return_id is null or not $amount_level_order then source_file end,
            case when return_id is null or not $amount_level_order then source_line end
    )

),

checked as (

    select
        *,
        case
            when return_amount_min <> return_amount_max then null
            when line_in_return = 1 then -abs(cast(return_amount_max as decimal(18, 4)))
            when return_amount_max is not null then cast(0 as decimal(18, 4))
        end as amount,
        case
            when is_blank_row then 'empty_row'
            when is_replaced then 'replaced_by_later_export'
            else nullif(concat_ws(
            '; ',
            case
                when own_customer_id is null and is_order_guest then 'guest_sale'
                when own_customer_id is null and not is_order_known then 'return_order_unknown'
            end,
            case when ordered_at is null then 'unparseable_date' end,
            case
                when not is_amount_empty and amount_value is null then 'unparseable_amount'
                when amount_value is not null
                    and cast(amount_value as decimal(18, 4)) <> amount_value
                    then 'amount_beyond_4_decimals'
                when return_amount_min <> return_amount_max
                    then 'return_amount_differs_between_lines'
                when return_amount_max is null then 'unparseable_amount'
            end
        ), '')
        end as reject_reason

    from per_return

),

final as (

    select
        source_file,
        source_line,
        -- a return is an order of its own (dated on the return), keyed by its return id
        return_id as order_id,
        customer_id,
        ordered_at,
        cast(ordered_at as date) as order_date,
        amount,
        amount as line_amount,
        coalesce(
            map_extract_value(
                map(cast($status_keys as varchar[]), cast($status_values as varchar[])),
                lower(status_text)
            ),
            status_text
        ) as status,
        cast(null as varchar) as channel,
        true as is_return,
        returned_order_id,
        order_date_text,
        amount_text,
        own_customer_id is null and is_order_guest as is_guest,
        reject_reason,
        reject_reason is null and row_number() over (
            partition by row_hash, reject_reason, return_id, customer_id, order_date_text,
                amount_text, status_text
            order by source_file, source_line
        ) > 1 as is_duplicate

    from checked

)

select * from final
