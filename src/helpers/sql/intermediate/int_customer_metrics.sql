-- One row per customer with at least one purchase on or before the as-of date: the metrics
-- RFM scores (recency, frequency, monetary in the window) and the value monetary is scored on.
-- unique: customer_id
with

orders as (

    select * from int_orders

),

flagged as (

    -- window_days = null means all history; otherwise dates in (as_of - N, as_of]
    select
        *,
        (
            $window_days is null
            or date_diff('day', order_date, $as_of) < $window_days
        ) as is_in_window

    from orders

),

metrics as (

    -- one pass over the orders: recency and first/last purchase always use all history,
    -- frequency and monetary only the window
    select
        customer_id,
        date_diff('day', max(order_date) filter (where is_purchase), $as_of) as recency_days,
        count(*) filter (where is_purchase and is_in_window) as frequency,
        coalesce(sum(amount) filter (where is_in_window), 0) as monetary,
        count(*) filter (where is_in_window) as orders,
        cast(
            cast(sum(amount) filter (where is_in_window) as double)
            / nullif(count(*) filter (where is_purchase and is_in_window), 0)
            as decimal(18, 2)
        ) as aov,
        min(order_date) filter (where is_purchase) as first_purchase_date,
        max(order_date) filter (where is_purchase) as last_purchase_date

    from flagged

    group by all

    having count(*) filter (where is_purchase) > 0

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
