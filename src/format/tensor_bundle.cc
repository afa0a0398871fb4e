// Tensor bundle reading and writing. The on-disk layout follows TensorFlow's
// tensorflow/core/util/tensor_bundle (format version 1); see tensor_bundle.h.
#include "format/tensor_bundle.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <exception>
#include <optional>
#include <span>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "base/crc32c.h"
#include "base/status.h"
#include "leveldb/env.h"
#include "leveldb/iterator.h"
#include "leveldb/options.h"
#include "leveldb/table.h"
#include "leveldb/table_builder.h"

namespace savedserve {
namespace {

static_assert(std::endian::native == std::endian::little,
              "bundle data is read and written in host order, which must be little-endian");

using Records = std::vector<std::pair<std::string, std::string>>;

// TF's bundle format version: we write producer 1 and read anything whose min_consumer <= 1.
constexpr int kBundleVersion = 1;
// TF's table::Options block size (LevelDB's own default is 4 KiB). Only indexes over 256 KiB
// notice, but byte-identical output needs it.
constexpr size_t kTfTableBlockSize = 256 * 1024;
constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;
constexpr size_t kFooterSize = 48;   // two padded block handles + magic
constexpr size_t kBlockTrailer = 5;  // type byte + masked CRC32C
constexpr int kMaxShards = 99999;    // shard numbers are printed with five digits
constexpr char kV1Unsupported[] =
    "V1 checkpoint (SavedTensorSlices) format is not supported; re-save it as a V2 checkpoint "
    "(tf.compat.v1.train.Saver(write_version=tf.compat.v1.train.SaverDef.V2)) or a SavedModel";

// Serves LevelDB's reads from an index already held in memory (read through our Env).
class StringSource : public leveldb::RandomAccessFile {
 public:
  explicit StringSource(absl::string_view data) : data_(data) {}
  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    if (offset > data_.size()) return leveldb::Status::Corruption("read past end of file");
    *result = leveldb::Slice(data_.data() + offset, std::min<uint64_t>(n, data_.size() - offset));
    return leveldb::Status::OK();
  }

