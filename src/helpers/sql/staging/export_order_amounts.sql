-- One row: how often the amount is the same on every line of an order with several lines.
-- An order total repeated on each product line (KiotViet, Shopee, TikTok Shop) looks like this;
-- line amounts rarely do.
with

lines as (

    select * from stg_orders_checked

),

orders as (

    select
        order_id,
        count(*) as readable_lines,
        min(line_amount) = max(line_amount) as is_constant

    from lines

    where
        order_id is not null
        and line_amount is not null
        -- an exact copy of a row is a duplicate, not a second line of the order
        and not is_duplicate
        -- rows set aside for another reason (a shared order id, a bad date) do not decide it
        and coalesce(reject_reason, 'guest_sale') = 'guest_sale'

    group by all

    having count(*) > 1

),

final as (

    select
        count(*) as multi_line_orders,
        count(*) filter (where is_constant) as constant_orders

    from orders

)

select * from final
