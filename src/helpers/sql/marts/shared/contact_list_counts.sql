-- One row per (list, channel): who is in the send list and who was left out, and why.
-- unique: list_key, channel
with

contact_lists as (

    select * from contact_lists

),

per_customer_channel as (

    -- one row per customer and channel, so the counting below is written once
    select
        contact_lists.list_key,
        channels.channel,
        case channels.channel
            when 'sms' then contact_lists.can_send_sms
            when 'zalo' then contact_lists.can_send_zalo
            else contact_lists.can_send_email
        end as can_send,
        coalesce(case channels.channel
            when 'sms' then contact_lists.consent_sms
            when 'zalo' then contact_lists.consent_zalo
            else contact_lists.consent_email
        end, false) as has_consent

    from contact_lists

    cross join (values ('sms'), ('zalo'), ('email')) as channels (channel)

),

final as (

    select
        list_key,
        channel,
        count(*) as customers,
        count(*) filter (where can_send) as in_list,
        count(*) filter (where not has_consent) as no_consent,
        -- consent given, but no valid mobile (sms, zalo) or e-mail address to send to
        count(*) filter (where has_consent and not can_send) as no_contact

    from per_customer_channel

    group by all

)

select * from final

order by list_key, channel
