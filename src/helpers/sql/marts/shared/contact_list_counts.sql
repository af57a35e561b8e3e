-- One row per (list, channel): who is in the send list and who was left out, and why.
-- unique: list_key, channel
-- inputs: contact_lists (the table export.build_contact_lists returned, given at each build)
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
            when 'sms' then contact_lists.sms_left_out
            when 'zalo' then contact_lists.zalo_left_out
            else contact_lists.email_left_out
        end as left_out

    from contact_lists

    cross join (values ('sms'), ('zalo'), ('email')) as channels (channel)

),

final as (

    -- every customer of a list is in the send list or left out for one reason:
    -- customers = in_list + no_consent + masked + invalid_contact + missing_contact
    select
        list_key,
        channel,
        count(*) as customers,
        count(*) filter (where left_out is null) as in_list,
        count(*) filter (where left_out = 'no_consent') as no_consent,
        -- consent given, but no contact to send to: masked, refused by the rules, or none
        count(*) filter (where left_out in ('masked', 'invalid_contact', 'no_contact'))
            as no_contact,
        count(*) filter (where left_out = 'masked') as masked,
        count(*) filter (where left_out = 'invalid_contact') as invalid_contact,
        count(*) filter (where left_out = 'no_contact') as missing_contact

    from per_customer_channel

    group by all

)

select * from final

order by list_key, channel
