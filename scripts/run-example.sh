#!/usr/bin/env bash
# `make run`: sluice on the bundled Accounting example, embedded SQLite.
# Loads the sample files (each exactly once: run it twice and the second load
# skips them), merges, and shows what the warehouse holds.
set -euo pipefail
sluice=$(realpath "${1:-build/sluice}")
cd "$(dirname "$0")/../examples/accounting"
run() { echo "\$ sluice $*"; "$sluice" "$@"; echo; }
run load events/*
run merge
run status
run sql "SELECT eventitemid, entryidentifier, debitcredit, amount, eventdatetime FROM accounting ORDER BY 1, 2 LIMIT 10"
run sql "SELECT event_type, seq, item_index, column_name, value, error FROM sluice_merge_errors"
run sql "SELECT file, line, error FROM sluice_load_errors"
echo "The warehouse is examples/accounting/data/warehouse.db; try: build/sluice -c examples/accounting/sluice.yaml sql 'SELECT count(*) FROM accounting'"
