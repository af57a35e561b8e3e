-- One row per ordered pair of campaigns started by the as-of date whose attribution windows
-- overlap and whose send lists share more than 10% of either list (a shared holdout is no
-- overlap: the holdout was not contacted by either).
-- unique: campaign_id, other_campaign_id
with

campaigns as (

    select * from campaigns

),

sends as (

    select distinct
        campaign_id,
        customer_id

    from campaign_sends

),

started as (

    select
        campaign_id,
        start_date,
        start_date + attribution_days as window_end

    from campaigns

    where start_date <= $as_of

),

list_sizes as (

    select
        campaign_id,
        count(*) as listed

    from sends

    group by all

),

windows_overlapping as (

    -- [start, window_end) of one meets the other's
    select
        one.campaign_id,
        other.campaign_id as other_campaign_id

    from started as one

    inner join started as other
        on
            one.campaign_id <> other.campaign_id
            and one.start_date < other.window_end
            and other.start_date < one.window_end

),

shared as (

    select
        windows_overlapping.campaign_id,
        windows_overlapping.other_campaign_id,
        count(*) as shared_customers

    from windows_overlapping

    inner join sends as one_list
        on windows_overlapping.campaign_id = one_list.campaign_id

    inner join sends as other_list
        on
            windows_overlapping.other_campaign_id = other_list.campaign_id
            and one_list.customer_id = other_list.customer_id

    group by all

),

final as (

    select
        shared.campaign_id,
        shared.other_campaign_id,
        shared.shared_customers,
        one_size.listed,
        other_size.listed as other_listed

    from shared

    inner join list_sizes as one_size
        on shared.campaign_id = one_size.campaign_id

    inner join list_sizes as other_size
        on shared.other_campaign_id = other_size.campaign_id

    where
        shared.shared_customers > 0.1 * one_size.listed
        or shared.shared_customers > 0.1 * other_size.listed

)

select * from final
