-- Staging, step 2 of 4: one row per order with several lines, with what its lines say together.
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

multi_lines as (

    select lines.*

    from lines

    semi join multi_line_order_ids
        on lines.order_id = multi_line_order_ids.order_id

),

final as (

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
        -- one order belongs to one customer: an id shared by several cannot be trusted
        min(customer_id) filter (where not is_guest and customer_id is not null)
            <> max(customer_id) filter (where not is_guest and customer_id is not null)
            as is_shared_by_customers

    from multi_lines

    group by all

)

select * from final
