-- Generated from campaign_outcomes.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (campaign started by the as-of date, outcome named in campaigns.csv): each arm's */
/* count, mean and variance (a customer both sent to and held out counts as treated). */
/* unique: campaign_id, outcome */
WITH campaigns AS (
  SELECT
    *
  FROM campaigns
), outcome_values AS (
  SELECT
    *
  FROM campaign_outcome_values
), treated AS (
  SELECT
    *
  FROM outcome_values
  WHERE
    arm = 'treated'
), held_out AS (
  SELECT
    outcome_values.*
  FROM outcome_values
  ANTI JOIN treated
    ON outcome_values.campaign_id = treated.campaign_id
    AND outcome_values.customer_id = treated.customer_id
    AND outcome_values.outcome = treated.outcome
  WHERE
    outcome_values.arm = 'holdout'
), measured AS (
  SELECT
    *
  FROM treated
  UNION ALL
  SELECT
    *
  FROM held_out
), final AS (
  SELECT
    measured.campaign_id,
    measured.outcome,
    COUNT(*) FILTER(WHERE
      measured.arm = 'treated') AS treated_n,
    COALESCE(SUM(measured.value) FILTER(WHERE
      measured.arm = 'treated'), 0) AS treated_sum,
    COALESCE(SUM(measured.value * measured.value) FILTER(WHERE
      measured.arm = 'treated'), 0) AS treated_sumsq,
    COUNT(*) FILTER(WHERE
      measured.arm = 'holdout') AS holdout_n,
    COALESCE(SUM(measured.value) FILTER(WHERE
      measured.arm = 'holdout'), 0) AS holdout_sum,
    COALESCE(SUM(measured.value * measured.value) FILTER(WHERE
      measured.arm = 'holdout'), 0) AS holdout_sumsq,
    BOOL_AND(measured.value IN (0, 1)) AS is_yes_no /* yes/no outcomes are measured as rates (Newcombe's interval), numbers as means (Welch) */
  FROM measured
  INNER JOIN campaigns
    ON measured.campaign_id = campaigns.campaign_id
  WHERE
    campaigns.start_date <= :as_of
  GROUP BY
    measured.campaign_id,
    measured.outcome
)
SELECT
  *
FROM final
