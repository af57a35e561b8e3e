-- One row per (list, member): close to the next tier, upgraded, downgraded, birthdays next month,
-- and those who will drop at the next re-ranking if nothing changes.
-- unique: list_key, customer_id
with

contacts as (

    select * from int_customer_contacts

),

members as (

    select * from loyalty_members

),

listed as (

    select 'close_to_next' as list_key, * from members
    where close_to_next

    union all

    select 'upgraded' as list_key, * from members
    where tier_change = 'up'

    union all

    select 'downgraded' as list_key, * from members
    where tier_change = 'down'

    union all

    select 'will_drop' as list_key, * from members
    where will_drop

    union all

    -- birthdays in the calendar month after the as-of date's month
    select 'birthdays' as list_key, members.*

    from members

    inner join contacts
        on members.customer_id = contacts.customer_id

    where month(contacts.birthday) = month(date_trunc('month', $as_of) + interval 1 month)

),

final as (

    select
        listed.list_key,
        listed.customer_id,
        -- name, phone, e-mail, consent per channel and birthday (int_customer_contacts)
        contacts.* exclude (customer_id),
        listed.tier,
        listed.spend,
        listed.points,
        listed.next_tier,
        listed.gap_to_next,
        listed.previous_tier,
        listed.tier_change,
        listed.tier_at_reranking

    from listed

    left join contacts
        on listed.customer_id = contacts.customer_id

)

select * from final
