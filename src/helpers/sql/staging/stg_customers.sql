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

date_orders as (

    -- consent dates are the shop system's own dates: month first where its signup dates are,
    -- else day first (ISO and year-first text read either way; signup dates all ISO tell
    -- nothing about 05/01/2026)
    select case when $signup_date_order = 'mdy' then 'mdy' else 'dmy' end as consent_date_order

),

consent_texts as (

    -- every consent date written, one row each, so that one parse reads the seven columns (the
    -- date rule written seven times over made Spark's plan too large to hold)
    select
        source_file,
        source_line,
        'sms' as kind,
        consent_sms_date as date_text

    from source

    where consent_sms_date is not null

    union all

    select
        source_file,
        source_line,
        'zalo' as kind,
        consent_zalo_date as date_text

    from source

    where consent_zalo_date is not null

    union all

    select
        source_file,
        source_line,
        'email' as kind,
        consent_email_date as date_text

    from source

    where consent_email_date is not null

    union all

    select
        source_file,
        source_line,
        'withdrawn' as kind,
        consent_withdrawn_date as date_text

    from source

    where consent_withdrawn_date is not null

    union all

    select
        source_file,
        source_line,
        'sms_withdrawn' as kind,
        consent_sms_withdrawn_date as date_text

    from source

    where consent_sms_withdrawn_date is not null

    union all

    select
        source_file,
        source_line,
        'zalo_withdrawn' as kind,
        consent_zalo_withdrawn_date as date_text

    from source

    where consent_zalo_withdrawn_date is not null

    union all

    select
        source_file,
        source_line,
        'email_withdrawn' as kind,
        consent_email_withdrawn_date as date_text

    from source

    where consent_email_withdrawn_date is not null

),

consent_dates_read as (

    select
        consent_texts.source_file,
        consent_texts.source_line,
        consent_texts.kind,
        cast(
            parse_local_timestamp(
                consent_texts.date_text, $shop_tz, date_orders.consent_date_order, 9999
            ) as date
        ) as read_date

    from consent_texts

    cross join date_orders

),

consent_dates as (

    select
        source_file,
        source_line,
        max(read_date) filter (where kind = 'sms') as consent_sms_date,
        max(read_date) filter (where kind = 'zalo') as consent_zalo_date,
        max(read_date) filter (where kind = 'email') as consent_email_date,
        max(read_date) filter (where kind = 'withdrawn') as consent_withdrawn_date,
        max(read_date) filter (where kind = 'sms_withdrawn') as consent_sms_withdrawn_date,
        max(read_date) filter (where kind = 'zalo_withdrawn') as consent_zalo_withdrawn_date,
        max(read_date) filter (where kind = 'email_withdrawn') as consent_email_withdrawn_date

    from consent_dates_read

    group by all

),

parsed as (

    select
        ---------- ids
        source.source_file,
        source.source_line,
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

        ---------- consent as the export writes it (decided in `consented` below)
        lower(trim(consent_sms)) as consent_sms_text,
        lower(trim(consent_zalo)) as consent_zalo_text,
        lower(trim(consent_email)) as consent_email_text,
        nullif(trim(consent_source), '') as consent_source,
        lower(trim(source.consent_withdrawn_date)) as withdrawn_text,
        lower(trim(source.consent_sms_withdrawn_date)) as sms_withdrawn_text,
        lower(trim(source.consent_zalo_withdrawn_date)) as zalo_withdrawn_text,
        lower(trim(source.consent_email_withdrawn_date)) as email_withdrawn_text,

        ---------- dates
        -- (a date column is parsed only where something is written: parsing a null costs as
        -- much as a date, and a column the export lacks is null on every row)
        case when signup_date is not null then cast(
            parse_local_timestamp(signup_date, $shop_tz, $signup_date_order, 9999) as date
        ) end as signup_date,
        -- a birthday written with two digits of year is in the last century when 20yy is later
        case when birthday is not null then cast(
            parse_local_timestamp(birthday, $shop_tz, $birthday_order, $birthday_pivot_year) as date
        ) end as birthday,
        -- consent dates: read once for all seven columns (consent_dates)
        consent_dates.consent_sms_date,
        consent_dates.consent_zalo_date,
        consent_dates.consent_email_date,
        consent_dates.consent_withdrawn_date,
        consent_dates.consent_sms_withdrawn_date,
        consent_dates.consent_zalo_withdrawn_date,
        consent_dates.consent_email_withdrawn_date,
        signup_date as signup_date_text,
        birthday as birthday_text

    from source

    left join consent_dates
        on
            source.source_file = consent_dates.source_file
            and source.source_line = consent_dates.source_line

    left join keys
        on source.customer_id = keys.raw_key

    left join contacts
        on source.phone = contacts.raw_phone

),

said as (

    -- what each consent column says: a yes, a no, or a withdrawal that is a "no"
    select
        * exclude (
            consent_sms_text, consent_zalo_text, consent_email_text,
            withdrawn_text, sms_withdrawn_text, zalo_withdrawn_text, email_withdrawn_text
        ),
        is_yes_text(consent_sms_text) as is_sms_yes,
        is_yes_text(consent_zalo_text) as is_zalo_yes,
        is_yes_text(consent_email_text) as is_email_yes,
        -- a consent date with nothing in the yes/no column is a yes given that day
        is_blank_text(consent_sms_text) and consent_sms_date is not null as is_sms_dated,
        is_blank_text(consent_zalo_text) and consent_zalo_date is not null as is_zalo_dated,
        is_blank_text(consent_email_text) and consent_email_date is not null as is_email_dated,
        -- a withdrawal column with anything but a plain "no" in it is a no: a date, a yes, or
        -- text that is not a readable date (then it is undated, and wins over any yes)
        not is_blank_text(withdrawn_text)
        and withdrawn_text not in ('0', 'false', 'no', 'n', 'không', 'khong', 'f')
            as is_withdrawn_said,
        not is_blank_text(sms_withdrawn_text)
        and sms_withdrawn_text not in ('0', 'false', 'no', 'n', 'không', 'khong', 'f')
            as is_sms_withdrawn_said,
        not is_blank_text(zalo_withdrawn_text)
        and zalo_withdrawn_text not in ('0', 'false', 'no', 'n', 'không', 'khong', 'f')
            as is_zalo_withdrawn_said,
        not is_blank_text(email_withdrawn_text)
        and email_withdrawn_text not in ('0', 'false', 'no', 'n', 'không', 'khong', 'f')
            as is_email_withdrawn_said

    from parsed

),

consented as (

    -- consent per channel: a yes (or a dated yes), unless a "no" for every channel or for this
    -- one is as late as the yes or later, or either has no date: withdrawn consent wins. Not cut
    -- at the as-of date: a no is never ignored because it came after the month analysed.
    select
        * exclude (
            is_sms_yes, is_zalo_yes, is_email_yes, is_sms_dated, is_zalo_dated, is_email_dated,
            is_withdrawn_said, is_sms_withdrawn_said, is_zalo_withdrawn_said,
            is_email_withdrawn_said
        ),
        (is_sms_yes or is_sms_dated)
        and not (
            is_withdrawn_said and coalesce(consent_withdrawn_date >= consent_sms_date, true)
        )
        and not (
            is_sms_withdrawn_said
            and coalesce(consent_sms_withdrawn_date >= consent_sms_date, true)
        ) as consent_sms,
        (is_zalo_yes or is_zalo_dated)
        and not (
            is_withdrawn_said and coalesce(consent_withdrawn_date >= consent_zalo_date, true)
        )
        and not (
            is_zalo_withdrawn_said
            and coalesce(consent_zalo_withdrawn_date >= consent_zalo_date, true)
        ) as consent_zalo,
        (is_email_yes or is_email_dated)
        and not (
            is_withdrawn_said and coalesce(consent_withdrawn_date >= consent_email_date, true)
        )
        and not (
            is_email_withdrawn_said
            and coalesce(consent_email_withdrawn_date >= consent_email_date, true)
        ) as consent_email

    from said

),

checked as (

    select
        * exclude (contact_phone),
        contact_phone as phone,
        contact_phone is not null as is_phone_valid,
        -- the one e-mail rule of the workbook (the send lists use it): a deliverable address in
        -- a plain subset of RFC 5322: letters, digits and _%+'- with single dots between them
        -- (none first or last) before the @, at most 64 characters there; after it, labels of
        -- letters, digits and inner dashes, a top-level domain of two or more letters; at most
        -- 254 characters. No spaces, quotes, <>()[],;:\ or = (=1+2@evil.com, <script>@x.co,
        -- an@gmail..com are no address a campaign tool should receive).
        coalesce(
            length(email) <= 254
            and regexp_matches(email, '^[^@]{1,64}@')
            and regexp_matches(
                email,
                '^[a-z0-9_][a-z0-9_%+''-]*(\.[a-z0-9_%+''-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'  -- noqa: LT05
            ),
            false
        ) as is_email_valid,
        -- a contact a platform masked (Shopee, TikTok Shop: 84*****123, a****@gmail.com): no
        -- contact to send to, counted apart in each send list's manifest
        coalesce(regexp_matches(phone_raw, '\*|•|[xX]{2,}'), false) as is_phone_masked,
        coalesce(regexp_matches(email, '\*\*|•'), false) as is_email_masked,
        case
            when is_blank_row then 'empty_row'
            when is_key_invalid then 'invalid_phone_key'
            when is_blank_text(customer_id) then 'empty_customer_id'
            when row_number() over (partition by customer_id order by source_file, source_line) > 1
                then 'duplicate_customer_id'
        end as reject_reason

    from consented

),

final as (

    select
        * exclude (is_key_invalid),
        false as is_duplicate

    from checked

)

select * from final
