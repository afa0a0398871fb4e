#include "serving/tfrecord.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/status.h"

namespace savedserve {
namespace {

constexpr size_t kHeaderBytes = sizeof(uint64_t) + sizeof(uint32_t);
constexpr size_t kFooterBytes = sizeof(uint32_t);

void PutFixed32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutFixed64(uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

uint32_t MaskedCrc(absl::string_view data) { return crc32c::Mask(crc32c::Value(data)); }

}  // namespace

void AppendTFRecord(absl::string_view data, std::string* out) {
  std::string length;
  PutFixed64(data.size(), &length);
  out->append(length);
  PutFixed32(MaskedCrc(length), out);
  out->append(data.data(), data.size());
  PutFixed32(MaskedCrc(data), out);
}

absl::Status WriteTFRecordFile(const std::string& path, const std::vector<std::string>& records,
                               Env* env) {
  std::string contents;
  for (const std::string& record : records) AppendTFRecord(record, &contents);
  return env->WriteFile(path, contents);
}

absl::Status TFRecordReader::Corrupt(absl::string_view what) const {
  return absl::DataLossError(
      absl::StrCat(what, " record at offset ", offset_, " of ", file_->path()));
}

absl::Status TFRecordReader::ReadRecord(std::string* record) {
  const uint64_t size = file_->Size();
  if (offset_ == size) return absl::OutOfRangeError("end of file");
  if (size - offset_ < kHeaderBytes) return Corrupt("truncated");
  char header[kHeaderBytes];
  RETURN_IF_ERROR(file_->ReadAt(offset_, kHeaderBytes, header));
  const uint64_t length = GetFixed(header, 8);
  if (crc32c::Unmask(static_cast<uint32_t>(GetFixed(header + 8, 4))) != crc32c::Value(header, 8)) {
    return Corrupt("corrupted (length checksum mismatch)");
  }
  if (size - offset_ - kHeaderBytes < length ||
      size - offset_ - kHeaderBytes - length < kFooterBytes) {
    return Corrupt("truncated");
  }
  record->resize(length + kFooterBytes);
  RETURN_IF_ERROR(file_->ReadAt(offset_ + kHeaderBytes, length + kFooterBytes, record->data()));
  const uint32_t stored = static_cast<uint32_t>(GetFixed(record->data() + length, 4));
  record->resize(length);
  if (crc32c::Unmask(stored) != crc32c::Value(*record)) {
    return Corrupt("corrupted (data checksum mismatch)");
  }
  offset_ += kHeaderBytes + length + kFooterBytes;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ReadTFRecordFile(const std::string& path, Env* env) {
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->OpenForRead(path));
  TFRecordReader reader(file.get());
  std::vector<std::string> records;
  std::string record;
  for (;;) {
    absl::Status status = reader.ReadRecord(&record);
    if (absl::IsOutOfRange(status)) return records;
    RETURN_IF_ERROR(status);
    records.push_back(std::move(record));
  }
}

}  // namespace savedserve