 private:
  absl::string_view data_;
};

// Collects LevelDB's table output so that it can be written through our Env.
class StringSink : public leveldb::WritableFile {
 public:
  leveldb::Status Append(const leveldb::Slice& data) override {
    data_.append(data.data(), data.size());
    return leveldb::Status::OK();
  }
  leveldb::Status Close() override { return leveldb::Status::OK(); }
  leveldb::Status Flush() override { return leveldb::Status::OK(); }
  leveldb::Status Sync() override { return leveldb::Status::OK(); }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

absl::Status IndexError(const std::string& path, const std::string& what) {
  return absl::DataLossError(absl::StrCat(path, ": corrupt tensor bundle index: ", what));
}

bool GetVarint64(absl::string_view* in, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const uint64_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

void PutVarint64(std::string* out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out->push_back(static_cast<char>(v | 0x80));
  out->push_back(static_cast<char>(v));
}

uint32_t ExtendWithUint32(uint32_t crc, uint32_t value) {
  return crc32c::Extend(crc, &value, sizeof(value));  // host order is little-endian
}

// TF checksums a string length as a uint32 when it fits, else as a uint64.
uint32_t ExtendWithLength(uint32_t crc, uint64_t length) {
  if (length <= UINT32_MAX) return ExtendWithUint32(crc, static_cast<uint32_t>(length));
  return crc32c::Extend(crc, &length, sizeof(length));
}

// LevelDB allocates whatever the footer's block handles say, and the footer has no checksum,
// so handles reaching outside the file are rejected before the table is opened.
absl::Status CheckFooter(absl::string_view contents, const std::string& path) {
  if (contents.size() < kFooterSize) {
    return IndexError(path, absl::StrCat("only ", contents.size(), " bytes (truncated?)"));
  }
  absl::string_view footer = contents.substr(contents.size() - kFooterSize);
  uint64_t magic;
  std::memcpy(&magic, footer.data() + kFooterSize - 8, 8);
  if (magic != kTableMagic) return IndexError(path, "not a LevelDB table (truncated?)");
  for (int i = 0; i < 2; ++i) {  // the metaindex handle, then the index handle
    uint64_t offset, size;
    if (!GetVarint64(&footer, &offset) || !GetVarint64(&footer, &size) ||
        offset > contents.size() || size > contents.size() - offset ||
        kBlockTrailer > contents.size() - offset - size) {
      return IndexError(path, "bad block handle in the table footer");
    }
  }
  return absl::OkStatus();
}

// Reads every (key, value) of the LevelDB table in `contents`, verifying all block checksums.
absl::StatusOr<Records> ReadTable(absl::string_view contents, const std::string& path) {
  RETURN_IF_ERROR(CheckFooter(contents, path));
  StringSource source(contents);
  leveldb::Options options;
  options.paranoid_checks = true;
  leveldb::ReadOptions read_options;
  read_options.verify_checksums = true;
  read_options.fill_cache = false;
  Records records;
  leveldb::Status status;
  try {  // LevelDB reports errors by Status, but its allocations may still throw
    leveldb::Table* raw_table = nullptr;
    status = leveldb::Table::Open(options, &source, contents.size(), &raw_table);
    if (status.ok()) {
      std::unique_ptr<leveldb::Table> table(raw_table);
      std::unique_ptr<leveldb::Iterator> it(table->NewIterator(read_options));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        records.emplace_back(it->key().ToString(), it->value().ToString());
      }
      status = it->status();
    }
  } catch (const std::exception& e) {
    return IndexError(path, e.what());
  }
  if (!status.ok()) return IndexError(path, status.ToString());
  for (size_t i = 1; i < records.size(); ++i) {  // lookups binary-search the keys
    if (records[i - 1].first >= records[i].first) return IndexError(path, "keys out of order");
  }
  return records;
}

absl::Status V1Error(const std::string& path) {
  return absl::UnimplementedError(absl::StrCat(path, ": ", kV1Unsupported));
}

bool HasTableMagic(Env* env, const std::string& path) {
  auto file = env->OpenForRead(path);
  if (!file.ok() || (*file)->Size() < kFooterSize) return false;
  uint64_t magic = 0;
  return (*file)->ReadAt((*file)->Size() - 8, 8, reinterpret_cast<char*>(&magic)).ok() &&
         magic == kTableMagic;
}

// Without `P.index`, a V1 checkpoint is the table `P` itself or `P-SSSSS-of-NNNNN`.
std::optional<std::string> FindV1Checkpoint(Env* env, const std::string& prefix) {
  if (HasTableMagic(env, prefix)) return prefix;  // (a directory fails to open)
  const std::string dir(Dirname(prefix));
  const std::string stem = absl::StrCat(Basename(prefix), "-");
  auto names = env->ListDir(dir);
  if (!names.ok()) return std::nullopt;
  for (const std::string& name : *names) {
    if (!absl::StartsWith(name, stem) || name.size() != stem.size() + 14 ||
        name.compare(stem.size() + 5, 4, "-of-") != 0) {
      continue;
    }
    if (std::string path = JoinPath(dir, name); HasTableMagic(env, path)) return path;
  }
  return std::nullopt;
}

absl::StatusOr<tensorflow::BundleHeaderProto> ParseHeader(const Records& records,
                                                          const std::string& path) {
  if (records.empty() || !records.front().first.empty()) {
    return IndexError(path, "no header entry (key \"\")");
  }
  // SavedTensorSlices has a message as field 1 (tag 0x0a); BundleHeaderProto has an int32.
  const std::string& value = records.front().second;
  if (!value.empty() && value.front() == 0x0a) return V1Error(path);
  tensorflow::BundleHeaderProto header;
  if (!header.ParseFromString(value)) return IndexError(path, "unparseable header");
  if (header.num_shards() < 1 || header.num_shards() > kMaxShards) {
    return IndexError(path, absl::StrCat("bad num_shards ", header.num_shards()));
  }
  if (header.endianness() != tensorflow::BundleHeaderProto::LITTLE) {
    return absl::UnimplementedError(
        absl::StrCat(path, ": only little-endian tensor bundles are supported"));
  }
  const tensorflow::VersionDef& v = header.version();
  if (v.producer() < 0) {  // TF's minimum producer is 0
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": bundle producer version ", v.producer(), " is too old"));
  }
  if (v.min_consumer() > kBundleVersion ||
      std::ranges::find(v.bad_consumers(), kBundleVersion) != v.bad_consumers().end()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": bundle needs a newer reader (min_consumer ", v.min_consumer(),
                     "; this reader is version ", kBundleVersion, ")"));
  }
  return header;
}

