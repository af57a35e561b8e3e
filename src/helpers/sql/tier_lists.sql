-- One row per (list, member): close to the next tier, upgraded, downgraded, birthdays next month,
-- and those who will drop at the next re-ranking if nothing changes.
-- unique: list_key, customer_id
with

members as (

    select * from loyalty_members

),

customers as (

    select * from customers

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

    inner join customers
        on members.customer_id = customers.customer_id

    where month(customers.birthday) = month(date_trunc('month', $as_of) + interval 1 month)

),

final as (

    select
        listed.list_key,
        listed.customer_id,
        customers.name,
        customers.phone,
        customers.email,
        coalesce(customers.consent_sms, false) as consent_sms,
        coalesce(customers.consent_zalo, false) as consent_zalo,
        coalesce(customers.consent_email, false) as consent_email,
        customers.birthday,
        listed.tier,
        listed.spend,
        listed.points,
        listed.next_tier,
        listed.gap_to_next,
        listed.previous_tier,
        listed.tier_change,
        listed.tier_at_reranking

    from listed

    left join customers
        on listed.customer_id = customers.customer_id

)

select * from final
