-- One row per segment of the scheme as of one attribution window before the as-of date: its
-- customers, how many bought in the window that follows (to the as-of date), and the mean and
-- variance of what they spent there. The next campaign's plan uses it for a segment that no
-- measured campaign held out.
-- unique: segment
with

segments as (

    select * from plan_segments

),

orders as (

    select * from int_orders

),

in_window as (

    select
        segments.customer_id,
        segments.segment,
        count(orders.customer_id) filter (where orders.is_purchase) as purchases,
        cast(coalesce(sum(orders.amount), 0) as double) as revenue

    from segments

    left join orders
        on
            segments.customer_id = orders.customer_id
            and orders.order_date > $window_start
            and orders.order_date <= $as_of

    group by all

),

final as (

    select
        segment,
        count(*) as customers,
        count(*) filter (where purchases > 0) as buyers,
        sum(revenue) as revenue_sum,
        sum(revenue * revenue) as revenue_sumsq

    from in_window

    group by segment

)

select * from final
