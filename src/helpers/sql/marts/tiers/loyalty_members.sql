-- One row per member (a buyer on or before the as-of date): tier, points, next tier, change.
-- unique: customer_id
with

now_tiers as (

    select * from tier_now

),

previous_tiers as (

    select * from tier_previous

),

reranking_tiers as (

    select * from tier_reranking

),

tiers as (

    select * from loyalty_tiers

),

with_next as (

    select
        now_tiers.*,
        next_tiers.tier as next_tier,
        next_tiers.threshold as next_threshold

    from now_tiers

    left join tiers as next_tiers
        on next_tiers.tier_rank = now_tiers.tier_rank + 1

),

final as (

    select
        with_next.customer_id,
        with_next.spend,
        with_next.tier,
        -- points = floor(max(spend, 0) / point_value), in exact integer arithmetic on cents
        -- (rounded to cents explicitly: a decimal cast to an integer rounds in DuckDB and
        -- truncates in Spark)
        cast(round(greatest(with_next.spend, 0) * 100) as bigint)
        // cast(round(cast($point_value as decimal(18, 2)) * 100) as bigint) as points,
        with_next.next_tier,
        with_next.next_threshold - with_next.spend as gap_to_next,
        coalesce(
            with_next.next_threshold - with_next.spend
            <= cast($close_share as decimal(18, 6)) * with_next.next_threshold,
            false
        ) as close_to_next,
        previous_tiers.tier as previous_tier,
        case
            when previous_tiers.tier is null then 'new'
            when with_next.tier_rank > previous_tiers.tier_rank then 'up'
            when with_next.tier_rank < previous_tiers.tier_rank then 'down'
            else 'same'
        end as tier_change,
        with_next.tier_rank,
        reranking_tiers.tier as tier_at_reranking,
        coalesce(reranking_tiers.tier_rank < with_next.tier_rank, false) as will_drop

    from with_next

    left join previous_tiers
        on with_next.customer_id = previous_tiers.customer_id

    left join reranking_tiers
        on with_next.customer_id = reranking_tiers.customer_id

)

select * from final
