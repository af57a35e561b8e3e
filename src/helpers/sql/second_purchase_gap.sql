-- One row per gap in days between a customer's first and second purchase (repeat buyers only).
with

orders as (

    select * from int_orders

),

purchases as (

    select
        customer_id,
        order_date,
        row_number() over (partition by customer_id order by order_date) as purchase_number

    from orders

    where is_purchase

),

gaps as (

    select
        first_purchase.customer_id,
        date_diff('day', first_purchase.order_date, second_purchase.order_date) as gap_days

    from purchases as first_purchase

    inner join purchases as second_purchase
        on first_purchase.customer_id = second_purchase.customer_id
        and second_purchase.purchase_number = 2

    where first_purchase.purchase_number = 1

),

counted as (

    select
        gap_days,
        count(*) as customers

    from gaps

    group by all

),

final as (

    select
        gap_days,
        customers,
        customers / sum(customers) over () as share_of_repeat_buyers,
        sum(customers) over (order by gap_days) / sum(customers) over () as cumulative_share

    from counted

    order by gap_days

)

select * from final
