#include "models_project_gen.h"

#include <fstream>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

Status WriteText(const fs::path& path, std::string_view text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError(fmt::format("cannot write {}", path.string()));
  return Status::Ok();
}

// splitmix64: the orders' values from their index alone.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Howard Hinnant's civil_from_days: the UTC date of a day since 1970-01-01.
void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

constexpr int64_t kEpoch2026 = 1767225600;  // 2026-01-01 00:00:00 UTC
constexpr const char* kCurrencies[] = {"EUR", "USD", "GBP"};

// The Order event as examples/factory/sluice.yaml declares it, with an
// index on created_at: what fct_orders' incremental filter reads by.
constexpr const char* kOrderEvent = R"(events:
  Order:
    table: orders
    flatten: lines
    key: [order_id, line_card_id]
    version: created_at
    indexes: [created_at]
    columns:
      order_id:         {path: order_id, type: varchar(32)}
      customer_id:      {path: customer_id, type: varchar(32)}
      currency:         {path: currency, type: varchar(3)}
      line_card_id:     {path: item.card_id, type: varchar(32)}
      quantity:         {path: item.quantity, type: int}
      unit_price_cents: {path: item.unit_price_cents, type: int}
      created_at:       {path: created_at, type: timestamp}
)";

std::string ModelName(int layer, int index) { return fmt::format("m_{:02}_{:03}", layer, index); }

}  // namespace

Status WriteModelsConfig(const fs::path& path, const ModelsConfigSpec& spec) {
  std::string y = "data_dir: data\n";
  if (spec.http) y += "http: {listen: 127.0.0.1:0}\n";
  if (!spec.pg_dsn.empty())
    y += fmt::format("warehouse: {{backend: postgres, dsn: '{}', schema: {}}}\n", spec.pg_dsn, spec.pg_schema);
  y += fmt::format("models: {{project: {}, on_merge: {}}}\n", spec.project, spec.on_merge ? "true" : "false");
  y += kOrderEvent;
  return WriteText(path, y);
}

std::string OrderCreatedAt(int64_t i) {
  const int64_t t = kEpoch2026 + 30 * i;
  int y = 0, m = 0, d = 0;
  CivilFromDays(t / 86400, &y, &m, &d);
  const int64_t s = t % 86400;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, s / 3600, s / 60 % 60, s % 60);
}

std::string CreatedAtMicros(int64_t micros_after_2026) {
  const int64_t t = kEpoch2026 + micros_after_2026 / 1000000;
  int y = 0, m = 0, d = 0;
  CivilFromDays(t / 86400, &y, &m, &d);
  const int64_t s = t % 86400;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", y, m, d, s / 3600, s / 60 % 60, s % 60,
                     micros_after_2026 % 1000000);
}

void AppendOrderJson(int64_t i, std::string_view id_prefix, std::string_view created_at, std::string* out,
                     OrderTotals* totals) {
  const uint64_t h = Mix(static_cast<uint64_t>(i));
  const int lines = 1 + static_cast<int>(h % 3);
  fmt::format_to(std::back_inserter(*out),
                 R"({{"order_id":"{}{:09}","customer_id":"CUST-{:05}","currency":"{}","created_at":"{}","lines":[)",
                 id_prefix, i, (h >> 8) % kCustomers, kCurrencies[(h >> 24) % 3],
                 created_at.empty() ? OrderCreatedAt(i) : std::string(created_at));
  for (int l = 0; l < lines; ++l) {
    const uint64_t lh = Mix(h + static_cast<uint64_t>(l));
    const int64_t quantity = 1 + static_cast<int64_t>(lh % 4);
    const int64_t price = 100 + static_cast<int64_t>((lh >> 8) % 4901);
    // Distinct cards within an order: the line's key is (order_id, card).
    fmt::format_to(std::back_inserter(*out), R"({}{{"card_id":"CARD-{:04}","quantity":{},"unit_price_cents":{}}})",
                   l == 0 ? "" : ",", ((lh >> 24) % 3000) * 3 + static_cast<uint64_t>(l), quantity, price);
    totals->lines += 1;
    totals->cents += quantity * price;
  }
  out->append("]}\n");
  totals->orders += 1;
}

