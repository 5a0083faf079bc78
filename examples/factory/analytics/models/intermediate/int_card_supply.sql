-- Per card: how many were produced (good cards of every batch), scrapped as
-- defective, and sold (order lines, backfill and stream). The "Intermediate"
-- layer of the seed: one view of supply and demand for the marts.
with produced as (

    select
        card_id,
        count(*)                    as batches,
        sum(quantity_produced)      as cards_produced,
        sum(quantity_defective)     as cards_defective
    from {{ ref('stg_manufacturing_batches') }}
    group by card_id

),

sold as (

    select
        card_id,
        count(distinct order_id)    as orders,
        sum(quantity)               as cards_sold,
        sum(quantity * unit_price_cents) as revenue_cents
    from {{ ref('stg_orders') }}
    group by card_id

)

select
    c.card_id,
    coalesce(p.batches, 0)          as batches,
    coalesce(p.cards_produced, 0)   as cards_produced,
    coalesce(p.cards_defective, 0)  as cards_defective,
    coalesce(s.orders, 0)           as orders,
    coalesce(s.cards_sold, 0)       as cards_sold,
    coalesce(s.revenue_cents, 0)    as revenue_cents
from {{ ref('stg_cards') }} c
left join produced p on p.card_id = c.card_id
left join sold s on s.card_id = c.card_id
