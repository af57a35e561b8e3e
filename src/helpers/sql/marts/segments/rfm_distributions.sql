-- One row per (factor, bucket): how many buyers fall in each range of R, F and M (for histograms).
-- unique: factor, bucket_low
with

buyers as (

    select * from rfm_segments

    where segment <> 'prospect'

),

recency as (

    -- 30-day buckets
    select
        'recency_days' as factor,
        30 * (recency_days // 30) as bucket_low,
        count(*) as customers

    from buyers

    group by all

),

frequency as (

    -- each count up to 20, then one bucket for 20 and more
    select
        'frequency' as factor,
        least(frequency, 20) as bucket_low,
        count(*) as customers

    from buyers

    group by all

),

monetary as (

    -- four buckets per power of ten; zero and negative totals in their own bucket (bucket_low 0)
    select
        'monetary' as factor,
        case
            when monetary <= 0 then 0
            else power(10, cast(floor(4 * log10(cast(monetary as double))) as double) / 4)
        end as bucket_low,
        count(*) as customers

    from buyers

    group by all

),

final as (

    select * from recency
    union all
    select * from frequency
    union all
    select * from monetary

)

select * from final

order by factor, bucket_low
