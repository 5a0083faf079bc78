-- Order facts, one row per order line. Incremental (dbt_project.yml): a run
-- reads only the lines newer than what the table has, and a line that is
-- sent again (same order_line_id, newer ordered_at) replaces its row.
select
    o.order_line_id,
    o.order_id,
    o.customer_id,
    o.card_id,
    o.currency,
    o.quantity,
    o.unit_price_cents,
    o.quantity * o.unit_price_cents as line_amount_cents,
    {{ cents_to_amount('o.quantity * o.unit_price_cents') }} as line_amount,
    o.ordered_at,
    {{ dbt.date_trunc('day', 'o.ordered_at') }} as order_date,
    o.source_system
from {{ ref('stg_orders') }} o
{% if is_incremental() %}
where o.ordered_at > (select max(ordered_at) from {{ this }})
{% endif %}
