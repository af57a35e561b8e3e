-- One row per date (the as-of date and the month end before it): guest sales in that month.
-- Guest sales are orders without a customer key: revenue the shop made, from nobody RFM can score.
with

guests as (

    select * from guest_lines

),

dates as (

    select unnest(cast($dates as date[])) as as_of

),

kept as (

    select *

    from guests

    where coalesce(lower(trim(status)), '') not in (
        select unnest(cast($excluded_statuses as varchar[]))
    )

),

final as (

    select
        dates.as_of,
        count(distinct coalesce(kept.order_id, kept.source_file || ':' || kept.source_line))
            filter (where kept.amount > 0) as guest_orders,
        coalesce(sum(kept.amount), 0) as guest_revenue

    from dates

    left join kept
        on
            kept.order_date >= date_trunc('month', dates.as_of)
            and kept.order_date <= dates.as_of

    group by all

)

select * from final

order by as_of
