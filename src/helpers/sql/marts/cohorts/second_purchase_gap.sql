-- One row per gap in days between a customer's first and second purchase (repeat buyers only).
-- unique: gap_days
with

buyers as (

    select * from int_second_purchases

),

counted as (

    select
        date_diff('day', first_purchase_date, second_purchase_date) as gap_days,
        count(*) as customers

    from buyers

    where second_purchase_date is not null

    group by all

),

final as (

    select
        gap_days,
        customers,
        cast(customers as double) / sum(customers) over () as share_of_repeat_buyers,
        cast(sum(customers) over (order by gap_days) as double) / sum(customers) over ()
            as cumulative_share

    from counted

    order by gap_days

)

select * from final
