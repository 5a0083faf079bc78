#include "landing/ready_queue.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "landing/landed_file_writer.h"

namespace sluice {
namespace fs = std::filesystem;

Status ReadyQueue::Add(const std::string& event_type, const std::string& landed_as, const std::string& checksum,
                       uint64_t bytes) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IOError(fmt::format("cannot create '{}': {}", dir_, ec.message()));
  // Microseconds, made strictly increasing within the process, keep names in sealing order.
  int64_t id = NowMicros();
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
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("cannot create '{}': {}", temp, std::strerror(errno)));
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
                  ::fdatasync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(temp.c_str());
    return (err == ENOSPC ? Status::Unavailable("disk full") : Status::IOError(std::strerror(err)))
        .WithContext(fmt::format("writing '{}'", temp));
  }
  if (::rename(temp.c_str(), (dir_ + "/" + name).c_str()) != 0)
    return Status::IOError(fmt::format("cannot rename '{}': {}", temp, std::strerror(errno)));
  return SyncDir(dir_);
}

Result<std::vector<ReadyFile>> ReadyQueue::List() const {
  std::vector<ReadyFile> files;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || entry.path().extension() != ".ready") continue;
    std::ifstream in(entry.path());
    ReadyFile f;
    f.marker = entry.path().string();
    std::string bytes;
    if (!std::getline(in, f.event_type) || !std::getline(in, f.landed_as) || !std::getline(in, f.checksum) ||
        !std::getline(in, bytes))
      return Status::Corruption(fmt::format("ready marker '{}' is incomplete", f.marker));
    std::from_chars(bytes.data(), bytes.data() + bytes.size(), f.bytes);
    files.push_back(std::move(f));
  }
  if (ec) return Status::IOError(fmt::format("cannot list '{}': {}", dir_, ec.message()));
  std::sort(files.begin(), files.end(), [](const ReadyFile& a, const ReadyFile& b) { return a.marker < b.marker; });
  return files;
}

Status ReadyQueue::Remove(const ReadyFile& file) {
  if (::unlink(file.marker.c_str()) != 0 && errno != ENOENT)
    return Status::IOError(fmt::format("cannot remove '{}': {}", file.marker, std::strerror(errno)));
  return Status::Ok();
}

}  // namespace sluice