// A fully known shape whose element count fits in int64.
absl::StatusOr<TensorShape> ShapeOf(const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) return absl::DataLossError("shape has unknown rank");
  std::vector<int64_t> dims;
  int64_t count = 1;
  for (const auto& dim : proto.dim()) {
    if (dim.size() < 0) return absl::DataLossError(absl::StrCat("negative dim ", dim.size()));
    if (dim.size() > 0 && count > INT64_MAX / dim.size()) {
      return absl::DataLossError("shape has too many elements");
    }
    count *= dim.size();
    dims.push_back(dim.size());
  }
  return TensorShape(std::move(dims));
}

// TF's size checks: exact for numeric dtypes; for strings a lower bound (a 1-byte varint per
// element plus the 4-byte length checksum; size 0 only for no elements) that keeps a garbage
// shape from allocating more elements than the entry has bytes.
absl::Status CheckEntrySize(DataType dtype, int64_t count, int64_t size) {
  if (dtype == tensorflow::DT_STRING) {
    const bool possible = size == 0 ? count == 0 : size >= 4 && count <= size - 4;
    if (!possible) {
      return absl::DataLossError(
          absl::StrCat("size ", size, " impossible for ", count, " strings"));
    }
    return absl::OkStatus();
  }
  const int64_t element = static_cast<int64_t>(DataTypeSize(dtype));
  if (element == 0) {
    return absl::UnimplementedError("unsupported bundle dtype " + DataTypeName(dtype));
  }
  if (count > INT64_MAX / element || count * element != size) {
    return absl::DataLossError(absl::StrCat("size ", size, " does not match ", count,
                                            " elements of ", DataTypeName(dtype)));
  }
  return absl::OkStatus();
}

// Mapping pays for tensors of a few pages or more; smaller ones are copied.
constexpr uint64_t kMinMappedBytes = 64 << 10;

// A tensor's bytes inside a mapped data shard (BundleReader::Options::map_tensors).
class MappedTensorBuffer final : public TensorBuffer {
 public:
  MappedTensorBuffer(std::shared_ptr<const MappedFile> file, uint64_t offset, size_t size)
      : file_(std::move(file)), offset_(offset), size_(size) {}
  // Read-only pages: the Tensor interface hands out non-const pointers, writers fault.
  void* data() override { return const_cast<char*>(file_->data() + offset_); }
  size_t size_bytes() const override { return size_; }
  void Evict() const override { file_->Release(offset_, size_); }

 private:
  const std::shared_ptr<const MappedFile> file_;
  const uint64_t offset_;
  const size_t size_;
};

absl::Status ChecksumError(const std::string& in_shard, const tensorflow::BundleEntryProto& entry,
                           uint32_t computed) {
  return absl::DataLossError(absl::StrFormat(
      "%s: checksum mismatch (%d bytes at offset %d): stored %08x, computed %08x", in_shard,
      entry.size(), entry.offset(), crc32c::Unmask(entry.crc32c()), computed));
}

