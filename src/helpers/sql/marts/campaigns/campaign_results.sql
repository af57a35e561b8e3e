-- One row per campaign (segment 'all') and per (campaign, segment as of the day before it began).
-- unique: campaign_id, segment
with

campaigns as (

    select * from campaigns

),

sends as (

    select * from campaign_sends

),

holdout as (

    select * from campaign_holdout

),

segments as (

    select * from campaign_segments

),

orders as (

    select * from int_orders

),

started as (

    -- the as-of rule: a campaign that starts after the as-of date is not measured yet
    select
        *,
        start_date + attribution_days as window_end

    from campaigns

    where start_date <= $as_of

),

treated as (

    -- intention to treat: everyone on the send list, delivered or not
    select
        campaign_id,
        customer_id,
        'treated' as arm,
        bool_or(status = 'delivered') as is_delivered,
        sum(cost) as cost,
        bool_or(is_opened) as is_opened,
        bool_or(is_interacted) as is_interacted

    from sends

    group by all

),

held_out as (

    -- a customer both sent to and held out counts as treated (they were contacted)
    select
        holdout.campaign_id,
        holdout.customer_id,
        'holdout' as arm,
        false as is_delivered,
        cast(0 as decimal(18, 2)) as cost,
        false as is_opened,
        false as is_interacted

    from holdout

    anti join treated
        on holdout.campaign_id = treated.campaign_id
        and holdout.customer_id = treated.customer_id

),

targeted as (

    select * from treated

    union all

    select * from held_out

),

in_window as (

    -- a converter bought in [start_date, start_date + attribution_days): N days with the start day
    select
        targeted.campaign_id,
        targeted.customer_id,
        count(orders.customer_id) filter (where orders.is_purchase) as purchases,
        coalesce(sum(orders.amount), 0) as revenue

    from targeted

    inner join started
        on targeted.campaign_id = started.campaign_id

    left join orders
        on targeted.customer_id = orders.customer_id
        and orders.order_date >= started.start_date
        and orders.order_date < started.window_end

    group by all

),

per_customer as (

    select
        targeted.*,
        coalesce(segments.segment, '(none)') as segment,
        in_window.purchases > 0 as is_converter,
        in_window.revenue

    from targeted

    inner join in_window
        on targeted.campaign_id = in_window.campaign_id
        and targeted.customer_id = in_window.customer_id

    left join segments
        on targeted.campaign_id = segments.campaign_id
        and targeted.customer_id = segments.customer_id

),

counted as (

    select
        campaign_id,
        case when grouping(segment) = 1 then 'all' else segment end as segment,
        count(*) as targeted,
        count(*) filter (where arm = 'holdout') as holdout,
        count(*) filter (where arm = 'treated') as sent,
        count(*) filter (where arm = 'treated' and is_delivered) as delivered,
        count(*) filter (where arm = 'treated' and not is_delivered) as failed,
        coalesce(sum(cost), 0) as cost,
        count(*) filter (where arm = 'treated' and is_opened) as opened,
        count(*) filter (where arm = 'treated' and is_interacted) as interacted,
        count(*) filter (where arm = 'treated' and is_converter) as treated_converters,
        count(*) filter (where arm = 'holdout' and is_converter) as holdout_converters,
        coalesce(sum(revenue) filter (where arm = 'treated'), 0) as treated_revenue_total,
        coalesce(sum(revenue) filter (where arm = 'holdout'), 0) as holdout_revenue_total

    from per_customer

    group by grouping sets ((campaign_id), (campaign_id, segment))

),

rates as (

    select
        *,
        cast(delivered as double) / nullif(sent, 0) as delivery_rate,
        cast(opened as double) / nullif(delivered, 0) as open_rate,
        cast(interacted as double) / nullif(delivered, 0) as interaction_rate,
        cast(treated_converters as double) / nullif(sent, 0) as treated_rate,
        cast(holdout_converters as double) / nullif(holdout, 0) as holdout_rate,
        cast(treated_revenue_total as double) / nullif(sent, 0) as treated_revenue,
        cast(holdout_revenue_total as double) / nullif(holdout, 0) as holdout_revenue

    from counted

),

effects as (

    select
        *,
        treated_rate - holdout_rate as uplift,
        -- normal approximation for the difference of two proportions
        1.96 * sqrt(
            cast(treated_rate * (1 - treated_rate) as double) / nullif(sent, 0)
            + cast(holdout_rate * (1 - holdout_rate) as double) / nullif(holdout, 0)
        ) as margin

    from rates

),

final as (

    select
        effects.campaign_id,
        effects.segment,
        effects.targeted,
        effects.holdout,
        effects.sent,
        effects.delivered,
        effects.failed,
        effects.delivery_rate,
        effects.cost,
        effects.open_rate,
        effects.interaction_rate,
        effects.treated_converters,
        effects.treated_rate,
        effects.holdout_converters,
        effects.holdout_rate,
        effects.uplift,
        effects.uplift - effects.margin as uplift_ci_low,
        effects.uplift + effects.margin as uplift_ci_high,
        effects.uplift * effects.sent as incremental_converters,
        effects.treated_revenue,
        effects.holdout_revenue,
        (effects.treated_revenue - effects.holdout_revenue) * effects.sent as incremental_revenue,
        case
            when effects.uplift * effects.sent > 0
                then cast(effects.cost as double) / (effects.uplift * effects.sent)
        end as cost_per_incremental_converter,
        case
            when effects.cost > 0
                then cast(
                    (effects.treated_revenue - effects.holdout_revenue) * effects.sent
                    - effects.cost
                    as double
                ) / effects.cost
        end as roi,
        started.name,
        started.channel,
        started.target,
        started.start_date,
        started.attribution_days,
        date_diff('day', $as_of, started.window_end) <= 1 as is_window_complete

    from effects

    inner join started
        on effects.campaign_id = started.campaign_id

    order by started.start_date, effects.campaign_id, effects.segment <> 'all', effects.segment

)

select * from final
