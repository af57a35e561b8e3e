-- Parsing rules shared by every staging model: the DuckDB-only functions live here, in one place.
-- Every macro is a plain expression (no subquery), so that DuckDB evaluates it row by row in one
-- pass over millions of lines.

-- ---------------------------------------------------------------- dates

-- The parts of a date written with day, month and year in some order: a, b, c and what follows.
create or replace temp macro date_parts(raw_text) as
    regexp_extract(
        trim(raw_text), '^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})((?:[ T].*)?)$',
        ['a', 'b', 'c', 'rest']
    );

-- [year, month, day] from the parts: a four-digit first field is always year first; otherwise
-- date_order says (dmy, mdy or ymd; auto is decided before staging, so undecided is unreadable).
create or replace temp macro date_ymd(p, date_order) as
    case
        when length(p.a) = 4 then [p.a, p.b, p.c]
        when length(p.a) > 2 or p.a = '' then null
        when date_order = 'dmy' then [p.c, p.b, p.a]
        when date_order = 'mdy' then [p.c, p.a, p.b]
        when date_order = 'ymd' then [p.a, p.b, p.c]
    end;

-- A year as written: four digits as they are; two digits are 20yy, unless 20yy is after
-- pivot_year (birthdays: '15/09/79' is 1979); anything else is no year.
create or replace temp macro full_year(y, pivot_year) as
    case
        when length(y) = 4 then y
        when length(y) = 2 and 2000 + cast(y as integer) <= pivot_year
            then cast(2000 + cast(y as integer) as varchar)
        when length(y) = 2 then cast(1900 + cast(y as integer) as varchar)
    end;

-- A date written in any order -> 'YYYY-MM-DD' plus what followed it (time, zone).
-- ISO text (four-digit year first, two-digit month and day) is returned as it is.
-- list_transform([x], lambda v: …)[1] binds a value once: the macros stay small when expanded.
create or replace temp macro iso_date_text(raw_text, date_order, pivot_year) as
    case
        when regexp_matches(trim(raw_text), '^\d{4}-\d{2}-\d{2}') then trim(raw_text)
        else list_transform(
            [date_parts(raw_text)],
            lambda p: list_transform(
                [date_ymd(p, date_order)],
                lambda ymd: list_transform(
                    [full_year(ymd[1], pivot_year)],
                    lambda y: case
                        when
                            y is not null
                            and length(ymd[2]) between 1 and 2
                            and length(ymd[3]) between 1 and 2
                            then y || '-' || lpad(ymd[2], 2, '0') || '-' || lpad(ymd[3], 2, '0')
                            || p.rest
                    end
                )[1]
            )[1]
        )[1]
    end;

