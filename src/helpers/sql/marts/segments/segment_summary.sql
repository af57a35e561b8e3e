-- One row per segment of the scheme (empty segments included), best segment first.
-- unique: segment
with

segmented as (

    select * from rfm_segments

),

segments as (

    select * from scheme_segments

),

per_segment as (

    select
        segment,
        count(*) as customers,
        sum(monetary) as revenue,
        cast(sum(recency_days) as double) / count(recency_days) as mean_recency_days,
        cast(sum(frequency) as double) / count(frequency) as mean_frequency,
        cast(sum(monetary) as double) / count(monetary) as mean_monetary,
        count(*) filter (where frequency >= 2) as repeat_customers

    from segmented

    group by all

),

totals as (

    select
        count(*) as customers,
        sum(monetary) as revenue

    from segmented

),

final as (

    select
        segments.segment,
        segments.segment_label,
        segments.segment_rank,
        coalesce(per_segment.customers, 0) as customers,
        cast(coalesce(per_segment.customers, 0) as double) / nullif(totals.customers, 0) as share,
        coalesce(per_segment.revenue, 0) as revenue,
        cast(coalesce(per_segment.revenue, 0) as double) / nullif(totals.revenue, 0)
            as revenue_share,
        per_segment.mean_recency_days,
        per_segment.mean_frequency,
        per_segment.mean_monetary,
        -- repurchase rate: share of the segment with two or more purchases in the window
        cast(per_segment.repeat_customers as double) / nullif(per_segment.customers, 0)
            as repurchase_rate,
        segments.suggested_action

    from segments

    cross join totals

    left join per_segment
        on segments.segment = per_segment.segment

    order by segments.segment_rank

)

select * from final
