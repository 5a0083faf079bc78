#!/usr/bin/env bash
# Sends the sample messages of the three services, as protobuf, to the
# factory_bus source's queue: what the cards, orders and manufacturing
# services would publish. Usage: publish-samples.sh [path/to/sluice]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sluice=$(realpath "${1:-$here/../../build/sluice}")
cd "$here"
"$sluice" -c sluice.yaml publish amqp --type CardCatalogCreated messages/cards.ndjson
"$sluice" -c sluice.yaml publish amqp --type OrderCreated messages/orders.ndjson
"$sluice" -c sluice.yaml publish amqp --type ManufacturingBatch messages/manufacturing.ndjson
