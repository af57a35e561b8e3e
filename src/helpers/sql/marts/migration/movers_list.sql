-- One row per customer who moved from one of $from_segments to one of $to_segments.
-- unique: customer_id
with

contacts as (

    select * from int_customer_contacts

),

movers as (

    select * from segment_movers

),

selected as (

    select *

    from movers

    -- an empty "from" set means any other segment: "anyone who moved into champions"
    where
        (
            array_length(cast($from_segments as varchar[])) = 0
            or list_contains(cast($from_segments as varchar[]), from_segment)
        )
        and list_contains(cast($to_segments as varchar[]), to_segment)
        and from_segment <> to_segment

),

final as (

    select
        selected.customer_id,
        -- name, phone, e-mail and consent per channel (int_customer_contacts)
        contacts.* exclude (customer_id, birthday),
        selected.from_segment,
        selected.to_segment,
        selected.r_score_from,
        selected.f_score_from,
        selected.m_score_from,
        selected.r_score_to,
        selected.f_score_to,
        selected.m_score_to,
        selected.recency_days_from,
        selected.recency_days_to,
        selected.frequency_from,
        selected.frequency_to,
        selected.monetary_from,
        selected.monetary_to,
        -- a parameter named like the column it fills, not the column aliased to itself
        $list_name as list_name  -- noqa: AL09

    from selected

    left join contacts
        on selected.customer_id = contacts.customer_id

)

select * from final
