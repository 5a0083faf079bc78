#include "warehouse/schema_plan.h"

#include "warehouse/table_def.h"

namespace sluice {

bool SchemaHoldsCatalog(const StoredSchema& schema, const Catalog& catalog) {
  if (!schema.system_tables) return false;
  for (const auto& event : catalog.events) {
    const auto it = schema.columns.find(event.table);
    if (it == schema.columns.end() || it->second != WantedColumns(event)) return false;
    const std::string staging = event.staging_table();
    if (!schema.relations.count(event.table) || !schema.relations.count(staging) || !schema.streams.count(staging))
      return false;
    if (event.indexes.empty()) continue;
    for (const IndexDef& index : FinalTableDef(event).indexes)
      if (!schema.relations.count(index.name)) return false;
  }
  return true;
}

SchemaPlan PlanSchema(const StoredSchema& schema, const Catalog& catalog, const SqlDialect& dialect) {
  SchemaPlan plan;
  for (const auto& event : catalog.events) {
    const TableDef final_table = FinalTableDef(event);
    const auto applied = schema.columns.find(event.table);
    if (applied == schema.columns.end() || applied->second.empty()) {
      if (schema.relations.count(event.table)) {
        plan.refusals.push_back(ForeignTableRefusal(event));
        continue;
      }
      plan.statements.push_back(dialect.CreateTable(final_table));
      for (const auto& col : event.columns) plan.remember.push_back({&event, &col});
    } else {
      for (const ColumnSpec* col : ColumnsToAdd(event, applied->second, &plan.refusals)) {
        const ColumnDef& def = final_table.columns[static_cast<size_t>(event.ColumnIndex(col->name))];
        plan.statements.push_back(dialect.AddColumn(final_table, def) + ";\n");
        plan.remember.push_back({&event, col});
      }
    }
    for (const IndexDef& index : final_table.indexes) {
      if (schema.relations.count(index.name)) continue;
      plan.statements.push_back(dialect.CreateIndexes(final_table));  // IF NOT EXISTS: the ones there stay
      break;
    }
    const std::string staging = event.staging_table();
    if (!schema.relations.count(staging)) plan.statements.push_back(dialect.CreateTable(StagingTableDef(event)));
    if (!schema.streams.count(staging)) plan.new_streams.push_back(&event);
  }
  return plan;
}

}  // namespace sluice
