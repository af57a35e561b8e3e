-- One row per date (the as-of date and the month end before it): the managers' headline figures.
-- unique: as_of
with

orders as (

    select * from int_orders

),

dates as (

    select unnest(cast($dates as date[])) as as_of

),

per_date as (

    select
        dates.as_of,
        orders.customer_id,
        orders.order_date,
        orders.amount,
        orders.is_purchase,
        -- the reporting month: from the first of the as-of date's month up to the as-of date
        orders.order_date >= date_trunc('month', dates.as_of) as is_in_month

    from dates

    inner join orders
        on orders.order_date <= dates.as_of

),

customers as (

    select
        as_of,
        customer_id,
        count(*) filter (where is_purchase) as purchases,
        count(*) filter (where is_purchase and is_in_month) as purchases_in_month,
        count(*) filter (where is_purchase and not is_in_month) as purchases_before_month,
        coalesce(sum(amount) filter (where is_in_month), 0) as revenue_in_month

    from per_date

    group by all

),

final as (

    -- one row per date, also when nobody bought anything yet (a new shop, an empty export)
    select
        dates.as_of,
        -- customers: everyone with a purchase on or before the date
        count(*) filter (where customers.purchases > 0) as customers,
        -- active buyers: a purchase in the reporting month
        count(*) filter (where customers.purchases_in_month > 0) as active_buyers,
        coalesce(sum(customers.revenue_in_month), 0) as revenue,
        -- repeat rate: active buyers of the month who had bought before it
        cast(count(*) filter (
            where customers.purchases_in_month > 0 and customers.purchases_before_month > 0
        ) as double)
        / nullif(count(*) filter (where customers.purchases_in_month > 0), 0) as repeat_rate,
        -- one-time buyers: customers with exactly one purchase so far
        cast(count(*) filter (where customers.purchases = 1) as double)
        / nullif(count(*) filter (where customers.purchases > 0), 0) as share_one_time

    from dates

    left join customers
        on dates.as_of = customers.as_of

    group by all

    order by dates.as_of

)

select * from final
