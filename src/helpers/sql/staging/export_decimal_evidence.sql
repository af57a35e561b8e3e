-- One row: what a column of money tells about its decimal mark ('.' or ',').
with

amounts as (

    select * from amount_texts

),

classified as (

    select
        value,
        decimal_evidence(value) as evidence

    from amounts

    -- only a value with a '.' or a ',' can tell anything (most are plain whole numbers)
    where contains(value, '.') or contains(value, ',')

),

final as (

    select
        count(*) filter (where evidence = 'dot') as dot,
        count(*) filter (where evidence = 'comma') as comma,
        count(*) filter (where evidence = 'either') as either,
        [
            min(value) filter (where evidence = 'dot'),
            max(value) filter (where evidence = 'dot')
        ] as dot_examples,
        [
            min(value) filter (where evidence = 'comma'),
            max(value) filter (where evidence = 'comma')
        ] as comma_examples,
        [
            min(value) filter (where evidence = 'either'),
            max(value) filter (where evidence = 'either')
        ] as either_examples

    from classified

)

select * from final
