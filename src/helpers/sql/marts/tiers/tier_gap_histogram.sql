-- How far members are from their next tier: members per next tier and gap bin, the bins of
-- one round width for every tier (1, 2, 2.5 or 5 times a power of ten, about $gap_bins of them
-- up to the largest gap), so the page draws counts, never one value per member.
-- unique: next_tier, gap_from
with

members as (

    select * from loyalty_members

),

gaps as (

    select
        next_tier,
        cast(gap_to_next as double) as gap

    from members

    where next_tier is not null

),

extent as (

    select cast(max(gap) as double) / $gap_bins as raw

    from gaps

    having max(gap) > 0

),

powers as (

    select
        raw,
        power(10.0, floor(log10(raw))) as p

    from extent

),

widths as (

    select
        case
            when p >= raw then p
            when 2 * p >= raw then 2 * p
            when 2.5 * p >= raw then 2.5 * p
            when 5 * p >= raw then 5 * p
            else 10 * p
        end as width

    from powers

),

binned as (

    select
        gaps.next_tier,
        widths.width,
        floor(cast(gaps.gap as double) / widths.width) as bin

    from gaps

    cross join widths

),

final as (

    select
        next_tier,
        bin * width as gap_from,
        (bin + 1) * width as gap_to,
        count(*) as members

    from binned

    group by next_tier, bin, width

)

select * from final
