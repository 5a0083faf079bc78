#!/usr/bin/env bash
# The factory example without a broker: loads the sample messages straight
# from messages/ (as `sluice serve` would land them from RabbitMQ), merges
# them, builds the dbt project in analytics/ and shows two marts.
# Usage: run-models.sh [path/to/sluice]      (from anywhere; data goes to ./data)
#
# `models build` exits 1: the sample data sells one card more often than it
# was produced, and the singular test assert_cards_sold_not_above_produced
# names it. Everything else passes. Rerunning is safe: each file loads once.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sluice=$(realpath "${1:-$here/../../build/sluice}")
cd "$here"
run() { echo "\$ sluice $*"; "$sluice" -c sluice.yaml "$@"; }

# The stream: what the cards, orders and manufacturing services publish.
run load -t CardCatalog messages/cards.ndjson messages/more-cards.ndjson
run load -t Order messages/orders.ndjson messages/more-orders.ndjson
run load -t ManufacturingBatch messages/manufacturing.ndjson messages/more-manufacturing.ndjson
# The history: in production `sluice backfill postgres --type LegacyOrder …`
# streams it from the legacy database; here a sample of it, as NDJSON.
run load -t LegacyOrder messages/orders_history.ndjson
run merge

status=0
run models build || status=$?
echo "(models build exited $status)"

run sql "SELECT card_id, card_name, tier, cards_produced, cards_sold, cards_in_stock FROM dim_card ORDER BY rarity_sort DESC, card_id"
run sql "SELECT batch_id, card_id, status, yield_rate, defect_rate, is_high_defect FROM fct_batch_performance ORDER BY batch_id"
