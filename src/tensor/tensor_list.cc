#include "tensor/tensor_list.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

void PutVarint64(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

}  // namespace

void TensorList::Encode(tensorflow::VariantTensorDataProto* proto) const {
  proto->Clear();
  proto->set_type_name(std::string(kTypeName));
  std::vector<uint64_t> unset;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].dtype() == tensorflow::DT_INVALID) {
      unset.push_back(i);
    } else {
      TensorToProto(tensors[i], proto->add_tensors());
    }
  }
  std::string metadata;
  PutVarint64(unset.size(), &metadata);
  for (uint64_t i : unset) PutVarint64(i, &metadata);
  PutVarint64(static_cast<uint64_t>(element_dtype), &metadata);
  // As TensorFlow: the int widened to 64 bits, so -1 is ten bytes.
  PutVarint64(static_cast<uint64_t>(static_cast<int64_t>(max_num_elements)), &metadata);
  tensorflow::TensorShapeProto shape;
  element_shape.ToProto(&shape);
  shape.AppendToString(&metadata);
  proto->set_metadata(std::move(metadata));
}

std::string TensorList::DebugString() const {
  return absl::StrCat("TensorList<", DataTypeName(element_dtype), " ", element_shape.DebugString(),
                      ">(", tensors.size(), " elements)");
}

}  // namespace savedserve
