-- The distinct purchase patterns (x, t_x, T) of customer_value_summary with how many buyers
-- share each: BG/NBD and MBG/NBD depend on a buyer only through these three numbers, so the fit
-- reads this (a few hundred thousand rows for millions of buyers) with the counts as weights,
-- and only this reaches the machine that fits (on Spark, the driver).
-- inputs: value_summary (a customer_value_summary table: the run's, or the back-test's)
-- unique: x, t_x, T
with

summary as (

    select * from value_summary

),

final as (

    select
        x,
        t_x,
        T,  -- noqa: CP02
        count(*) as customers

    from summary

    group by x, t_x, T  -- noqa: CP02

)

select * from final
