-- Parsing rules shared by every staging model: the DuckDB-only functions live here, in one place.

-- A date written with day, month and year in some order -> 'YYYY-MM-DD' plus what followed it.
-- date_order says how a date that does not start with a four-digit year is written: dmy, mdy
-- or ymd (auto is decided before staging; undecided here means unreadable). A two-digit year is
-- 20yy, unless 20yy is after pivot_year (birthdays: '15/09/79' is 1979).
create or replace temp macro iso_date_text(raw_text, date_order, pivot_year) as (
    with parts as (
        select regexp_extract(
            trim(raw_text),
            '^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})((?:[ T].*)?)$',
            ['a', 'b', 'c', 'rest']
        ) as p
    ),
    ordered as (
        select
            case
                when length(p.a) = 4 then [p.a, p.b, p.c]
                when length(p.a) > 2 or p.a = '' then null
                when date_order = 'dmy' then [p.c, p.b, p.a]
                when date_order = 'mdy' then [p.c, p.a, p.b]
                when date_order = 'ymd' then [p.a, p.b, p.c]
            end as ymd,
            p.rest as rest
        from parts
    ),
    centuries as (
        select
            case
                when length(ymd[1]) = 4 then ymd[1]
                when length(ymd[1]) = 2 and 2000 + cast(ymd[1] as integer) <= pivot_year
                    then cast(2000 + cast(ymd[1] as integer) as varchar)
                when length(ymd[1]) = 2 then cast(1900 + cast(ymd[1] as integer) as varchar)
            end as y,
            ymd,
            rest
        from ordered
    )
    select
        case
            when y is not null and length(ymd[2]) between 1 and 2 and length(ymd[3]) between 1 and 2
                then y || '-' || lpad(ymd[2], 2, '0') || '-' || lpad(ymd[3], 2, '0') || rest
        end
    from centuries
);

-- A timestamp as written in a shop export -> the shop's local wall-clock time.
-- Without a zone it already is local time; with a zone (Z, +07:00, +0700, +07) it is converted.
create or replace temp macro parse_local_timestamp(raw_text, shop_tz, date_order, pivot_year) as (
    with normalised as (
        select iso_date_text(raw_text, date_order, pivot_year) as t
    )
    select
        case
            when regexp_matches(t, '^\d{4}-\d{2}-\d{2}[ T].*(Z|[+-]\d{2}(:?\d{2})?)$')
                then timezone(
                    shop_tz,
                    try_cast(
                        regexp_replace(
                            regexp_replace(t, '\s*([+-]\d{2}):?(\d{2})$', '\1:\2'),
                            '\s*([+-]\d{2})$', '\1:00'
                        ) as timestamptz
                    )
                )
            else try_strptime(
                t,
                [
                    '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M',
                    '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d',
                    '%Y-%m-%d %I:%M:%S %p', '%Y-%m-%d %I:%M %p'
                ]
            )
        end
    from normalised
);

-- Money as shops write it, without currency and spaces: the sign and the digits apart.
-- (150.000) and -150.000 are negative; '(150.000' or '150.000)' cannot be read (null digits).
create or replace temp macro amount_digits(raw_text) as (
    with cleaned as (
        select regexp_replace(
            coalesce(trim(raw_text), ''),
            '(₫|đ|Đ|VNĐ|VND|vnd|\$|€|£|\s|\x{00A0}|\x{202F})', '', 'g'
        ) as s
    )
    select
        case
            when s like '(%)' then {'negative': true, 'digits': s[2:-2]}
            when s like '(%' or s like '%)' then {'negative': false, 'digits': null}
            when s like '-%' then {'negative': true, 'digits': s[2:]}
            when s like '+%' then {'negative': false, 'digits': s[2:]}
            else {'negative': false, 'digits': s}
        end
    from cleaned
);

-- Money -> exact decimal, or null when it cannot be read with this decimal mark.
-- With '.': 1234.5, 1,234,567.89; with ',': 1234,5, 1.234.567,89. A thousands group never
-- starts with 0 ('0.125' is never 125). Up to 10 decimals are read exactly.
create or replace temp macro parse_amount(raw_text, decimal_mark) as (
    with split as (
        select amount_digits(raw_text) as a
    ),
    plain as (
        select
            a.negative as negative,
            case
                when decimal_mark = '.' and regexp_matches(a.digits, '^\d+(\.\d{1,10})?$')
                    then a.digits
                when decimal_mark = '.'
                    and regexp_matches(a.digits, '^[1-9]\d{0,2}(,\d{3})+(\.\d{1,10})?$')
                    then replace(a.digits, ',', '')
                when decimal_mark = ',' and regexp_matches(a.digits, '^\d+(,\d{1,10})?$')
                    then replace(a.digits, ',', '.')
                when decimal_mark = ','
                    and regexp_matches(a.digits, '^[1-9]\d{0,2}(\.\d{3})+(,\d{1,10})?$')
                    then replace(replace(a.digits, '.', ''), ',', '.')
            end as digits
        from split
    )
    select
        case when negative then -1 else 1 end * try_cast(digits as decimal(38, 10))
    from plain
);

-- What a money text tells about the decimal mark: 'dot' (19.99, 0.125, 1,234,567),
-- 'comma' (19,99, 0,125, 1.234.567), 'either' (150.000 or 1,234: one group of three), or null.
create or replace temp macro decimal_evidence(raw_text) as (
    with split as (
        select amount_digits(raw_text).digits as d
    )
    select
        case
            when d is null or not regexp_matches(d, '[.,]') then null
            when regexp_matches(d, '^\d+\.\d{1,2}$') or regexp_matches(d, '^\d+\.\d{4,}$')
                or regexp_matches(d, '^0\.\d+$') or regexp_matches(d, '^\d{1,3}(,\d{3})+\.\d+$')
                or regexp_matches(d, '^\d{1,3}(,\d{3}){2,}$')
                then 'dot'
            when regexp_matches(d, '^\d+,\d{1,2}$') or regexp_matches(d, '^\d+,\d{4,}$')
                or regexp_matches(d, '^0,\d+$') or regexp_matches(d, '^\d{1,3}(\.\d{3})+,\d+$')
                or regexp_matches(d, '^\d{1,3}(\.\d{3}){2,}$')
                then 'comma'
            when regexp_matches(d, '^[1-9]\d{0,2}[.,]\d{3}$') then 'either'
        end
    from split
);

-- An id that a spreadsheet wrote as a float (17850.0) -> the integer's text (17850).
create or replace temp macro integer_text_id(raw_text) as (
    case
        when regexp_matches(raw_text, '^\s*-?\d+\.0*\s*$')
            then regexp_replace(trim(raw_text), '\.0*$', '')
        else raw_text
    end
);

-- Text with nothing visible in it: empty, spaces, or zero-width characters only (an id made of
-- U+200B is no customer).
create or replace temp macro is_blank_text(raw_text) as (
    regexp_replace(
        coalesce(raw_text, ''), '[\s\x{00A0}\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}]', '', 'g'
    ) = ''
);
