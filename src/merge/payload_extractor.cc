#include "merge/payload_extractor.h"

#include <algorithm>

namespace sluice {

namespace od = simdjson::ondemand;

struct PayloadExtractor::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> fields;
  std::vector<std::pair<int64_t, std::unique_ptr<Node>>> indexes;
  std::vector<int> slots;  // capture slots of the columns whose path ends here
  bool flatten = false;    // the array whose elements become rows
  // Everything a value at this node may have captured: cleared before the
  // node is walked, so that of duplicate keys in an object the last wins.
  std::vector<int> subtree_slots;
  bool subtree_has_flatten = false;

  void Finalize() {
    subtree_slots = slots;
    subtree_has_flatten = flatten;
    const auto add = [&](Node& child) {
      child.Finalize();
      subtree_slots.insert(subtree_slots.end(), child.subtree_slots.begin(), child.subtree_slots.end());
      subtree_has_flatten |= child.subtree_has_flatten;
    };
    for (auto& [f, n] : fields) add(*n);
    for (auto& [i, n] : indexes) add(*n);
  }

  bool has_children() const { return !fields.empty() || !indexes.empty(); }

  Node* Child(const PathSegment& seg) {
    if (seg.is_index) {
      for (auto& [i, n] : indexes)
        if (i == seg.index) return n.get();
      indexes.emplace_back(seg.index, std::make_unique<Node>());
      return indexes.back().second.get();
    }
    for (auto& [f, n] : fields)
      if (f == seg.field) return n.get();
    fields.emplace_back(seg.field, std::make_unique<Node>());
    return fields.back().second.get();
  }
};

namespace {

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

Status JsonError(simdjson::error_code e) {
  return Status::Corruption(fmt::format("payload is not valid JSON: {}", simdjson::error_message(e)));
}

}  // namespace

PayloadExtractor::PayloadExtractor(const EventSpec& event)
    : flatten_(event.flatten.has_value()), root_(std::make_unique<Node>()), item_root_(std::make_unique<Node>()) {
  if (event.flatten) {
    Node* n = root_.get();
    for (const auto& seg : event.flatten->segments) n = n->Child(seg);
    n->flatten = true;
  }
  for (const auto& col : event.columns) {
    if (col.source != ColumnSource::kPayload) {  // sluice fills it: a slot no path reaches, so always missing
      column_slots_.emplace_back(false, static_cast<int>(top_slot_count_++));
      continue;
    }
    const bool item = col.path.relative_to_item;
    Node* n = item ? item_root_.get() : root_.get();
    for (const auto& seg : col.path.segments) n = n->Child(seg);
    const int slot = static_cast<int>(item ? item_slot_count_++ : top_slot_count_++);
    n->slots.push_back(slot);
    column_slots_.emplace_back(item, slot);
  }
  root_->Finalize();
  item_root_->Finalize();
  top_.resize(top_slot_count_);
}

PayloadExtractor::~PayloadExtractor() = default;

const JsonScalar* PayloadExtractor::Get(size_t column, size_t row) const {
  const auto [item, slot] = column_slots_[column];
  const auto& v = item ? elements_[row * item_slot_count_ + static_cast<size_t>(slot)] : top_[static_cast<size_t>(slot)];
  return v ? &*v : nullptr;
}

void PayloadExtractor::Capture(const Node& node, const JsonScalar& scalar, int depth) {
  JsonScalar kept = scalar;
  if (depth > 0 && scalar.kind == JsonScalar::Kind::kString) {
    // Unescaped text of a nested parser is overwritten by its next use: copy it.
    if (owned_used_ == owned_.size()) owned_.push_back(std::make_unique<std::string>());
    std::string& copy = *owned_[owned_used_++];
    copy.assign(scalar.text);
    kept.text = copy;
  }
  for (int slot : node.slots) {
    if (in_element_) elements_[(element_count_ - 1) * item_slot_count_ + static_cast<size_t>(slot)] = kept;
    else top_[static_cast<size_t>(slot)] = kept;
  }
}

Status PayloadExtractor::Extract(const char* payload, size_t length, size_t capacity) {
  std::fill(top_.begin(), top_.end(), std::nullopt);
  elements_.clear();
  element_count_ = 0;
  in_element_ = false;
  owned_used_ = 0;
  payload_ = payload;
  payload_capacity_ = capacity;

  od::document doc;
  if (auto e = parser_.iterate(simdjson::padded_string_view(payload, length, capacity)).get(doc)) return JsonError(e);
  od::json_type type;
  if (auto e = doc.type().get(type)) return JsonError(e);
  if (type != od::json_type::object) return Status::Corruption("payload is not a JSON object");
  od::value root;
  if (auto e = doc.get_value().get(root)) return JsonError(e);
  return Descend(root, type, *root_, 0);
}

