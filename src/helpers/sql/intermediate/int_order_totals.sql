-- One row per order, before any as-of date is applied: its lines summed, the dates of its first
-- and last line. Built once per status setting; int_orders reads it at each as-of date.
-- Its grain (customer_id, order_id, is_return, single_file, single_line) is the grouping itself,
-- so it is not checked again at build time (a check would cost a second grouping of every order).
-- Read from the staged export's cache, it is written once as Parquet beside it and read from
-- there by every notebook of the month (db._persisted):
-- persist: beside its sources
with

order_lines as (

    select * from order_lines

),

kept as (

    -- status never decides purchase/refund: excluded statuses are dropped, nothing else
    select *

    from order_lines

    where
        not list_contains(
            cast($excluded_statuses as varchar[]), coalesce(lower(trim(status)), '')
        )

),

final as (

    select
        customer_id,
        order_id,
        -- a return (returns export) is an order of its own, dated on the return
        is_return,
        -- rows sharing an order_id are one order; an empty order_id makes the row its own order
        case when order_id is null then source_file end as single_file,
        case when order_id is null then source_line end as single_line,
        min(order_date) as first_date,
        max(order_date) as last_date,
        sum(amount) as amount

    from kept

    group by all

)

select * from final
