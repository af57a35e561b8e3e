-- Generated from stg_campaign_holdout.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per (campaign, customer) held out of the send list. */
WITH source AS (
  SELECT
    *
  FROM raw_campaign_holdout
), final AS (
  SELECT DISTINCT
    campaign_id,
    customer_id
  FROM source
)
SELECT
  *
FROM final
