-- Generated from stg_campaigns.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per campaign: typed from campaigns.csv. */
WITH source AS (
  SELECT
    *
  FROM raw_campaigns
), final AS (
  SELECT
    campaign_id, /* -------- ids */
    name, /* -------- strings */
    LOWER(
      REGEXP_REPLACE(
        channel,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS channel,
    REGEXP_REPLACE(
      target,
      '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
      ''
    ) AS target,
    CAST(attribution_days AS INT) AS attribution_days, /* -------- numerics */
    CASE
      WHEN (
        cost_per_message
      ) IS NULL
      THEN NULL
      WHEN (
        cost_per_message
      ) RLIKE '^(?:-?\\d{1,18})\\z'
      THEN CAST((
        cost_per_message
      ) AS DECIMAL(38, 10))
      ELSE TRANSFORM(
        ARRAY(
          REGEXP_REPLACE(
            COALESCE(
              REGEXP_REPLACE(
                (
                  (
                    cost_per_message
                  )
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ),
              ''
            ),
            '(₫|đ|Đ|VNĐ|VND|vnd|\\$|€|£|[\\t\\n\\f\\r ]|\\x{00A0}|\\x{202F})',
            ''
          )
        ),
        s -> TRANSFORM(
          ARRAY(
            CASE
              WHEN (
                s
              ) LIKE '(%)'
              THEN SUBSTRING((
                s
              ), 2, LENGTH((
                s
              )) - 2)
              WHEN (
                s
              ) LIKE '(%' OR (
                s
              ) LIKE '%)'
              THEN NULL
              WHEN (
                s
              ) LIKE '-%' OR (
                s
              ) LIKE '+%'
              THEN SUBSTRING((
                s
              ), 2)
              ELSE (
                s
              )
            END
          ),
          d -> CASE
            WHEN (
              (
                s
              ) LIKE '(%)' OR (
                s
              ) LIKE '-%'
            )
            THEN -TRY_CAST(CASE
              WHEN (
                (
                  '.'
                )
              ) = '.' AND (
                d
              ) RLIKE '^(?:\\d+(\\.\\d{1,10})?)\\z'
              THEN (
                d
              )
              WHEN (
                (
                  '.'
                )
              ) = '.'
              AND (
                d
              ) RLIKE '^(?:[1-9]\\d{0,2}(,\\d{3})+(\\.\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '')
              WHEN (
                (
                  '.'
                )
              ) = ',' AND (
                d
              ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '.')
              WHEN (
                (
                  '.'
                )
              ) = ','
              AND (
                d
              ) RLIKE '^(?:[1-9]\\d{0,2}(\\.\\d{3})+(,\\d{1,10})?)\\z'
              THEN REPLACE(REPLACE((
                d
              ), '.', ''), ',', '.')
            END AS DECIMAL(38, 10))
            ELSE TRY_CAST(CASE
              WHEN (
                (
                  '.'
                )
              ) = '.' AND (
                d
              ) RLIKE '^(?:\\d+(\\.\\d{1,10})?)\\z'
              THEN (
                d
              )
              WHEN (
                (
                  '.'
                )
              ) = '.'
              AND (
                d
              ) RLIKE '^(?:[1-9]\\d{0,2}(,\\d{3})+(\\.\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '')
              WHEN (
                (
                  '.'
                )
              ) = ',' AND (
                d
              ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '.')
              WHEN (
                (
                  '.'
                )
              ) = ','
              AND (
                d
              ) RLIKE '^(?:[1-9]\\d{0,2}(\\.\\d{3})+(,\\d{1,10})?)\\z'
              THEN REPLACE(REPLACE((
                d
              ), '.', ''), ',', '.')
            END AS DECIMAL(38, 10))
          END
        )[0]
      )[0]
    END AS cost_per_message,
    CAST(NULLIF(
      REGEXP_REPLACE(
        planned_holdout_share,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS DOUBLE) AS planned_holdout_share, /* checked on reading (helpers.ingest.campaign_files): empty, or a share */
    CAST(NULLIF(
      REGEXP_REPLACE(
        margin,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS DOUBLE) AS margin,
    COALESCE(
      REGEXP_REPLACE(
        outcomes,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS outcomes,
    CAST(COALESCE(
      CASE
        WHEN LENGTH((
          start_date
        )) = 19 AND SUBSTRING((
          start_date
        ), 5, 1) = '-'
        THEN TRY_TO_TIMESTAMP(
          REGEXP_REPLACE(
            REGEXP_REPLACE((
              start_date
            ), '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
            '[\\t\\n\\x0B\\f\\r ]+',
            ' '
          ),
          'yyyy-M-d H:m:s'
        )
      END,
      TRANSFORM(
        ARRAY(
          (
            CASE
              WHEN REGEXP_REPLACE(
                (
                  (
                    start_date
                  )
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ) RLIKE '^\\d{4}-\\d{2}-\\d{2}'
              THEN REGEXP_REPLACE(
                (
                  (
                    start_date
                  )
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              )
              ELSE TRANSFORM(
                ARRAY(
                  STRUCT(
                    REGEXP_EXTRACT(
                      REGEXP_REPLACE(
                        (
                          (
                            (
                              start_date
                            )
                          )
                        ),
                        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                        ''
                      ),
                      '^(\\d{1,4})[/.-](\\d{1,2})[/.-](\\d{1,4})((?:[ T][^\\n]*)?)\\z'
                    ) AS a,
                    REGEXP_EXTRACT(
                      REGEXP_REPLACE(
                        (
                          (
                            (
                              start_date
                            )
                          )
                        ),
                        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                        ''
                      ),
                      '^(\\d{1,4})[/.-](\\d{1,2})[/.-](\\d{1,4})((?:[ T][^\\n]*)?)\\z',
                      2
                    ) AS b,
                    REGEXP_EXTRACT(
                      REGEXP_REPLACE(
                        (
                          (
                            (
                              start_date
                            )
                          )
                        ),
                        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                        ''
                      ),
                      '^(\\d{1,4})[/.-](\\d{1,2})[/.-](\\d{1,4})((?:[ T][^\\n]*)?)\\z',
                      3
                    ) AS c,
                    REGEXP_EXTRACT(
                      REGEXP_REPLACE(
                        (
                          (
                            (
                              start_date
                            )
                          )
                        ),
                        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                        ''
                      ),
                      '^(\\d{1,4})[/.-](\\d{1,2})[/.-](\\d{1,4})((?:[ T][^\\n]*)?)\\z',
                      4
                    ) AS rest
                  )
                ),
                p -> TRANSFORM(
                  ARRAY(
                    CASE
                      WHEN LENGTH(p.a) = 4
                      THEN ARRAY(p.a, p.b, p.c)
                      WHEN LENGTH(p.a) > 2 OR p.a = ''
                      THEN NULL
                      WHEN (
                        (
                          (
                            'dmy'
                          )
                        )
                      ) = 'dmy'
                      THEN ARRAY(p.c, p.b, p.a)
                      WHEN (
                        (
                          (
                            'dmy'
                          )
                        )
                      ) = 'mdy'
                      THEN ARRAY(p.c, p.a, p.b)
                      WHEN (
                        (
                          (
                            'dmy'
                          )
                        )
                      ) = 'ymd'
                      THEN ARRAY(p.a, p.b, p.c)
                    END
                  ),
                  ymd -> TRANSFORM(
                    ARRAY(
                      CASE
                        WHEN LENGTH((
                          ymd[0]
                        )) = 4
                        THEN (
                          ymd[0]
                        )
                        WHEN LENGTH((
                          ymd[0]
                        )) = 2
                        AND 2000 + CAST((
                          ymd[0]
                        ) AS INT) <= (
                          (
                            (
                              9999
                            )
                          )
                        )
                        THEN CAST(2000 + CAST((
                          ymd[0]
                        ) AS INT) AS STRING)
                        WHEN LENGTH((
                          ymd[0]
                        )) = 2
                        THEN CAST(1900 + CAST((
                          ymd[0]
                        ) AS INT) AS STRING)
                      END
                    ),
                    y -> CASE
                      WHEN NOT y IS NULL
                      AND LENGTH(ymd[1]) BETWEEN 1 AND 2
                      AND LENGTH(ymd[2]) BETWEEN 1 AND 2
                      THEN y || '-' || LPAD(ymd[1], 2, '0') || '-' || LPAD(ymd[2], 2, '0') || p.rest
                    END
                  )[0]
                )[0]
              )[0]
            END
          )
        ),
        v -> CASE
          WHEN v RLIKE '^\\d{4}-\\d{2}-\\d{2}[ T]([01]?\\d|2[0-3]):[^\\n]*(Z|[+-](0\\d|1[0-8])(:?\\d{2})?)\\z'
          THEN CAST(FROM_UTC_TIMESTAMP(
            TRY_CAST(REGEXP_REPLACE(
              REGEXP_REPLACE(
                REGEXP_REPLACE(
                  REGEXP_REPLACE(v, '[\\t\\n\\f\\r ]+Z\\z', 'Z'),
                  '[\\t\\n\\f\\r ]*([+-]\\d{2}):?(\\d{2})\\z',
                  '$1:$2'
                ),
                '[\\t\\n\\f\\r ]*([+-]\\d{2})\\z',
                '$1:00'
              ),
              '^(\\d{4}-\\d{2}-\\d{2}[ T]\\d{1,2}:\\d{2})(Z|[+-])',
              '$1:00$2'
            ) AS TIMESTAMP_LTZ),
            (
              (
                'UTC'
              )
            )
          ) AS TIMESTAMP_NTZ)
          WHEN LENGTH(v) = 10
          THEN TRY_TO_TIMESTAMP(
            REGEXP_REPLACE(
              REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
              '[\\t\\n\\x0B\\f\\r ]+',
              ' '
            ),
            'yyyy-M-d'
          )
          ELSE COALESCE(
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d H:m:s'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d H:m'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d\'T\'H:m:s'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d\'T\'H:m'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d H:m:s.SSSSSS'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d\'T\'H:m:s.SSSSSS'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d h:m:s a'
            ),
            TRY_TO_TIMESTAMP(
              REGEXP_REPLACE(
                REGEXP_REPLACE(v, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''),
                '[\\t\\n\\x0B\\f\\r ]+',
                ' '
              ),
              'yyyy-M-d h:m a'
            )
          )
        END
      )[0]
    ) AS DATE) AS start_date /* -------- dates */
  FROM source
)
SELECT
  *
FROM final
