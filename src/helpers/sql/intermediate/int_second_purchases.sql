-- One row per buyer: the dates of their first and (if any) second purchase.
-- unique: customer_id
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

final as (

    select
        customer_id,
        min(order_date) filter (where purchase_number = 1) as first_purchase_date,
        min(order_date) filter (where purchase_number = 2) as second_purchase_date

    from purchases

    where purchase_number <= 2

    group by all

)

select * from final
