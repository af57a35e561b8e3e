-- One row per buyer as of $spend_as_of (orders known as of $as_of): spend over the rolling period
-- and the tier it reaches.
-- unique: customer_id
with

orders as (

    select * from int_orders

),

tiers as (

    select * from loyalty_tiers

),

buyers as (

    -- members: customers with at least one purchase on or before the date
    select customer_id

    from orders

    group by all

    having count(*) filter (where is_purchase) > 0

),

spend_in_period as (

    -- spend = all orders (purchases and refunds) dated in (date - period_days, date]
    select
        customer_id,
        sum(amount) as spend

    from orders

    where date_diff('day', order_date, $spend_as_of) < $period_days

    group by all

),

member_spend as (

    select
        buyers.customer_id,
        coalesce(spend_in_period.spend, 0) as spend

    from buyers

    left join spend_in_period
        on buyers.customer_id = spend_in_period.customer_id

),

reached as (

    -- the highest tier whose threshold <= spend; below every threshold: the lowest tier
    select
        member_spend.customer_id,
        member_spend.spend,
        coalesce(
            max(tiers.tier_rank) filter (where tiers.threshold <= member_spend.spend),
            min(tiers.tier_rank)
        ) as tier_rank

    from member_spend

    cross join tiers

    group by all

),

final as (

    select
        reached.customer_id,
        reached.spend,
        reached.tier_rank,
        tiers.tier

    from reached

    inner join tiers
        on reached.tier_rank = tiers.tier_rank

)

select * from final
