#include "kernels/kernel_testing.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/address_space_cap.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

// Element i of a numeric tensor as double.
double AsDouble(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case tensorflow::DT_FLOAT: return t.data<float>()[i];
    case tensorflow::DT_DOUBLE: return t.data<double>()[i];
    case tensorflow::DT_HALF: return HalfToFloat(t.data<Half>()[i]);
    case tensorflow::DT_BFLOAT16: return BFloat16ToFloat(t.data<BFloat16>()[i]);
    case tensorflow::DT_INT8: return t.data<int8_t>()[i];
    case tensorflow::DT_INT16: return t.data<int16_t>()[i];
    case tensorflow::DT_INT32: return t.data<int32_t>()[i];
    case tensorflow::DT_INT64: return static_cast<double>(t.data<int64_t>()[i]);
    case tensorflow::DT_UINT8: return t.data<uint8_t>()[i];
    case tensorflow::DT_UINT16: return t.data<uint16_t>()[i];
    case tensorflow::DT_UINT32: return t.data<uint32_t>()[i];
    case tensorflow::DT_UINT64: return static_cast<double>(t.data<uint64_t>()[i]);
    case tensorflow::DT_BOOL: return t.data<bool>()[i] ? 1 : 0;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace

OpRunner::OpRunner(const std::string& op, const std::string& name) {
  node_.set_op(op);
  node_.set_name(name);
}

OpRunner& OpRunner::Attr(const std::string& name, const tensorflow::AttrValue& value) {
  (*node_.mutable_attr())[name] = value;
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, DataType value) {
  (*node_.mutable_attr())[name].set_type(value);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, int64_t value) {
  (*node_.mutable_attr())[name].set_i(value);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, float value) {
  (*node_.mutable_attr())[name].set_f(value);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, bool value) {
  (*node_.mutable_attr())[name].set_b(value);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, const char* value) {
  return Attr(name, std::string(value));
}
OpRunner& OpRunner::Attr(const std::string& name, const std::string& value) {
  (*node_.mutable_attr())[name].set_s(value);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, const std::vector<int64_t>& value) {
  auto* list = (*node_.mutable_attr())[name].mutable_list();
  list->clear_i();
  for (int64_t v : value) list->add_i(v);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, const std::vector<DataType>& value) {
  auto* list = (*node_.mutable_attr())[name].mutable_list();
  list->clear_type();
  for (DataType v : value) list->add_type(v);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, const std::vector<std::string>& value) {
  auto* list = (*node_.mutable_attr())[name].mutable_list();
  list->clear_s();
  for (const auto& v : value) list->add_s(v);
  return *this;
}
OpRunner& OpRunner::Attr(const std::string& name, const Tensor& value) {
  TensorToProto(value, (*node_.mutable_attr())[name].mutable_tensor());
  return *this;
}
OpRunner& OpRunner::Threads(int n) {
  pool_ = std::make_unique<ThreadPool>(n);
  return *this;
}

absl::StatusOr<std::unique_ptr<OpKernel>> OpRunner::Create(const std::vector<Tensor>& inputs,
                                                           KernelVariant variant) {
  std::vector<DataType> types;
  std::vector<PartialShape> shapes;
  std::vector<const Tensor*> constants(inputs.size(), nullptr);
  for (const Tensor& t : inputs) {
    types.push_back(t.dtype());
    shapes.push_back(PartialShape(t.shape().dims()));
  }
  for (int i : constant_inputs_) {
    if (i < static_cast<int>(inputs.size())) constants[i] = &inputs[i];
  }
  KernelConstruction construction(node_, types, shapes, constants, functions_);
  return KernelRegistry::Global().Create(construction, variant);
}

absl::StatusOr<std::vector<Value>> OpRunner::RunValues(const std::vector<Value>& inputs,
                                                       KernelVariant variant) {
  std::vector<Tensor> tensors;
  for (const Value& v : inputs) tensors.push_back(v.tensor);
  ASSIGN_OR_RETURN(auto kernel, Create(tensors, variant));
  if (pool_ == nullptr) pool_ = std::make_unique<ThreadPool>(1);
  std::vector<const Value*> input_ptrs;
  for (const Value& v : inputs) input_ptrs.push_back(&v);
  std::vector<Value> outputs(num_outputs_);
  KernelContext ctx(node_, input_ptrs, &outputs, pool_.get(),
                    shared_resources_ != nullptr ? shared_resources_ : &resources_, functions_);
  RETURN_IF_ERROR(kernel->Compute(ctx));
  return outputs;
}

absl::StatusOr<std::vector<Tensor>> OpRunner::Run(const std::vector<Tensor>& inputs,
                                                  KernelVariant variant) {
  std::vector<Value> values;
  for (const Tensor& t : inputs) values.push_back(Value{t, nullptr});
  ASSIGN_OR_RETURN(auto outputs, RunValues(values, variant));
  std::vector<Tensor> tensors;
  for (auto& v : outputs) tensors.push_back(std::move(v.tensor));
  return tensors;
}

double MaxAbsDiff(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) {
    return std::numeric_limits<double>::infinity();
  }
  double worst = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    double x = AsDouble(a, i), y = AsDouble(b, i);
    if (std::isnan(x) && std::isnan(y)) continue;
    if (std::isinf(x) && x == y) continue;
    double d = std::fabs(x - y);
    if (std::isnan(d)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, d);
  }
  return worst;
}

