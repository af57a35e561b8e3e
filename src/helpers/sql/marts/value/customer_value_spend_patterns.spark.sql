-- Generated from customer_value_spend_patterns.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* The distinct spend patterns (x, mean repeat spend) of the repeat buyers of */
/* customer_value_summary with a positive mean spend, with how many buyers share each: what the */
/* Gamma-Gamma model reads (Fader & Hardie 2013), the counts as weights. */
/* inputs: value_summary (a customer_value_summary table: the run's, or the back-test's) */
/* unique: x, mean_spend */
WITH summary AS (
  SELECT
    *
  FROM value_summary
), final AS (
  SELECT
    x,
    mean_spend,
    COUNT(*) AS customers
  FROM summary
  WHERE
    x > 0 AND mean_spend > 0
  GROUP BY
    x,
    mean_spend
)
SELECT
  *
FROM final
