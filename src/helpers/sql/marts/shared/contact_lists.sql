-- One row per customer of a list (contact_source): may we send on each channel, and if not, why.
-- The rules are the customers file's own (stg_customers.sql): `phone` is a valid mobile number
-- or null, is_email_valid the workbook's one e-mail rule, the masks of the platforms; and the
-- consent per channel, where a later "no" has already won over a "yes".
-- inputs: contact_source, contact_checks (the list's customers and the customers file's rules,
-- given at each build by export.build_contact_lists)
with

contact_source as (

    select * from contact_source

),

contact_checks as (

    -- per customer of the customers file: has a phone written, the e-mail rule, the masks and
    -- the consent evidence (export.build_contact_lists)
    select * from contact_checks

),

checked as (

    select
        contact_source.*,
        contact_checks.consent_sms_date,
        contact_checks.consent_zalo_date,
        contact_checks.consent_email_date,
        contact_checks.consent_source,
        coalesce(contact_checks.has_phone_text, false) as has_phone_text,
        coalesce(contact_checks.is_email_valid, false) as is_email_valid,
        coalesce(contact_checks.is_phone_masked, false) as is_phone_masked,
        coalesce(contact_checks.is_email_masked, false) as is_email_masked

    from contact_source

    left join contact_checks
        on contact_source.customer_id = contact_checks.customer_id

),

reasons as (

    -- why a customer is left out of a channel's send list (null: in it), the first that holds:
    -- advertising needs prior consent; SMS and Zalo ZNS need a valid mobile number, e-mail a
    -- valid address; a contact a platform masked, one the rules refuse, or none at all
    select
        *,
        case
            when not coalesce(consent_sms, false) then 'no_consent'
            when is_phone_masked then 'masked'
            when phone is not null then null
            when has_phone_text then 'invalid_contact'
            else 'no_contact'
        end as sms_left_out,
        case
            when not coalesce(consent_zalo, false) then 'no_consent'
            when is_phone_masked then 'masked'
            when phone is not null then null
            when has_phone_text then 'invalid_contact'
            else 'no_contact'
        end as zalo_left_out,
        case
            when not coalesce(consent_email, false) then 'no_consent'
            when is_email_masked then 'masked'
            when is_email_valid then null
            when email is not null then 'invalid_contact'
            else 'no_contact'
        end as email_left_out

    from checked

),

final as (

    select
        * exclude (has_phone_text, is_email_valid, is_phone_masked, is_email_masked),
        sms_left_out is null as can_send_sms,
        zalo_left_out is null as can_send_zalo,
        email_left_out is null as can_send_email

    from reasons

)

select * from final
