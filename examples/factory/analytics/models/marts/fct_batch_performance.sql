-- Manufacturing batch performance: one row per batch, its yield (good cards
-- of those planned), its defect rate (defective of those made) and how long
-- it has run. Batches over the defect_rate_alert variable are flagged.
select
    b.batch_id,
    b.card_id,
    b.status,
    b.quantity_planned,
    b.quantity_produced,
    b.quantity_defective,
    {{ ratio('b.quantity_produced', 'b.quantity_planned') }} as yield_rate,
    {{ ratio('b.quantity_defective', 'b.quantity_produced + b.quantity_defective') }} as defect_rate,
    case
        when {{ ratio('b.quantity_defective', 'b.quantity_produced + b.quantity_defective') }}
             > {{ var('defect_rate_alert') }} then 1
        else 0
    end as is_high_defect,
    b.started_at,
    b.updated_at,
    case when b.status = 'COMPLETED'
         then {{ dbt.datediff('b.started_at', 'b.updated_at', 'hour') }}
    end as hours_to_complete
from {{ ref('stg_manufacturing_batches') }} b
