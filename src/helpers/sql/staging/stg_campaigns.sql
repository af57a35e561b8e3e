-- One row per campaign: typed from campaigns.csv.
with

source as (

    select * from raw_campaigns

),

final as (

    select
        ---------- ids
        campaign_id,

        ---------- strings
        name,
        lower(trim(channel)) as channel,
        trim(target) as target,

        ---------- numerics
        cast(attribution_days as integer) as attribution_days,
        parse_amount(cost_per_message, '.') as cost_per_message,
        -- checked on reading (helpers.ingest.campaign_files): empty, or a share
        cast(nullif(trim(planned_holdout_share), '') as double) as planned_holdout_share,
        cast(nullif(trim(margin), '') as double) as margin,
        coalesce(trim(outcomes), '') as outcomes,

        ---------- dates
        cast(parse_local_timestamp(start_date, 'UTC', 'dmy', 9999) as date) as start_date

    from source

)

select * from final
