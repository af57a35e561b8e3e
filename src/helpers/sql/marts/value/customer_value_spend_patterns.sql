-- The distinct spend patterns (x, mean repeat spend) of the repeat buyers of
-- customer_value_summary with a positive mean spend, with how many buyers share each: what the
-- Gamma-Gamma model reads (Fader & Hardie 2013), the counts as weights.
-- inputs: value_summary (a customer_value_summary table: the run's, or the back-test's)
-- unique: x, mean_spend
with

summary as (

    select * from value_summary

),

final as (

    select
        x,
        mean_spend,
        count(*) as customers

    from summary

    where x > 0 and mean_spend > 0

    group by x, mean_spend

)

select * from final
