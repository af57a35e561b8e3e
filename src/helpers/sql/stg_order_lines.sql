-- One row per source row of the orders export: parsed, with the reason it cannot be used (if any).
with

source as (

    select * from raw_orders

),

parsed as (

    select
        ---------- ids: text kept byte-for-byte (no trim, no case folding, no numeric parsing)
        source_line,
        customer_id,
        -- an empty order id makes the row an order of its own
        nullif(order_id, '') as order_id,

        ---------- strings
        status,
        channel,

        ---------- numerics
        case
            when $empty_amount_is_zero and coalesce(trim(amount), '') = ''
                then cast(0 as decimal(18, 2))
            else parse_amount(amount)
        end as amount,

        ---------- dates: local wall-clock time of the shop, then its calendar date
        parse_local_timestamp(order_date, $shop_tz) as ordered_at,

        ---------- what was written, for the quarantine file
        order_date as order_date_text,
        amount as amount_text

    from source

),

shared_order_ids as (

    -- one order belongs to one customer: an id shared by several customers cannot be trusted
    select order_id

    from parsed

    where
        order_id is not null
        and coalesce(trim(customer_id), '') <> ''

    group by all

    having count(distinct customer_id) > 1

),

checked as (

    select
        parsed.*,
        cast(parsed.ordered_at as date) as order_date,
        nullif(concat_ws(
            '; ',
            case when coalesce(trim(parsed.customer_id), '') = '' then 'empty_customer_id' end,
            case when parsed.ordered_at is null then 'unparseable_date' end,
            case when parsed.amount is null then 'unparseable_amount' end,
            case
                when shared_order_ids.order_id is not null then 'order_id_shared_by_customers'
            end
        ), '') as reject_reason

    from parsed

    left join shared_order_ids
        on parsed.order_id = shared_order_ids.order_id

),

final as (

    select
        source_line,
        order_id,
        customer_id,
        ordered_at,
        order_date,
        amount,
        status,
        channel,
        order_date_text,
        amount_text,
        reject_reason,
        -- exact repeats of a usable row (two identical lines may be two real purchases)
        reject_reason is null and row_number() over (
            partition by
                reject_reason, order_id, customer_id, order_date_text, amount_text, status, channel
            order by source_line
        ) > 1 as is_duplicate

    from checked

)

select * from final
