-- The orders of a set of as-of dates (the trend's month ends) other than $as_of, for
-- int_customer_metrics_at_dates: what int_orders gives at each date, each whole order once
-- ($as_of's own are int_orders, read there through int_customer_metrics). An order whose last
-- line is on or before a date is whole there and at every later date: it is one row, at the
-- first date of the set on or after its last line (is_whole). An order with lines on both sides
-- of a date is a row at that date only, summed from its lines up to the date and dated at the
-- first of them. Only the lines of those orders are read: the whole orders come from their
-- totals, joined to the dates by the day they end on (an equality join: a range join of every
-- line or order with the dates is what made this slow).
-- int_order_totals is read where each step uses it, not through one CTE: read three times, a CTE
-- would be materialized whole even when the set holds no other date.
with

order_lines as (

    select * from order_lines

),

dates as (

    select as_of

    from (select unnest(cast($as_of_dates as date[])) as as_of) as given

    where as_of <> $as_of

),

spans as (

    -- each date with the one before it (the first: a day before any line): the days after
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

    from (select distinct last_date from int_order_totals) as days

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

    from int_order_totals as totals

    inner join last_days
        on totals.last_date = last_days.last_date

),

cut as (

    -- an order with lines on both sides of a date, once per date it spans (only an order of
    -- lines on two days or more: it has an order_id, a line without one is an order of one line)
    select
        dates.as_of,
        totals.customer_id,
        totals.order_id,
        totals.is_return

    from int_order_totals as totals

    inner join dates
        on
            totals.first_date <= dates.as_of
            and totals.last_date > dates.as_of

    where totals.first_date < totals.last_date

),

cut_lines as (

    -- the kept lines of those orders, and of no other
    select
        order_lines.customer_id,
        order_lines.order_id,
        order_lines.is_return,
        order_lines.order_date,
        order_lines.amount

    from order_lines

    semi join cut
        on
            order_lines.customer_id = cut.customer_id
            and order_lines.order_id = cut.order_id
            and order_lines.is_return = cut.is_return

    where
        not list_contains(
            cast($excluded_statuses as varchar[]), coalesce(lower(trim(order_lines.status)), '')
        )

),

cut_orders as (

    -- each cut order's lines up to the date only, dated at the first of them: at that date alone
    select
        cut.as_of,
        cut.customer_id,
        min(cut_lines.order_date) as order_date,
        sum(cut_lines.amount) as amount,
        false as is_whole

    from cut

    inner join cut_lines
        on
            cut.customer_id = cut_lines.customer_id
            and cut.order_id = cut_lines.order_id
            and cut.is_return = cut_lines.is_return

    where cut_lines.order_date <= cut.as_of

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
