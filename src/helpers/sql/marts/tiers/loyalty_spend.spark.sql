-- Generated from loyalty_spend.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per buyer as of $spend_as_of (orders known as of $as_of): spend over the rolling period */
/* and the tier it reaches. */
/* unique: customer_id */
WITH orders AS (
  SELECT
    *
  FROM int_orders
), tiers AS (
  SELECT
    *
  FROM loyalty_tiers
), buyers AS (
  /* members: customers with at least one purchase on or before the date */
  SELECT
    customer_id
  FROM orders
  GROUP BY ALL
  HAVING
    COUNT(*) FILTER(WHERE
      is_purchase) > 0
), spend_in_period AS (
  /* spend = all orders (purchases and refunds) dated in (date - period_days, date] */
  SELECT
    customer_id,
    SUM(amount) AS spend
  FROM orders
  WHERE
    DATEDIFF(DAY, order_date, :spend_as_of) < :period_days
  GROUP BY ALL
), member_spend AS (
  SELECT
    buyers.customer_id,
    COALESCE(spend_in_period.spend, 0) AS spend
  FROM buyers
  LEFT JOIN spend_in_period
    ON buyers.customer_id = spend_in_period.customer_id
), reached AS (
  /* the highest tier whose threshold <= spend; below every threshold: the lowest tier */
  SELECT
    member_spend.customer_id,
    member_spend.spend,
    COALESCE(
      MAX(tiers.tier_rank) FILTER(WHERE
        tiers.threshold <= member_spend.spend),
      MIN(tiers.tier_rank)
    ) AS tier_rank
  FROM member_spend
  CROSS JOIN tiers
  GROUP BY ALL
), final AS (
  SELECT
    reached.customer_id,
    reached.spend,
    reached.tier_rank,
    tiers.tier
  FROM reached
  INNER JOIN tiers
    ON reached.tier_rank = tiers.tier_rank
)
SELECT
  *
FROM final
