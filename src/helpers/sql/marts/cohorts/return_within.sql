-- One row per window N: of buyers whose first purchase was at least N days before the as-of date
-- (they all had N days to come back), the share who made a second purchase within N days.
-- unique: window_days
with

buyers as (

    select * from int_second_purchases

),

windows as (

    select unnest(cast($windows as integer[])) as window_days

),

flagged as (

    select
        windows.window_days,
        coalesce(
            date_diff('day', buyers.first_purchase_date, buyers.second_purchase_date)
            <= windows.window_days,
            false
        ) as has_returned

    from windows

    inner join buyers
        on date_diff('day', buyers.first_purchase_date, $as_of) >= windows.window_days

),

final as (

    select
        window_days,
        count(*) as eligible_buyers,
        count(*) filter (where has_returned) as returned,
        cast(count(*) filter (where has_returned) as double) / nullif(count(*), 0)
            as share_returned

    from flagged

    group by all

    order by window_days

)

select * from final
