-- The seed's business rule: a card is never sold more often than it was
-- produced. Returns the cards that break it (any row fails the test), from
-- the two marts the seed names, fct_orders and fct_batch_performance, with
-- the card's name from dim_card.
with sold as (

    select card_id, sum(quantity) as cards_sold
    from {{ ref('fct_orders') }}
    group by card_id

),

produced as (

    select card_id, sum(quantity_produced) as cards_produced
    from {{ ref('fct_batch_performance') }}
    group by card_id

)

select
    s.card_id,
    c.card_name,
    s.cards_sold,
    coalesce(p.cards_produced, 0) as cards_produced
from sold s
join {{ ref('dim_card') }} c on c.card_id = s.card_id
left join produced p on p.card_id = s.card_id
where s.cards_sold > coalesce(p.cards_produced, 0)
