-- One row per (from_segment, to_segment) pair with customers: the migration matrix.
-- unique: from_segment, to_segment
with

movers as (

    select * from segment_movers

),

counted as (

    select
        from_segment,
        to_segment,
        any_value(from_rank) as from_rank,
        any_value(to_rank) as to_rank,
        any_value(direction) as direction,
        count(*) as customers,
        sum(monetary_from) as monetary_from

    from movers

    group by all

),

final as (

    select
        from_segment,
        to_segment,
        customers,
        cast(customers as double) / sum(customers) over (partition by from_segment)
            as share_of_from,
        from_rank,
        to_rank,
        direction,
        monetary_from

    from counted

    order by from_rank, to_rank

)

select * from final
