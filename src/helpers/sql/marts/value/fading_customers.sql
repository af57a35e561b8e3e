-- The customers of one segment (the scheme's best) whose chance of still buying (P(alive), from
-- notebook 06's customer_value) is below $p_alive_below, with their contacts: to call now.
-- unique: customer_id
with

contacts as (

    select * from int_customer_contacts

),

customer_value as (

    select * from customer_value

),

final as (

    select
        customer_value.customer_id,
        -- name, phone, e-mail and consent per channel (int_customer_contacts)
        contacts.* exclude (customer_id, birthday),
        customer_value.segment,
        customer_value.p_alive,
        customer_value.expected_revenue,
        'fading_champions' as fading_key

    from customer_value

    inner join contacts
        on customer_value.customer_id = contacts.customer_id

    where
        customer_value.segment = $segment
        and customer_value.p_alive < $p_alive_below

)

select * from final
