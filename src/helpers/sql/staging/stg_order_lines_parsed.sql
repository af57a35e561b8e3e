-- Staging, step 1 of 4: one row per source row of the orders export(s), parsed, with what can
-- be told from the line alone. raw_orders holds the mapped columns as text (amount_1..amount_6:
-- the columns of the amount expression); mapped_amount() is the mapping's amount expression over
-- their parsed values. A typed column of a Parquet file (ingest.typed) comes as its value, not
-- text: order_date_value (the order's local time) and amount_number_1..6 (the numbers), with
-- the text columns null; a text column is parsed. Run over each file on its own
-- (ingest.file_cache); steps 2 to 4 (stg_order_structure, stg_order_repeats, stg_order_lines)
-- read the files' results together as parsed_order_lines.
with

source as (

    select * from raw_orders

),

keys as (

    -- customer_key: phone: each key as written and its E.164 form (ingest.phones.phone_keys;
    -- empty otherwise)
    select * from phone_keys

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

        ---------- ids: text kept byte-for-byte unless the mapping says integer_text
        case
            when
                $customer_key_phone
                and not is_guest_key(customer_id, cast($guest_keys as varchar[]))
                then keys.phone_key
            when $customer_id_integer then integer_text_id(customer_id)
            else customer_id
        end as customer_id,
        -- no customer key, or a walk-in code ('Khách lẻ'): a guest sale
        is_guest_key(customer_id, cast($guest_keys as varchar[])) as is_guest,
        -- customer_key: phone, and the key is not a valid phone number
        $customer_key_phone and not is_guest_key(customer_id, cast($guest_keys as varchar[]))
            and keys.phone_key is null as is_key_invalid,
        -- an empty order id makes the row an order of its own
        nullif(case when $order_id_integer then integer_text_id(order_id) else order_id end, '')
            as order_id,

        ---------- strings: statuses compared after NFC, trim and lower case
        nullif(trim(nfc_normalize(status)), '') as status_text,
        channel,

        ---------- a refund written on the order (refund_status_map: refunded | not_refunded;
        ---------- compared folded, ingest.guests.fold): how much, or what was returned
        case
            when not is_blank_text(refund_status)
                then coalesce(
                    map_extract_value(
                        map(cast($refund_keys as varchar[]), cast($refund_values as varchar[])),
                        folded_text(refund_status)
                    ),
                    'unknown'
                )
        end as refund_class,
        parse_amount(refund_amount, $refund_decimal_mark) as refund_amount,
        try_cast(trim(quantity) as decimal(18, 4)) as quantity,
        try_cast(trim(returned_quantity) as decimal(18, 4)) as returned_quantity,

        ---------- numerics: each column of the amount expression (amount_1..amount_6; those
        ---------- past $amount_columns are null), each by its own decimal mark (decided from the
        ---------- column's own values), then the expression
        amount_1,
        amount_2,
        amount_3,
        amount_4,
        amount_5,
        amount_6,
        amount_number_1,
        amount_number_2,
        amount_number_3,
        amount_number_4,
        amount_number_5,
        amount_number_6,
        coalesce(amount_number_1, parse_amount(amount_1, $decimal_mark_1))
            as amount_value_1,
        coalesce(amount_number_2, parse_amount(amount_2, $decimal_mark_2))
            as amount_value_2,
        coalesce(amount_number_3, parse_amount(amount_3, $decimal_mark_3))
            as amount_value_3,
        coalesce(amount_number_4, parse_amount(amount_4, $decimal_mark_4))
            as amount_value_4,
        coalesce(amount_number_5, parse_amount(amount_5, $decimal_mark_5))
            as amount_value_5,
        coalesce(amount_number_6, parse_amount(amount_6, $decimal_mark_6))
            as amount_value_6,

        ---------- dates: local wall-clock time of the shop, then its calendar date
        coalesce(
            order_date_value, parse_local_timestamp(order_date, $shop_tz, $date_order, 9999)
        ) as ordered_at_read,

        ---------- what was written, for the quarantine file and the duplicate check
        order_date as order_date_text,
        concat_ws(' | ', amount_1, amount_2, amount_3, amount_4, amount_5, amount_6) as amount_text

    from source

    left join keys
        on source.customer_id = keys.raw_key

),

amount_checks as (

    select
        *,
        -- empty columns of the expression: the columns past it are null, so they are taken off
        cast(is_blank_amount(amount_1) and amount_number_1 is null as integer)
            + cast(is_blank_amount(amount_2) and amount_number_2 is null as integer)
            + cast(is_blank_amount(amount_3) and amount_number_3 is null as integer)
            + cast(is_blank_amount(amount_4) and amount_number_4 is null as integer)
            + cast(is_blank_amount(amount_5) and amount_number_5 is null as integer)
            + cast(is_blank_amount(amount_6) and amount_number_6 is null as integer)
            - (6 - $amount_columns) as empty_amounts,
        -- columns with something written that cannot be read as money
        cast(is_bad_amount(amount_1, amount_value_1) as integer)
            + cast(is_bad_amount(amount_2, amount_value_2) as integer)
            + cast(is_bad_amount(amount_3, amount_value_3) as integer)
            + cast(is_bad_amount(amount_4, amount_value_4) as integer)
            + cast(is_bad_amount(amount_5, amount_value_5) as integer)
            + cast(is_bad_amount(amount_6, amount_value_6) as integer) as bad_amounts

    from parsed

),

line_amounts as (

    select
        * exclude (
            amount_1, amount_2, amount_3, amount_4, amount_5, amount_6,
            amount_number_1, amount_number_2, amount_number_3, amount_number_4,
            amount_number_5, amount_number_6,
            amount_value_1, amount_value_2, amount_value_3, amount_value_4, amount_value_5,
            amount_value_6
        ),
        case
            when bad_amounts > 0 then null
            -- no amount on this line (an order total written on another line, or none)
            when empty_amounts = $amount_columns then null
            when empty_amounts > 0 and not $empty_amount_is_zero then null
            else mapped_amount(
                coalesce(amount_value_1, 0), coalesce(amount_value_2, 0),
                coalesce(amount_value_3, 0), coalesce(amount_value_4, 0),
                coalesce(amount_value_5, 0), coalesce(amount_value_6, 0)
            )
        end as exact_amount,
        bad_amounts > 0 or (empty_amounts > 0 and empty_amounts < $amount_columns
            and not $empty_amount_is_zero) as is_amount_unreadable,
        empty_amounts = $amount_columns as is_amount_empty

    from amount_checks

),

line_checked as (

    select
        *,
        -- money is kept exactly to 4 decimals; a computed value that needs more is not changed
        money_4dp(exact_amount) as line_amount,
        exact_amount is not null and is_beyond_4dp(exact_amount) as is_amount_inexact

    from line_amounts

),

final as (

    select
        source_file,
        source_line,
        row_hash,
        is_blank_row,
        export_rank,
        customer_id,
        order_id,
        status_text,
        channel,
        refund_class,
        refund_amount,
        quantity,
        returned_quantity,
        -- a time before 1970 or from 2200 on is a placeholder (Excel's 1900-01-00, 9999-12-31
        -- for "none") or a unit mixed up, never an order, whether it was written as text, a
        -- date cell or a typed column: not read, the line is set aside as unparseable_date
        case
            when
                ordered_at_read >= timestamp '1970-01-01 00:00:00'
                and ordered_at_read < timestamp '2200-01-01 00:00:00'
                then ordered_at_read
        end as ordered_at,
        order_date_text,
        amount_text,
        line_amount,
        -- read, but too large to be money (10^14 or more)
        is_amount_unreadable or (exact_amount is not null and line_amount is null)
            as is_amount_unreadable,
        is_amount_empty,
        is_amount_inexact,
        is_guest,
        is_key_invalid

    from line_checked

)

select * from final
