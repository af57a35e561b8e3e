-- One row per buyer as of the as-of date: what the BG/NBD and Gamma-Gamma models read
-- (Fader, Hardie & Lee 2005). A purchase is a day with at least one purchase order (an order of
-- amount 0 counts too when $zero_amount_purchases is true, as the published CDNOW summary does).
-- x = purchase days after the first; t_x = weeks from the first to the last purchase day;
-- T = weeks from the first purchase day to the as-of date; mean_spend = the mean of the repeat
-- purchase days' totals (null for a one-time buyer).
-- unique: customer_id
with

orders as (

    select * from int_orders

),

purchase_days as (

    select
        customer_id,
        order_date,
        sum(amount) as spend

    from orders

    where is_purchase or (cast($zero_amount_purchases as boolean) and amount = 0)

    group by customer_id, order_date

),

numbered as (

    select
        *,
        min(order_date) over (partition by customer_id) as first_day

    from purchase_days

),

final as (

    select
        customer_id,
        count(*) - 1 as x,
        cast(date_diff('day', min(order_date), max(order_date)) as double) / 7 as t_x,
        -- the papers call it T, and so do the issue's output columns
        cast(date_diff('day', min(order_date), cast($as_of as date)) as double) / 7
            as T,  -- noqa: CP02
        cast(
            cast(sum(spend) filter (where order_date > first_day) as double)
            / count(spend) filter (where order_date > first_day)
            as decimal(18, 2)
        ) as mean_spend,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date

    from numbered

    group by customer_id

)

select * from final
