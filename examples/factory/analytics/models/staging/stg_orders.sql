-- One row per order line, from both of the seed's inputs:
--   * orders: the live stream (OrderCreated from RabbitMQ), flattened by
--     sluice into one row per line;
--   * orders_history: the historical snapshot from the legacy PostgreSQL
--     database, landed once with `sluice backfill postgres --type LegacyOrder`
--     into a table of the same shape.
-- The seed did this union in dbt over a raw backfill table filtered by
-- source and type; with sluice both arrive as typed tables, so staging is a
-- plain union. An order that is in both (the snapshot overlapping the
-- stream) counts once: the stream's copy wins.
with stream as (

    select order_id, customer_id, currency, line_card_id, quantity, unit_price_cents, created_at,
           'stream' as source_system
    from {{ source('events', 'orders') }}

),

backfill as (

    select order_id, customer_id, currency, line_card_id, quantity, unit_price_cents, created_at,
           'backfill' as source_system
    from {{ source('events', 'orders_history') }}
    where order_id not in (select order_id from stream)

),

unioned as (

    select * from stream
    union all
    select * from backfill

)

select
    {{ dbt.concat(['order_id', "'/'", 'line_card_id']) }} as order_line_id,
    order_id,
    customer_id,
    currency,
    line_card_id        as card_id,
    quantity,
    unit_price_cents,
    created_at          as ordered_at,
    source_system
from unioned
