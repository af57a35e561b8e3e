-- One row: the figures the RFM page opens with (buyers, prospects, one-time buyers, revenue,
-- the top 20%'s share of revenue, the segment bringing most revenue and the largest segment).
-- unique: buyers
with

customers as (

    select * from rfm_segments

),

segments as (

    select * from segment_summary

),

concentration as (

    select * from revenue_concentration

),

counts as (

    select
        count(*) filter (where segment <> 'prospect') as buyers,
        count(*) filter (where segment = 'prospect') as prospects,
        count(*) filter (where segment <> 'prospect' and frequency <= 1) as one_time,
        sum(monetary) as revenue

    from customers

),

top_revenue as (

    select
        segment_label as top_segment,
        customers as top_customers,
        revenue_share as top_revenue_share

    from segments

    where segment <> 'prospect'

    order by revenue desc, segment_rank asc

    limit 1

),

largest as (

    select
        segment_label as largest_segment,
        share as largest_share

    from segments

    where segment <> 'prospect'

    order by customers desc, segment_rank asc

    limit 1

),

final as (

    select
        counts.buyers,
        counts.prospects,
        counts.one_time,
        counts.revenue,
        (
            select concentration.revenue_share from concentration
            where concentration.customer_percentile = 20
        ) as top20_revenue_share,
        top_revenue.top_segment,
        top_revenue.top_customers,
        top_revenue.top_revenue_share,
        largest.largest_segment,
        largest.largest_share

    from counts

    left join top_revenue on true

    left join largest on true

)

select * from final
