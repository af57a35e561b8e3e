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
), sent_list AS (
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
), treated AS (
  /* a customer both sent to and held out counts as treated (they were contacted), and is */
  /* counted (sent_and_held_out): many of them mean the holdout was not kept out of the sends */
  SELECT
    sent_list.*,
    NOT holdout.customer_id IS NULL AS is_also_held_out
  FROM sent_list
  LEFT JOIN holdout
    ON sent_list.campaign_id = holdout.campaign_id
    AND sent_list.customer_id = holdout.customer_id
), held_out AS (
  SELECT
    holdout.campaign_id,
    holdout.customer_id,
    'holdout' AS arm,
    FALSE AS is_delivered,
    CAST(0 AS DECIMAL(18, 2)) AS cost,
    FALSE AS is_opened,
    FALSE AS is_interacted,
    FALSE AS is_also_held_out
  FROM holdout
  ANTI JOIN sent_list
    ON holdout.campaign_id = sent_list.campaign_id
    AND holdout.customer_id = sent_list.customer_id
), targeted AS (
  SELECT
    *
  FROM treated
  UNION ALL
  SELECT
    *
  FROM held_out
), history AS (
  /* the first day of the shop's history: a customer who never bought before a send is */
  /* further from a purchase than anyone who did */
  SELECT
    MIN(order_date) AS first_day
  FROM orders
), before_send AS (
  /* each targeted customer's history before the send (balance of the groups: recency, */
  /* frequency and spend over all history), and their spend in a window of the attribution's */
  /* length just before the send (the CUPED covariate) */
  SELECT
    targeted.campaign_id,
    targeted.customer_id,
    MAX(orders.order_date) FILTER(WHERE
      orders.is_purchase) AS last_purchase_date,
    COUNT(orders.customer_id) FILTER(WHERE
      orders.is_purchase) AS frequency_before,
    CAST(COALESCE(SUM(orders.amount), 0) AS DOUBLE) AS spend_before,
    CAST(COALESCE(
      SUM(orders.amount) FILTER(WHERE
        orders.order_date >= started.start_date - started.attribution_days),
      0
    ) AS DOUBLE) AS spend_pre_window
  FROM targeted
  INNER JOIN started
    ON targeted.campaign_id = started.campaign_id
  LEFT JOIN orders
    ON targeted.customer_id = orders.customer_id
    AND orders.order_date < started.start_date
  GROUP BY ALL
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
    in_window.revenue,
    CAST(in_window.revenue AS DOUBLE) AS revenue_value,
    DATEDIFF(
      DAY,
      COALESCE(before_send.last_purchase_date, history.first_day - 1),
      started.start_date
    ) AS recency_before,
    before_send.frequency_before,
    before_send.spend_before,
    before_send.spend_pre_window
  FROM targeted
  INNER JOIN in_window
    ON targeted.campaign_id = in_window.campaign_id
    AND targeted.customer_id = in_window.customer_id
  INNER JOIN before_send
    ON targeted.campaign_id = before_send.campaign_id
    AND targeted.customer_id = before_send.customer_id
  INNER JOIN started
    ON targeted.campaign_id = started.campaign_id
  CROSS JOIN history
  LEFT JOIN segments
    ON targeted.campaign_id = segments.campaign_id
    AND targeted.customer_id = segments.customer_id
), measured_values AS (
  /* each customer's values as doubles, with their squares (and the revenue times the */
  /* covariate): sums of these give means, variances and the covariance, on both engines */
  SELECT
    *,
    revenue_value AS revenue_x,
    revenue_value * revenue_value AS revenue_x2,
    spend_pre_window AS pre_spend_x,
    spend_pre_window * spend_pre_window AS pre_spend_x2,
    spend_pre_window * revenue_value AS pre_cross_x,
    CAST(recency_before AS DOUBLE) AS recency_x,
    CAST(recency_before AS DOUBLE) * CAST(recency_before AS DOUBLE) AS recency_x2,
    CAST(frequency_before AS DOUBLE) AS frequency_x,
    CAST(frequency_before AS DOUBLE) * CAST(frequency_before AS DOUBLE) AS frequency_x2,
    spend_before AS spend_before_x,
    spend_before * spend_before AS spend_before_x2
  FROM per_customer
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
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_also_held_out) AS sent_and_held_out,
    COALESCE(SUM(cost), 0) AS cost,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_opened) AS opened,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_interacted) AS interacted,
    COUNT(is_opened) /* a send file without opens (or clicks) says nothing about them: unknown, not 0% */ FILTER(WHERE
      arm = 'treated') AS opens_known,
    COUNT(is_interacted) FILTER(WHERE
      arm = 'treated') AS interactions_known,
    COUNT(*) FILTER(WHERE
      arm = 'treated' AND is_converter) AS treated_converters,
    COUNT(*) FILTER(WHERE
      arm = 'holdout' AND is_converter) AS holdout_converters,
    COALESCE(SUM(revenue) FILTER(WHERE
      arm = 'treated'), 0) AS treated_revenue_total,
    COALESCE(SUM(revenue) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_revenue_total,
    COALESCE(SUM(revenue_x) FILTER(WHERE
      arm = 'treated'), 0) AS treated_revenue_sum, /* per arm, sums and sums of squares: what the intervals (Welch), the CUPED */ /* adjustment and the balance of the groups need (pages/campaigns/measure.py) */
    COALESCE(SUM(revenue_x2) FILTER(WHERE
      arm = 'treated'), 0) AS treated_revenue_sumsq,
    COALESCE(SUM(pre_spend_x) FILTER(WHERE
      arm = 'treated'), 0) AS treated_pre_spend_sum,
    COALESCE(SUM(pre_spend_x2) FILTER(WHERE
      arm = 'treated'), 0) AS treated_pre_spend_sumsq,
    COALESCE(SUM(recency_x) FILTER(WHERE
      arm = 'treated'), 0) AS treated_recency_sum,
    COALESCE(SUM(recency_x2) FILTER(WHERE
      arm = 'treated'), 0) AS treated_recency_sumsq,
    COALESCE(SUM(frequency_x) FILTER(WHERE
      arm = 'treated'), 0) AS treated_frequency_sum,
    COALESCE(SUM(frequency_x2) FILTER(WHERE
      arm = 'treated'), 0) AS treated_frequency_sumsq,
    COALESCE(SUM(spend_before_x) FILTER(WHERE
      arm = 'treated'), 0) AS treated_spend_before_sum,
    COALESCE(SUM(spend_before_x2) FILTER(WHERE
      arm = 'treated'), 0) AS treated_spend_before_sumsq,
    COALESCE(SUM(pre_cross_x) FILTER(WHERE
      arm = 'treated'), 0) AS treated_pre_cross,
    COALESCE(SUM(revenue_x) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_revenue_sum,
    COALESCE(SUM(revenue_x2) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_revenue_sumsq,
    COALESCE(SUM(pre_spend_x) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_pre_spend_sum,
    COALESCE(SUM(pre_spend_x2) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_pre_spend_sumsq,
    COALESCE(SUM(recency_x) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_recency_sum,
    COALESCE(SUM(recency_x2) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_recency_sumsq,
    COALESCE(SUM(frequency_x) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_frequency_sum,
    COALESCE(SUM(frequency_x2) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_frequency_sumsq,
    COALESCE(SUM(spend_before_x) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_spend_before_sum,
    COALESCE(SUM(spend_before_x2) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_spend_before_sumsq,
    COALESCE(SUM(pre_cross_x) FILTER(WHERE
      arm = 'holdout'), 0) AS holdout_pre_cross
  FROM measured_values
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
    CASE WHEN opens_known > 0 THEN CAST(opened AS DOUBLE) / NULLIF(delivered, 0) END AS open_rate,
    CASE
      WHEN interactions_known > 0
      THEN CAST(interacted AS DOUBLE) / NULLIF(delivered, 0)
    END AS interaction_rate,
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
    effects.sent_and_held_out,
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
    effects.treated_revenue_sum,
    effects.treated_revenue_sumsq,
    effects.treated_pre_spend_sum,
    effects.treated_pre_spend_sumsq,
    effects.treated_recency_sum,
    effects.treated_recency_sumsq,
    effects.treated_frequency_sum,
    effects.treated_frequency_sumsq,
    effects.treated_spend_before_sum,
    effects.treated_spend_before_sumsq,
    effects.treated_pre_cross,
    effects.holdout_revenue_sum,
    effects.holdout_revenue_sumsq,
    effects.holdout_pre_spend_sum,
    effects.holdout_pre_spend_sumsq,
    effects.holdout_recency_sum,
    effects.holdout_recency_sumsq,
    effects.holdout_frequency_sum,
    effects.holdout_frequency_sumsq,
    effects.holdout_spend_before_sum,
    effects.holdout_spend_before_sumsq,
    effects.holdout_pre_cross,
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
