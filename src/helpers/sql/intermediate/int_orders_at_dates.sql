-- The orders of a set of as-of dates (the trend's month ends), for int_customer_metrics_at_dates:
-- what int_orders gives at each date, each whole order once. An order whose last line is on or
-- before a date is whole there and at every later date: it is one row, at the first date of the
-- set on or after its last line (is_whole). An order with lines on both sides of a date is a row
-- at that date only, summed from its lines up to the date and dated at the first of them.
-- Every join of the lines is an equality (the dates are joined to the days lines fall on):
-- a range join of every line with the dates is what made this slow.
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

spans as (

    -- each date with the one before it (the first: a day before any line): the lines after
    -- `previous` up to `as_of`; plain inequalities, a range join on both engines
    select
        as_of,
        coalesce(lag(as_of) over (order by as_of), cast('0001-01-01' as date)) as previous

    from dates

),

last_days as (

    -- the days orders end on, each with the first date of the set on or after it: a small
    -- range join, then an equality join for every order
    select
        days.last_date,
        spans.as_of

    from (select distinct last_date from totals) as days

    inner join spans
        on
            days.last_date <= spans.as_of
            and days.last_date > spans.previous

),

whole as (

    -- every line on or before the date: the order as a whole, from that date on
    select
        last_days.as_of,
        totals.customer_id,
        totals.first_date as order_date,
        totals.amount,
        true as is_whole

    from totals

    inner join last_days
        on totals.last_date = last_days.last_date

),

multi_day as (

    -- only an order of lines on two days or more can be cut by a date (it has an order_id: a
    -- line without one is an order of one line)
    select
        customer_id,
        order_id,
        is_return,
        first_date,
        last_date

    from totals

    where first_date < last_date

),

line_days as (

    -- the days lines fall on, each with the first date of the set on or after it
    select
        days.order_date,
        spans.as_of

    from (select distinct order_date from order_lines) as days

    inner join spans
        on
            days.order_date <= spans.as_of
            and days.order_date > spans.previous

),

parts as (

    -- their kept lines, summed per date of the set they count from
    select
        order_lines.customer_id,
        order_lines.order_id,
        order_lines.is_return,
        line_days.as_of,
        min(order_lines.order_date) as order_date,
        sum(order_lines.amount) as amount

    from order_lines

    inner join multi_day
        on
            order_lines.customer_id = multi_day.customer_id
            and order_lines.order_id = multi_day.order_id
            and order_lines.is_return = multi_day.is_return

    inner join line_days
        on order_lines.order_date = line_days.order_date

    where
        not list_contains(
            cast($excluded_statuses as varchar[]), coalesce(lower(trim(order_lines.status)), '')
        )

    group by
        order_lines.customer_id, order_lines.order_id, order_lines.is_return, line_days.as_of

),

cut as (

    -- an order with lines on both sides of a date, once per date it spans
    select
        dates.as_of,
        multi_day.customer_id,
        multi_day.order_id,
        multi_day.is_return

    from multi_day

    inner join dates
        on
            multi_day.first_date <= dates.as_of
            and multi_day.last_date > dates.as_of

),

cut_orders as (

    -- its lines up to the date only, dated at the first of them: at that date alone
    select
        cut.as_of,
        cut.customer_id,
        min(parts.order_date) as order_date,
        sum(parts.amount) as amount,
        false as is_whole

    from cut

    inner join parts
        on
            cut.customer_id = parts.customer_id
            and cut.order_id = parts.order_id
            and cut.is_return = parts.is_return

    where parts.as_of <= cut.as_of

    group by cut.as_of, cut.customer_id, cut.order_id, cut.is_return

),

final as (

    select
        as_of,
        customer_id,
        order_date,
        amount,
        amount > 0 as is_purchase,
        amount < 0 as is_refund,
        is_whole

    from (
        select * from whole

        union all

        select * from cut_orders
    ) as orders

)

select * from final
