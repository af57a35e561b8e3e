-- Staging, step 3 of 4: the rows that exactly repeat an earlier row (every column of the export
-- alike, the same order). Two identical lines may be two real purchases: they are kept unless
-- drop_duplicates. Identical rows share their order id, so only the lines of orders with several
-- lines (order_structure) and the lines without an order id can repeat one another.
-- unique: source_file, source_line
with

candidates as (

    -- the lines that can repeat another: one pass over the parsed lines
    select
        source_file,
        source_line,
        row_hash,
        order_id,
        customer_id,
        order_date_text,
        amount_text,
        status_text,
        channel

    from parsed_order_lines

    where order_id is null

    union all

    -- an order in several files: only the lines of the file it is read from (stg_order_structure)
    select
        lines.source_file,
        lines.source_line,
        lines.row_hash,
        lines.order_id,
        lines.customer_id,
        lines.order_date_text,
        lines.amount_text,
        lines.status_text,
        lines.channel

    from parsed_order_lines as lines

    semi join order_structure
        on lines.order_id = order_structure.order_id
        and lines.source_file = order_structure.kept_file

),

repeated_hashes as (

    -- rows can repeat each other only where the hash of their raw text repeats
    select row_hash

    from candidates

    group by all

    having count(*) > 1

),

copies as (

    select
        source_file,
        source_line,
        row_number() over (
            partition by row_hash, order_id, customer_id, order_date_text, amount_text,
                status_text, channel
            order by source_file, source_line
        ) as copy_number

    from candidates

    semi join repeated_hashes
        on candidates.row_hash = repeated_hashes.row_hash

),

final as (

    select
        source_file,
        source_line

    from copies

    where copy_number > 1

)

select * from final
