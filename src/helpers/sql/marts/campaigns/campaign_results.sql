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

sent_list as (

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

treated as (

    -- a customer both sent to and held out counts as treated (they were contacted), and is
    -- counted (sent_and_held_out): many of them mean the holdout was not kept out of the sends
    select
        sent_list.*,
        holdout.customer_id is not null as is_also_held_out

    from sent_list

    left join holdout
        on sent_list.campaign_id = holdout.campaign_id
        and sent_list.customer_id = holdout.customer_id

),

held_out as (

    select
        holdout.campaign_id,
        holdout.customer_id,
        'holdout' as arm,
        false as is_delivered,
        cast(0 as decimal(18, 2)) as cost,
        false as is_opened,
        false as is_interacted,
        false as is_also_held_out

    from holdout

    anti join sent_list
        on holdout.campaign_id = sent_list.campaign_id
        and holdout.customer_id = sent_list.customer_id

),

targeted as (

    select * from treated

    union all

    select * from held_out

),

history as (

    -- the first day of the shop's history: a customer who never bought before a send is
    -- further from a purchase than anyone who did
    select min(order_date) as first_day

    from orders

),

before_send as (

    -- each targeted customer's history before the send (balance of the groups: recency,
    -- frequency and spend over all history), and their spend in a window of the attribution's
    -- length just before the send (the CUPED covariate)
    select
        targeted.campaign_id,
        targeted.customer_id,
        max(orders.order_date) filter (where orders.is_purchase) as last_purchase_date,
        count(orders.customer_id) filter (where orders.is_purchase) as frequency_before,
        cast(coalesce(sum(orders.amount), 0) as double) as spend_before,
        cast(coalesce(sum(orders.amount) filter (
            where orders.order_date >= started.start_date - started.attribution_days
        ), 0) as double) as spend_pre_window

    from targeted

    inner join started
        on targeted.campaign_id = started.campaign_id

    left join orders
        on
            targeted.customer_id = orders.customer_id
            and orders.order_date < started.start_date

    group by all

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
        in_window.revenue,
        cast(in_window.revenue as double) as revenue_value,
        date_diff(
            'day', coalesce(before_send.last_purchase_date, history.first_day - 1),
            started.start_date
        ) as recency_before,
        before_send.frequency_before,
        before_send.spend_before,
        before_send.spend_pre_window

    from targeted

    inner join in_window
        on targeted.campaign_id = in_window.campaign_id
        and targeted.customer_id = in_window.customer_id

    inner join before_send
        on targeted.campaign_id = before_send.campaign_id
        and targeted.customer_id = before_send.customer_id

    inner join started
        on targeted.campaign_id = started.campaign_id

    cross join history

    left join segments
        on targeted.campaign_id = segments.campaign_id
        and targeted.customer_id = segments.customer_id

),

