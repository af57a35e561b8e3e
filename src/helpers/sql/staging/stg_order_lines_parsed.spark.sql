-- Generated from stg_order_lines_parsed.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* Staging, step 1 of 4: one row per source row of the orders export(s), parsed, with what can */
/* be told from the line alone. raw_orders holds the mapped columns as text (amount_1..amount_6: */
/* the columns of the amount expression); mapped_amount() is the mapping's amount expression over */
/* their parsed values. A typed column of a Parquet file (ingest.typed) comes as its value, not */
/* text: order_date_value (the order's local time) and amount_number_1..6 (the numbers), with */
/* the text columns null; a text column is parsed. Run over each file on its own */
/* (ingest.file_cache); steps 2 to 4 (stg_order_structure, stg_order_repeats, stg_order_lines) */
/* read the files' results together as parsed_order_lines. */
WITH source AS (
  SELECT
    *
  FROM raw_orders
), keys AS (
  /* customer_key: phone: each key as written and its E.164 form (ingest.phones.phone_keys; */
  /* empty otherwise) */
  SELECT
    *
  FROM phone_keys
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
    CASE
      WHEN :customer_key_phone
      AND NOT (
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
      THEN keys.phone_key
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
    END AS customer_id, /* -------- ids: text kept byte-for-byte unless the mapping says integer_text */
    (
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
    ) AS is_guest, /* no customer key, or a walk-in code ('Khách lẻ'): a guest sale */
    :customer_key_phone
    AND NOT (
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
    AND keys.phone_key IS NULL AS is_key_invalid,
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
    ) AS order_id, /* an empty order id makes the row an order of its own */
    NULLIF(
      REGEXP_REPLACE(
        TRY_ELEMENT_AT(MAP_FROM_ARRAYS(:nfc_from, :nfc_to), status),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS status_text, /* -------- strings: statuses compared after NFC, trim and lower case */
    channel,
    CASE
      WHEN NOT (
        NOT COALESCE((
          refund_status
        ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
      )
      THEN COALESCE(
        TRY_ELEMENT_AT(
          MAP_FROM_ARRAYS(CAST(:refund_keys AS ARRAY<STRING>), CAST(:refund_values AS ARRAY<STRING>)),
          CASE
            WHEN (
              refund_status
            ) RLIKE '^(?:[!-~]*)\\z'
            THEN LOWER((
              refund_status
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
                                refund_status
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
        ),
        'unknown'
      )
    END AS refund_class, /* -------- a refund written on the order (refund_status_map: refunded | not_refunded; */ /* -------- compared folded, ingest.guests.fold): how much, or what was returned */
    CASE
      WHEN (
        refund_amount
      ) IS NULL
      THEN NULL
      WHEN (
        refund_amount
      ) RLIKE '^(?:-?\\d{1,18})\\z'
      THEN CAST((
        refund_amount
      ) AS DECIMAL(38, 10))
      ELSE TRANSFORM(
        ARRAY(
          REGEXP_REPLACE(
            COALESCE(
              REGEXP_REPLACE(
                (
                  (
                    refund_amount
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
                  :refund_decimal_mark
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
                  :refund_decimal_mark
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
                  :refund_decimal_mark
                )
              ) = ','
              AND (
                d
              ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '.')
              WHEN (
                (
                  :refund_decimal_mark
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
                  :refund_decimal_mark
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
                  :refund_decimal_mark
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
                  :refund_decimal_mark
                )
              ) = ','
              AND (
                d
              ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
              THEN REPLACE((
                d
              ), ',', '.')
              WHEN (
                (
                  :refund_decimal_mark
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
    END AS refund_amount,
    TRY_CAST(REGEXP_REPLACE(
      quantity,
      '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
      ''
    ) AS DECIMAL(18, 4)) AS quantity,
    TRY_CAST(REGEXP_REPLACE(
      returned_quantity,
      '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
      ''
    ) AS DECIMAL(18, 4)) AS returned_quantity,
    amount_1, /* -------- numerics: each column of the amount expression (amount_1..amount_6; those */ /* -------- past $amount_columns are null), each by its own decimal mark (decided from the */ /* -------- column's own values), then the expression */
    amount_2,
    amount_3,
    amount_4,
    amount_5,
    amount_6,
    amount_number_1,
    amount_number_2,
    amount_number_3,
    amount_number_4,
    amount_number_5,
    amount_number_6,
    COALESCE(
      amount_number_1,
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
                    :decimal_mark_1
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
                    :decimal_mark_1
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
                    :decimal_mark_1
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_1
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
                    :decimal_mark_1
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
                    :decimal_mark_1
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
                    :decimal_mark_1
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_1
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
      END
    ) AS amount_value_1,
    COALESCE(
      amount_number_2,
      CASE
        WHEN (
          amount_2
        ) IS NULL
        THEN NULL
        WHEN (
          amount_2
        ) RLIKE '^(?:-?\\d{1,18})\\z'
        THEN CAST((
          amount_2
        ) AS DECIMAL(38, 10))
        ELSE TRANSFORM(
          ARRAY(
            REGEXP_REPLACE(
              COALESCE(
                REGEXP_REPLACE(
                  (
                    (
                      amount_2
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
                    :decimal_mark_2
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
                    :decimal_mark_2
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
                    :decimal_mark_2
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_2
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
                    :decimal_mark_2
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
                    :decimal_mark_2
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
                    :decimal_mark_2
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_2
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
      END
    ) AS amount_value_2,
    COALESCE(
      amount_number_3,
      CASE
        WHEN (
          amount_3
        ) IS NULL
        THEN NULL
        WHEN (
          amount_3
        ) RLIKE '^(?:-?\\d{1,18})\\z'
        THEN CAST((
          amount_3
        ) AS DECIMAL(38, 10))
        ELSE TRANSFORM(
          ARRAY(
            REGEXP_REPLACE(
              COALESCE(
                REGEXP_REPLACE(
                  (
                    (
                      amount_3
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
                    :decimal_mark_3
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
                    :decimal_mark_3
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
                    :decimal_mark_3
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_3
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
                    :decimal_mark_3
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
                    :decimal_mark_3
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
                    :decimal_mark_3
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_3
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
      END
    ) AS amount_value_3,
    COALESCE(
      amount_number_4,
      CASE
        WHEN (
          amount_4
        ) IS NULL
        THEN NULL
        WHEN (
          amount_4
        ) RLIKE '^(?:-?\\d{1,18})\\z'
        THEN CAST((
          amount_4
        ) AS DECIMAL(38, 10))
        ELSE TRANSFORM(
          ARRAY(
            REGEXP_REPLACE(
              COALESCE(
                REGEXP_REPLACE(
                  (
                    (
                      amount_4
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
                    :decimal_mark_4
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
                    :decimal_mark_4
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
                    :decimal_mark_4
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_4
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
                    :decimal_mark_4
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
                    :decimal_mark_4
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
                    :decimal_mark_4
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_4
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
      END
    ) AS amount_value_4,
    COALESCE(
      amount_number_5,
      CASE
        WHEN (
          amount_5
        ) IS NULL
        THEN NULL
        WHEN (
          amount_5
        ) RLIKE '^(?:-?\\d{1,18})\\z'
        THEN CAST((
          amount_5
        ) AS DECIMAL(38, 10))
        ELSE TRANSFORM(
          ARRAY(
            REGEXP_REPLACE(
              COALESCE(
                REGEXP_REPLACE(
                  (
                    (
                      amount_5
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
                    :decimal_mark_5
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
                    :decimal_mark_5
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
                    :decimal_mark_5
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_5
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
                    :decimal_mark_5
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
                    :decimal_mark_5
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
                    :decimal_mark_5
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_5
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
      END
    ) AS amount_value_5,
    COALESCE(
      amount_number_6,
      CASE
        WHEN (
          amount_6
        ) IS NULL
        THEN NULL
        WHEN (
          amount_6
        ) RLIKE '^(?:-?\\d{1,18})\\z'
        THEN CAST((
          amount_6
        ) AS DECIMAL(38, 10))
        ELSE TRANSFORM(
          ARRAY(
            REGEXP_REPLACE(
              COALESCE(
                REGEXP_REPLACE(
                  (
                    (
                      amount_6
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
                    :decimal_mark_6
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
                    :decimal_mark_6
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
                    :decimal_mark_6
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_6
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
                    :decimal_mark_6
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
                    :decimal_mark_6
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
                    :decimal_mark_6
                  )
                ) = ','
                AND (
                  d
                ) RLIKE '^(?:\\d+(,\\d{1,10})?)\\z'
                THEN REPLACE((
                  d
                ), ',', '.')
                WHEN (
                  (
                    :decimal_mark_6
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
      END
    ) AS amount_value_6,
    COALESCE(
      order_date_value,
      COALESCE(
        CASE
          WHEN LENGTH((
            order_date
          )) = 19 AND SUBSTRING((
            order_date
          ), 5, 1) = '-'
          THEN TRY_TO_TIMESTAMP(
            REGEXP_REPLACE(
              REGEXP_REPLACE((
                order_date
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
                      order_date
                    )
                  ),
                  '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                  ''
                ) RLIKE '^\\d{4}-\\d{2}-\\d{2}'
                THEN REGEXP_REPLACE(
                  (
                    (
                      order_date
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
                                order_date
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
                                order_date
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
                                order_date
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
                                order_date
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
      )
    ) AS ordered_at_read, /* -------- dates: local wall-clock time of the shop, then its calendar date */
    order_date AS order_date_text, /* -------- what was written, for the quarantine file and the duplicate check */
    CONCAT_WS(' | ', amount_1, amount_2, amount_3, amount_4, amount_5, amount_6) AS amount_text
  FROM source
  LEFT JOIN keys
    ON source.customer_id = keys.raw_key
), amount_checks AS (
  SELECT
    *,
    CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_1
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) = ''
    AND amount_number_1 IS NULL AS INT) /* empty columns of the expression: the columns past it are null, so they are taken off */ + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_2
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) = ''
    AND amount_number_2 IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_3
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) = ''
    AND amount_number_3 IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_4
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) = ''
    AND amount_number_4 IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_5
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) = ''
    AND amount_number_5 IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_6
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) = ''
    AND amount_number_6 IS NULL AS INT) - (
      6 - :amount_columns
    ) AS empty_amounts,
    CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_1
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) <> ''
    AND (
      amount_value_1
    ) IS NULL AS INT) /* columns with something written that cannot be read as money */ + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_2
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) <> ''
    AND (
      amount_value_2
    ) IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_3
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) <> ''
    AND (
      amount_value_3
    ) IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_4
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) <> ''
    AND (
      amount_value_4
    ) IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_5
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) <> ''
    AND (
      amount_value_5
    ) IS NULL AS INT) + CAST(COALESCE(
      REGEXP_REPLACE(
        (
          amount_6
        ),
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) <> ''
    AND (
      amount_value_6
    ) IS NULL AS INT) AS bad_amounts
  FROM parsed
), line_amounts AS (
  SELECT
    *
    EXCEPT (amount_1, amount_2, amount_3, amount_4, amount_5, amount_6, amount_number_1, amount_number_2, amount_number_3, amount_number_4, amount_number_5, amount_number_6, amount_value_1, amount_value_2, amount_value_3, amount_value_4, amount_value_5, amount_value_6),
    CASE
      WHEN bad_amounts > 0
      THEN NULL
      WHEN empty_amounts = :amount_columns
      THEN NULL
      WHEN empty_amounts > 0 AND NOT :empty_amount_is_zero
      THEN NULL
      ELSE MAPPED_AMOUNT(
        COALESCE(amount_value_1, 0),
        COALESCE(amount_value_2, 0),
        COALESCE(amount_value_3, 0),
        COALESCE(amount_value_4, 0),
        COALESCE(amount_value_5, 0),
        COALESCE(amount_value_6, 0)
      )
    END AS exact_amount,
    bad_amounts > 0
    OR (
      empty_amounts > 0
      AND empty_amounts < :amount_columns
      AND NOT :empty_amount_is_zero
    ) AS is_amount_unreadable,
    empty_amounts = :amount_columns AS is_amount_empty
  FROM amount_checks
), line_checked AS (
  SELECT
    *,
    COALESCE(
      CAST(TRY_CAST((
        exact_amount
      ) AS DECIMAL(18, 10)) AS DECIMAL(18, 4)),
      TRY_CAST((
        exact_amount
      ) AS DECIMAL(18, 4))
    ) AS line_amount, /* money is kept exactly to 4 decimals; a computed value that needs more is not changed */
    NOT exact_amount IS NULL
    AND COALESCE(
      TRY_CAST(TRY_CAST(TRY_CAST((
        exact_amount
      ) AS DECIMAL(18, 10)) AS DECIMAL(18, 4)) AS DECIMAL(18, 10)) <> TRY_CAST((
        exact_amount
      ) AS DECIMAL(18, 10)),
      ROUND((
        exact_amount
      ), 4) <> (
        exact_amount
      )
    ) AS is_amount_inexact
  FROM line_amounts
), final AS (
  SELECT
    source_file,
    source_line,
    row_hash,
    is_blank_row,
    export_rank,
    customer_id,
    order_id,
    status_text,
    channel,
    refund_class,
    refund_amount,
    quantity,
    returned_quantity,
    CASE
      WHEN ordered_at_read >= CAST('1970-01-01 00:00:00' AS TIMESTAMP_NTZ)
      AND ordered_at_read < CAST('2200-01-01 00:00:00' AS TIMESTAMP_NTZ)
      THEN ordered_at_read
    END AS ordered_at, /* a time before 1970 or from 2200 on is a placeholder (Excel's 1900-01-00, 9999-12-31 */ /* for "none") or a unit mixed up, never an order, whether it was written as text, a */ /* date cell or a typed column: not read, the line is set aside as unparseable_date */
    order_date_text,
    amount_text,
    line_amount,
    is_amount_unreadable /* read, but too large to be money (10^14 or more) */
    OR (
      NOT exact_amount IS NULL AND line_amount IS NULL
    ) AS is_amount_unreadable,
    is_amount_empty,
    is_amount_inexact,
    is_guest,
    is_key_invalid
  FROM line_checked
)
SELECT
  *
FROM final
