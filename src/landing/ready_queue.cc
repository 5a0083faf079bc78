#include "landing/ready_queue.h"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace sluice {

Status ReadyQueue::Add(const std::string& event_type, const std::string& landed_as, const std::string& checksum,
                       uint64_t bytes) {
  RETURN_IF_ERROR(CreateDirDurably(env_, dir_, within_));
  // Microseconds, made strictly increasing within the process, keep names in sealing order.
  int64_t id = env_->NowMicros();
  int64_t last = last_id_.load();
  while (true) {
    const int64_t next = std::max(id, last + 1);
    if (last_id_.compare_exchange_weak(last, next)) {
      id = next;
      break;
    }
  }
  const std::string name = fmt::format("{:020}.ready", id);
  const std::string temp = fmt::format("{}/.{}.tmp", dir_, name);
  const std::string content = fmt::format("{}\n{}\n{}\n{}\n", event_type, landed_as, checksum, bytes);
  ASSIGN_OR_RETURN(auto file, env_->OpenWritable(temp, WriteMode::kTruncate));
  Status st = file->Append(content);
  if (st.ok()) st = file->Sync();
  if (st.ok()) st = file->Close();
  file.reset();
  if (st.ok()) st = env_->RenameFile(temp, dir_ + "/" + name);
  if (!st.ok()) {
    (void)env_->RemoveFile(temp);  // the error that matters is st
    return st;
  }
  return env_->SyncDir(dir_);
}

Result<std::vector<ReadyFile>> ReadyQueue::List() const {
  std::vector<ReadyFile> files;
  auto names = env_->ListDir(dir_);
  if (!names.ok()) {
    if (names.status().code() == StatusCode::kNotFound) return files;
    return names.status();
  }
  for (const std::string& name : *names) {
    if (name.empty() || name[0] == '.' || !name.ends_with(".ready")) continue;
    ReadyFile f;
    f.marker = dir_ + "/" + name;
    ASSIGN_OR_RETURN(const std::string text, ReadFileToString(env_, f.marker));
    // Four lines: event type, landed_as, checksum, bytes (the last newline may be missing).
    std::string bytes;
    std::string* fields[] = {&f.event_type, &f.landed_as, &f.checksum, &bytes};
    std::string_view rest = text;
    for (std::string* field : fields) {
      if (rest.empty()) return Status::Corruption(fmt::format("ready marker '{}' is incomplete", f.marker));
      const size_t end = std::min(rest.find('\n'), rest.size());
      field->assign(rest.substr(0, end));
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    std::from_chars(bytes.data(), bytes.data() + bytes.size(), f.bytes);
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const ReadyFile& a, const ReadyFile& b) { return a.marker < b.marker; });
  return files;
}

Status ReadyQueue::Remove(const ReadyFile& file) {
  Status st = env_->RemoveFile(file.marker);
  return st.code() == StatusCode::kNotFound ? Status::Ok() : st;
}

}  // namespace sluice
