-- Generated from campaign_results.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per campaign (segment 'all') and per (campaign, segment as of the day before it began). */
/* unique: campaign_id, segment */
WITH campaigns AS (
  SELECT
    *
  FROM campaigns
), sends AS (
  SELECT
    *
  FROM campaign_sends
), holdout AS (
  SELECT
    *
  FROM campaign_holdout
), segments AS (
  SELECT
    *
  FROM campaign_segments
), orders AS (
  SELECT
    *
  FROM int_orders
), started AS (
  /* the as-of rule: a campaign that starts after the as-of date is not measured yet */
  SELECT
    *,
    start_date + attribution_days AS window_end
  FROM campaigns
  WHERE
    start_date <= :as_of
), treated AS (
  /* intention to treat: everyone on the send list, delivered or not */
  SELECT
    campaign_id,
    customer_id,
    'treated' AS arm,
    BOOL_OR(status = 'delivered') AS is_delivered,
    SUM(cost) AS cost,
    BOOL_OR(is_opened) AS is_opened,
    BOOL_OR(is_interacted) AS is_interacted
  FROM sends
  GROUP BY ALL
), held_out AS (
  /* a customer both sent to and held out counts as treated (they were contacted) */
  SELECT
    holdout.campaign_id,
    holdout.customer_id,
    'holdout' AS arm,
    FALSE AS is_delivered,
    CAST(0 AS DECIMAL(18, 2)) AS cost,
    FALSE AS is_opened,
    FALSE AS is_interacted
  FROM holdout
  ANTI JOIN treated
    ON holdout.campaign_id = treated.campaign_id
    AND holdout.customer_id = treated.customer_id
), targeted AS (
  SELECT
    *
  FROM treated
  UNION ALL
  SELECT
    *
  FROM held_out
), in_window AS (
  /* a converter bought in [start_date, start_date + attribution_days): N days with the start day */
  SELECT
    targeted.campaign_id,
    targeted.customer_id,
    COUNT(orders.customer_id) FILTER(WHERE
      orders.is_purchase) AS purchases,
    COALESCE(SUM(orders.amount), 0) AS revenue
  FROM targeted
  INNER JOIN started
    ON targeted.campaign_id = started.campaign_id
  LEFT JOIN orders
    ON targeted.customer_id = orders.customer_id
    AND orders.order_date >= started.start_date
    AND orders.order_date < started.window_end
  GROUP BY ALL
), per_customer AS (
  SELECT
    targeted.*,
    COALESCE(segments.segment, '(none)') AS segment,
    in_window.purchases > 0 AS is_converter,
    in_window.revenue
  FROM targeted
  INNER JOIN in_window
    ON targeted.campaign_id = in_window.campaign_id
    AND targeted.customer_id = in_window.customer_id
  LEFT JOIN segments
    ON targeted.campaign_id = segments.campaign_id
    AND targeted.customer_id = segments.customer_id
), counted AS (
  SELECT
    campaign_id,
    CASE WHEN GROUPING(segment) = 1 THEN 'all' ELSE segment END AS segment,
    COUNT(*) AS targeted,
    COUNT(*) FILTER(WHERE
      arm = 'holdout') AS holdout,
    COUNT(*) FILTER(WHERE
      arm = 'treated') AS sent,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_delivered) AS delivered,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND NOT is_delivered) AS failed,
    COALESCE(SUM(cost), 0) AS cost,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_opened) AS opened,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_interacted) AS interacted,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_converter) AS treated_converters,
    COUNT(*) FILTER(WHERE
      arm = 'holdout' AND is_converter) AS holdout_converters,
    COALESCE(SUM(revenue) FILTER(WHERE
      arm = 'treated'), 0) AS treated_revenue_total,
    COALESCE(SUM(revenue) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_revenue_total
  FROM per_customer
  GROUP BY
    GROUPING SETS (
      (
        campaign_id
      ),
      (campaign_id, segment)
    )
), rates AS (
  SELECT
    *,
    CAST(delivered AS DOUBLE) / NULLIF(sent, 0) AS delivery_rate,
    CAST(opened AS DOUBLE) / NULLIF(delivered, 0) AS open_rate,
    CAST(interacted AS DOUBLE) / NULLIF(delivered, 0) AS interaction_rate,
    CAST(treated_converters AS DOUBLE) / NULLIF(sent, 0) AS treated_rate,
    CAST(holdout_converters AS DOUBLE) / NULLIF(holdout, 0) AS holdout_rate,
    CAST(treated_revenue_total AS DOUBLE) / NULLIF(sent, 0) AS treated_revenue,
    CAST(holdout_revenue_total AS DOUBLE) / NULLIF(holdout, 0) AS holdout_revenue
  FROM counted
), effects AS (
  SELECT
    *,
    treated_rate - holdout_rate AS uplift,
    1.96 /* normal approximation for the difference of two proportions */ * SQRT(
      CAST(treated_rate * (
        1 - treated_rate
      ) AS DOUBLE) / NULLIF(sent, 0) + CAST(holdout_rate * (
        1 - holdout_rate
      ) AS DOUBLE) / NULLIF(holdout, 0)
    ) AS margin
  FROM rates
), final AS (
  SELECT
    effects.campaign_id,
    effects.segment,
    effects.targeted,
    effects.holdout,
    effects.sent,
    effects.delivered,
    effects.failed,
    effects.delivery_rate,
    effects.cost,
    effects.open_rate,
    effects.interaction_rate,
    effects.treated_converters,
    effects.treated_rate,
    effects.holdout_converters,
    effects.holdout_rate,
    effects.uplift,
    effects.uplift - effects.margin AS uplift_ci_low,
    effects.uplift + effects.margin AS uplift_ci_high,
    effects.uplift * effects.sent AS incremental_converters,
    effects.treated_revenue,
    effects.holdout_revenue,
    (
      effects.treated_revenue - effects.holdout_revenue
    ) * effects.sent AS incremental_revenue,
    CASE
      WHEN effects.uplift * effects.sent > 0
      THEN CAST(effects.cost AS DOUBLE) / (
        effects.uplift * effects.sent
      )
    END AS cost_per_incremental_converter,
    CASE
      WHEN effects.cost > 0
      THEN CAST((
        effects.treated_revenue - effects.holdout_revenue
      ) * effects.sent - effects.cost AS DOUBLE) / effects.cost
    END AS roi,
    started.name,
    started.channel,
    started.target,
    started.start_date,
    started.attribution_days,
    DATEDIFF(DAY, :as_of, started.window_end) <= 1 AS is_window_complete
  FROM effects
  INNER JOIN started
    ON effects.campaign_id = started.campaign_id
  ORDER BY
    started.start_date NULLS LAST,
    effects.campaign_id NULLS LAST,
    effects.segment <> 'all' NULLS LAST,
    effects.segment NULLS LAST
)
SELECT
  *
FROM final
