-- Generated from export_date_evidence.sql by SQLGlot 30.31.0 (python -m helpers.portable --write).
-- Do not edit: edit the DuckDB model and write this again.
/* One row: what a column of dates tells about their order (day/month/year or month/day/year). */
/* A first field above 12 can only be a day (day first); a second field above 12, only a day */
/* (month first). Dates starting with a four-digit year are read year-month-day in any case. */
WITH dates AS (
  SELECT
    *
  FROM date_texts
), parts AS (
  SELECT
    value,
    STRUCT(
      REGEXP_EXTRACT(
        REGEXP_REPLACE(
          value,
          '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
          ''
        ),
        '^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{2}|\\d{4})(?:[ T][^\\n]*)?\\z'
      ) AS a,
      REGEXP_EXTRACT(
        REGEXP_REPLACE(
          value,
          '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
          ''
        ),
        '^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{2}|\\d{4})(?:[ T][^\\n]*)?\\z',
        2
      ) AS b
    ) AS p
  FROM dates
  WHERE
    REGEXP_REPLACE(
      value,
      '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
      ''
    ) RLIKE '^\\d{1,2}[/.-]\\d{1,2}[/.-](\\d{2}|\\d{4})([ T][^\\n]*)?\\z'
), fields AS (
  SELECT
    value,
    CAST(p.a AS INT) AS first_field,
    CAST(p.b AS INT) AS second_field,
    REGEXP_REPLACE(
      value,
      '^[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+|[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]+\\z',
      ''
    ) RLIKE '^\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2}([ T][^\\n]*)?\\z' AS is_two_digit_year
  FROM parts
), final AS (
  SELECT
    COUNT(*) AS non_iso,
    COUNT(*) /* a date with both fields above 12 is no date in any order: it decides nothing */ FILTER(WHERE
      first_field > 12 AND second_field <= 12) AS day_first,
    COUNT(*) FILTER(WHERE
      second_field > 12 AND first_field <= 12) AS month_first,
    COUNT(*) FILTER(WHERE
      is_two_digit_year) AS two_digit_years,
    ARRAY(
      MIN(value) FILTER(WHERE
        first_field > 12 AND second_field <= 12),
      MAX(value) FILTER(WHERE
        first_field > 12 AND second_field <= 12)
    ) AS day_first_examples,
    ARRAY(
      MIN(value) FILTER(WHERE
        second_field > 12 AND first_field <= 12),
      MAX(value) FILTER(WHERE
        second_field > 12 AND first_field <= 12)
    ) AS month_first_examples,
    ARRAY(MIN(value), MAX(value)) AS examples
  FROM fields
)
SELECT
  *
FROM final
