-- One row per customer with at least one purchase on or before the as-of date: metrics and scores.
-- Scores only: changing cut points, bins or factors rebuilds this file, not the metrics it reads.
-- unique: customer_id
with

valued as (

    select * from int_customer_metrics

),

population as (

    select count(*) as n from valued

),

-- scores are computed once per distinct value: equal values always get equal scores
r_levels as (

    select
        recency_days,
        count(*) as customers

    from valued

    group by all

),

f_levels as (

    select
        frequency,
        count(*) as customers

    from valued

    group by all

),

m_levels as (

    select
        m_value,
        count(*) as customers

    from valued

    group by all

),

cuts as (

    select
        unnest(cast($r_cuts as double[])) as r_cut,
        null as f_cut,
        null as m_cut

    union all

    select
        null as r_cut,
        unnest(cast($f_cuts as double[])) as f_cut,
        null as m_cut

    union all

    select
        null as r_cut,
        null as f_cut,
        unnest(cast($m_cuts as double[])) as m_cut

),

r_scores as (

    select
        r_levels.recency_days,
        -- rank_min on -recency_days: 1 + customers strictly less recent
        1 + coalesce(sum(r_levels.customers) over (
            order by r_levels.recency_days desc
            rows between unbounded preceding and 1 preceding
        ), 0) as rank_min,
        -- fixed cut points on days (ascending): within the first cut scores best
        $bins - (
            select count(*) from cuts
            where cuts.r_cut < r_levels.recency_days
        ) as fixed_score

    from r_levels

),

f_scores as (

    select
        f_levels.frequency,
        1 + coalesce(sum(f_levels.customers) over (
            order by f_levels.frequency
            rows between unbounded preceding and 1 preceding
        ), 0) as rank_min,
        1 + (
            select count(*) from cuts
            where cuts.f_cut <= f_levels.frequency
        ) as fixed_score

    from f_levels

),

m_scores as (

    select
        m_levels.m_value,
        1 + coalesce(sum(m_levels.customers) over (
            order by m_levels.m_value
            rows between unbounded preceding and 1 preceding
        ), 0) as rank_min,
        1 + (
            select count(*) from cuts
            where cuts.m_cut <= m_levels.m_value
        ) as fixed_score

    from m_levels

),

scored as (

    select
        valued.* exclude (m_value),
        -- score = 1 + floor(bins * (rank_min - 1) / n), in exact integer arithmetic
        case
            when not $use_r then null
            when $scoring = 'fixed' then r_scores.fixed_score
            else 1 + ($bins * (r_scores.rank_min - 1)) // population.n
        end as r_score,
        case
            when not $use_f then null
            when $scoring = 'fixed' then f_scores.fixed_score
            else 1 + ($bins * (f_scores.rank_min - 1)) // population.n
        end as f_score,
        case
            when not $use_m then null
            when $scoring = 'fixed' then m_scores.fixed_score
            else 1 + ($bins * (m_scores.rank_min - 1)) // population.n
        end as m_score

    from valued

    cross join population

    inner join r_scores
        on valued.recency_days = r_scores.recency_days

    inner join f_scores
        on valued.frequency = f_scores.frequency

    inner join m_scores
        on valued.m_value = m_scores.m_value

),

final as (

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        cast(r_score as integer) as r_score,
        cast(f_score as integer) as f_score,
        cast(m_score as integer) as m_score,
        -- fm_score = floor((f + m) / 2 + 0.5); with one of them left out, the other alone
        cast(case
            when f_score is not null and m_score is not null then (f_score + m_score + 1) // 2
            else coalesce(f_score, m_score)
        end as integer) as fm_score,
        first_purchase_date,
        last_purchase_date,
        orders,
        aov

    from scored

)

select * from final
