-- One row per customer: rfm_segments with how to reach each customer, for the exports.
-- unique: customer_id
with

segments as (

    select * from rfm_segments

),

contacts as (

    select * from int_customer_contacts

),

final as (

    select
        segments.* exclude (segment_rank, suggested_action),
        -- name, phone, e-mail and consent per channel (int_customer_contacts)
        contacts.* exclude (customer_id, birthday),
        segments.segment_rank,
        segments.suggested_action

    from segments

    left join contacts
        on segments.customer_id = contacts.customer_id

)

select * from final
