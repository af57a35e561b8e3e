-- One row per (list, channel): who is in the send list and who was left out, and why.
with

contact_lists as (

    select * from contact_lists

),

per_channel as (

    select
        list_key,
        'sms' as channel,
        count(*) as customers,
        count(*) filter (where can_send_sms) as in_list,
        count(*) filter (where not coalesce(consent_sms, false)) as no_consent,
        count(*) filter (where coalesce(consent_sms, false) and phone is null) as no_contact

    from contact_lists

    group by all

    union all

    select
        list_key,
        'zalo' as channel,
        count(*) as customers,
        count(*) filter (where can_send_zalo) as in_list,
        count(*) filter (where not coalesce(consent_zalo, false)) as no_consent,
        count(*) filter (where coalesce(consent_zalo, false) and phone is null) as no_contact

    from contact_lists

    group by all

    union all

    select
        list_key,
        'email' as channel,
        count(*) as customers,
        count(*) filter (where can_send_email) as in_list,
        count(*) filter (where not coalesce(consent_email, false)) as no_consent,
        count(*) filter (where coalesce(consent_email, false) and not can_send_email) as no_contact

    from contact_lists

    group by all

)

select * from per_channel order by list_key, channel
