-- One row per source row of the customers export: parsed, with the reason it cannot be used.
with

source as (

    select * from raw_customers

),

keys as (

    -- customer_key: phone: each key as written and its E.164 form (ingest.phones.phone_keys)
    select * from phone_keys

),

contacts as (

    -- each phone as written and its contact form: a valid mobile number in E.164, by the
    -- phonenumbers library (ingest.phones.mobile, the explorer's rule too)
    select * from contact_phones

),

parsed as (

    select
        ---------- ids
        source_file,
        source_line,
        is_blank_row,
        case
            when $customer_key_phone then coalesce(keys.phone_key, '')
            when $customer_id_integer then integer_text_id(customer_id)
            else customer_id
        end as customer_id,
        $customer_key_phone and not is_blank_text(customer_id) and keys.phone_key is null
            as is_key_invalid,

        ---------- strings
        nullif(trim(name), '') as name,
        nullif(trim(source.phone), '') as phone_raw,
        nullif(lower(trim(email)), '') as email,
        nullif(trim(province), '') as province,
        contacts.phone as contact_phone,

        ---------- booleans: consent only where the export says yes
        coalesce(
            lower(trim(consent_sms)) in ('1', 'true', 'yes', 'y', 'x', 'có', 'co', 't'), false
        ) as consent_sms,
        coalesce(
            lower(trim(consent_zalo)) in ('1', 'true', 'yes', 'y', 'x', 'có', 'co', 't'), false
        ) as consent_zalo,
        coalesce(
            lower(trim(consent_email)) in ('1', 'true', 'yes', 'y', 'x', 'có', 'co', 't'), false
        ) as consent_email,

        ---------- dates
        cast(parse_local_timestamp(signup_date, $shop_tz, $signup_date_order, 9999) as date)
            as signup_date,
        -- a birthday written with two digits of year is in the last century when 20yy is later
        cast(
            parse_local_timestamp(birthday, $shop_tz, $birthday_order, $birthday_pivot_year) as date
        )
            as birthday,
        signup_date as signup_date_text,
        birthday as birthday_text

    from source

    left join keys
        on source.customer_id = keys.raw_key

    left join contacts
        on source.phone = contacts.raw_phone

),

checked as (

    select
        * exclude (contact_phone),
        contact_phone as phone,
        contact_phone is not null as is_phone_valid,
        -- a deliverable address: no spaces, no formula or markup characters (=1+2@evil.com is
        -- not an e-mail address a campaign tool should receive)
        regexp_matches(
            coalesce(email, ''),
            '^[a-z0-9_][a-z0-9._%+''-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$'  -- noqa: LT05
        ) as is_email_valid,
        case
            when is_blank_row then 'empty_row'
            when is_key_invalid then 'invalid_phone_key'
            when is_blank_text(customer_id) then 'empty_customer_id'
            when row_number() over (partition by customer_id order by source_file, source_line) > 1
                then 'duplicate_customer_id'
        end as reject_reason

    from parsed

),

final as (

    select
        * exclude (is_key_invalid),
        false as is_duplicate

    from checked

)

select * from final