-- ISO text -> the shop's local wall-clock time. Without a zone it already is local time; with a
-- zone (Z, +07:00, +0700, +07; at most 18 hours, an hour of 0 to 23) it is converted to shop_tz.
-- The time is written out to its seconds first (10:00+07:00 -> 10:00:00+07:00) and a space
-- before Z is dropped: Spark reads a zone only after seconds and reads ' Z', DuckDB the other
-- way round.
create or replace temp macro local_timestamp(t, shop_tz) as
    list_transform(
        [t],
        lambda v: case
            when regexp_matches(
                v, '^\d{4}-\d{2}-\d{2}[ T]([01]?\d|2[0-3]):.*(Z|[+-](0\d|1[0-8])(:?\d{2})?)$'
            )
                then timezone(
                    shop_tz,
                    try_cast(
                        regexp_replace(
                            regexp_replace(
                                regexp_replace(
                                    regexp_replace(v, '\s+Z$', 'Z'),
                                    '\s*([+-]\d{2}):?(\d{2})$', '\1:\2'
                                ),
                                '\s*([+-]\d{2})$', '\1:00'
                            ),
                            '^(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2})(Z|[+-])', '\1:00\2'
                        ) as timestamptz
                    )
                )
            -- a date alone fits one format only: tried alone, a failed format costs more than
            -- the one that reads (customers' signup dates are ten times faster this way)
            when length(v) = 10 then try_strptime(v, '%Y-%m-%d')
            else try_strptime(
                v,
                [
                    '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M',
                    '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d',
                    '%Y-%m-%d %I:%M:%S %p', '%Y-%m-%d %I:%M %p'
                ]
            )
        end
    )[1];

-- A timestamp as written in a shop export -> the shop's local wall-clock time, or null.
-- Text that is exactly 'YYYY-MM-DD HH:MM:SS' (19 characters, a '-' fifth: most exports) is that
-- local time as it is, read at once; the general rule, which gives the same for it, reads the
-- rest (coalesce evaluates it only where the first is null).
create or replace temp macro parse_local_timestamp(raw_text, shop_tz, date_order, pivot_year) as
    coalesce(
        case
            when length(raw_text) = 19 and substring(raw_text, 5, 1) = '-'
                then try_strptime(raw_text, '%Y-%m-%d %H:%M:%S')
        end,
        local_timestamp(iso_date_text(raw_text, date_order, pivot_year), shop_tz)
    );

-- ---------------------------------------------------------------- money

-- Money as shops write it, without currency signs and spaces.
create or replace temp macro amount_text(raw_text) as
    regexp_replace(
        coalesce(trim(raw_text), ''), '(₫|đ|Đ|VNĐ|VND|vnd|\$|€|£|\s|\x{00A0}|\x{202F})', '', 'g'
    );

-- The digits without the sign: (150.000) and -150.000 are negative; '(150.000' or '150.000)'
-- cannot be read (null).
create or replace temp macro amount_unsigned(s) as
    case
        when s like '(%)' then substring(s, 2, length(s) - 2)
        when s like '(%' or s like '%)' then null
        when s like '-%' or s like '+%' then substring(s, 2)
        else s
    end;

create or replace temp macro amount_is_negative(s) as (s like '(%)' or s like '-%');

-- Digits -> exact decimal with this decimal mark, or null. With '.': 1234.5, 1,234,567.89; with
-- ',': 1234,5, 1.234.567,89. A thousands group never starts with 0 ('0.125' is never 125).
-- Up to 10 decimals are read exactly.
create or replace temp macro decimal_from_digits(d, decimal_mark) as
    try_cast(
        case
            when decimal_mark = '.' and regexp_full_match(d, '\d+(\.\d{1,10})?') then d
            when decimal_mark = '.' and regexp_full_match(d, '[1-9]\d{0,2}(,\d{3})+(\.\d{1,10})?')
                then replace(d, ',', '')
            when decimal_mark = ',' and regexp_full_match(d, '\d+(,\d{1,10})?')
                then replace(d, ',', '.')
            when decimal_mark = ',' and regexp_full_match(d, '[1-9]\d{0,2}(\.\d{3})+(,\d{1,10})?')
                then replace(replace(d, '.', ''), ',', '.')
        end as decimal(38, 10)
    );

-- Money -> exact decimal, or null when it cannot be read with this decimal mark.
create or replace temp macro parse_amount(raw_text, decimal_mark) as
    case
        when raw_text is null then null
        -- whole numbers without a separator (most POS exports) read the same with either mark
        when regexp_full_match(raw_text, '-?\d{1,18}') then cast(raw_text as decimal(38, 10))
        else list_transform(
            [amount_text(raw_text)],
            lambda s: list_transform(
                [amount_unsigned(s)],
                lambda d: case
                    when amount_is_negative(s) then -decimal_from_digits(d, decimal_mark)
                    else decimal_from_digits(d, decimal_mark)
                end
            )[1]
        )[1]
    end;

-- An exact amount (decimal(38, 10)) kept to 4 decimals, as money is stored, and whether that
-- changes it. The same as try_cast(x as decimal(18, 4)) and a comparison, but through 64-bit
-- decimals where the amount fits them (below 100 million): 128-bit division is slow. An amount
-- of 10^14 or more is no money (null: the line is set aside as unreadable).
create or replace temp macro money_4dp(x) as
    coalesce(
        cast(try_cast(x as decimal(18, 10)) as decimal(18, 4)), try_cast(x as decimal(18, 4))
    );

create or replace temp macro is_beyond_4dp(x) as
    coalesce(
        try_cast(try_cast(try_cast(x as decimal(18, 10)) as decimal(18, 4)) as decimal(18, 10))
            <> try_cast(x as decimal(18, 10)),
        -- not cast(x as decimal(18, 4)): DuckDB would compute that common subexpression first,
        -- for every row, and the 64-bit way would save nothing
        round(x, 4) <> x
    );

-- A column of an amount expression with nothing written in it, or with something that is not money.
create or replace temp macro is_blank_amount(raw_text) as coalesce(trim(raw_text), '') = '';

create or replace temp macro is_bad_amount(raw_text, value) as
    coalesce(trim(raw_text), '') <> '' and value is null;

-- What a money text tells about the decimal mark: 'dot' (19.99, 0.125, 1,234,567),
-- 'comma' (19,99, 0,125, 1.234.567), 'either' (150.000 or 1,234: one group of three), or null.
create or replace temp macro decimal_evidence_of(d) as
    case
        when d is null or not regexp_matches(d, '[.,]') then null
        when regexp_full_match(d, '\d+\.\d{1,2}') or regexp_full_match(d, '\d+\.\d{4,}')
            or regexp_full_match(d, '0\.\d+') or regexp_full_match(d, '\d{1,3}(,\d{3})+\.\d+')
            or regexp_full_match(d, '\d{1,3}(,\d{3}){2,}')
            then 'dot'
        when regexp_full_match(d, '\d+,\d{1,2}') or regexp_full_match(d, '\d+,\d{4,}')
            or regexp_full_match(d, '0,\d+') or regexp_full_match(d, '\d{1,3}(\.\d{3})+,\d+')
            or regexp_full_match(d, '\d{1,3}(\.\d{3}){2,}')
            then 'comma'
        when regexp_full_match(d, '[1-9]\d{0,2}[.,]\d{3}') then 'either'
    end;

create or replace temp macro decimal_evidence(raw_text) as
    list_transform(
        [amount_text(raw_text)], lambda s: decimal_evidence_of(amount_unsigned(s))
    )[1];

-- ---------------------------------------------------------------- ids and text

-- An id that a spreadsheet wrote as a float (17850.0) -> the integer's text (17850).
create or replace temp macro integer_text_id(raw_text) as (
    case
        when regexp_matches(raw_text, '^\s*-?\d+\.0*\s*$')
            then regexp_replace(trim(raw_text), '\.0*$', '')
        else raw_text
    end
);

-- A consent column's yes, as shops write it (already lower-cased and trimmed): 1 (or 1.0 once
-- Excel saved it), true, yes, y, x, t, có, co, đồng ý ("agree"), dong y. Anything else is a no.
create or replace temp macro is_yes_text(said_text) as (
    coalesce(
        said_text in ('1', '1.0', 'true', 'yes', 'y', 'x', 't', 'có', 'co', 'đồng ý', 'dong y'),
        false
    )
);

