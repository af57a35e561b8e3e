-- One row per customer with at least one purchase on or before the as-of date: metrics and scores.
-- The one-date case of rfm_scores_at_dates, where the scoring rules are (one text for both).
with

scores as (

    select * from rfm_scores_at_dates

),

final as (

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
        aov

    from scores

    where as_of = $as_of

)

select * from final
