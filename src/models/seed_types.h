// The type a seed column's values fit (seed_csv.h states the rules).
// Internal to seed_csv; exposed for its tests.
#pragma once

#include <string_view>

#include "models/seed_csv.h"

namespace sluice::models {

// The narrowest type one value fits; for numbers also its digits before
// the point (without leading zeros) and after it.
SeedType TypeOfValue(std::string_view value, int* int_digits, int* scale);

// Folds the values of one column into its type.
class ColumnTypeGuess {
 public:
  void Add(std::string_view value);
  // Sets column->inferred, precision and scale.
  void Fill(SeedColumn* column) const;

 private:
  bool any_ = false;
  SeedType type_ = SeedType::kText;
  int int_digits_ = 0;
  int scale_ = 0;
};

}  // namespace sluice::models
