-- One row per message sent: typed from campaign_sends.csv.
with

source as (

    select * from raw_campaign_sends

),

final as (

    select
        ---------- ids
        campaign_id,
        customer_id,

        ---------- strings
        lower(trim(channel)) as channel,
        lower(trim(status)) as status,

        ---------- numerics
        coalesce(parse_amount(cost, '.'), 0) as cost,
        -- an empty cell (or a file without the column) is unknown, never "not opened"
        case
            when coalesce(trim(opened), '') <> '' then lower(trim(opened)) in ('1', 'true')
        end as is_opened,
        case
            when coalesce(trim(interacted), '') <> ''
                then lower(trim(interacted)) in ('1', 'true')
        end as is_interacted,

        ---------- dates
        parse_local_timestamp(sent_at, 'UTC', 'dmy', 9999) as sent_at

    from source

)

select * from final
