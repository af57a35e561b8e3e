-- One row per order at each date of a set of as-of dates: what int_orders gives at each of them,
-- for every date in one pass (the trend's month ends). At each date only its lines count: an
-- order whose last line is on or before the date is whole there, one with lines on both sides
-- of it is summed from its lines up to the date, dated at the first of them.
with

totals as (

    select * from int_order_totals

),

order_lines as (

    select * from order_lines

),

dates as (

    select unnest(cast($as_of_dates as date[])) as as_of

),

whole as (

    -- every line on or before the date: the order as a whole (almost every order)
    select
        dates.as_of,
        totals.customer_id,
        totals.first_date as order_date,
        totals.amount

    from totals

    inner join dates
        on totals.last_date <= dates.as_of

),

cut as (

    -- an order with lines on both sides of the date (it has an order_id: a line without one is
    -- an order of one line), once per date it spans
    select
        dates.as_of,
        totals.customer_id,
        totals.order_id,
        totals.is_return

    from totals

    inner join dates
        on
            totals.first_date <= dates.as_of
            and totals.last_date > dates.as_of

),

cut_orders as (

    -- its lines up to the date only, dated at the first of them
    select
        cut.as_of,
        order_lines.customer_id,
        min(order_lines.order_date) as order_date,
        sum(order_lines.amount) as amount

    from order_lines

    inner join cut
        on
            order_lines.customer_id = cut.customer_id
            and order_lines.order_id = cut.order_id
            and order_lines.is_return = cut.is_return

    where
        order_lines.order_date <= cut.as_of
        and not list_contains(
            cast($excluded_statuses as varchar[]), coalesce(lower(trim(order_lines.status)), '')
        )

    group by cut.as_of, order_lines.customer_id, order_lines.order_id, order_lines.is_return

),

final as (

    select
        as_of,
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
