-- Parsing rules shared by every staging model: the DuckDB-only functions live here, in one place.

-- A timestamp as written in a shop export -> the shop's local wall-clock time.
-- Without a zone it already is local time; with a zone (Z, +07:00, +0700, +07) it is converted.
create or replace temp macro parse_local_timestamp(raw_text, shop_tz) as (
    case
        when regexp_matches(trim(raw_text), '^\d{4}-\d{2}-\d{2}[ T].*(Z|[+-]\d{2}(:?\d{2})?)$')
            then timezone(
                shop_tz,
                try_cast(
                    regexp_replace(
                        regexp_replace(trim(raw_text), '\s*([+-]\d{2}):?(\d{2})$', '\1:\2'),
                        '\s*([+-]\d{2})$', '\1:00'
                    ) as timestamptz
                )
            )
        else try_strptime(
            trim(raw_text),
            [
                '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M',
                '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d', '%Y/%m/%d',
                '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y'
            ]
        )
    end
);

-- Money as shops write it -> exact decimal, or null when it cannot be read.
-- 1.234.567 and 1,234,567 are thousands (VND has no decimals); 1,234,567.00 and 1.234.567,50 take
-- the last separator as the decimal mark; (150.000) and -150.000 are negative; ₫, đ, VND are dropped.
create or replace temp macro parse_amount(raw_text) as (
    with cleaned as (
        select regexp_replace(
            coalesce(trim(raw_text), ''), '(₫|đ|Đ|VND|vnd|VNĐ|\s|\x{00A0})', '', 'g'
        ) as s
    ),
    signed as (
        select
            (s like '(%)' or s like '-%') as is_negative,
            regexp_replace(s, '^[-(]|[)]$', '', 'g') as digits
        from cleaned
    )
    select
        case when is_negative then -1 else 1 end * try_cast(
            case
                when regexp_matches(digits, '^\d{1,3}(\.\d{3})+$') then replace(digits, '.', '')
                when regexp_matches(digits, '^\d{1,3}(,\d{3})+$') then replace(digits, ',', '')
                when regexp_matches(digits, '^\d{1,3}(\.\d{3})*,\d+$')
                    then replace(replace(digits, '.', ''), ',', '.')
                when regexp_matches(digits, '^\d{1,3}(,\d{3})*\.\d+$') then replace(digits, ',', '')
                when regexp_matches(digits, '^\d+(\.\d+)?$') then digits
                when regexp_matches(digits, '^\d+,\d+$') then replace(digits, ',', '.')
            end as decimal(18, 2)
        )
    from signed
);
