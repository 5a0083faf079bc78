#include "landing/landed_file_writer.h"

#include <random>

namespace sluice {

LandedFileWriter::~LandedFileWriter() { Abort(); }

void LandedFileWriter::Abort() {
  if (file_) {
    file_.reset();
    // Nothing refers to a temporary file: one left behind is only litter.
    (void)env_->RemoveFile(temp_path_);
  }
  ZSTD_freeCCtx(cctx_);
  cctx_ = nullptr;
}

Status LandedFileWriter::Open(const std::string& dir, const std::string& within, int level) {
  RETURN_IF_ERROR(CreateDirDurably(env_, dir, within));
  dir_ = dir;
  std::random_device rd;
  temp_path_ = fmt::format("{}/.tmp-{:016x}", dir, (static_cast<uint64_t>(rd()) << 32) | rd());
  ASSIGN_OR_RETURN(file_, env_->OpenWritable(temp_path_, WriteMode::kCreateNew));
  cctx_ = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);  // torn or corrupt files are detected on read
  out_.resize(ZSTD_CStreamOutSize());
  return Status::Ok();
}

Status LandedFileWriter::WriteOut(ZSTD_EndDirective mode, std::string_view data) {
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (true) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
    if (ZSTD_isError(remaining)) return Status::Internal(fmt::format("zstd: {}", ZSTD_getErrorName(remaining)));
    if (out.pos > 0) RETURN_IF_ERROR(file_->Append(std::string_view(out_.data(), out.pos)));
    const bool done = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
    if (done) return Status::Ok();
  }
}

Status LandedFileWriter::Write(std::string_view data) { return WriteOut(ZSTD_e_continue, data); }

Status LandedFileWriter::Finish(const std::string& name) {
  RETURN_IF_ERROR(WriteOut(ZSTD_e_end, {}));
  RETURN_IF_ERROR(file_->Sync());
  const Status closed = file_->Close();
  file_.reset();
  const std::string final_path = dir_ + "/" + name;
  Status st = closed.ok() ? env_->RenameFile(temp_path_, final_path) : closed;
  if (!st.ok()) {
    (void)env_->RemoveFile(temp_path_);  // the error that matters is st
    return st;
  }
  return env_->SyncDir(dir_);
}

}  // namespace sluice
