-- Generated from stg_customers.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row per source row of the customers export: parsed, with the reason it cannot be used. */
WITH source AS (
  SELECT
    *
  FROM raw_customers
), keys AS (
  /* customer_key: phone: each key as written and its E.164 form (ingest.phones.phone_keys) */
  SELECT
    *
  FROM phone_keys
), contacts AS (
  /* each phone as written and its contact form: a valid mobile number in E.164, by the */
  /* phonenumbers library (ingest.phones.mobile, the explorer's rule too) */
  SELECT
    *
  FROM contact_phones
), date_orders AS (
  /* consent dates are the shop system's own dates: month first where its signup dates are, */
  /* else day first (ISO and year-first text read either way; signup dates all ISO tell */
  /* nothing about 05/01/2026) */
  SELECT
    CASE WHEN :signup_date_order = 'mdy' THEN 'mdy' ELSE 'dmy' END AS consent_date_order
), consent_texts AS (
  /* every consent date written, one row each, so that one parse reads the seven columns (the */
  /* date rule written seven times over made Spark's plan too large to hold) */
  SELECT
    source_file,
    source_line,
    'sms' AS kind,
    consent_sms_date AS date_text
  FROM source
  WHERE
    NOT consent_sms_date IS NULL
  UNION ALL
  SELECT
    source_file,
    source_line,
    'zalo' AS kind,
    consent_zalo_date AS date_text
  FROM source
  WHERE
    NOT consent_zalo_date IS NULL
  UNION ALL
  SELECT
    source_file,
    source_line,
    'email' AS kind,
    consent_email_date AS date_text
  FROM source
  WHERE
    NOT consent_email_date IS NULL
  UNION ALL
  SELECT
    source_file,
    source_line,
    'withdrawn' AS kind,
    consent_withdrawn_date AS date_text
  FROM source
  WHERE
    NOT consent_withdrawn_date IS NULL
  UNION ALL
  SELECT
    source_file,
    source_line,
    'sms_withdrawn' AS kind,
    consent_sms_withdrawn_date AS date_text
  FROM source
  WHERE
    NOT consent_sms_withdrawn_date IS NULL
  UNION ALL
  SELECT
    source_file,
    source_line,
    'zalo_withdrawn' AS kind,
    consent_zalo_withdrawn_date AS date_text
  FROM source
  WHERE
    NOT consent_zalo_withdrawn_date IS NULL
  UNION ALL
  SELECT
    source_file,
    source_line,
    'email_withdrawn' AS kind,
    consent_email_withdrawn_date AS date_text
  FROM source
  WHERE
    NOT consent_email_withdrawn_date IS NULL
), consent_dates_read AS (
  SELECT
    consent_texts.source_file,
    consent_texts.source_line,
    consent_texts.kind,
    CAST(COALESCE(
      CASE
        WHEN LENGTH((
          consent_texts.date_text
        )) = 19
        AND SUBSTRING((
          consent_texts.date_text
        ), 5, 1) = '-'
        THEN TRY_TO_TIMESTAMP(
          REGEXP_REPLACE(
            REGEXP_REPLACE((
              consent_texts.date_text
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
                    consent_texts.date_text
                  )
                ),
                '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                ''
              ) RLIKE '^\\d{4}-\\d{2}-\\d{2}'
              THEN REGEXP_REPLACE(
                (
                  (
                    consent_texts.date_text
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
                              consent_texts.date_text
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
                              consent_texts.date_text
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
                              consent_texts.date_text
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
                              consent_texts.date_text
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
                            date_orders.consent_date_order
                          )
                        )
                      ) = 'dmy'
                      THEN ARRAY(p.c, p.b, p.a)
                      WHEN (
                        (
                          (
                            date_orders.consent_date_order
                          )
                        )
                      ) = 'mdy'
                      THEN ARRAY(p.c, p.a, p.b)
                      WHEN (
                        (
                          (
                            date_orders.consent_date_order
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
    ) AS DATE) AS read_date
  FROM consent_texts
  CROSS JOIN date_orders
), consent_dates AS (
  SELECT
    source_file,
    source_line,
    MAX(read_date) FILTER(WHERE
      kind = 'sms') AS consent_sms_date,
    MAX(read_date) FILTER(WHERE
      kind = 'zalo') AS consent_zalo_date,
    MAX(read_date) FILTER(WHERE
      kind = 'email') AS consent_email_date,
    MAX(read_date) FILTER(WHERE
      kind = 'withdrawn') AS consent_withdrawn_date,
    MAX(read_date) FILTER(WHERE
      kind = 'sms_withdrawn') AS consent_sms_withdrawn_date,
    MAX(read_date) FILTER(WHERE
      kind = 'zalo_withdrawn') AS consent_zalo_withdrawn_date,
    MAX(read_date) FILTER(WHERE
      kind = 'email_withdrawn') AS consent_email_withdrawn_date
  FROM consent_dates_read
  GROUP BY ALL
), parsed AS (
  SELECT
    source.source_file, /* -------- ids */
    source.source_line,
    is_blank_row,
    CASE
      WHEN :customer_key_phone
      THEN COALESCE(keys.phone_key, '')
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
    END AS customer_id,
    :customer_key_phone
    AND NOT (
      NOT COALESCE((
        customer_id
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND keys.phone_key IS NULL AS is_key_invalid,
    NULLIF(
      REGEXP_REPLACE(
        name,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS name, /* -------- strings */
    NULLIF(
      REGEXP_REPLACE(
        source.phone,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS phone_raw,
    NULLIF(
      LOWER(
        REGEXP_REPLACE(
          email,
          '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
          ''
        )
      ),
      ''
    ) AS email,
    NULLIF(
      REGEXP_REPLACE(
        province,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS province,
    contacts.phone AS contact_phone,
    LOWER(
      REGEXP_REPLACE(
        consent_sms,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS consent_sms_text, /* -------- consent as the export writes it (decided in `consented` below) */
    LOWER(
      REGEXP_REPLACE(
        consent_zalo,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS consent_zalo_text,
    LOWER(
      REGEXP_REPLACE(
        consent_email,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS consent_email_text,
    NULLIF(
      REGEXP_REPLACE(
        consent_source,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      ),
      ''
    ) AS consent_source,
    LOWER(
      REGEXP_REPLACE(
        source.consent_withdrawn_date,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS withdrawn_text,
    LOWER(
      REGEXP_REPLACE(
        source.consent_sms_withdrawn_date,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS sms_withdrawn_text,
    LOWER(
      REGEXP_REPLACE(
        source.consent_zalo_withdrawn_date,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS zalo_withdrawn_text,
    LOWER(
      REGEXP_REPLACE(
        source.consent_email_withdrawn_date,
        '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
        ''
      )
    ) AS email_withdrawn_text,
    CASE
      WHEN NOT signup_date IS NULL
      THEN CAST(COALESCE(
        CASE
          WHEN LENGTH((
            signup_date
          )) = 19 AND SUBSTRING((
            signup_date
          ), 5, 1) = '-'
          THEN TRY_TO_TIMESTAMP(
            REGEXP_REPLACE(
              REGEXP_REPLACE((
                signup_date
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
                      signup_date
                    )
                  ),
                  '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                  ''
                ) RLIKE '^\\d{4}-\\d{2}-\\d{2}'
                THEN REGEXP_REPLACE(
                  (
                    (
                      signup_date
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
                                signup_date
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
                                signup_date
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
                                signup_date
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
                                signup_date
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
                              :signup_date_order
                            )
                          )
                        ) = 'dmy'
                        THEN ARRAY(p.c, p.b, p.a)
                        WHEN (
                          (
                            (
                              :signup_date_order
                            )
                          )
                        ) = 'mdy'
                        THEN ARRAY(p.c, p.a, p.b)
                        WHEN (
                          (
                            (
                              :signup_date_order
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
      ) AS DATE)
    END AS signup_date, /* -------- dates */ /* (a date column is parsed only where something is written: parsing a null costs as */ /* much as a date, and a column the export lacks is null on every row) */
    CASE
      WHEN NOT birthday IS NULL
      THEN CAST(COALESCE(
        CASE
          WHEN LENGTH((
            birthday
          )) = 19 AND SUBSTRING((
            birthday
          ), 5, 1) = '-'
          THEN TRY_TO_TIMESTAMP(
            REGEXP_REPLACE(
              REGEXP_REPLACE((
                birthday
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
                      birthday
                    )
                  ),
                  '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
                  ''
                ) RLIKE '^\\d{4}-\\d{2}-\\d{2}'
                THEN REGEXP_REPLACE(
                  (
                    (
                      birthday
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
                                birthday
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
                                birthday
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
                                birthday
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
                                birthday
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
                              :birthday_order
                            )
                          )
                        ) = 'dmy'
                        THEN ARRAY(p.c, p.b, p.a)
                        WHEN (
                          (
                            (
                              :birthday_order
                            )
                          )
                        ) = 'mdy'
                        THEN ARRAY(p.c, p.a, p.b)
                        WHEN (
                          (
                            (
                              :birthday_order
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
                                :birthday_pivot_year
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
      ) AS DATE)
    END AS birthday, /* a birthday written with two digits of year is in the last century when 20yy is later */
    consent_dates.consent_sms_date, /* consent dates: read once for all seven columns (consent_dates) */
    consent_dates.consent_zalo_date,
    consent_dates.consent_email_date,
    consent_dates.consent_withdrawn_date,
    consent_dates.consent_sms_withdrawn_date,
    consent_dates.consent_zalo_withdrawn_date,
    consent_dates.consent_email_withdrawn_date,
    signup_date AS signup_date_text,
    birthday AS birthday_text
  FROM source
  LEFT JOIN consent_dates
    ON source.source_file = consent_dates.source_file
    AND source.source_line = consent_dates.source_line
  LEFT JOIN keys
    ON source.customer_id = keys.raw_key
  LEFT JOIN contacts
    ON source.phone = contacts.raw_phone
), said AS (
  /* what each consent column says: a yes, a no, or a withdrawal that is a "no" */
  SELECT
    *
    EXCEPT (consent_sms_text, consent_zalo_text, consent_email_text, withdrawn_text, sms_withdrawn_text, zalo_withdrawn_text, email_withdrawn_text),
    (
      COALESCE(
        (
          consent_sms_text
        ) IN ('1', '1.0', 'true', 'yes', 'y', 'x', 't', 'có', 'co', 'đồng ý', 'dong y'),
        FALSE
      )
    ) AS is_sms_yes,
    (
      COALESCE(
        (
          consent_zalo_text
        ) IN ('1', '1.0', 'true', 'yes', 'y', 'x', 't', 'có', 'co', 'đồng ý', 'dong y'),
        FALSE
      )
    ) AS is_zalo_yes,
    (
      COALESCE(
        (
          consent_email_text
        ) IN ('1', '1.0', 'true', 'yes', 'y', 'x', 't', 'có', 'co', 'đồng ý', 'dong y'),
        FALSE
      )
    ) AS is_email_yes,
    (
      NOT COALESCE((
        consent_sms_text
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND NOT consent_sms_date IS NULL AS is_sms_dated,
    (
      NOT COALESCE((
        consent_zalo_text
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND NOT consent_zalo_date IS NULL AS is_zalo_dated,
    (
      NOT COALESCE((
        consent_email_text
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND NOT consent_email_date IS NULL AS is_email_dated,
    NOT (
      NOT COALESCE((
        withdrawn_text
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND NOT withdrawn_text IN ('0', 'false', 'no', 'n', 'không', 'khong', 'f') AS is_withdrawn_said,
    NOT (
      NOT COALESCE((
        sms_withdrawn_text
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND NOT sms_withdrawn_text IN ('0', 'false', 'no', 'n', 'không', 'khong', 'f') AS is_sms_withdrawn_said,
    NOT (
      NOT COALESCE((
        zalo_withdrawn_text
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND NOT zalo_withdrawn_text IN ('0', 'false', 'no', 'n', 'không', 'khong', 'f') AS is_zalo_withdrawn_said,
    NOT (
      NOT COALESCE((
        email_withdrawn_text
      ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
    )
    AND NOT email_withdrawn_text IN ('0', 'false', 'no', 'n', 'không', 'khong', 'f') AS is_email_withdrawn_said
  FROM parsed
), consented AS (
  /* consent per channel: a yes (or a dated yes), unless a "no" for every channel or for this */
  /* one is as late as the yes or later, or either has no date: withdrawn consent wins. Not cut */
  /* at the as-of date: a no is never ignored because it came after the month analysed. */
  SELECT
    *
    EXCEPT (is_sms_yes, is_zalo_yes, is_email_yes, is_sms_dated, is_zalo_dated, is_email_dated, is_withdrawn_said, is_sms_withdrawn_said, is_zalo_withdrawn_said, is_email_withdrawn_said),
    (
      is_sms_yes OR is_sms_dated
    )
    AND NOT (
      is_withdrawn_said AND COALESCE(consent_withdrawn_date >= consent_sms_date, TRUE)
    )
    AND NOT (
      is_sms_withdrawn_said
      AND COALESCE(consent_sms_withdrawn_date >= consent_sms_date, TRUE)
    ) AS consent_sms,
    (
      is_zalo_yes OR is_zalo_dated
    )
    AND NOT (
      is_withdrawn_said AND COALESCE(consent_withdrawn_date >= consent_zalo_date, TRUE)
    )
    AND NOT (
      is_zalo_withdrawn_said
      AND COALESCE(consent_zalo_withdrawn_date >= consent_zalo_date, TRUE)
    ) AS consent_zalo,
    (
      is_email_yes OR is_email_dated
    )
    AND NOT (
      is_withdrawn_said
      AND COALESCE(consent_withdrawn_date >= consent_email_date, TRUE)
    )
    AND NOT (
      is_email_withdrawn_said
      AND COALESCE(consent_email_withdrawn_date >= consent_email_date, TRUE)
    ) AS consent_email
  FROM said
), checked AS (
  SELECT
    *
    EXCEPT (contact_phone),
    contact_phone AS phone,
    NOT contact_phone IS NULL AS is_phone_valid,
    COALESCE(
      LENGTH(email) <= 254
      AND email RLIKE '^[^@]{1,64}@'
      AND email RLIKE '^[a-z0-9_][a-z0-9_%+\'-]*(\\.[a-z0-9_%+\'-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\z',
      FALSE
    ) AS is_email_valid, /* the one e-mail rule of the workbook (the send lists use it): a deliverable address in */ /* a plain subset of RFC 5322: letters, digits and _%+'- with single dots between them */ /* (none first or last) before the @, at most 64 characters there; after it, labels of */ /* letters, digits and inner dashes, a top-level domain of two or more letters; at most */ /* 254 characters. No spaces, quotes, <>()[],;:\ or = (=1+2@evil.com, <script>@x.co, */ /* an@gmail..com are no address a campaign tool should receive). */
    COALESCE(phone_raw RLIKE '\\*|•|[xX]{2,}', FALSE) AS is_phone_masked, /* a contact a platform masked (Shopee, TikTok Shop: 84*****123, a****@gmail.com): no */ /* contact to send to, counted apart in each send list's manifest */
    COALESCE(email RLIKE '\\*\\*|•', FALSE) AS is_email_masked,
    CASE
      WHEN is_blank_row
      THEN 'empty_row'
      WHEN is_key_invalid
      THEN 'invalid_phone_key'
      WHEN (
        NOT COALESCE((
          customer_id
        ), '') RLIKE '[^\\t\\n\\f\\r \\x{00A0}\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{FEFF}]'
      )
      THEN 'empty_customer_id'
      WHEN ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY source_file NULLS LAST, source_line NULLS LAST) > 1
      THEN 'duplicate_customer_id'
    END AS reject_reason
  FROM consented
), final AS (
  SELECT
    *
    EXCEPT (is_key_invalid),
    FALSE AS is_duplicate
  FROM checked
)
SELECT
  *
FROM final
