-- Generated from stg_campaign_sends.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per message sent: typed from campaign_sends.csv. */
WITH source AS (
  SELECT
    *
  FROM raw_campaign_sends
), final AS (
  SELECT
    campaign_id, /* -------- ids */
    customer_id,
    LOWER(
      REGEXP_REPLACE(
        channel,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS channel, /* -------- strings */
    LOWER(
      REGEXP_REPLACE(
        status,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS status,
    COALESCE(
      CASE
        WHEN (
          cost
        ) IS NULL
        THEN NULL
        WHEN (
          cost
        ) RLIKE '^(?:-?\\d{1,18})\\z'
        THEN CAST((
          cost
        ) AS DECIMAL(38, 10))
        ELSE TRANSFORM(
          ARRAY(
            REGEXP_REPLACE(
              COALESCE(
                REGEXP_REPLACE(
                  (
                    (
                      cost
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
      END,
      0
    ) AS cost, /* -------- numerics */
    CASE
      WHEN COALESCE(
        REGEXP_REPLACE(
          opened,
          '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
          ''
        ),
        ''
      ) <> ''
      THEN LOWER(
        REGEXP_REPLACE(
          opened,
          '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
          ''
        )
      ) IN ('1', 'true')
    END AS is_opened, /* an empty cell (or a file without the column) is unknown, never "not opened" */
    CASE
      WHEN COALESCE(
        REGEXP_REPLACE(
          interacted,
          '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
          ''
        ),
        ''
      ) <> ''
      THEN LOWER(
        REGEXP_REPLACE(
          interacted,
          '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
          ''
        )
      ) IN ('1', 'true')
    END AS is_interacted,
    COALESCE(
      CASE
        WHEN LENGTH((
          sent_at
        )) = 19 AND SUBSTRING((
          sent_at
        ), 5, 1) = '-'
        THEN TRY_TO_TIMESTAMP(
          REGEXP_REPLACE(
            REGEXP_REPLACE((
              sent_at
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
                    sent_at
                  )
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ) RLIKE '^\\d{4}-\\d{2}-\\d{2}'
              THEN REGEXP_REPLACE(
                (
                  (
                    sent_at
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
                              sent_at
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
                              sent_at
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
                              sent_at
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
                              sent_at
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
    ) AS sent_at /* -------- dates */
  FROM source
)
SELECT
  *
FROM final
