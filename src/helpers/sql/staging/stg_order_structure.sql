-- Staging, step 2 of 4: one row per order with several lines, with what its lines say together.
-- An order in several files (overlapping exports) is read from the file exported last
-- (export_rank, ingest.overlap): its figures come from that file's lines only.
-- Reads the parsed lines of step 1 (parsed_order_lines). Nine in ten orders have one line: their
-- figures are the line's own, so they are left out here, and the aggregation that keeps every
-- order id at once holds only the ids and a count (spilled to disk by DuckDB when it does not fit).
-- unique: order_id
with

lines as not materialized (

    -- read twice, never copied: a CTE read twice is kept whole in memory otherwise
    select * from parsed_order_lines

    where order_id is not null

),

multi_line_order_ids as (

    select order_id

    from lines

    group by all

    having count(*) > 1

),

order_lines_all as (

    select lines.*

    from lines

    semi join multi_line_order_ids
        on lines.order_id = multi_line_order_ids.order_id

),

per_file as (

    -- an order's lines in each file: how many, and a digest of their raw text (two files with
    -- the same lines of an order have the same count and digest)
    select
        order_id,
        source_file,
        max(export_rank) as export_rank,
        count(*) as file_lines,
        sum(row_hash % 1000003) as file_digest

    from order_lines_all

    group by all

),

per_order as (

    select
        order_id,
        count(*) as files,
        max(export_rank) as latest_rank

    from per_file

    group by all

),

customers_of_orders as (

    -- one order belongs to one customer, in every file: an id of several customers (an id the
    -- shop reuses month after month, or damaged by Excel) is never resolved by export time
    select
        order_id,
        min(customer_id) filter (where not is_guest and customer_id is not null)
            <> max(customer_id) filter (where not is_guest and customer_id is not null)
            as is_shared_by_customers

    from order_lines_all

    group by all

),

latest_files as (

    -- the files of the latest export time that hold the order: one is read (the first by
    -- name: a second download `… (1)` after its original); if they disagree, the load stops
    select
        per_file.order_id,
        min(per_file.source_file) as kept_file,
        count(*) > 1 and (
            min(per_file.file_lines) <> max(per_file.file_lines)
            or min(per_file.file_digest) <> max(per_file.file_digest)
        ) as is_export_conflict,
        min(per_file.file_lines) as kept_lines,
        min(per_file.file_digest) as kept_digest

    from per_file

    inner join per_order
        on per_file.order_id = per_order.order_id
        and per_file.export_rank = per_order.latest_rank

    group by all

),

exports as (

    select
        per_order.order_id,
        per_order.files,
        latest_files.kept_file,
        latest_files.is_export_conflict,
        -- an earlier file says something else of the order: its status, lines or total changed
        bool_or(
            per_file.file_lines <> latest_files.kept_lines
            or per_file.file_digest <> latest_files.kept_digest
        ) as is_order_changed

    from per_order

    inner join latest_files
        on per_order.order_id = latest_files.order_id

    inner join per_file
        on per_order.order_id = per_file.order_id

    group by all

),

multi_lines as (

    -- the order as the export read for it has it: what follows never mixes two exports
    select order_lines_all.*

    from order_lines_all

    inner join exports
        on order_lines_all.order_id = exports.order_id
        and order_lines_all.source_file = exports.kept_file

),

aggregated as (

    select
        order_id,
        count(*) as lines,
        min(line_amount) as order_amount_min,
        max(line_amount) as order_amount_max,
        -- an order's status may be written on its first line only (Shopify): the first one given
        arg_min(status_text, { 'file': source_file, 'line': source_line })
            filter (where status_text is not null) as first_status_text,
        -- the line that carries an order-level amount: the first readable one
        arg_min(
            { 'file': source_file, 'line': source_line },
            { 'no_amount': line_amount is null, 'no_date': ordered_at is null,
             'file': source_file, 'line': source_line }
        ) as amount_line,
        -- a refund written on any line is the order's; what was bought and returned, summed
        bool_or(refund_class = 'refunded') as is_refunded,
        max(refund_amount) as refund_amount,
        sum(quantity) as quantity,
        sum(returned_quantity) as returned_quantity

    from multi_lines

    group by all

),

final as (

    select
        aggregated.*,
        coalesce(customers_of_orders.is_shared_by_customers, false) as is_shared_by_customers,
        exports.files,
        exports.kept_file,
        exports.is_export_conflict,
        exports.files > 1 and exports.is_order_changed as is_order_changed

    from aggregated

    inner join exports
        on aggregated.order_id = exports.order_id

    inner join customers_of_orders
        on aggregated.order_id = customers_of_orders.order_id

)

select * from final
