-- One row per order as of the as-of date (rows after it and excluded statuses are dropped first).
with

order_lines as (

    select * from order_lines

),

kept as (

    select *

    from order_lines

    -- nothing after the as-of date may change any figure; status never decides purchase/refund
    where
        order_date <= $as_of
        and coalesce(lower(trim(status)), '') not in (
            select unnest(cast($excluded_statuses as varchar []))
        )

),

final as (

    select
        customer_id,
        order_id,
        -- rows sharing an order_id are one order; an empty order_id makes the row its own order
        case when order_id is null then source_line end as single_line,
        min(order_date) as order_date,
        sum(amount) as amount,
        count(*) as order_lines,
        sum(amount) > 0 as is_purchase,
        sum(amount) < 0 as is_refund

    from kept

    group by all

)

select * from final
