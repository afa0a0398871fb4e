// TFRecord files, the container of TF Serving's warmup requests (and of TensorFlow's
// datasets): a sequence of records, each framed as
//   uint64 length (little-endian) | uint32 masked CRC32C of those 8 bytes |
//   `length` bytes of data | uint32 masked CRC32C of the data.
// The reader checks both CRCs and reports truncation and corruption as DataLoss naming the
// record's offset. Depends only on base/, so it can move down a layer if export needs it.
// A reader is used by one thread at a time; the functions are safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/env.h"

namespace savedserve {

// Appends one framed record to `out`.
void AppendTFRecord(absl::string_view data, std::string* out);
// Writes `records` as a TFRecord file (no compression).
absl::Status WriteTFRecordFile(const std::string& path, const std::vector<std::string>& records,
                               Env* env = Env::Default());

class TFRecordReader {
 public:
  // Reads from `file`, which must outlive the reader.
  explicit TFRecordReader(const RandomAccessFile* file) : file_(file) {}

  // Reads the next record into `record`. OutOfRange at a clean end of file (as TensorFlow's
  // reader); DataLoss for a truncated or corrupted record.
  absl::Status ReadRecord(std::string* record);
  uint64_t offset() const { return offset_; }

 private:
  absl::Status Corrupt(absl::string_view what) const;

  const RandomAccessFile* file_;
  uint64_t offset_ = 0;
};

// Every record of the file at `path`.
absl::StatusOr<std::vector<std::string>> ReadTFRecordFile(const std::string& path,
                                                          Env* env = Env::Default());

}  // namespace savedserve
