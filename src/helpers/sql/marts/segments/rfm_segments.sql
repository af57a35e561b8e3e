-- One row per customer: buyers scored and segmented, plus prospects (never bought) from customers.
-- What migration, the 12-month trend and the summaries read: no contact columns (rfm_customers
-- adds them for the exports). The one-date case of rfm_segments_at_dates, where the scheme's
-- rules are matched (one text for both).
with

segments as (

    select * from rfm_segments_at_dates

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
        rfm_code,
        segment,
        segment_label,
        first_purchase_date,
        last_purchase_date,
        orders,
        aov,
        segment_rank,
        suggested_action

    from segments

    where as_of = $as_of

)

select * from final
