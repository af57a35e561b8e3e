-- One row per (cohort, period >= 0) in which the cohort's customers have at least one order.
-- unique: cohort, period
with

orders as (

    select * from int_orders

),

first_purchases as (

    -- the one definition of a buyer's first purchase (int_second_purchases.sql)
    select
        customer_id,
        first_purchase_date

    from int_second_purchases

),

cohorts as (

    -- cohort = calendar month (or ISO week) of the first purchase
    select
        customer_id,
        first_purchase_date,
        case
            when $grain = 'week' then cast(date_trunc('week', first_purchase_date) as date)
            else cast(date_trunc('month', first_purchase_date) as date)
        end as cohort_start

    from first_purchases

),

cohort_sizes as (

    select
        cohort_start,
        count(*) as cohort_size

    from cohorts

    group by all

),

orders_in_periods as (

    select
        orders.customer_id,
        orders.amount,
        orders.is_purchase,
        cohorts.cohort_start,
        -- calendar months (or weeks) between the cohort and the order, not 30-day blocks
        case
            when $grain = 'week'
                then date_diff(
                    'day', cohorts.cohort_start, cast(date_trunc('week', orders.order_date) as date)
                ) // 7
            else
                (year(orders.order_date) * 12 + month(orders.order_date))
                - (year(cohorts.first_purchase_date) * 12 + month(cohorts.first_purchase_date))
        end as period

    from orders

    inner join cohorts
        on orders.customer_id = cohorts.customer_id

),

cells as (

    select
        cohort_start,
        period,
        count(distinct customer_id) filter (where is_purchase) as customers,
        count(*) filter (where is_purchase) as purchases,
        sum(amount) as revenue

    from orders_in_periods

    -- orders before the cohort's month (a refund before the first purchase) are left out
    where period >= 0

    group by all

),

final as (

    select
        case
            -- the ISO week (2024-W01) of a Monday: the year and week of its Thursday, spelled
            -- out because Spark has no pattern for ISO weeks
            when $grain = 'week' then cast(year(cells.cohort_start + 3) as varchar) || '-W'
                || lpad(cast(
                    cast(
                        floor(cast(dayofyear(cells.cohort_start + 3) - 1 as double) / 7) as integer
                    )
                    + 1 as varchar
                ), 2, '0')
            else strftime(cells.cohort_start, '%Y-%m')
        end as cohort,
        cells.period,
        cells.customers,
        cells.purchases,
        cells.revenue,
        cohort_sizes.cohort_size,
        cast(cells.customers as double) / cohort_sizes.cohort_size as retention,
        cells.cohort_start

    from cells

    inner join cohort_sizes
        on cells.cohort_start = cohort_sizes.cohort_start

    order by cells.cohort_start, cells.period

)

select * from final
