-- One row per window N: of buyers whose first purchase was at least N days before the as-of date
-- (they all had N days to come back), the share who made a second purchase within N days.
with

orders as (

    select * from int_orders

),

purchases as (

    select
        customer_id,
        order_date,
        row_number() over (partition by customer_id order by order_date) as purchase_number

    from orders

    where is_purchase

),

buyers as (

    select
        customer_id,
        min(order_date) filter (where purchase_number = 1) as first_purchase_date,
        min(order_date) filter (where purchase_number = 2) as second_purchase_date

    from purchases

    group by all

),

windows as (

    select unnest(cast($windows as integer [])) as window_days

),

final as (

    select
        windows.window_days,
        count(*) as eligible_buyers,
        count(*) filter (
            where date_diff(
                'day', buyers.first_purchase_date, buyers.second_purchase_date
            ) <= windows.window_days
        ) as returned,
        count(*) filter (
            where date_diff(
                'day', buyers.first_purchase_date, buyers.second_purchase_date
            ) <= windows.window_days
        ) / nullif(count(*), 0) as share_returned

    from windows

    inner join buyers
        on date_diff('day', buyers.first_purchase_date, $as_of) >= windows.window_days

    group by all

    order by windows.window_days

)

select * from final