::testing::AssertionResult TensorsNear(const Tensor& actual, const Tensor& expected,
                                       double tol) {
  if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << "got " << DataTypeName(actual.dtype()) << " " << actual.shape().DebugString()
           << ", want " << DataTypeName(expected.dtype()) << " "
           << expected.shape().DebugString();
  }
  double lo = 0, hi = 0;
  for (int64_t i = 0; i < expected.num_elements(); ++i) {
    double v = AsDouble(expected, i);
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  double bound = tol * std::max(1.0, hi - lo);
  double diff = MaxAbsDiff(actual, expected);
  if (diff <= bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max abs diff " << diff << " > " << bound << "\n got "
                                       << actual.DebugString() << "\nwant "
                                       << expected.DebugString();
}

ScopedAddressSpaceCap::ScopedAddressSpaceCap(size_t headroom) {
#if !defined(__SANITIZE_ADDRESS__)
  rlimit saved{};
  if (getrlimit(RLIMIT_AS, &saved) != 0) return;
  long pages = 0;
  std::ifstream statm("/proc/self/statm");
  statm >> pages;
  const rlim_t cap = static_cast<rlim_t>(pages) * sysconf(_SC_PAGESIZE) + headroom;
  if (saved.rlim_cur != RLIM_INFINITY && saved.rlim_cur < cap) return;
  rlimit limit = saved;
  limit.rlim_cur = cap;
  saved_cur_ = saved.rlim_cur;
  saved_max_ = saved.rlim_max;
  active_ = setrlimit(RLIMIT_AS, &limit) == 0;
#else
  (void)headroom;
#endif
}

ScopedAddressSpaceCap::~ScopedAddressSpaceCap() {
  if (!active_) return;
  rlimit saved{};
  saved.rlim_cur = saved_cur_;
  saved.rlim_max = saved_max_;
  setrlimit(RLIMIT_AS, &saved);
}

Tensor RandomTensor(DataType dtype, const TensorShape& shape, uint32_t seed, double lo,
                    double hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  Tensor t(dtype, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    double v = dist(rng);
    switch (dtype) {
      case tensorflow::DT_FLOAT: t.data<float>()[i] = static_cast<float>(v); break;
      case tensorflow::DT_DOUBLE: t.data<double>()[i] = v; break;
      case tensorflow::DT_HALF: t.data<Half>()[i] = FloatToHalf(static_cast<float>(v)); break;
      case tensorflow::DT_BFLOAT16:
        t.data<BFloat16>()[i] = FloatToBFloat16(static_cast<float>(v));
        break;
      case tensorflow::DT_INT32: t.data<int32_t>()[i] = static_cast<int32_t>(std::floor(v)); break;
      case tensorflow::DT_INT64: t.data<int64_t>()[i] = static_cast<int64_t>(std::floor(v)); break;
      case tensorflow::DT_UINT8: t.data<uint8_t>()[i] = static_cast<uint8_t>(std::floor(v)); break;
      case tensorflow::DT_INT8: t.data<int8_t>()[i] = static_cast<int8_t>(std::floor(v)); break;
      case tensorflow::DT_BOOL: t.data<bool>()[i] = v > (lo + hi) / 2; break;
      default: break;
    }
  }
  return t;
}

}  // namespace savedserve