Result<OrderTotals> WriteOrderFiles(const fs::path& dir, std::string_view prefix, int64_t first, int64_t count,
                                    int64_t per_file, std::vector<std::string>* files) {
  OrderTotals totals;
  std::string buffer;
  for (int64_t done = 0; done < count;) {
    const int64_t n = std::min(per_file, count - done);
    const fs::path path = dir / fmt::format("{}-{:04}.ndjson", prefix, files->size() + 1);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (int64_t k = 0; k < n; ++k) {
      AppendOrderJson(first + done + k, "ORD-", "", &buffer, &totals);
      if (buffer.size() >= (4u << 20)) {
        out << buffer;
        buffer.clear();
      }
    }
    out << buffer;
    buffer.clear();
    out.close();
    if (!out) return Status::IOError(fmt::format("cannot write {}", path.string()));
    files->push_back(path.string());
    done += n;
  }
  return totals;
}

Result<CompileProjectShape> WriteCompileProject(const fs::path& dir, int models, int layers) {
  CompileProjectShape shape;
  const int per_layer = models / layers;
  std::string project = R"(name: bench
version: '1.0'
profile: sluice
vars:
  min_cents: 0
  currencies: ['EUR', 'USD', 'GBP']
models:
  bench:
    +materialized: view
)";
  for (int l = 0; l < layers; ++l)
    project += fmt::format("    layer_{0:02}: {{+tags: ['layer_{0:02}']{1}}}\n", l,
                           l == layers - 1 ? ", +materialized: table" : "");
  RETURN_IF_ERROR(WriteText(dir / "dbt_project.yml", project));
  // A macro with a default argument, called once or twice by every model.
  RETURN_IF_ERROR(WriteText(dir / "macros" / "amounts.sql",
                            "{% macro cents_to_amount(column, scale=100) -%}\n"
                            "  round(({{ column }}) / {{ scale }}.0, 2)\n"
                            "{%- endmacro %}\n"));
  // Every model builds the same columns, so that every test applies to all.
  const std::string currency_filter =
      "where {{ prefix }}currency in ({% for c in var('currencies') %}'{{ c }}'{% if not loop.last %}, "
      "{% endif %}{% endfor %})\n";
  for (int l = 0; l < layers; ++l) {
    std::string schema = "version: 2\nmodels:\n";
    for (int j = 0; j < per_layer; ++j) {
      const std::string name = ModelName(l, j);
      std::string sql;
      if (j % 5 == 0) sql += fmt::format("{{{{ config(tags=['fifth'], alias='{}_rel') }}}}\n", name);
      std::string first_parent;
      if (l == 0) {
        sql += "select order_id, customer_id, currency, quantity * unit_price_cents as total_cents,\n"
               "       {{ cents_to_amount('quantity * unit_price_cents') }} as amount, created_at\n"
               "from {{ source('events', 'orders') }}\n"
               "where quantity * unit_price_cents >= {{ var('min_cents') }}\n";
      } else {
        const uint64_t h = Mix(static_cast<uint64_t>(l * 100000 + j));
        const int parents = 1 + static_cast<int>(h % 3);
        std::vector<std::string> names;
        for (int k = 0; k < parents; ++k) {
          // Distinct parents: stride through the layer below from a start.
          const int p = static_cast<int>((h >> 8) % per_layer + static_cast<uint64_t>(k) * 37) % per_layer;
          names.push_back(ModelName(l - 1, p));
        }
        first_parent = names[0];
        sql += "{% set prefix = 'p0.' %}\nselect p0.order_id, p0.customer_id, p0.currency,\n       p0.total_cents";
        for (int k = 1; k < parents; ++k) sql += fmt::format(" + coalesce(p{}.total_cents, 0)", k);
        sql += " as total_cents,\n       {{ cents_to_amount('p0.total_cents') }} as amount, p0.created_at\n";
        sql += fmt::format("from {{{{ ref('{}') }}}} p0\n", names[0]);
        for (int k = 1; k < parents; ++k)
          sql += fmt::format("left join {{{{ ref('{}') }}}} p{} on p{}.order_id = p0.order_id\n", names[k], k, k);
        sql += currency_filter;
        shape.refs += parents;
      }
      RETURN_IF_ERROR(WriteText(dir / "models" / fmt::format("layer_{:02}", l) / (name + ".sql"), sql));
      ++shape.models;
      // Three tests: unique, not_null, then accepted_values or relationships.
      schema += fmt::format("  - name: {}\n    description: layer {} model {}\n    columns:\n", name, l, j);
      schema += "      - name: order_id\n        data_tests: [unique]\n";
      schema += "      - name: customer_id\n        data_tests:\n          - not_null\n";
      if (l > 0 && j % 2 == 1)
        schema += fmt::format("          - relationships: {{to: \"ref('{}')\", field: customer_id}}\n", first_parent);
      else
        schema += "      - name: currency\n        data_tests:\n"
                  "          - accepted_values: {values: ['EUR', 'USD', 'GBP']}\n";
      shape.tests += 3;
    }
    RETURN_IF_ERROR(WriteText(dir / "models" / fmt::format("layer_{:02}", l) / "schema.yml", schema));
  }
  return shape;
}

