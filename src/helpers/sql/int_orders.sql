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
            select unnest(cast($excluded_statuses as varchar[]))
        )

),

grouped as (

    select
        customer_id,
        order_id,
        -- a return (returns export) is an order of its own, dated on the return
        is_return,
        -- rows sharing an order_id are one order; an empty order_id makes the row its own order
        case when order_id is null then source_file end as single_file,
        case when order_id is null then source_line end as single_line,
        min(order_date) as order_date,
        sum(amount) as amount

    from kept

    group by all

),

final as (

    -- only what the models downstream read: a narrow table is quick to build and scan
    select
        customer_id,
        order_date,
        amount,
        amount > 0 as is_purchase,
        amount < 0 as is_refund

    from grouped

)

select * from final
