-- One row per order as of the as-of date (lines after it are dropped before the order is summed).
-- int_order_totals is read where each step uses it, not through one CTE: read twice, a CTE would
-- be materialized whole, every column of every order.
with

order_lines as (

    select * from order_lines

),

whole as (

    -- every line on or before the as-of date: the order as a whole (almost every order)
    select
        customer_id,
        first_date as order_date,
        amount

    from int_order_totals

    where last_date <= $as_of

),

cut as (

    -- an order with lines on both sides of the as-of date (it has an order_id: a line without
    -- one is an order of one line)
    select
        customer_id,
        order_id,
        is_return

    from int_order_totals

    where
        first_date <= $as_of
        and last_date > $as_of

),

cut_orders as (

    -- its lines up to the as-of date only, dated at the first of them
    select
        order_lines.customer_id,
        min(order_lines.order_date) as order_date,
        sum(order_lines.amount) as amount

    from order_lines

    semi join cut
        on order_lines.customer_id = cut.customer_id
        and order_lines.order_id = cut.order_id
        and order_lines.is_return = cut.is_return

    where
        order_lines.order_date <= $as_of
        and not list_contains(
            cast($excluded_statuses as varchar[]), coalesce(lower(trim(order_lines.status)), '')
        )

    group by order_lines.customer_id, order_lines.order_id, order_lines.is_return

),

final as (

    -- only what the models downstream read: a narrow table is quick to build and scan
    select
        customer_id,
        order_date,
        amount,
        amount > 0 as is_purchase,
        amount < 0 as is_refund

    from (
        select * from whole

        union all

        select * from cut_orders
    ) as orders

)

select * from final
