-- One row per source row of the orders export(s): parsed, with the reason it cannot be used.
-- raw_orders holds the mapped columns as text (amount_1..amount_6: the columns of the amount
-- expression); mapped_amount() is the mapping's amount expression over their parsed values.
with

source as (

    select * from raw_orders

),

parsed as (

    select
        ---------- where the row came from
        source_file,
        source_line,
        row_hash,
        is_blank_row,

        ---------- ids: text kept byte-for-byte unless the mapping says integer_text
        case when $customer_id_integer then integer_text_id(customer_id) else customer_id end
            as customer_id,
        -- an empty order id makes the row an order of its own
        nullif(case when $order_id_integer then integer_text_id(order_id) else order_id end, '')
            as order_id,

        ---------- strings: statuses compared after NFC, trim and lower case
        nullif(trim(nfc_normalize(status)), '') as status_text,
        channel,

        ---------- numerics: each column of the amount expression, then the expression
        list_slice([amount_1, amount_2, amount_3, amount_4, amount_5, amount_6], 1, $amount_columns)
            as amount_texts,
        -- one parsing rule for every column of the expression (planned once, as a lambda)
        list_transform(
            list_slice(
                [amount_1, amount_2, amount_3, amount_4, amount_5, amount_6], 1, $amount_columns
            ),
            lambda x: parse_amount(x, $decimal_mark)
        ) as amount_values,

        ---------- dates: local wall-clock time of the shop, then its calendar date
        parse_local_timestamp(order_date, $shop_tz, $date_order, 9999) as ordered_at,

        ---------- what was written, for the quarantine file and the duplicate check
        order_date as order_date_text,
        concat_ws(' | ', amount_1, amount_2, amount_3, amount_4, amount_5, amount_6) as amount_text

    from source

),

amount_checks as (

    select
        *,
        -- columns the expression uses (the others are null), empty ones and unreadable ones
        len(list_filter(amount_texts, lambda x: coalesce(trim(x), '') = '')) as empty_amounts,
        len(list_filter(
            list_zip(amount_texts, amount_values),
            lambda p: coalesce(trim(p[1]), '') <> '' and p[2] is null
        )) as bad_amounts

    from parsed

),

line_amounts as (

    select
        * exclude (amount_values),
        case
            when bad_amounts > 0 then null
            -- no amount on this line (an order total written on another line, or none)
            when empty_amounts = $amount_columns then null
            when empty_amounts > 0 and not $empty_amount_is_zero then null
            else mapped_amount(
                coalesce(amount_values[1], 0), coalesce(amount_values[2], 0),
                coalesce(amount_values[3], 0), coalesce(amount_values[4], 0),
                coalesce(amount_values[5], 0), coalesce(amount_values[6], 0)
            )
        end as exact_amount,
        bad_amounts > 0 or (empty_amounts > 0 and empty_amounts < $amount_columns
            and not $empty_amount_is_zero) as is_amount_unreadable,
        empty_amounts = $amount_columns as is_amount_empty

    from amount_checks

),

line_checked as materialized (

    select
        *,
        -- money is kept exactly to 4 decimals; a computed value that needs more is not changed
        cast(exact_amount as decimal(18, 4)) as line_amount,
        exact_amount is not null and cast(exact_amount as decimal(18, 4)) <> exact_amount
            as is_amount_inexact,
        is_blank_text(customer_id) as is_guest

    from line_amounts

),

order_customers as (

    -- per order and customer: its lines (two plain aggregations instead of a count(distinct),
    -- whose hash tables DuckDB cannot spill: 100M lines ran out of memory under a 1.2 GB cap)
    select
        order_id,
        customer_id,
        is_guest,
        count(*) as lines

    from line_checked

    where order_id is not null

    group by all

),

order_ids as (

    -- per order: how many lines it has, and how many customers
    select
        order_id,
        cast(sum(lines) as bigint) as lines,
        count(*) filter (where not is_guest and customer_id is not null) as customers

    from order_customers

    group by all

),

single_line_orders as (

    -- nine in ten orders have one line: their order figures are the line's own
    select
        line_checked.*,
        line_checked.line_amount as order_amount_min,
        line_checked.line_amount as order_amount_max,
        line_checked.status_text as order_status,
        1 as line_in_order

    from line_checked

    left join order_ids
        on line_checked.order_id = order_ids.order_id

    where coalesce(order_ids.lines, 1) = 1

),

multi_line_orders as (

    select
        line_checked.*,
        -- the lines of one order: the same order_id
        min(line_checked.line_amount) over order_lines as order_amount_min,
        max(line_checked.line_amount) over order_lines as order_amount_max,
        -- an order's status may be written on its first line only (Shopify)
        coalesce(
            line_checked.status_text,
            first_value(line_checked.status_text ignore nulls) over (
                order_lines order by line_checked.source_file, line_checked.source_line
                rows between unbounded preceding and unbounded following
            )
        ) as order_status,
        -- the line that carries an order-level amount: the first readable one
        row_number() over (
            order_lines
            order by
                line_checked.line_amount is null, line_checked.ordered_at is null,
                line_checked.source_file, line_checked.source_line
        ) as line_in_order

    from line_checked

    inner join order_ids
        on line_checked.order_id = order_ids.order_id

    where order_ids.lines > 1

    window order_lines as (partition by line_checked.order_id)

),

orders_of_lines as (

    select * from single_line_orders

    union all

    select * from multi_line_orders

),

shared_order_ids as (

    -- one order belongs to one customer: an id shared by several customers cannot be trusted
    select order_id

    from order_ids

    where customers > 1

),

checked as materialized (

    select
        orders_of_lines.*,
        case
            when not $amount_level_order then line_amount
            when order_amount_min <> order_amount_max then null
            when line_in_order = 1 then order_amount_max
            -- the order's amount is counted once, on its first line; its other lines add 0
            when order_amount_max is not null then 0
        end as amount,
        case when is_blank_row then 'empty_row' else nullif(concat_ws(
            '; ',
            case when is_guest then 'guest_sale' end,
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
            case
                when shared_order_ids.order_id is not null then 'order_id_shared_by_customers'
            end
        ), '') end as reject_reason

    from orders_of_lines

    left join shared_order_ids
        on orders_of_lines.order_id = shared_order_ids.order_id

),

repeated_hashes as (

    -- rows can repeat each other only where the hash of their raw text repeats
    select row_hash

    from checked

    where reject_reason is null

    group by all

    having count(*) > 1

),

repeats as (

    -- exact repeats of a usable row, every column of the export alike (two identical lines
    -- may be two real purchases: kept unless drop_duplicates)
    select
        source_file,
        source_line,
        row_number() over (
            partition by row_hash, order_id, customer_id, order_date_text, amount_text,
                status_text, channel
            order by source_file, source_line
        ) > 1 as is_duplicate

    from checked

    semi join repeated_hashes
        on checked.row_hash = repeated_hashes.row_hash

    where reject_reason is null

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
        coalesce(repeats.is_duplicate, false) as is_duplicate

    from checked

    left join repeats
        on checked.source_file = repeats.source_file
        and checked.source_line = repeats.source_line

)

select * from final
