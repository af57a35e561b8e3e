-- One row per (campaign, customer) held out of the send list.
with

source as (

    select * from raw_campaign_holdout

),

final as (

    select distinct
        campaign_id,
        customer_id

    from source

)

select * from final