measured_values as (

    -- each customer's values as doubles, with their squares (and the revenue times the
    -- covariate): sums of these give means, variances and the covariance, on both engines
    select
        *,
        revenue_value as revenue_x,
        revenue_value * revenue_value as revenue_x2,
        spend_pre_window as pre_spend_x,
        spend_pre_window * spend_pre_window as pre_spend_x2,
        spend_pre_window * revenue_value as pre_cross_x,
        cast(recency_before as double) as recency_x,
        cast(recency_before as double) * cast(recency_before as double) as recency_x2,
        cast(frequency_before as double) as frequency_x,
        cast(frequency_before as double) * cast(frequency_before as double) as frequency_x2,
        spend_before as spend_before_x,
        spend_before * spend_before as spend_before_x2

    from per_customer

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
        count(*) filter (where arm = 'treated' and is_also_held_out) as sent_and_held_out,
        coalesce(sum(cost), 0) as cost,
        count(*) filter (where arm = 'treated' and is_opened) as opened,
        count(*) filter (where arm = 'treated' and is_interacted) as interacted,
        -- a send file without opens (or clicks) says nothing about them: unknown, not 0%
        count(is_opened) filter (where arm = 'treated') as opens_known,
        count(is_interacted) filter (where arm = 'treated') as interactions_known,
        count(*) filter (where arm = 'treated' and is_converter) as treated_converters,
        count(*) filter (where arm = 'holdout' and is_converter) as holdout_converters,
        coalesce(sum(revenue) filter (where arm = 'treated'), 0) as treated_revenue_total,
        coalesce(sum(revenue) filter (where arm = 'holdout'), 0) as holdout_revenue_total,
        -- per arm, sums and sums of squares: what the intervals (Welch), the CUPED
        -- adjustment and the balance of the groups need (pages/campaigns/measure.py)
        coalesce(sum(revenue_x) filter (where arm = 'treated'), 0) as treated_revenue_sum,
        coalesce(sum(revenue_x2) filter (where arm = 'treated'), 0) as treated_revenue_sumsq,
        coalesce(sum(pre_spend_x) filter (where arm = 'treated'), 0) as treated_pre_spend_sum,
        coalesce(sum(pre_spend_x2) filter (where arm = 'treated'), 0) as treated_pre_spend_sumsq,
        coalesce(sum(recency_x) filter (where arm = 'treated'), 0) as treated_recency_sum,
        coalesce(sum(recency_x2) filter (where arm = 'treated'), 0) as treated_recency_sumsq,
        coalesce(sum(frequency_x) filter (where arm = 'treated'), 0) as treated_frequency_sum,
        coalesce(sum(frequency_x2) filter (where arm = 'treated'), 0) as treated_frequency_sumsq,
        coalesce(sum(spend_before_x) filter (where arm = 'treated'), 0) as treated_spend_before_sum,
        coalesce(sum(spend_before_x2) filter (where arm = 'treated'), 0)
            as treated_spend_before_sumsq,
        coalesce(sum(pre_cross_x) filter (where arm = 'treated'), 0) as treated_pre_cross,
        coalesce(sum(revenue_x) filter (where arm = 'holdout'), 0) as holdout_revenue_sum,
        coalesce(sum(revenue_x2) filter (where arm = 'holdout'), 0) as holdout_revenue_sumsq,
        coalesce(sum(pre_spend_x) filter (where arm = 'holdout'), 0) as holdout_pre_spend_sum,
        coalesce(sum(pre_spend_x2) filter (where arm = 'holdout'), 0) as holdout_pre_spend_sumsq,
        coalesce(sum(recency_x) filter (where arm = 'holdout'), 0) as holdout_recency_sum,
        coalesce(sum(recency_x2) filter (where arm = 'holdout'), 0) as holdout_recency_sumsq,
        coalesce(sum(frequency_x) filter (where arm = 'holdout'), 0) as holdout_frequency_sum,
        coalesce(sum(frequency_x2) filter (where arm = 'holdout'), 0) as holdout_frequency_sumsq,
        coalesce(sum(spend_before_x) filter (where arm = 'holdout'), 0) as holdout_spend_before_sum,
        coalesce(sum(spend_before_x2) filter (where arm = 'holdout'), 0)
            as holdout_spend_before_sumsq,
        coalesce(sum(pre_cross_x) filter (where arm = 'holdout'), 0) as holdout_pre_cross

    from measured_values

    group by grouping sets ((campaign_id), (campaign_id, segment))

),

rates as (

    select
        *,
        cast(delivered as double) / nullif(sent, 0) as delivery_rate,
        case
            when opens_known > 0 then cast(opened as double) / nullif(delivered, 0)
        end as open_rate,
        case
            when interactions_known > 0 then cast(interacted as double) / nullif(delivered, 0)
        end as interaction_rate,
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
        effects.sent_and_held_out,
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
        effects.treated_revenue_sum,
        effects.treated_revenue_sumsq,
        effects.treated_pre_spend_sum,
        effects.treated_pre_spend_sumsq,
        effects.treated_recency_sum,
        effects.treated_recency_sumsq,
        effects.treated_frequency_sum,
        effects.treated_frequency_sumsq,
        effects.treated_spend_before_sum,
        effects.treated_spend_before_sumsq,
        effects.treated_pre_cross,
        effects.holdout_revenue_sum,
        effects.holdout_revenue_sumsq,
        effects.holdout_pre_spend_sum,
        effects.holdout_pre_spend_sumsq,
        effects.holdout_recency_sum,
        effects.holdout_recency_sumsq,
        effects.holdout_frequency_sum,
        effects.holdout_frequency_sumsq,
        effects.holdout_spend_before_sum,
        effects.holdout_spend_before_sumsq,
        effects.holdout_pre_cross,
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
