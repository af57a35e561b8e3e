-- One row per customer of a campaign list: held out or sent, from a stable hash of the campaign
-- key and the customer id (the same people are held out on every rerun).
-- unique: customer_id
with

campaign_list as (

    select * from campaign_list

),

final as (

    select
        *,
        -- md5 is the same on every machine and DuckDB version, unlike hash()
        cast(
            ('0x' || substr(md5($campaign_key || '|' || customer_id), 1, 8)) as ubigint
        ) % 10000 < cast(round($holdout_share * 10000) as integer) as is_holdout

    from campaign_list

)

select * from final
