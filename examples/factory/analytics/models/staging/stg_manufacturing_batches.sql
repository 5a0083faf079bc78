-- One row per production batch, its newest status (a batch is sent again
-- as it progresses; sluice's merge keeps the newest updated_at). A batch
-- that has only started carries no counts yet (protobuf leaves zeros out,
-- JSON may too): 0 here.
select
    batch_id,
    card_id,
    status,
    coalesce(quantity_planned, 0)   as quantity_planned,
    coalesce(quantity_produced, 0)  as quantity_produced,
    coalesce(quantity_defective, 0) as quantity_defective,
    started_at,
    updated_at
from {{ source('events', 'manufacturing_batches') }}
