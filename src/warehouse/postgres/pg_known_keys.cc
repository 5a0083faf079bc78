#include "warehouse/postgres/pg_known_keys.h"

#include <cstring>
#include <functional>

namespace sluice {
namespace {

// splitmix64's finaliser: spreads every input bit over the whole word, so
// the low bits index the table well.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Combine(uint64_t h, uint64_t part) { return Mix(h ^ (part + 0x9e3779b97f4a7c15ULL + (h << 6))); }

uint64_t TextHash(std::string_view text) { return std::hash<std::string_view>{}(text); }

uint32_t ReadBigEndian32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

}  // namespace

PgKnownKeys::Outcome PgKnownKeys::Add(uint64_t hash) {
  if (hash == 0) hash = 1;  // 0 marks an empty slot
  if ((size_ + 1) * 2 > slots_.size()) {
    if (size_ >= kMaxKeys) return Outcome::kFull;
    Grow();
  }
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i] == hash) return Outcome::kPresent;
    if (slots_[i] == 0) {
      slots_[i] = hash;
      ++size_;
      return Outcome::kAdded;
    }
  }
}

void PgKnownKeys::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint64_t h : old) {
    if (h == 0) continue;
    size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = h;
  }
}

PgKeyHasher::PgKeyHasher(const EventSpec& event) : key_columns_(event.KeyIndexes()) {
  for (int c : key_columns_) {
    const TypeKind kind = event.columns[static_cast<size_t>(c)].type.kind;
    const bool text = kind == TypeKind::kString || kind == TypeKind::kVarchar;
    key_is_text_.push_back(text);
    if (!text && kind != TypeKind::kInt) readable_ = false;
  }
}

uint64_t PgKeyHasher::FromRow(const Value* row, const std::string& arena) const {
  uint64_t h = 0;
  for (int c : key_columns_) {
    const Value& v = row[c];
    switch (v.kind) {
      case Value::Kind::kText: h = Combine(h, TextHash(v.text(arena))); break;
      case Value::Kind::kInt: h = Combine(h, Mix(static_cast<uint64_t>(v.int_value))); break;
      case Value::Kind::kReal: {
        uint64_t bits;
        std::memcpy(&bits, &v.real_value, 8);
        h = Combine(h, Mix(bits));
        break;
      }
      case Value::Kind::kNull: h = Combine(h, 0); break;
    }
  }
  return h;
}

bool PgKeyHasher::FromBinaryRow(std::string_view row, uint64_t* hash) const {
  // int16 field count, then per field int32 length (-1: NULL) and the bytes.
  if (row.size() < 2) return false;
  const size_t fields = static_cast<uint16_t>((static_cast<unsigned char>(row[0]) << 8) | static_cast<unsigned char>(row[1]));
  if (fields != key_columns_.size()) return false;
  size_t pos = 2;
  uint64_t h = 0;
  for (size_t k = 0; k < fields; ++k) {
    if (pos + 4 > row.size()) return false;
    const int32_t length = static_cast<int32_t>(ReadBigEndian32(row.data() + pos));
    pos += 4;
    if (length < 0) {  // a key column is never NULL; hash it as the Values would
      h = Combine(h, 0);
      continue;
    }
    if (pos + static_cast<size_t>(length) > row.size()) return false;
    const std::string_view bytes = row.substr(pos, static_cast<size_t>(length));
    pos += static_cast<size_t>(length);
    if (key_is_text_[k]) {
      h = Combine(h, TextHash(bytes));
    } else {
      if (bytes.size() != 8) return false;
      const uint64_t v = (uint64_t{ReadBigEndian32(bytes.data())} << 32) | ReadBigEndian32(bytes.data() + 4);
      h = Combine(h, Mix(v));
    }
  }
  *hash = h;
  return pos == row.size();
}

}  // namespace sluice
