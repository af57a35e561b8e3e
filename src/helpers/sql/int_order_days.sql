-- One row per order and day: the order lines of each day summed, before any as-of date is applied.
-- Built once per status setting; int_orders takes the days on or before its as-of date from it.
-- unique: customer_id, order_id, is_return, single_file, single_line, order_date
with

order_lines as (

    select * from order_lines

),

kept as (

    -- status never decides purchase/refund: excluded statuses are dropped, nothing else
    select *

    from order_lines

    where
        coalesce(lower(trim(status)), '') not in (
            select unnest(cast($excluded_statuses as varchar[]))
        )

),

days as (

    select
        customer_id,
        order_id,
        -- a return (returns export) is an order of its own, dated on the return
        is_return,
        -- rows sharing an order_id are one order; an empty order_id makes the row its own order
        case when order_id is null then source_file end as single_file,
        case when order_id is null then source_line end as single_line,
        order_date,
        sum(amount) as amount

    from kept

    group by all

),

final as (

    select
        *,
        -- almost every order is on one day: only the others need a second grouping
        count(*) over (
            partition by customer_id, order_id, is_return, single_file, single_line
        ) > 1 as spans_days

    from days

)

select * from final
