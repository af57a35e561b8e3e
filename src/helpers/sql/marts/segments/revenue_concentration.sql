-- One row per percentile of buyers (1..100, best first): the share of revenue they bring.
-- unique: customer_percentile
with

segmented as (

    select * from rfm_segments

),

ranked as (

    select
        monetary,
        row_number() over (order by monetary desc, customer_id asc) as position,
        count(*) over () as buyers,
        sum(monetary) over () as revenue

    from segmented

    where segment <> 'prospect'

),

cumulative as (

    select
        position,
        buyers,
        revenue,
        sum(monetary) over (order by position) as cumulative_revenue

    from ranked

),

final as (

    -- the last customer inside each percentile of buyers
    select
        cast(ceil(cast(100 * position as double) / buyers) as int) as customer_percentile,
        cast(max(cumulative_revenue) as double) / nullif(any_value(revenue), 0) as revenue_share

    from cumulative

    group by all

    order by customer_percentile

)

select * from final
