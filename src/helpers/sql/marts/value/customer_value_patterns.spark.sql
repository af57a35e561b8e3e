-- Generated from customer_value_patterns.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* The distinct purchase patterns (x, t_x, T) of customer_value_summary with how many buyers */
/* share each: BG/NBD and MBG/NBD depend on a buyer only through these three numbers, so the fit */
/* reads this (a few hundred thousand rows for millions of buyers) with the counts as weights, */
/* and only this reaches the machine that fits (on Spark, the driver). */
/* inputs: value_summary (a customer_value_summary table: the run's, or the back-test's) */
/* unique: x, t_x, T */
WITH summary AS (
  SELECT
    *
  FROM value_summary
), final AS (
  SELECT
    x,
    t_x,
    T, /* noqa: CP02 */
    COUNT(*) AS customers
  FROM summary
  GROUP BY
    x,
    t_x,
    T /* noqa: CP02 */
)
SELECT
  *
FROM final
