-- One row per customer: buyers scored and segmented, plus prospects (never bought) from customers.
-- What migration, the 12-month trend and the summaries read: no contact columns (rfm_customers
-- adds them for the exports).
-- unique: customer_id
with

scores as (

    select * from rfm_scores

),

rules as (

    select * from scheme_rules

),

segments as (

    select * from scheme_segments

),

customers as (

    select * from customers

),

lookup as (

    select * from scheme_lookup

),

ruled as (

    -- schemes on raw values: range rules (the validator guarantees exactly one match); empty
    -- for schemes on scores only, which the lookup below assigns
    select distinct
        scores.customer_id,
        rules.segment

    from scores

    inner join rules
        on (rules.r_score_min is null or scores.r_score >= rules.r_score_min)
        and (rules.r_score_max is null or scores.r_score <= rules.r_score_max)
        and (rules.f_score_min is null or scores.f_score >= rules.f_score_min)
        and (rules.f_score_max is null or scores.f_score <= rules.f_score_max)
        and (rules.m_score_min is null or scores.m_score >= rules.m_score_min)
        and (rules.m_score_max is null or scores.m_score <= rules.m_score_max)
        and (rules.fm_score_min is null or scores.fm_score >= rules.fm_score_min)
        and (rules.fm_score_max is null or scores.fm_score <= rules.fm_score_max)
        and (rules.recency_days_min is null or scores.recency_days >= rules.recency_days_min)
        and (rules.recency_days_max is null or scores.recency_days <= rules.recency_days_max)
        and (rules.frequency_min is null or scores.frequency >= rules.frequency_min)
        and (rules.frequency_max is null or scores.frequency <= rules.frequency_max)
        and (rules.monetary_min is null or scores.monetary >= rules.monetary_min)
        and (rules.monetary_max is null or scores.monetary <= rules.monetary_max)

),

buyers as (

    -- schemes on scores only: one equality join on (r, f, m); 0 stands for a factor left out
    select
        scores.*,
        coalesce(lookup.segment, ruled.segment) as segment

    from scores

    left join lookup
        on coalesce(scores.r_score, 0) = lookup.r_key
        and coalesce(scores.f_score, 0) = lookup.f_key
        and coalesce(scores.m_score, 0) = lookup.m_key

    left join ruled
        on scores.customer_id = ruled.customer_id

),

prospects as (

    -- signed up on or before the as-of date, no purchase by then: R0/F0/M0, not scored
    select
        customers.customer_id,
        cast(null as bigint) as recency_days,
        cast(0 as bigint) as frequency,
        cast(0 as decimal(38, 4)) as monetary,
        0 as r_score,
        0 as f_score,
        0 as m_score,
        0 as fm_score,
        cast(null as date) as first_purchase_date,
        cast(null as date) as last_purchase_date,
        cast(0 as bigint) as orders,
        cast(null as decimal(18, 2)) as aov,
        'prospect' as segment

    from customers

    anti join scores
        on customers.customer_id = scores.customer_id

    where coalesce(customers.signup_date, $as_of) <= $as_of

),

everyone as (

    -- the same columns in the same order on both sides (Spark has no union by name)
    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        fm_score,
        first_purchase_date,
        last_purchase_date,
        orders,
        aov,
        segment

    from buyers

    union all

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        fm_score,
        first_purchase_date,
        last_purchase_date,
        orders,
        aov,
        segment

    from prospects

),

final as (

    select
        everyone.customer_id,
        everyone.recency_days,
        everyone.frequency,
        everyone.monetary,
        everyone.r_score,
        everyone.f_score,
        everyone.m_score,
        everyone.fm_score,
        coalesce(cast(everyone.r_score as varchar), '-')
        || coalesce(cast(everyone.f_score as varchar), '-')
        || coalesce(cast(everyone.m_score as varchar), '-') as rfm_code,
        everyone.segment,
        segments.segment_label,
        everyone.first_purchase_date,
        everyone.last_purchase_date,
        everyone.orders,
        everyone.aov,
        segments.segment_rank,
        segments.suggested_action

    from everyone

    left join segments
        on everyone.segment = segments.segment

)

select * from final
