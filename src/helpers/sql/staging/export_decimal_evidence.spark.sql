-- Generated from export_decimal_evidence.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row: what a column of money tells about its decimal mark ('.' or ','). */
WITH amounts AS (
  SELECT
    *
  FROM amount_texts
), classified AS (
  SELECT
    value,
    TRANSFORM(
      ARRAY(
        REGEXP_REPLACE(
          COALESCE(
            REGEXP_REPLACE(
              (
                (
                  value
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
      s -> CASE
        WHEN (
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
        ) IS NULL
        OR NOT (
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
        ) RLIKE '[.,]'
        THEN NULL
        WHEN (
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
        ) RLIKE '^(?:\\d+\\.\\d{1,2})\\z'
        OR (
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
        ) RLIKE '^(?:\\d+\\.\\d{4,})\\z'
        OR (
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
        ) RLIKE '^(?:0\\.\\d+)\\z'
        OR (
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
        ) RLIKE '^(?:\\d{1,3}(,\\d{3})+\\.\\d+)\\z'
        OR (
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
        ) RLIKE '^(?:\\d{1,3}(,\\d{3}){2,})\\z'
        THEN 'dot'
        WHEN (
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
        ) RLIKE '^(?:\\d+,\\d{1,2})\\z'
        OR (
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
        ) RLIKE '^(?:\\d+,\\d{4,})\\z'
        OR (
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
        ) RLIKE '^(?:0,\\d+)\\z'
        OR (
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
        ) RLIKE '^(?:\\d{1,3}(\\.\\d{3})+,\\d+)\\z'
        OR (
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
        ) RLIKE '^(?:\\d{1,3}(\\.\\d{3}){2,})\\z'
        THEN 'comma'
        WHEN (
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
        ) RLIKE '^(?:[1-9]\\d{0,2}[.,]\\d{3})\\z'
        THEN 'either'
      END
    )[0] AS evidence
  FROM amounts
  /* only a value with a '.' or a ',' can tell anything (most are plain whole numbers) */
  WHERE
    CONTAINS(value, '.') OR CONTAINS(value, ',')
), final AS (
  SELECT
    COUNT(*) FILTER(WHERE
      evidence = 'dot') AS dot,
    COUNT(*) FILTER(WHERE
      evidence = 'comma') AS comma,
    COUNT(*) FILTER(WHERE
      evidence = 'either') AS either,
    ARRAY(
      MIN(value) FILTER(WHERE
        evidence = 'dot'),
      MAX(value) FILTER(WHERE
        evidence = 'dot')
    ) AS dot_examples,
    ARRAY(
      MIN(value) FILTER(WHERE
        evidence = 'comma'),
      MAX(value) FILTER(WHERE
        evidence = 'comma')
    ) AS comma_examples,
    ARRAY(
      MIN(value) FILTER(WHERE
        evidence = 'either'),
      MAX(value) FILTER(WHERE
        evidence = 'either')
    ) AS either_examples
  FROM classified
)
SELECT
  *
FROM final
