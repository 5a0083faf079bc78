-- The card dimension: the catalog, its rarity tier (the seed rarity_tiers)
-- and its supply so far.
select
    c.card_id,
    c.card_name,
    c.set_code,
    c.rarity,
    t.tier,
    t.sort_order                    as rarity_sort,
    c.list_price_cents,
    {{ cents_to_amount('c.list_price_cents') }} as list_price,
    s.batches,
    s.cards_produced,
    s.cards_defective,
    s.cards_sold,
    s.cards_produced - s.cards_sold as cards_in_stock,
    s.revenue_cents,
    c.catalog_created_at
from {{ ref('stg_cards') }} c
left join {{ ref('rarity_tiers') }} t on t.rarity = c.rarity
left join {{ ref('int_card_supply') }} s on s.card_id = c.card_id