// Everything Lookup can check before reading: returns the entry's shape.
absl::StatusOr<TensorShape> CheckedShape(const tensorflow::BundleEntryProto& entry) {
  if (!entry.slices().empty()) {
    return absl::UnimplementedError("partitioned (sliced) variables are not supported");
  }
  const DataType dtype = entry.dtype();
  if (!tensorflow::DataType_IsValid(dtype) || IsRefType(dtype) ||
      (IsStringLike(dtype) && dtype != tensorflow::DT_STRING)) {
    return absl::UnimplementedError(
        absl::StrCat("unsupported bundle dtype ", static_cast<int>(dtype)));
  }
  ASSIGN_OR_RETURN(TensorShape shape, ShapeOf(entry.shape()));
  RETURN_IF_ERROR(CheckEntrySize(dtype, shape.num_elements(), entry.size()));
  return shape;
}

// DT_STRING payload: varint64 lengths, masked CRC32C of the lengths, then the bytes. Returns
// TF's entry CRC: over the lengths (as integers), the stored length checksum and the bytes.
absl::StatusOr<uint32_t> DecodeStrings(absl::string_view in, std::span<std::string> out) {
  if (in.empty()) return 0u;
  std::vector<uint64_t> lengths(out.size());
  uint32_t crc = 0;
  for (uint64_t& length : lengths) {
    if (!GetVarint64(&in, &length)) return absl::DataLossError("bad string length");
    crc = ExtendWithLength(crc, length);
  }
  uint32_t stored;
  if (in.size() < sizeof(stored)) return absl::DataLossError("string lengths overrun the entry");
  std::memcpy(&stored, in.data(), sizeof(stored));
  in.remove_prefix(sizeof(stored));
  if (crc32c::Unmask(stored) != crc) return absl::DataLossError("string length checksum mismatch");
  crc = ExtendWithUint32(crc, stored);
  for (size_t i = 0; i < out.size(); ++i) {
    if (lengths[i] > in.size()) return absl::DataLossError("strings overrun the entry");
    out[i].assign(in.data(), lengths[i]);
    in.remove_prefix(lengths[i]);
    crc = crc32c::Extend(crc, out[i].data(), out[i].size());
  }
  if (!in.empty()) return absl::DataLossError("entry is longer than its strings");
  return crc;
}

// Appends `strings` in the DT_STRING layout above; returns the entry CRC (unmasked).
uint32_t EncodeStrings(std::span<const std::string> strings, std::string* out) {
  uint32_t crc = 0;
  for (const std::string& s : strings) {
    PutVarint64(out, s.size());
    crc = ExtendWithLength(crc, s.size());
  }
  const uint32_t length_checksum = crc32c::Mask(crc);
  out->append(reinterpret_cast<const char*>(&length_checksum), sizeof(length_checksum));
  crc = ExtendWithUint32(crc, length_checksum);
  for (const std::string& s : strings) {
    out->append(s);
    crc = crc32c::Extend(crc, s.data(), s.size());
  }
  return crc;
}

}  // namespace

std::string BundleIndexPath(const std::string& prefix) { return prefix + ".index"; }

std::string BundleDataPath(const std::string& prefix, int shard, int num_shards) {
  return absl::StrFormat("%s.data-%05d-of-%05d", prefix, shard, num_shards);
}

