-- One row: what a column of dates tells about their order (day/month/year or month/day/year).
-- A first field above 12 can only be a day (day first); a second field above 12, only a day
-- (month first). Dates starting with a four-digit year are read year-month-day in any case.
with

dates as (

    select * from date_texts

),

parts as (

    select
        value,
        regexp_extract(
            trim(value), '^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T].*)?$', ['a', 'b']
        ) as p

    from dates

    where regexp_matches(trim(value), '^\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})([ T].*)?$')

),

fields as (

    select
        value,
        cast(struct_extract(p, 'a') as integer) as first_field,
        cast(struct_extract(p, 'b') as integer) as second_field,
        regexp_matches(trim(value), '^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}([ T].*)?$') as is_two_digit_year

    from parts

),

final as (

    select
        count(*) as non_iso,
        -- a date with both fields above 12 is no date in any order: it decides nothing
        count(*) filter (where first_field > 12 and second_field <= 12) as day_first,
        count(*) filter (where second_field > 12 and first_field <= 12) as month_first,
        count(*) filter (where is_two_digit_year) as two_digit_years,
        [
            min(value) filter (where first_field > 12 and second_field <= 12),
            max(value) filter (where first_field > 12 and second_field <= 12)
        ] as day_first_examples,
        [
            min(value) filter (where second_field > 12 and first_field <= 12),
            max(value) filter (where second_field > 12 and first_field <= 12)
        ] as month_first_examples,
        [min(value), max(value)] as examples

    from fields

)

select * from final
