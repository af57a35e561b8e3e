-- One row per customer of a campaign list: held out or sent, from a stable hash of the campaign
-- key and the customer id (the same people are held out on every rerun).
-- unique: customer_id
-- inputs: campaign_list
with

campaign_list as (

    select * from campaign_list

),

hashed as (

    select
        *,
        -- md5 is the same on every machine and engine, unlike hash()
        md5($campaign_key || '|' || customer_id) as holdout_md5

    from campaign_list

),

final as (

    select
        * exclude (holdout_md5),
        -- its first 8 hex digits as a number, digit by digit: the same number on DuckDB and
        -- Spark (a hex text cast to an integer is DuckDB's own); a bigint, as it passes 2^31
        (
            (strpos('0123456789abcdef', substr(holdout_md5, 1, 1)) - 1)
            * cast(268435456 as bigint)
            + (strpos('0123456789abcdef', substr(holdout_md5, 2, 1)) - 1) * 16777216
            + (strpos('0123456789abcdef', substr(holdout_md5, 3, 1)) - 1) * 1048576
            + (strpos('0123456789abcdef', substr(holdout_md5, 4, 1)) - 1) * 65536
            + (strpos('0123456789abcdef', substr(holdout_md5, 5, 1)) - 1) * 4096
            + (strpos('0123456789abcdef', substr(holdout_md5, 6, 1)) - 1) * 256
            + (strpos('0123456789abcdef', substr(holdout_md5, 7, 1)) - 1) * 16
            + (strpos('0123456789abcdef', substr(holdout_md5, 8, 1)) - 1)
        ) % 10000 < cast(round($holdout_share * 10000) as integer) as is_holdout

    from hashed

)

select * from final
