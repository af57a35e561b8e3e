-- One row per order as of the as-of date (lines after it are dropped before the order is summed).
with

order_days as (

    select * from int_order_days

),

kept as (

    -- nothing after the as-of date may change any figure
    select *

    from order_days

    where order_date <= $as_of

),

one_day as (

    select
        customer_id,
        order_date,
        amount

    from kept

    where not spans_days

),

many_days as (

    -- an order with lines on several days is dated at its earliest line on or before as-of
    select
        customer_id,
        min(order_date) as order_date,
        sum(amount) as amount

    from kept

    where spans_days

    group by customer_id, order_id, is_return, single_file, single_line

),

orders as (

    select * from one_day

    union all

    select * from many_days

),

final as (

    -- only what the models downstream read: a narrow table is quick to build and scan
    select
        customer_id,
        order_date,
        amount,
        amount > 0 as is_purchase,
        amount < 0 as is_refund

    from orders

)

select * from final