absl::StatusOr<std::unique_ptr<BundleReader>> BundleReader::Open(const std::string& prefix,
                                                                 const Options& options) {
  const std::string index_path = BundleIndexPath(prefix);
  absl::StatusOr<std::string> contents = options.env->ReadFile(index_path);
  if (!contents.ok()) {
    if (!absl::IsNotFound(contents.status())) return contents.status();
    if (auto v1 = FindV1Checkpoint(options.env, prefix)) return V1Error(*v1);
    return contents.status();
  }
  ASSIGN_OR_RETURN(Records records, ReadTable(*contents, index_path));
  std::unique_ptr<BundleReader> reader(new BundleReader());
  ASSIGN_OR_RETURN(reader->header_, ParseHeader(records, index_path));
  reader->options_ = options;
  reader->prefix_ = prefix;
  for (size_t i = 1; i < records.size(); ++i) {
    tensorflow::BundleEntryProto entry;
    if (!entry.ParseFromString(records[i].second)) {
      return IndexError(index_path,
                        absl::StrCat("unparseable entry for key '", records[i].first, "'"));
    }
    reader->keys_.push_back(std::move(records[i].first));
    reader->entries_.push_back(std::move(entry));
  }
  const int num_shards = reader->header_.num_shards();
  for (int shard = 0; shard < num_shards; ++shard) {
    ASSIGN_OR_RETURN(auto file,
                     options.env->OpenForRead(BundleDataPath(prefix, shard, num_shards)));
    reader->mapped_shards_.push_back(options.map_tensors ? file->Map() : nullptr);
    reader->shards_.push_back(std::move(file));
  }
  return reader;
}

bool BundleReader::Contains(const std::string& key) const {
  return std::ranges::binary_search(keys_, key);
}

absl::StatusOr<tensorflow::BundleEntryProto> BundleReader::GetEntry(const std::string& key) const {
  auto it = std::ranges::lower_bound(keys_, key);
  if (it == keys_.end() || *it != key) {
    return absl::NotFoundError(
        absl::StrCat("key '", key, "' not found in tensor bundle ", BundleIndexPath(prefix_)));
  }
  return entries_[it - keys_.begin()];
}

absl::StatusOr<Tensor> BundleReader::Lookup(const std::string& key) const {
  ASSIGN_OR_RETURN(tensorflow::BundleEntryProto entry, GetEntry(key));
  absl::StatusOr<TensorShape> shape = CheckedShape(entry);
  if (!shape.ok()) {
    return Annotate(shape.status(), absl::StrCat(BundleIndexPath(prefix_), ": key '", key, "'"));
  }
  if (entry.shard_id() < 0 || entry.shard_id() >= static_cast<int>(shards_.size())) {
    return absl::DataLossError(absl::StrCat(BundleIndexPath(prefix_), ": key '", key,
                                            "': bad shard_id ", entry.shard_id()));
  }
  const RandomAccessFile& shard = *shards_[entry.shard_id()];
  const std::string in_shard = absl::StrCat(shard.path(), ": key '", key, "'");
  const uint64_t offset = static_cast<uint64_t>(entry.offset());
  const uint64_t size = static_cast<uint64_t>(entry.size());
  if (entry.offset() < 0 || offset > shard.Size() || size > shard.Size() - offset) {
    return absl::DataLossError(absl::StrCat(in_shard, ": bytes [", entry.offset(), ", +", size,
                                            ") lie outside the ", shard.Size(),
                                            "-byte data file (truncated?)"));
  }
  const std::shared_ptr<const MappedFile>& mapped = mapped_shards_[entry.shard_id()];
  if (mapped != nullptr && size >= kMinMappedBytes && entry.dtype() != tensorflow::DT_STRING &&
      offset % DataTypeSize(entry.dtype()) == 0) {
    const uint32_t crc = crc32c::Value(mapped->data() + offset, size);
    mapped->Release(offset, size);
    if (crc32c::Unmask(entry.crc32c()) != crc) return ChecksumError(in_shard, entry, crc);
    return Tensor(entry.dtype(), *std::move(shape),
                  std::make_shared<MappedTensorBuffer>(mapped, offset, size));
  }
  Tensor tensor(entry.dtype(), *std::move(shape));
  uint32_t crc = 0;
  if (entry.dtype() == tensorflow::DT_STRING) {
    std::string bytes(size, '\0');
    RETURN_IF_ERROR(shard.ReadAt(offset, size, bytes.data()));
    absl::StatusOr<uint32_t> decoded = DecodeStrings(bytes, tensor.flat<std::string>());
    if (!decoded.ok()) return Annotate(decoded.status(), in_shard);
    crc = *decoded;
  } else if (size > 0) {
    char* data = static_cast<char*>(tensor.raw_data());
    RETURN_IF_ERROR(shard.ReadAt(offset, size, data));
    crc = crc32c::Value(data, size);
  }
  if (crc32c::Unmask(entry.crc32c()) != crc) return ChecksumError(in_shard, entry, crc);
  return tensor;
}

