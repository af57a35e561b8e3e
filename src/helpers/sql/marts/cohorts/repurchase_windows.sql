-- One row per buyer whose last purchase was 1..max(windows) days before the as-of date.
with

contacts as (

    select * from int_customer_contacts

),

orders as (

    select * from int_orders

),

buyers as (

    select
        customer_id,
        max(order_date) filter (where is_purchase) as last_purchase_date,
        min(order_date) filter (where is_purchase) as first_purchase_date,
        count(*) filter (where is_purchase) as purchases,
        sum(amount) as monetary

    from orders

    group by all

    having count(*) filter (where is_purchase) > 0

),

windows as (

    -- windows [7, 14, 28] -> 1-7, 8-14, 15-28 days before the as-of date
    select
        window_high,
        coalesce(lag(window_high) over (order by window_high), 0) + 1 as window_low

    from (select unnest(cast($windows as integer[])) as window_high) as listed

),

in_windows as (

    select
        buyers.*,
        date_diff('day', buyers.last_purchase_date, $as_of) as days_since_purchase,
        windows.window_low,
        windows.window_high

    from buyers

    inner join windows
        on date_diff('day', buyers.last_purchase_date, $as_of)
        between windows.window_low and windows.window_high

),

final as (

    select
        in_windows.customer_id,
        cast(in_windows.window_low as varchar) || '-'
        || cast(in_windows.window_high as varchar) || 'd' as window_key,
        case when in_windows.purchases = 1 then 'one_time' else 'repeat' end as buyer_type,
        in_windows.days_since_purchase,
        in_windows.last_purchase_date,
        in_windows.first_purchase_date,
        in_windows.purchases,
        in_windows.monetary,
        -- name, phone, e-mail and consent per channel (int_customer_contacts)
        contacts.* exclude (customer_id, birthday)

    from in_windows

    left join contacts
        on in_windows.customer_id = contacts.customer_id

)

select * from final
