-- One row per (r_score, fm_score) cell with buyers: customers, revenue and the cell's segment.
-- unique: r_score, fm_score
with

segmented as (

    select * from rfm_segments

),

final as (

    select
        r_score,
        fm_score,
        any_value(segment) as segment,
        count(*) as customers,
        sum(monetary) as revenue

    from segmented

    where segment <> 'prospect'

    group by all

)

select * from final