-- Text with nothing visible in it: empty, spaces, or zero-width characters only (an id made of
-- U+200B is no customer).
create or replace temp macro is_blank_text(raw_text) as (
    not regexp_matches(
        coalesce(raw_text, ''), '[^\s\x{00A0}\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}]'
    )
);

-- A key as the guest lists are compared: lower case, diacritics folded, every run of blanks (tab,
-- new line, no-break, thin and zero-width spaces, BOM) one space, none at the ends ('Khách  Lẻ',
-- 'khach le\t' and the NFD spelling are one key). ingest.guests.fold is the same rule in Python
-- (tests/test_exports_round_two.py holds the two equal). Printable ASCII without a blank (most
-- customer ids: KH0090962) folds to its lower case alone: one test instead of nine regular
-- expressions on every line (the same result).
create or replace temp macro folded_text(raw_text) as
    case
        when regexp_full_match(raw_text, '[!-~]*') then lower(raw_text)
        else trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                lower(raw_text), '[\x{0300}-\x{036F}]', '', 'g'),
                '[àáảãạăằắẳẵặâầấẩẫậ]', 'a', 'g'), '[èéẻẽẹêềếểễệ]', 'e', 'g'),
                '[ìíỉĩị]', 'i', 'g'), '[òóỏõọôồốổỗộơờớởỡợ]', 'o', 'g'),
                '[ùúủũụưừứửữự]', 'u', 'g'), '[ỳýỷỹỵ]', 'y', 'g'), 'đ', 'd', 'g'),
            '[\s\x{000B}\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200D}\x{2028}\x{2029}\x{202F}\x{205F}\x{2060}\x{3000}\x{FEFF}]+',  -- noqa: LT05
            ' ', 'g'))
    end;

-- A customer key that is no customer: empty, a walk-in code of the guest list (folded, see
-- ingest.guests), or a phone number of zeros ('0', '0000000000', '+84 000 000 000').
create or replace temp macro is_guest_key(raw_text, guest_keys) as (
    is_blank_text(raw_text)
    or list_contains(guest_keys, folded_text(raw_text))
    or regexp_matches(raw_text, '^\s*(\+?84)?[\s.-]*0[0\s.-]*$')
);
