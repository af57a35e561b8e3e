-- One row per customer id the shop knows (in the customers file or on any order line): how to
-- reach them, their consent per channel (false unless the customers file says yes), birthday.
-- unique: customer_id
-- It takes no parameter: written once beside the staged customers file, every notebook reads it.
-- persist: beside its sources
with

customers as (

    select * from customers

),

order_lines as (

    select * from order_lines

),

buyers_not_in_customers as (

    -- a buyer missing from the customers file is still a customer: no contact, no consent
    select distinct order_lines.customer_id

    from order_lines

    anti join customers
        on order_lines.customer_id = customers.customer_id

),

ids as (

    select customer_id from customers

    union all

    select customer_id from buyers_not_in_customers

),

final as (

    select
        ids.customer_id,
        customers.name,
        customers.phone,
        customers.email,
        coalesce(customers.consent_sms, false) as consent_sms,
        coalesce(customers.consent_zalo, false) as consent_zalo,
        coalesce(customers.consent_email, false) as consent_email,
        customers.birthday

    from ids

    left join customers
        on ids.customer_id = customers.customer_id

)

select * from final
