-- One row per (campaign started by the as-of date, outcome named in campaigns.csv): each arm's
-- count, mean and variance (a customer both sent to and held out counts as treated).
-- unique: campaign_id, outcome
with

campaigns as (

    select * from campaigns

),

outcome_values as (

    select * from campaign_outcome_values

),

treated as (

    select * from outcome_values

    where arm = 'treated'

),

held_out as (

    select outcome_values.*

    from outcome_values

    anti join treated
        on
            outcome_values.campaign_id = treated.campaign_id
            and outcome_values.customer_id = treated.customer_id
            and outcome_values.outcome = treated.outcome

    where outcome_values.arm = 'holdout'

),

measured as (

    select * from treated

    union all

    select * from held_out

),

final as (

    select
        measured.campaign_id,
        measured.outcome,
        count(*) filter (where measured.arm = 'treated') as treated_n,
        coalesce(sum(measured.value) filter (where measured.arm = 'treated'), 0) as treated_sum,
        coalesce(sum(measured.value * measured.value) filter (where measured.arm = 'treated'), 0)
            as treated_sumsq,
        count(*) filter (where measured.arm = 'holdout') as holdout_n,
        coalesce(sum(measured.value) filter (where measured.arm = 'holdout'), 0) as holdout_sum,
        coalesce(sum(measured.value * measured.value) filter (where measured.arm = 'holdout'), 0)
            as holdout_sumsq,
        -- yes/no outcomes are measured as rates (Newcombe's interval), numbers as means (Welch)
        bool_and(measured.value in (0, 1)) as is_yes_no

    from measured

    inner join campaigns
        on measured.campaign_id = campaigns.campaign_id

    where campaigns.start_date <= $as_of

    group by measured.campaign_id, measured.outcome

)

select * from final
