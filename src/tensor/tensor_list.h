// TensorList: the value a DT_VARIANT scalar carries between TF2's list ops (TensorListReserve,
// TensorListSetItem, TensorListStack, ...), which tf.TensorArray, tf.map_fn and Keras RNN
// loops write under control flow v2. Element i is a tensor, or an uninitialized Tensor
// (DT_INVALID) until something sets it. Immutable once a tensor holds it (tensor/variant.h):
// a kernel that changes a list copies it (sharing the element buffers) and changes the copy,
// as TensorFlow does when it cannot forward its input.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tensor/shape.h"
#include "tensor/tensor.h"
#include "tensor/variant.h"

namespace savedserve {

class TensorList final : public VariantValue {
 public:
  static constexpr absl::string_view kTypeName = "tensorflow::TensorList";

  absl::string_view TypeName() const override { return kTypeName; }
  // TensorFlow's TensorList::Encode: the set elements as tensors; in the metadata, varint64s
  // for the number and indices of unset elements, the element dtype and max_num_elements,
  // then the element shape as a TensorShapeProto.
  void Encode(tensorflow::VariantTensorDataProto* proto) const override;
  std::string DebugString() const override;  // "TensorList<DT_FLOAT [2,-1]>(3 elements)"

  DataType element_dtype = tensorflow::DT_INVALID;
  PartialShape element_shape;  // what every element must be compatible with
  int max_num_elements = -1;   // -1: unbounded
  std::vector<Tensor> tensors;
};

}  // namespace savedserve
