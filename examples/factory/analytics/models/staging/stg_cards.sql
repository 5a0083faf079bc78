-- The card catalog, one row per card (sluice keeps the newest version).
select
    card_id,
    name            as card_name,
    set_code,
    rarity,
    list_price      as list_price_cents,
    created_at      as catalog_created_at
from {{ source('events', 'cards') }}
