-- One row per customer of a list (contact_source): may we send on each channel, and why not.
with

contact_source as (

    select * from contact_source

),

final as (

    select
        *,
        -- SMS and Zalo ZNS need a valid Vietnamese mobile; advertising needs prior consent
        coalesce(consent_sms, false) and phone is not null as can_send_sms,
        coalesce(consent_zalo, false) and phone is not null as can_send_zalo,
        coalesce(consent_email, false)
        and coalesce(regexp_matches(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$'), false) as can_send_email

    from contact_source

)

select * from final
