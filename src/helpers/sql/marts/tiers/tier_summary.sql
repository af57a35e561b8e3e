-- One row per tier (lowest first): members, revenue, changes since the previous month end.
-- unique: tier
with

members as (

    select * from loyalty_members

),

tiers as (

    select * from loyalty_tiers

),

per_tier as (

    select
        tier,
        count(*) as members,
        sum(spend) as spend,
        count(*) filter (where tier_change = 'up') as upgraded,
        count(*) filter (where tier_change = 'down') as downgraded,
        count(*) filter (where tier_change = 'new') as new_members,
        count(*) filter (where close_to_next) as close_to_next,
        count(*) filter (where will_drop) as will_drop

    from members

    group by all

),

final as (

    select
        tiers.tier,
        tiers.tier_rank,
        tiers.threshold,
        coalesce(per_tier.members, 0) as members,
        coalesce(per_tier.spend, 0) as spend,
        coalesce(per_tier.upgraded, 0) as upgraded,
        coalesce(per_tier.downgraded, 0) as downgraded,
        coalesce(per_tier.new_members, 0) as new_members,
        coalesce(per_tier.close_to_next, 0) as close_to_next,
        coalesce(per_tier.will_drop, 0) as will_drop

    from tiers

    left join per_tier
        on tiers.tier = per_tier.tier

    order by tiers.tier_rank

)

select * from final
