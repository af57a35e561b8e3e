-- Generated from holdout_split.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per customer of a campaign list: held out or sent, from a stable hash of the campaign */
/* key and the customer id (the same people are held out on every rerun). */
/* unique: customer_id */
/* inputs: campaign_list */
WITH campaign_list AS (
  SELECT
    *
  FROM campaign_list
), hashed AS (
  SELECT
    *,
    MD5(:campaign_key || '|' || customer_id) AS holdout_md5 /* md5 is the same on every machine and engine, unlike hash() */
  FROM campaign_list
), final AS (
  SELECT
    *
    EXCEPT (holdout_md5),
    (
      (
        LOCATE(SUBSTRING(holdout_md5, 1, 1), '0123456789abcdef') - 1
      ) * CAST(268435456 AS BIGINT) + (
        LOCATE(SUBSTRING(holdout_md5, 2, 1), '0123456789abcdef') - 1
      ) * 16777216 + (
        LOCATE(SUBSTRING(holdout_md5, 3, 1), '0123456789abcdef') - 1
      ) * 1048576 + (
        LOCATE(SUBSTRING(holdout_md5, 4, 1), '0123456789abcdef') - 1
      ) * 65536 + (
        LOCATE(SUBSTRING(holdout_md5, 5, 1), '0123456789abcdef') - 1
      ) * 4096 + (
        LOCATE(SUBSTRING(holdout_md5, 6, 1), '0123456789abcdef') - 1
      ) * 256 + (
        LOCATE(SUBSTRING(holdout_md5, 7, 1), '0123456789abcdef') - 1
      ) * 16 + (
        LOCATE(SUBSTRING(holdout_md5, 8, 1), '0123456789abcdef') - 1
      )
    ) /* its first 8 hex digits as a number, digit by digit: the same number on DuckDB and */ /* Spark (a hex text cast to an integer is DuckDB's own); a bigint, as it passes 2^31 */ % 10000 < CAST(ROUND(:holdout_share * 10000) AS INT) AS is_holdout
  FROM hashed
)
SELECT
  *
FROM final
