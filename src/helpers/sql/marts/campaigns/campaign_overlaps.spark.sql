-- Generated from campaign_overlaps.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per ordered pair of campaigns started by the as-of date whose attribution windows */
/* overlap and whose send lists share more than 10% of either list (a shared holdout is no */
/* overlap: the holdout was not contacted by either). */
/* unique: campaign_id, other_campaign_id */
WITH campaigns AS (
  SELECT
    *
  FROM campaigns
), sends AS (
  SELECT DISTINCT
    campaign_id,
    customer_id
  FROM campaign_sends
), started AS (
  SELECT
    campaign_id,
    start_date,
    start_date + attribution_days AS window_end
  FROM campaigns
  WHERE
    start_date <= :as_of
), list_sizes AS (
  SELECT
    campaign_id,
    COUNT(*) AS listed
  FROM sends
  GROUP BY ALL
), windows_overlapping AS (
  /* [start, window_end) of one meets the other's */
  SELECT
    one.campaign_id,
    other.campaign_id AS other_campaign_id
  FROM started AS one
  INNER JOIN started AS other
    ON one.campaign_id <> other.campaign_id
    AND one.start_date < other.window_end
    AND other.start_date < one.window_end
), shared AS (
  SELECT
    windows_overlapping.campaign_id,
    windows_overlapping.other_campaign_id,
    COUNT(*) AS shared_customers
  FROM windows_overlapping
  INNER JOIN sends AS one_list
    ON windows_overlapping.campaign_id = one_list.campaign_id
  INNER JOIN sends AS other_list
    ON windows_overlapping.other_campaign_id = other_list.campaign_id
    AND one_list.customer_id = other_list.customer_id
  GROUP BY ALL
), final AS (
  SELECT
    shared.campaign_id,
    shared.other_campaign_id,
    shared.shared_customers,
    one_size.listed,
    other_size.listed AS other_listed
  FROM shared
  INNER JOIN list_sizes AS one_size
    ON shared.campaign_id = one_size.campaign_id
  INNER JOIN list_sizes AS other_size
    ON shared.other_campaign_id = other_size.campaign_id
  WHERE
    shared.shared_customers > 0.1 * one_size.listed
    OR shared.shared_customers > 0.1 * other_size.listed
)
SELECT
  *
FROM final
