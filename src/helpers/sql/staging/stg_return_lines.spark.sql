-- Generated from stg_return_lines.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per source row of the returns export(s): one refund per return, dated on the return. */
/* Amounts are written positive (what is paid back) and staged negative. The customer is the */
/* returns file's own customer column or, when that is empty, the customer of the returned order. */
WITH source AS (
  SELECT
    *
  FROM raw_returns
), orders AS (
  /* one row per order_id of the orders export: its customer, or a guest sale */
  SELECT
    *
  FROM order_customers
), parsed AS (
  SELECT
    source_file, /* -------- where the row came from */
    source_line,
    row_hash,
    is_blank_row,
    TRY_ELEMENT_AT(
      MAP_FROM_ARRAYS(CAST(:export_files AS ARRAY<STRING>), CAST(:export_ranks AS ARRAY<INT>)),
      source_file
    ) AS export_rank, /* when the row's file was exported, as a rank (1 = earliest; ingest.overlap) */
    NULLIF(
      CASE
        WHEN :return_id_integer
        THEN (
          CASE
            WHEN (
              return_id
            ) RLIKE '^[\\t\\n\\f\\r ]*-?\\d+\\.0*[\\t\\n\\f\\r ]*\\z'
            THEN REGEXP_REPLACE(
              REGEXP_REPLACE(
                (
                  return_id
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ),
              '\\.0*\\z',
              ''
            )
            ELSE (
              return_id
            )
          END
        )
        ELSE return_id
      END,
      ''
    ) AS return_id, /* -------- ids */
    NULLIF(
      CASE
        WHEN :order_id_integer
        THEN (
          CASE
            WHEN (
              order_id
            ) RLIKE '^[\\t\\n\\f\\r ]*-?\\d+\\.0*[\\t\\n\\f\\r ]*\\z'
            THEN REGEXP_REPLACE(
              REGEXP_REPLACE(
                (
                  order_id
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ),
              '\\.0*\\z',
              ''
            )
            ELSE (
              order_id
            )
          END
        )
        ELSE order_id
      END,
      ''
    ) AS returned_order_id,
    CASE
      WHEN NOT (
        (
          NOT COALESCE((
            (
              customer_id
            )
          ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
        )
        OR ARRAY_CONTAINS(
          (
            CAST(:guest_keys AS ARRAY<STRING>)
          ),
          CASE
            WHEN (
              (
                customer_id
              )
            ) RLIKE '^(?:[!-~]*)\\z'
            THEN LOWER((
              (
                customer_id
              )
            ))
            ELSE REGEXP_REPLACE(
              REGEXP_REPLACE(
                REGEXP_REPLACE(
                  REGEXP_REPLACE(
                    REGEXP_REPLACE(
                      REGEXP_REPLACE(
                        REGEXP_REPLACE(
                          REGEXP_REPLACE(
                            REGEXP_REPLACE(
                              REGEXP_REPLACE(LOWER((
                                (
                                  customer_id
                                )
                              )), '[\\x{0300}-\\x{036F}]', ''),
                              '[àáảãạăằắẳẵặâầấẩẫậ]',
                              'a'
                            ),
                            '[èéẻẽẹêềếểễệ]',
                            'e'
                          ),
                          '[ìíỉĩị]',
                          'i'
                        ),
                        '[òóỏõọôồốổỗộơờớởỡợ]',
                        'o'
                      ),
                      '[ùúủũụưừứửữự]',
                      'u'
                    ),
                    '[ỳýỷỹỵ]',
                    'y'
                  ),
                  'đ',
                  'd'
                ),
                '[\\t\\n\\f\\r \\x{000B}\\x{0085}\\x{00A0}\\x{1680}\\x{2000}-\\x{200D}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{2060}\\x{3000}\\x{FEFF}]+',
                ' '
              ),
              '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
              ''
            )
          END
        )
        OR (
          customer_id
        ) RLIKE '^[\\t\\n\\f\\r ]*(\\+?84)?[\\t\\n\\f\\r .-]*0[0\\t\\n\\f\\r .-]*\\z'
      )
      THEN CASE
        WHEN :customer_id_integer
        THEN (
          CASE
            WHEN (
              customer_id
            ) RLIKE '^[\\t\\n\\f\\r ]*-?\\d+\\.0*[\\t\\n\\f\\r ]*\\z'
            THEN REGEXP_REPLACE(
              REGEXP_REPLACE(
                (
                  customer_id
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ),
              '\\.0*\\z',
              ''
            )
            ELSE (
              customer_id
            )
          END
        )
        ELSE customer_id
      END
    END AS own_customer_id,
    CASE
      WHEN :customer_id_integer
      THEN (
        CASE
          WHEN (
            customer_id
          ) RLIKE '^[\\t\\n\\f\\r ]*-?\\d+\\.0*[\\t\\n\\f\\r ]*\\z'
          THEN REGEXP_REPLACE(
            REGEXP_REPLACE(
              (
                customer_id
              ),
              '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
              ''
            ),
            '\\.0*\\z',
            ''
          )
          ELSE (
            customer_id
          )
        END
      )
      ELSE customer_id
    END AS customer_id_text,
    NULLIF(
      REGEXP_REPLACE(
        TRY_ELEMENT_AT(MAP_FROM_ARRAYS(:nfc_from, :nfc_to), status),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS status_text, /* -------- strings */
    CASE
      WHEN (
        amount_1
      ) IS NULL
      THEN NULL
      WHEN (
        amount_1
      ) RLIKE '^(?:-?\\d{1,18})\\z'
      THEN CAST((
        amount_1
      ) AS DECIMAL(38, 10))
      ELSE TRANSFORM(
        ARRAY(
          REGEXP_REPLACE(
            COALESCE(
              REGEXP_REPLACE(
                (
                  (
                    amount_1
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
                  :decimal_mark
                )
              ) = '.'
              AND (
                d
              ) RLIKE '^(?:\\d+(\\.\\d{1,10})?)\\z'
              THEN (
                d
              )
              WHEN (
                (
                  :decimal_mark
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
                  :decimal_mark
                )
              ) = ',' AND (
                d
              ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '.')
              WHEN (
                (
                  :decimal_mark
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
                  :decimal_mark
                )
              ) = '.'
              AND (
                d
              ) RLIKE '^(?:\\d+(\\.\\d{1,10})?)\\z'
              THEN (
                d
              )
              WHEN (
                (
                  :decimal_mark
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
                  :decimal_mark
                )
              ) = ',' AND (
                d
              ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '.')
              WHEN (
                (
                  :decimal_mark
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
    END AS amount_value, /* -------- numerics */
    COALESCE(
      REGEXP_REPLACE(
        amount_1,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) = '' AS is_amount_empty,
    COALESCE(
      CASE
        WHEN LENGTH((
          return_date
        )) = 19 AND SUBSTRING((
          return_date
        ), 5, 1) = '-'
        THEN TRY_TO_TIMESTAMP(
          REGEXP_REPLACE(
            REGEXP_REPLACE((
              return_date
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
                    return_date
                  )
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ) RLIKE '^\\d{4}-\\d{2}-\\d{2}'
              THEN REGEXP_REPLACE(
                (
                  (
                    return_date
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
                              return_date
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
                              return_date
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
                              return_date
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
                              return_date
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
                            :date_order
                          )
                        )
                      ) = 'dmy'
                      THEN ARRAY(p.c, p.b, p.a)
                      WHEN (
                        (
                          (
                            :date_order
                          )
                        )
                      ) = 'mdy'
                      THEN ARRAY(p.c, p.a, p.b)
                      WHEN (
                        (
                          (
                            :date_order
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
                :shop_tz
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
    ) AS ordered_at, /* -------- dates */
    return_date AS order_date_text, /* -------- what was written */
    amount_1 AS amount_text
  FROM source
), linked AS (
  SELECT
    parsed.*,
    NOT orders.order_id IS NULL AS is_order_known,
    COALESCE(orders.is_guest, FALSE) AS is_order_guest,
    CASE
      WHEN NOT parsed.own_customer_id IS NULL
      THEN parsed.customer_id_text
      ELSE orders.customer_id
    END AS customer_id
  FROM parsed
  LEFT JOIN orders
    ON parsed.returned_order_id = orders.order_id
), latest AS (
  /* a return in several files (overlapping exports) is read from the file exported last */
  SELECT
    *,
    MAX(export_rank) OVER (PARTITION BY return_id) AS latest_rank
  FROM linked
), kept AS (
  SELECT
    *,
    NOT return_id IS NULL
    AND source_file <> MIN(CASE WHEN export_rank = latest_rank THEN source_file END) OVER (PARTITION BY return_id) AS is_replaced
  FROM latest
), per_return AS (
  SELECT
    *,
    MIN(amount_value) OVER return_lines AS return_amount_min, /* what is paid back is written on every returned line: one refund per return */
    MAX(amount_value) OVER return_lines AS return_amount_max,
    ROW_NUMBER() OVER (
      PARTITION BY return_id, is_replaced, CASE WHEN return_id IS NULL OR NOT :amount_level_order THEN source_file END, CASE WHEN return_id IS NULL OR NOT :amount_level_order THEN source_line END
      ORDER BY amount_value IS NULL NULLS LAST, ordered_at IS NULL NULLS LAST, source_file NULLS LAST, source_line NULLS LAST
    ) AS line_in_return /* the window written out: Spark has no refinement of a named window */
  FROM kept
  WINDOW return_lines AS (
    PARTITION BY return_id, is_replaced, CASE WHEN return_id IS NULL OR NOT :amount_level_order THEN source_file END, CASE WHEN return_id IS NULL OR NOT :amount_level_order THEN source_line END
  )
), checked AS (
  SELECT
    *,
    CASE
      WHEN return_amount_min <> return_amount_max
      THEN NULL
      WHEN line_in_return = 1
      THEN -ABS(CAST(return_amount_max AS DECIMAL(18, 4)))
      WHEN NOT return_amount_max IS NULL
      THEN CAST(0 AS DECIMAL(18, 4))
    END AS amount,
    CASE
      WHEN is_blank_row
      THEN 'empty_row'
      WHEN is_replaced
      THEN 'replaced_by_later_export'
      ELSE NULLIF(
        CONCAT_WS(
          '; ',
          CASE
            WHEN own_customer_id IS NULL AND is_order_guest
            THEN 'guest_sale'
            WHEN own_customer_id IS NULL AND NOT is_order_known
            THEN 'return_order_unknown'
          END,
          CASE WHEN ordered_at IS NULL THEN 'unparseable_date' END,
          CASE
            WHEN NOT is_amount_empty AND amount_value IS NULL
            THEN 'unparseable_amount'
            WHEN NOT amount_value IS NULL AND CAST(amount_value AS DECIMAL(18, 4)) <> amount_value
            THEN 'amount_beyond_4_decimals'
            WHEN return_amount_min <> return_amount_max
            THEN 'return_amount_differs_between_lines'
            WHEN return_amount_max IS NULL
            THEN 'unparseable_amount'
          END
        ),
        ''
      )
    END AS reject_reason
  FROM per_return
), final AS (
  SELECT
    source_file,
    source_line,
    return_id AS order_id, /* a return is an order of its own (dated on the return), keyed by its return id */
    customer_id,
    ordered_at,
    CAST(ordered_at AS DATE) AS order_date,
    amount,
    amount AS line_amount,
    COALESCE(
      TRY_ELEMENT_AT(
        MAP_FROM_ARRAYS(CAST(:status_keys AS ARRAY<STRING>), CAST(:status_values AS ARRAY<STRING>)),
        LOWER(status_text)
      ),
      status_text
    ) AS status,
    CAST(NULL AS STRING) AS channel,
    TRUE AS is_return,
    returned_order_id,
    order_date_text,
    amount_text,
    own_customer_id IS NULL AND is_order_guest AS is_guest,
    reject_reason,
    reject_reason IS NULL
    AND ROW_NUMBER() OVER (
      PARTITION BY row_hash, reject_reason, return_id, customer_id, order_date_text, amount_text, status_text
      ORDER BY source_file NULLS LAST, source_line NULLS LAST
    ) > 1 AS is_duplicate
  FROM checked
)
SELECT
  *
FROM final
