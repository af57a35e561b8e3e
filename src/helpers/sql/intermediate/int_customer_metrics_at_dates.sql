-- One row per customer and as-of date of a set, with at least one purchase on or before the
-- date: int_customer_metrics at every date in one pass (the same rules, the date a column).
-- A whole order is read once: it counts from the first date it is whole at, and in the window
-- until the first date at least window_days after it; the changes at each date, summed per
-- customer, are carried to every later date, so each date's metrics are sums over the dates
-- so far (where a single date filtered the orders), plus the orders cut by it.
-- unique: as_of, customer_id
with

orders as (

    select * from int_orders_at_dates

),

dates as (

    select unnest(cast($as_of_dates as date[])) as as_of

),

spans as (

    -- each date with the one before it, as day numbers: a window's end is found by a range join
    select
        as_of,
        date_diff('day', cast('1970-01-01' as date), as_of) as day_number,
        coalesce(
            date_diff('day', cast('1970-01-01' as date), lag(as_of) over (order by as_of)),
            -1000000
        ) as previous_day_number

    from dates

),

whole as (

    -- window_days = null means all history; otherwise dates in (as_of - N, as_of]: an order in
    -- the window at the first date it is whole at
    select
        customer_id,
        as_of,
        order_date,
        amount,
        is_purchase,
        (
            $window_days is null
            or date_diff('day', order_date, as_of) < $window_days
        ) as is_in_window,
        -- the day it leaves the window (null: never)
        date_diff('day', cast('1970-01-01' as date), order_date) + $window_days as out_day

    from orders

    where is_whole

),

out_days as (

    -- the days orders leave the window on, each with the first date of the set on or after it:
    -- a small range join, then an equality join for every order
    select
        days.out_day,
        spans.as_of as leaves

    from (select distinct out_day from whole) as days

    inner join spans
        on
            days.out_day <= spans.day_number
            and days.out_day > spans.previous_day_number

),

leaving as (

    -- and leaves it at the first date of the set N days or more after it (null: never)
    select
        whole.*,
        out_days.leaves

    from whole

    left join out_days
        on whole.out_day = out_days.out_day

),

changes as (

    -- what each whole order adds at its first date, and takes away when it leaves the window
    select
        customer_id,
        as_of,
        case when is_purchase and is_in_window then 1 else 0 end as frequency,
        case when is_in_window then amount else 0 end as monetary,
        case when is_in_window then 1 else 0 end as orders,
        case when is_purchase then 1 else 0 end as purchases,
        case when is_purchase then order_date end as purchase_date

    from leaving

    union all

    select
        customer_id,
        leaves as as_of,
        case when is_purchase then -1 else 0 end as frequency,
        -amount as monetary,
        -1 as orders,
        0 as purchases,
        cast(null as date) as purchase_date

    from leaving

    where is_in_window and leaves is not null

),

steps as (

    select
        customer_id,
        as_of,
        sum(frequency) as frequency,
        sum(monetary) as monetary,
        sum(orders) as orders,
        sum(purchases) as purchases,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date

    from changes

    group by customer_id, as_of

),

cut as (

    -- the orders cut by a date count at that date alone
    select
        as_of,
        customer_id,
        count(*) filter (where is_purchase and is_in_window) as frequency,
        coalesce(sum(amount) filter (where is_in_window), 0) as monetary,
        count(*) filter (where is_in_window) as orders,
        count(*) filter (where is_purchase) as purchases,
        min(order_date) filter (where is_purchase) as first_purchase_date,
        max(order_date) filter (where is_purchase) as last_purchase_date

    from (
        select
            *,
            (
                $window_days is null
                or date_diff('day', order_date, as_of) < $window_days
            ) as is_in_window

        from orders

        where not is_whole
    ) as cut_orders

    group by as_of, customer_id

),

reach as (

    -- each date of the set with the dates on or after it: what changes at a date counts there
    -- and at every later date (an equality join, then one grouping: no window per customer)
    select
        changed.as_of as changed_at,
        dates.as_of

    from dates as changed

    inner join dates
        on changed.as_of <= dates.as_of

),

counted as (

    select
        reach.as_of,
        steps.customer_id,
        steps.frequency,
        steps.monetary,
        steps.orders,
        steps.purchases,
        steps.first_purchase_date,
        steps.last_purchase_date

    from steps

    inner join reach
        on steps.as_of = reach.changed_at

    union all

    select
        as_of,
        customer_id,
        frequency,
        monetary,
        orders,
        purchases,
        first_purchase_date,
        last_purchase_date

    from cut

),

metrics as (

    -- recency and first/last purchase always use all history, frequency and monetary only the
    -- window
    select
        as_of,
        customer_id,
        date_diff('day', max(last_purchase_date), as_of) as recency_days,
        cast(sum(frequency) as bigint) as frequency,
        cast(sum(monetary) as decimal(38, 4)) as monetary,
        cast(sum(orders) as bigint) as orders,
        cast(
            cast(sum(monetary) as double) / nullif(sum(frequency), 0)
            as decimal(18, 2)
        ) as aov,
        min(first_purchase_date) as first_purchase_date,
        max(last_purchase_date) as last_purchase_date

    from counted

    group by as_of, customer_id

    having sum(purchases) > 0

),

final as (

    -- the value each factor is scored on: monetary is the total, or the average order value
    select
        *,
        case
            when $monetary_basis = 'aov' and frequency > 0 then cast(aov as decimal(38, 2))
            else monetary
        end as m_value

    from metrics

)

select * from final
