-- One row per customer present at either date: segment and figures then and now.
-- unique: customer_id
-- inputs: seg_from, seg_to (every customer's segment at each date, given at each build)
with

segments_from as (

    select * from seg_from

),

segments_to as (

    select * from seg_to

),

ranks as (

    select * from scheme_segments

),

joined as (

    select
        coalesce(segments_to.customer_id, segments_from.customer_id) as customer_id,
        -- not yet a customer at the first date: first purchase (or sign-up) between the dates
        coalesce(segments_from.segment, '(new)') as from_segment,
        coalesce(segments_to.segment, '(gone)') as to_segment,
        segments_from.r_score as r_score_from,
        segments_from.f_score as f_score_from,
        segments_from.m_score as m_score_from,
        segments_from.recency_days as recency_days_from,
        segments_from.frequency as frequency_from,
        segments_from.monetary as monetary_from,
        segments_to.r_score as r_score_to,
        segments_to.f_score as f_score_to,
        segments_to.m_score as m_score_to,
        segments_to.recency_days as recency_days_to,
        segments_to.frequency as frequency_to,
        segments_to.monetary as monetary_to

    from segments_from

    full outer join segments_to
        on segments_from.customer_id = segments_to.customer_id

),

final as (

    select
        joined.*,
        coalesce(from_ranks.segment_rank, 0) as from_rank,
        coalesce(to_ranks.segment_rank, 1000) as to_rank,
        -- by the scheme's rank: a smaller rank is a better segment
        case
            when joined.from_segment = '(new)' then 'new'
            when to_ranks.segment_rank < from_ranks.segment_rank then 'up'
            when to_ranks.segment_rank > from_ranks.segment_rank then 'down'
            else 'same'
        end as direction

    from joined

    left join ranks as from_ranks
        on joined.from_segment = from_ranks.segment

    left join ranks as to_ranks
        on joined.to_segment = to_ranks.segment

)

select * from final