Status WriteMartsProject(const fs::path& dir) {
  RETURN_IF_ERROR(WriteText(dir / "dbt_project.yml", R"(name: marts
version: '1.0'
profile: sluice
models:
  marts:
    staging: {+materialized: view}
    marts: {+materialized: table}
)"));
  RETURN_IF_ERROR(WriteText(dir / "models" / "staging" / "stg_order_lines.sql", R"(select order_id, customer_id, currency, line_card_id, quantity, unit_price_cents,
       quantity * unit_price_cents as line_cents, created_at
from {{ source('events', 'orders') }}
)"));
  // Orders only arrive with a newer created_at, so `>` the newest built one
  // is every new order, each with all its lines (one event: one merge).
  RETURN_IF_ERROR(WriteText(dir / "models" / "marts" / "fct_orders.sql", R"({{ config(materialized='incremental', unique_key='order_id') }}
select order_id, min(customer_id) as customer_id, min(currency) as currency, count(*) as lines,
       sum(quantity) as items, sum(line_cents) as total_cents, max(created_at) as created_at
from {{ ref('stg_order_lines') }}
{% if is_incremental() %}
where created_at > (select max(created_at) from {{ this }})
{% endif %}
group by order_id
)"));
  // Incremental by day, as a mart kept fresh is written: a run recomputes
  // the days from the newest it holds on (new orders are newer), each
  // (day, customer) replacing its row.
  return WriteText(dir / "models" / "marts" / "mart_customer_daily.sql", R"({{ config(materialized='incremental', unique_key=['order_day', 'customer_id']) }}
select {{ dbt.date_trunc('day', 'created_at') }} as order_day, customer_id,
       count(*) as orders, sum(total_cents) as revenue_cents
from {{ ref('fct_orders') }}
{% if is_incremental() %}
where created_at >= (select max(order_day) from {{ this }})
{% endif %}
group by 1, 2
)");
}

Status WriteFreshProject(const fs::path& dir) {
  RETURN_IF_ERROR(WriteText(dir / "dbt_project.yml", "name: fresh\nversion: '1.0'\nprofile: sluice\n"));
  // Two senders' requests may land (and merge) slightly out of created_at
  // order: a 2 s lookback, as dbt users write for late rows, takes them;
  // unique_key makes the rows read again replace themselves. serve builds
  // the model at start, empty: max() is then NULL, hence the coalesce.
  return WriteText(dir / "models" / "fresh_orders.sql", R"sql({{ config(materialized='incremental', unique_key='order_id') }}
select order_id, min(customer_id) as customer_id, count(*) as lines, max(created_at) as created_at
from {{ source('events', 'orders') }}
{% if is_incremental() %}
{% set newest = "coalesce((select max(created_at) from " ~ this ~ "), '2000-01-01 00:00:00.000000')" %}
where created_at > {{ dbt.dateadd('second', -2, newest) }}
{% endif %}
group by order_id
)sql");
}

}  // namespace sluice::bench