Status PayloadExtractor::Walk(od::value value, const Node& node, int depth) {
  od::json_type type;
  if (auto e = value.type().get(type)) return JsonError(e);
  if (type == od::json_type::null) return Status::Ok();
  const bool capture = !node.slots.empty();
  const bool descend = node.has_children() || node.flatten;
  const bool container = type == od::json_type::object || type == od::json_type::array;

  if (capture) {
    JsonScalar s;
    switch (type) {
      case od::json_type::string: {
        s.kind = JsonScalar::Kind::kString;
        s.raw = TrimRight(value.raw_json_token());
        if (auto e = value.get_string().get(s.text)) return JsonError(e);
        break;
      }
      case od::json_type::number:
        s.kind = JsonScalar::Kind::kNumber;
        s.raw = s.text = TrimRight(value.raw_json_token());
        break;
      case od::json_type::boolean: {
        bool b = false;
        if (auto e = value.get_bool().get(b)) return JsonError(e);
        s.kind = JsonScalar::Kind::kBoolean;
        s.raw = s.text = b ? "true" : "false";
        break;
      }
      case od::json_type::object: {
        od::object obj;
        if (auto e = value.get_object().get(obj)) return JsonError(e);
        s.kind = JsonScalar::Kind::kObject;
        if (auto e = obj.raw_json().get(s.raw)) return JsonError(e);
        s.raw = s.text = TrimRight(s.raw);
        break;
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = value.get_array().get(arr)) return JsonError(e);
        s.kind = JsonScalar::Kind::kArray;
        if (auto e = arr.raw_json().get(s.raw)) return JsonError(e);
        s.raw = s.text = TrimRight(s.raw);
        break;
      }
      case od::json_type::null: break;
    }
    Capture(node, s, depth);
    // A container that was captured whole has been consumed; read it again
    // for the paths that go deeper into it.
    if (descend && container) return Reparse(s.raw, node, depth + 1);
    return Status::Ok();
  }
  if (descend) return Descend(value, type, node, depth);
  return Status::Ok();
}

void PayloadExtractor::Forget(const Node& node) {
  for (int slot : node.subtree_slots) {
    if (in_element_) elements_[(element_count_ - 1) * item_slot_count_ + static_cast<size_t>(slot)].reset();
    else top_[static_cast<size_t>(slot)].reset();
  }
  if (node.subtree_has_flatten) {
    element_count_ = 0;
    elements_.clear();
  }
}

Status PayloadExtractor::Descend(od::value value, od::json_type type, const Node& node, int depth) {
  if (node.flatten) {
    if (type != od::json_type::array) return Status::Ok();  // no rows
    od::array arr;
    if (auto e = value.get_array().get(arr)) return JsonError(e);
    for (auto element : arr) {
      od::value v;
      if (auto e = element.get(v)) return JsonError(e);
      ++element_count_;
      elements_.resize(element_count_ * item_slot_count_);
      in_element_ = true;
      Status st = Walk(v, *item_root_, depth);
      in_element_ = false;
      RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  }
  if (type == od::json_type::object && !node.fields.empty()) {
    od::object obj;
    if (auto e = value.get_object().get(obj)) return JsonError(e);
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return JsonError(e);
      for (const auto& [name, child] : node.fields) {
        if (name != key) continue;
        od::value v;
        if (auto e = field.value().get(v)) return JsonError(e);
        Forget(*child);
        RETURN_IF_ERROR(Walk(v, *child, depth));
        break;
      }
    }
  } else if (type == od::json_type::array && !node.indexes.empty()) {
    od::array arr;
    if (auto e = value.get_array().get(arr)) return JsonError(e);
    int64_t i = 0;
    for (auto element : arr) {
      for (const auto& [index, child] : node.indexes) {
        if (index != i) continue;
        od::value v;
        if (auto e = element.get(v)) return JsonError(e);
        RETURN_IF_ERROR(Walk(v, *child, depth));
        break;
      }
      ++i;
    }
  }
  return Status::Ok();
}

Status PayloadExtractor::Reparse(std::string_view raw, const Node& node, int depth) {
  while (nested_parsers_.size() < static_cast<size_t>(depth)) nested_parsers_.push_back(std::make_unique<od::parser>());
  od::parser& parser = *nested_parsers_[static_cast<size_t>(depth) - 1];
  // `raw` lies inside the payload, so the payload's padding is readable after it.
  const size_t capacity = static_cast<size_t>(payload_ + payload_capacity_ - raw.data());
  od::document doc;
  if (auto e = parser.iterate(simdjson::padded_string_view(raw.data(), raw.size(), capacity)).get(doc))
    return JsonError(e);
  od::json_type type;
  if (auto e = doc.type().get(type)) return JsonError(e);
  od::value v;
  if (auto e = doc.get_value().get(v)) return JsonError(e);
  return Descend(v, type, node, depth);
}

}  // namespace sluice
