// Tensor bundles: TensorFlow's V2 checkpoint format, used for SavedModel `variables/` and
// for TF checkpoints. A bundle with prefix P is `P.index`, a LevelDB-format table (written
// and read with leveldb::TableBuilder / leveldb::Table) mapping "" to a BundleHeaderProto
// and each tensor name to a BundleEntryProto, plus data shards
// `P.data-00000-of-0000N` holding the raw tensor bytes. Every tensor carries a masked CRC32C
// that is checked on every read and written on every write.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "tensor/tensor.h"
#include "tensorflow/core/protobuf/tensor_bundle.pb.h"

namespace savedserve {

// "P.index" and "P.data-SSSSS-of-NNNNN".
std::string BundleIndexPath(const std::string& prefix);
std::string BundleDataPath(const std::string& prefix, int shard, int num_shards);

// Reads a bundle. The index is read whole at Open; tensor bytes are read from the shards on
// each Lookup. Safe for concurrent use after Open.
class BundleReader {
 public:
  struct Options {
    Env* env = Env::Default();
    // Large numeric tensors are read-only views of the mapped data file rather than copies
    // (where the Env can map files): their memory is the page cache's until touched, and
    // Lookup drops the pages it touched to check the CRC again (see TensorBuffer::Evict).
    bool map_tensors = false;
  };
  // Fails (naming the file) when the index is missing, truncated or corrupt, when it is a V1
  // checkpoint (SavedTensorSlices: unsupported, said so), or when a data shard is missing.
  static absl::StatusOr<std::unique_ptr<BundleReader>> Open(const std::string& prefix,
                                                            const Options& options);
  static absl::StatusOr<std::unique_ptr<BundleReader>> Open(const std::string& prefix) {
    return Open(prefix, Options());
  }

  const tensorflow::BundleHeaderProto& header() const { return header_; }
  // Tensor names, sorted bytewise (the index's order); the header key "" is not included.
  const std::vector<std::string>& keys() const { return keys_; }
  bool Contains(const std::string& key) const;
  absl::StatusOr<tensorflow::BundleEntryProto> GetEntry(const std::string& key) const;
  // Reads and CRC-checks one tensor. NotFound names the key; DataLoss names the file.
  absl::StatusOr<Tensor> Lookup(const std::string& key) const;

 private:
  BundleReader() = default;
  Options options_;
  std::string prefix_;
  tensorflow::BundleHeaderProto header_;
  std::vector<std::string> keys_;
  std::vector<tensorflow::BundleEntryProto> entries_;  // parallel to keys_
  std::vector<std::unique_ptr<RandomAccessFile>> shards_;
  std::vector<std::shared_ptr<const MappedFile>> mapped_shards_;  // null where not mapped
};

// Writes a single-shard bundle the way TensorFlow's BundleWriter does, so that the same
// tensors give byte-identical files. Tensors may be added in any order; the index is sorted.
// One thread at a time.
class BundleWriter {
 public:
  enum class Compression { kNone, kSnappy };  // LevelDB block compression of the index
  struct Options {
    Env* env = Env::Default();
    // TF >= 1.14 writes snappy blocks (leveldb's default); older TF wrote uncompressed ones.
    Compression compression = Compression::kSnappy;
  };
  static absl::StatusOr<std::unique_ptr<BundleWriter>> Create(const std::string& prefix,
                                                              const Options& options);
  // Adds one tensor; a duplicate key is InvalidArgument.
  absl::Status Add(const std::string& key, const Tensor& tensor);
  // Writes `P.data-00000-of-00001` and `P.index`. No Add after Finish.
  absl::Status Finish();

 private:
  BundleWriter() = default;
  Options options_;
  std::string prefix_;
  std::string data_;  // shard bytes
  std::vector<std::pair<std::string, tensorflow::BundleEntryProto>> entries_;
  std::unordered_set<std::string> added_keys_;  // to reject duplicates in Add
  bool finished_ = false;
};

}  // namespace savedserve