absl::StatusOr<std::unique_ptr<BundleWriter>> BundleWriter::Create(const std::string& prefix,
                                                                   const Options& options) {
  if (prefix.empty()) return absl::InvalidArgumentError("empty tensor bundle prefix");
  std::unique_ptr<BundleWriter> writer(new BundleWriter());
  writer->options_ = options;
  writer->prefix_ = prefix;
  return writer;
}

absl::Status BundleWriter::Add(const std::string& key, const Tensor& tensor) {
  if (finished_) return absl::FailedPreconditionError("BundleWriter::Add after Finish");
  if (key.empty()) return absl::InvalidArgumentError("the empty key is reserved for the header");
  const DataType dtype = tensor.dtype();
  if (!tensor.is_initialized() || IsRefType(dtype) ||
      (IsStringLike(dtype) && dtype != tensorflow::DT_STRING)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot save key '", key, "' of dtype ",
                                                   DataTypeName(dtype), " in a tensor bundle"));
  }
  if (!added_keys_.insert(key).second) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate tensor bundle key '", key, "'"));
  }
  tensorflow::BundleEntryProto entry;
  entry.set_dtype(dtype);
  tensorflow::TensorShapeProto* shape = entry.mutable_shape();  // present even for scalars
  for (int64_t dim : tensor.shape().dims()) shape->add_dim()->set_size(dim);
  const size_t start = data_.size();
  entry.set_offset(static_cast<int64_t>(start));
  uint32_t crc;
  if (dtype == tensorflow::DT_STRING) {
    crc = EncodeStrings(tensor.flat<std::string>(), &data_);
  } else {
    absl::string_view bytes = tensor.tensor_data();
    data_.append(bytes.data(), bytes.size());
    crc = crc32c::Value(bytes);
  }
  entry.set_size(static_cast<int64_t>(data_.size() - start));
  entry.set_crc32c(crc32c::Mask(crc));
  entries_.emplace_back(key, std::move(entry));
  return absl::OkStatus();
}

absl::Status BundleWriter::Finish() {
  if (finished_) return absl::FailedPreconditionError("BundleWriter::Finish called twice");
  finished_ = true;
  Env* env = options_.env;
  RETURN_IF_ERROR(env->CreateDirs(std::string(Dirname(prefix_))));
  RETURN_IF_ERROR(env->WriteFile(BundleDataPath(prefix_, 0, 1), data_));

  std::ranges::sort(entries_, {}, &std::pair<std::string, tensorflow::BundleEntryProto>::first);
  leveldb::Options table_options;
  table_options.block_size = kTfTableBlockSize;
  table_options.compression = options_.compression == Compression::kSnappy
                                  ? leveldb::kSnappyCompression
                                  : leveldb::kNoCompression;
  StringSink sink;
  leveldb::TableBuilder builder(table_options, &sink);
  tensorflow::BundleHeaderProto header;  // endianness LITTLE is the (unwritten) default
  header.set_num_shards(1);
  header.mutable_version()->set_producer(kBundleVersion);
  builder.Add("", header.SerializeAsString());
  for (const auto& [key, entry] : entries_) builder.Add(key, entry.SerializeAsString());
  const leveldb::Status status = builder.Finish();
  const std::string index_path = BundleIndexPath(prefix_);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat(index_path, ": building index: ", status.ToString()));
  }
  return env->WriteFile(index_path, sink.data());
}

}  // namespace savedserve
