// A deterministic fuzz smoke test over every kernel: nodes built from each op's OpDef (type
// attrs over the dtypes we can make tensors of, int attrs from defaults plus hostile values),
// fed seeded random shapes (rank 0-4, dims 0-5, empty tensors, mismatched ranks) and values
// (hostile integers, NaN/Inf). Any error Status is fine; a crash, abort, hang or huge
// allocation is a bug in the kernel. The address space is capped while it runs (plain
// builds), so a kernel that tries to allocate gigabytes from a small input fails loudly.
//
// To reproduce a failure: SAVEDSERVE_FUZZ_VERBOSE=1 prints every case (op, variant, attrs,
// input dtypes/shapes/values) before running it; SAVEDSERVE_FUZZ_OP=OneHot runs one op only;
// SAVEDSERVE_FUZZ_ROUNDS=20 runs 20 times as many seeded cases.
// A crash or hang also prints the case being run. Under AddressSanitizer run with
// ASAN_OPTIONS=allocator_may_return_null=1 (impossible sizes then fail as in a plain build).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "format/op_defs.h"
#include "gtest/gtest.h"
#include "kernels/address_space_cap.h"
#include "kernels/kernel_testing.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using tensorflow::AttrValue;
using tensorflow::OpDef;

// Ops the fuzzer does not build, and why.
const std::map<std::string, std::string>& SkippedOps() {
  static const auto* skipped = [] {
    auto* m = new std::map<std::string, std::string>;
    const std::string functions = "needs a function runtime (func attrs)";
    for (const char* op : {"While", "StatelessWhile", "If", "StatelessIf", "Case", "StatelessCase",
                           "PartitionedCall", "StatefulPartitionedCall"}) {
      (*m)[op] = functions;
    }
    const std::string variables = "needs variables held in a ResourceManager";
    for (const char* op : {"Variable", "VariableV2", "VarHandleOp", "Assign", "AssignAdd",
                           "AssignVariableOp", "ReadVariableOp", "VarIsInitializedOp",
                           "DisableCopyOnRead", "ResourceGather"}) {
      (*m)[op] = variables;
    }
    const std::string tables = "needs lookup tables held in a ResourceManager";
    for (const char* op :
         {"HashTable", "HashTableV2", "InitializeTable", "InitializeTableV2", "LookupTableFind",
          "LookupTableFindV2", "LookupTableImport", "LookupTableImportV2", "LookupTableSize",
          "LookupTableSizeV2"}) {
      (*m)[op] = tables;
    }
    const std::string files = "reads or writes files";
    for (const char* op : {"InitializeTableFromTextFile", "InitializeTableFromTextFileV2",
                           "SaveV2", "RestoreV2", "MergeV2Checkpoints"}) {
      (*m)[op] = files;
    }
    const std::string v1_control = "TF1 control flow: frames and dead tensors are the executor's";
    for (const char* op : {"Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond",
                           "RefEnter", "RefExit", "RefMerge", "RefNextIteration", "RefSwitch",
                           "ControlTrigger"}) {
      (*m)[op] = v1_control;
    }
    return m;
  }();
  return *skipped;
}

// Known kernel bugs the fuzzer finds that are not fixed yet: op -> reason. Skipped, reported.
const std::map<std::string, std::string>& KnownBadOps() {
  static const auto* bad = new std::map<std::string, std::string>{};
  return *bad;
}

// Input shapes that get past the shape checks of ops whose inputs random shapes rarely fit
// (boxes [n, 4], sparse indices [n, rank], NHWC images...): extra cases, values as usual.
using ShapeTemplate = std::vector<std::vector<int64_t>>;
const std::map<std::string, std::vector<ShapeTemplate>>& ShapeTemplates() {
  static const auto* templates = [] {
    auto* m = new std::map<std::string, std::vector<ShapeTemplate>>{
        {"NonMaxSuppression", {{{4, 4}, {4}, {}}}},
        {"NonMaxSuppressionV2", {{{4, 4}, {4}, {}, {}}}},
        {"NonMaxSuppressionV3", {{{4, 4}, {4}, {}, {}, {}}, {{0, 4}, {0}, {}, {}, {}}}},
        {"NonMaxSuppressionV4", {{{4, 4}, {4}, {}, {}, {}}}},
        {"NonMaxSuppressionV5", {{{4, 4}, {4}, {}, {}, {}, {}}}},
        {"SparseToDense", {{{3, 2}, {2}, {3}, {}}, {{3, 1}, {1}, {3}, {}}, {{3}, {1}, {3}, {}}}},
        {"SparseFillEmptyRows", {{{3, 2}, {3}, {2}, {}}, {{0, 2}, {0}, {2}, {}}}},
        {"SparseReshape", {{{3, 2}, {2}, {1}}, {{3, 2}, {2}, {3}}}},
        {"CropAndResize", {{{1, 3, 3, 1}, {2, 4}, {2}, {2}}}},
        {"ResizeBilinear", {{{1, 2, 2, 1}, {2}}}},
        {"ResizeNearestNeighbor", {{{1, 2, 2, 1}, {2}}}},
        {"SpaceToBatchND", {{{1, 4, 4, 1}, {2}, {2, 2}}, {{2, 4}, {1}, {1, 2}}}},
        {"BatchToSpaceND", {{{4, 2, 2, 1}, {2}, {2, 2}}, {{4, 3}, {1}, {1, 2}}}},
        {"SplitV", {{{6}, {3}, {}}, {{6, 2}, {1}, {}}}},
        {"FusedBatchNorm", {{{1, 2, 2, 2}, {2}, {2}, {2}, {2}}, {{1, 2, 2, 2}, {2}, {2}, {0}, {0}}}},
        {"Conv2DBackpropInput", {{{4}, {2, 2, 1, 1}, {1, 3, 3, 1}}}},
        {"Conv3D", {{{1, 3, 3, 3, 1}, {2, 2, 2, 1, 1}}}},
    };
    (*m)["FusedBatchNormV2"] = (*m)["FusedBatchNorm"];
    (*m)["FusedBatchNormV3"] = (*m)["FusedBatchNorm"];
    for (const char* op : {"SparseSegmentSumWithNumSegments", "SparseSegmentMeanWithNumSegments",
                           "SparseSegmentSqrtNWithNumSegments"}) {
      (*m)[op] = {{{4, 2}, {3}, {3}, {}}, {{4}, {3}, {3}, {}}};
    }
    return m;
  }();
  return *templates;
}

// The dtypes the fuzzer makes tensors of.
const std::vector<DataType>& FuzzTypes() {
  static const auto* types = new std::vector<DataType>{
      tensorflow::DT_FLOAT, tensorflow::DT_INT32, tensorflow::DT_INT64,
      tensorflow::DT_BOOL,  tensorflow::DT_UINT8, tensorflow::DT_STRING};
  return *types;
}

bool IsFuzzType(DataType t) {
  for (DataType f : FuzzTypes()) {
    if (f == t) return true;
  }
  return false;
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The case being run, for the crash handler and the watchdog (written before each run).
char g_current_case[4096] = "";
std::atomic<int64_t> g_case_started_ms{0};
// Whether ScopedAddressSpaceCap is active, so hostile sizes are refused rather than allocated.
bool g_sizes_capped = false;

void CrashHandler(int sig) {
  const char prefix[] = "\nkernel_fuzz_test: crashed while running: ";
  ssize_t ignored = write(2, prefix, sizeof(prefix) - 1);
  ignored = write(2, g_current_case, strnlen(g_current_case, sizeof(g_current_case)));
  ignored = write(2, "\n", 1);
  (void)ignored;
  signal(sig, SIG_DFL);
  raise(sig);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Describe(const Tensor& t) {
  std::string s = absl::StrCat(DataTypeName(t.dtype()), " ", t.shape().DebugString());
  if (t.num_elements() > 0 && t.num_elements() <= 8 && t.dtype() != tensorflow::DT_STRING) {
    absl::StrAppend(&s, " ", t.DebugString(8));
  }
  return s;
}

class Fuzzer {
 public:
  Fuzzer(const std::string& op, const OpDef& def) : op_(op), def_(def) {}

  // Runs every case for the op; returns the number of kernel runs.
  int Run() {
    std::vector<std::map<std::string, AttrValue>> attr_sets = AttrSets();
    int runs = 0;
    for (size_t a = 0; a < attr_sets.size(); ++a) {
      for (int c = 0; c < kCasesPerAttrSet * Rounds(); ++c) {
        std::mt19937_64 rng(Fnv1a(absl::StrCat(op_, "/", a, "/", c)));
        std::vector<Tensor> inputs;
        if (!MakeInputs(attr_sets[a], c, rng, &inputs)) break;
        for (KernelVariant v : {KernelVariant::kReference, KernelVariant::kOptimized}) {
          if (!KernelRegistry::Global().HasVariant(op_, v)) continue;
          RunOne(attr_sets[a], inputs, v);
          ++runs;
        }
      }
    }
    auto templates = ShapeTemplates().find(op_);
    if (templates == ShapeTemplates().end()) return runs;
    for (size_t a = 0; a < attr_sets.size(); ++a) {
      for (size_t k = 0; k < templates->second.size(); ++k) {
        for (int c = 0; c < kCasesPerTemplate * Rounds(); ++c) {
          std::mt19937_64 rng(Fnv1a(absl::StrCat(op_, "/", a, "/template", k, "/", c)));
          std::vector<DataType> types;
          std::string why;
          const ShapeTemplate& shapes = templates->second[k];
          if (!InputTypes(attr_sets[a], &types, &why) || types.size() != shapes.size()) break;
          std::vector<Tensor> inputs;
          for (size_t i = 0; i < types.size(); ++i) {
            inputs.push_back(RandomValues(types[i], TensorShape(shapes[i]), c % 2 == 1, rng));
          }
          for (KernelVariant v : {KernelVariant::kReference, KernelVariant::kOptimized}) {
            if (!KernelRegistry::Global().HasVariant(op_, v)) continue;
            RunOne(attr_sets[a], inputs, v);
            ++runs;
          }
        }
      }
    }
    return runs;
  }

 private:
  static constexpr int kCasesPerTemplate = 24;
  static constexpr int kCasesPerAttrSet = 40;
  // SAVEDSERVE_FUZZ_ROUNDS=n runs n times as many cases (for a longer hunt by hand).
  static int Rounds() {
    const char* rounds = std::getenv("SAVEDSERVE_FUZZ_ROUNDS");
    return rounds != nullptr ? std::max(1, std::atoi(rounds)) : 1;
  }
  static constexpr size_t kMaxTypeCombos = 12;
  static constexpr size_t kMaxAttrSets = 24;

  // The attr sets to try: type-attr combinations (capped) x a few int-attr variations.
  std::vector<std::map<std::string, AttrValue>> AttrSets() {
    std::map<std::string, AttrValue> base;
    std::vector<std::pair<std::string, std::vector<DataType>>> type_attrs;
    std::vector<std::string> int_attrs;
    std::set<std::string> number_attrs;
    for (const auto& arg : def_.input_arg()) {
      if (!arg.number_attr().empty()) number_attrs.insert(arg.number_attr());
    }
    for (const auto& arg : def_.output_arg()) {
      if (!arg.number_attr().empty()) number_attrs.insert(arg.number_attr());
    }
    for (const auto& attr : def_.attr()) {
      const std::string& type = attr.type();
      if (type == "type") {
        std::vector<DataType> allowed;
        for (DataType t : FuzzTypes()) {
          bool ok = !attr.has_allowed_values();
          if (!ok) {
            for (int x : attr.allowed_values().list().type()) ok |= (x == t);
          }
          if (ok) allowed.push_back(t);
        }
        if (allowed.empty() && attr.has_default_value()) {
          allowed.push_back(attr.default_value().type());
        }
        if (allowed.empty()) allowed.push_back(tensorflow::DT_FLOAT);
        type_attrs.emplace_back(attr.name(), allowed);
        continue;
      }
      AttrValue v;
      if (attr.has_default_value()) {
        v = attr.default_value();
      } else if (type == "int") {
        v.set_i(number_attrs.count(attr.name()) ? 2 : 1);
      } else if (type == "float") {
        v.set_f(0.5f);
      } else if (type == "bool") {
        v.set_b(false);
      } else if (type == "string") {
        v.set_s(attr.has_allowed_values() && attr.allowed_values().list().s_size() > 0
                    ? attr.allowed_values().list().s(0)
                    : std::string());
      } else if (type == "shape") {
        v.mutable_shape()->set_unknown_rank(true);
      } else if (type == "tensor") {
        TensorToProtoForAttr(Tensor::Scalar<float>(1.5f), &v);
      } else if (type == "list(type)") {
        const int n = std::max<int>(1, static_cast<int>(attr.minimum()));
        for (int i = 0; i < n; ++i) v.mutable_list()->add_type(tensorflow::DT_FLOAT);
      } else if (type == "list(int)") {
        for (int i = 0; i < 4; ++i) v.mutable_list()->add_i(1);  // strides, ksize, dilations
      } else {
        v.mutable_list();  // list(float), list(string), list(shape): empty
      }
      base[attr.name()] = v;
      if (type == "int") int_attrs.push_back(attr.name());
    }

    // Type combinations, capped: the first of each, then seeded picks.
    std::vector<std::map<std::string, AttrValue>> sets;
    size_t product = 1;
    for (const auto& [name, allowed] : type_attrs) product = std::min<size_t>(product * allowed.size(), 1000);
    std::mt19937_64 rng(Fnv1a(op_));
    const size_t combos = std::min(product, kMaxTypeCombos);
    for (size_t k = 0; k < combos; ++k) {
      std::map<std::string, AttrValue> s = base;
      size_t index = product <= kMaxTypeCombos ? k : rng();
      for (const auto& [name, allowed] : type_attrs) {
        s[name].set_type(allowed[index % allowed.size()]);
        index /= allowed.size();
      }
      sets.push_back(std::move(s));
    }
    // Number attrs 1..3; hostile values for other int attrs (axis, depth, num_split...).
    std::vector<std::map<std::string, AttrValue>> out = sets;
    for (const std::string& name : number_attrs) {
      for (int n : {1, 3}) {
        std::map<std::string, AttrValue> s = sets[out.size() % sets.size()];
        s[name].set_i(n);
        out.push_back(std::move(s));
      }
    }
    for (const std::string& name : int_attrs) {
      if (number_attrs.count(name)) continue;
      for (int64_t hostile : {int64_t{-1}, int64_t{-1000}, int64_t{1} << 40,
                              std::numeric_limits<int64_t>::max(),
                              std::numeric_limits<int64_t>::min()}) {
        std::map<std::string, AttrValue> s = sets[out.size() % sets.size()];
        s[name].set_i(hostile);
        out.push_back(std::move(s));
      }
    }
    if (out.size() > kMaxAttrSets + sets.size()) out.resize(kMaxAttrSets + sets.size());
    return out;
  }

  static void TensorToProtoForAttr(const Tensor& t, AttrValue* v) {
    OpRunner r("Const");
    r.Attr("value", t);
    *v = r.node().attr().at("value");
  }

  // The dtypes of the inputs under these attrs; false when an input is a kind the fuzzer
  // cannot make (resource, variant, ref).
  bool InputTypes(const std::map<std::string, AttrValue>& attrs, std::vector<DataType>* types,
                  std::string* why) const {
    for (const auto& arg : def_.input_arg()) {
      if (arg.is_ref()) {
        *why = "ref input";
        return false;
      }
      std::vector<DataType> arg_types;
      if (!arg.type_list_attr().empty()) {
        for (int t : attrs.at(arg.type_list_attr()).list().type()) {
          arg_types.push_back(static_cast<DataType>(t));
        }
      } else {
        DataType t = arg.type_attr().empty() ? arg.type()
                                             : attrs.at(arg.type_attr()).type();
        int64_t n = arg.number_attr().empty() ? 1 : attrs.at(arg.number_attr()).i();
        for (int64_t i = 0; i < n; ++i) arg_types.push_back(t);
      }
      for (DataType t : arg_types) {
        if (!IsFuzzType(t) && t != tensorflow::DT_VARIANT) {
          *why = absl::StrCat("input ", arg.name(), " is ", DataTypeName(t));
          return false;
        }
        types->push_back(t);
      }
    }
    return true;
  }

  int NumOutputs(const std::map<std::string, AttrValue>& attrs) const {
    int n = 0;
    for (const auto& arg : def_.output_arg()) {
      if (!arg.type_list_attr().empty()) {
        n += attrs.at(arg.type_list_attr()).list().type_size();
      } else if (!arg.number_attr().empty()) {
        n += static_cast<int>(std::clamp<int64_t>(attrs.at(arg.number_attr()).i(), 0, 64));
      } else {
        ++n;
      }
    }
    return n;
  }

  static TensorShape RandomShape(std::mt19937_64& rng, int max_dim) {
    std::vector<int64_t> dims(rng() % 5);
    for (int64_t& d : dims) d = static_cast<int64_t>(rng() % (max_dim + 1));
    return TensorShape(dims);
  }

  // Case kinds (c % 8): 0 one shared shape, 1 scalars, 2 vectors, 3-4 independent random
  // shapes (empty tensors, mismatched ranks); 5-7 shaped like a real call: the data inputs
  // share one shape (5: a cube, every dim equal, so matmul/conv inner dims agree) and the
  // integer inputs after the first are 5 an axis scalar, 6 a permutation of the rank,
  // 7 a [rank, 2] padding matrix. Values are tame on even rounds (c / 8) and hostile
  // integers and NaN/Inf on odd ones; kind 4 is always hostile.
  bool MakeInputs(const std::map<std::string, AttrValue>& attrs, int c, std::mt19937_64& rng,
                  std::vector<Tensor>* inputs) {
    std::vector<DataType> types;
    std::string why;
    if (!InputTypes(attrs, &types, &why)) {
      unfuzzable_ = why;
      return false;
    }
    const int kind = c % 8;
    const bool hostile = kind == 4 || (c / 8) % 2 == 1;
    TensorShape shared = RandomShape(rng, 3);
    if (kind >= 5) {
      const int rank = 1 + static_cast<int>(rng() % 4);
      const int64_t side = 1 + static_cast<int64_t>(rng() % 3);
      std::vector<int64_t> dims(rank, side);
      if (kind != 5) {
        for (int64_t& d : dims) d = 1 + static_cast<int64_t>(rng() % 3);
      }
      shared = TensorShape(dims);
    }
    const int64_t rank = shared.rank();
    for (size_t i = 0; i < types.size(); ++i) {
      const DataType t = types[i];
      const bool integer = t == tensorflow::DT_INT32 || t == tensorflow::DT_INT64;
      TensorShape shape;
      switch (kind) {
        case 0: shape = shared; break;
        case 1: break;
        case 2: shape = TensorShape{static_cast<int64_t>(rng() % 5)}; break;
        case 3:
        case 4: shape = RandomShape(rng, 5); break;
        default:
          if (!integer || i == 0) {
            shape = shared;
          } else if (kind == 6) {
            shape = TensorShape{rank};
          } else if (kind == 7) {
            shape = TensorShape{rank, 2};
          }
          break;
      }
      if (t == tensorflow::DT_VARIANT) {
        inputs->push_back(RandomList(attrs, hostile, rng));
        continue;
      }
      Tensor tensor = RandomValues(t, shape, hostile, rng);
      if (kind >= 5 && integer && i > 0 && !hostile) {
        std::vector<int64_t> values(tensor.num_elements());
        for (size_t j = 0; j < values.size(); ++j) {
          values[j] = kind == 5   ? static_cast<int64_t>(rng() % (rank + 1)) - 1
                      : kind == 6 ? static_cast<int64_t>(j)
                                  : static_cast<int64_t>(rng() % 3);
        }
        if (kind == 6) std::shuffle(values.begin(), values.end(), rng);
        for (size_t j = 0; j < values.size(); ++j) {
          if (t == tensorflow::DT_INT32) {
            tensor.data<int32_t>()[j] = static_cast<int32_t>(values[j]);
          } else {
            tensor.data<int64_t>()[j] = values[j];
          }
        }
      }
      inputs->push_back(std::move(tensor));
    }
    return true;
  }

  // A TensorList (DT_VARIANT) made by TensorListFromTensor from rows of a random tensor of the
  // op's element_dtype (or, hostile, of another dtype), with an unknown element shape.
  static Tensor RandomList(const std::map<std::string, AttrValue>& attrs, bool hostile,
                           std::mt19937_64& rng) {
    DataType dtype = tensorflow::DT_FLOAT;
    if (auto it = attrs.find("element_dtype"); it != attrs.end() && IsFuzzType(it->second.type())) {
      dtype = it->second.type();
    }
    if (hostile && rng() % 2 == 0) dtype = FuzzTypes()[rng() % FuzzTypes().size()];
    std::vector<int64_t> dims(1 + rng() % 3);
    for (int64_t& d : dims) d = static_cast<int64_t>(rng() % 4);
    OpRunner from("TensorListFromTensor");
    from.Attr("element_dtype", dtype).Attr("shape_type", tensorflow::DT_INT32);
    auto list = from.Run({RandomValues(dtype, TensorShape(dims), false, rng),
                          Tensor::Scalar<int32_t>(-1)},
                         KernelVariant::kReference);
    if (!list.ok()) return Tensor(tensorflow::DT_VARIANT, TensorShape{});  // no value inside
    return (*list)[0];
  }

  static Tensor RandomValues(DataType t, const TensorShape& shape, bool hostile,
                             std::mt19937_64& rng) {
    Tensor out(t, shape);
    const int64_t n = out.num_elements();
    // Without the address-space cap (sanitizer builds) values that make legitimately huge
    // outputs (a 2^31-element Fill) would really be allocated and filled, so only values the
    // kernels must refuse outright are used; the capped plain build covers the rest.
    auto pick_hostile = [&rng](bool wide) -> int64_t {
      static const int64_t capped[] = {-1,
                                       -7,
                                       std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int32_t>::max(),
                                       int64_t{1} << 20,
                                       int64_t{1} << 40,
                                       std::numeric_limits<int64_t>::max(),
                                       std::numeric_limits<int64_t>::min()};
      static const int64_t uncapped[] = {-1, -7, std::numeric_limits<int32_t>::min(),
                                         std::numeric_limits<int64_t>::max(),
                                         std::numeric_limits<int64_t>::min()};
      if (!g_sizes_capped) return uncapped[rng() % (wide ? 5 : 3)];
      return capped[rng() % (wide ? 8 : 5)];
    };
    for (int64_t i = 0; i < n; ++i) {
      const bool bad = hostile && rng() % 3 == 0;
      const int64_t small = static_cast<int64_t>(rng() % 8) - 2;  // -2..5
      switch (t) {
        case tensorflow::DT_FLOAT: {
          static const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                                           std::numeric_limits<float>::infinity(),
                                           -std::numeric_limits<float>::infinity(), 0.0f,
                                           1e30f, -1e-30f};
          out.data<float>()[i] = bad ? specials[rng() % 6]
                                     : static_cast<float>(static_cast<double>(rng() % 6001) / 1000.0 - 3.0);
          break;
        }
        case tensorflow::DT_INT32:
          out.data<int32_t>()[i] = static_cast<int32_t>(bad ? pick_hostile(false) : small);
          break;
        case tensorflow::DT_INT64:
          out.data<int64_t>()[i] = bad ? pick_hostile(true) : small;
          break;
        case tensorflow::DT_BOOL: out.data<bool>()[i] = rng() % 2 == 0; break;
        case tensorflow::DT_UINT8:
          out.data<uint8_t>()[i] = static_cast<uint8_t>(bad ? 255 - rng() % 3 : rng() % 6);
          break;
        case tensorflow::DT_STRING: {
          static const char* strings[] = {"", "a", "hello world", "1.5", "\xff\xfe\x80",
                                          "  x  ", "a,b,,c", "-3"};
          out.data<std::string>()[i] = strings[rng() % 8];
          break;
        }
        default: break;
      }
    }
    return out;
  }

  void RunOne(const std::map<std::string, AttrValue>& attrs, const std::vector<Tensor>& inputs,
              KernelVariant variant) {
    OpRunner runner(op_, "fuzz");
    for (const auto& [name, value] : attrs) runner.Attr(name, value);
    runner.NumOutputs(NumOutputs(attrs));
    std::string description = absl::StrCat(
        op_, variant == KernelVariant::kReference ? " [reference]" : " [optimized]", " attrs {");
    for (const auto& [name, value] : attrs) {
      absl::StrAppend(&description, " ", name, ": ", value.ShortDebugString(), ";");
    }
    absl::StrAppend(&description, " } inputs (");
    for (const Tensor& t : inputs) absl::StrAppend(&description, " ", Describe(t), ";");
    absl::StrAppend(&description, " )");
    std::snprintf(g_current_case, sizeof(g_current_case), "%s", description.c_str());
    if (std::getenv("SAVEDSERVE_FUZZ_VERBOSE") != nullptr) {
      std::fprintf(stderr, "fuzz: %s\n", description.c_str());
      std::fflush(stderr);
    }
    g_case_started_ms = NowMs();
    auto out = runner.Run(inputs, variant);
    g_case_started_ms = 0;
    if (out.ok()) {
      ++ok_runs_;
    } else {
      // Errors must name the op; a bare message would not tell a server's user which node.
      if (out.status().message().find(op_) == std::string::npos) {
        unnamed_errors_.push_back(absl::StrCat(description, " -> ", out.status().ToString()));
      }
    }
  }

 public:
  int ok_runs_ = 0;
  std::string unfuzzable_;
  std::vector<std::string> unnamed_errors_;

 private:
  std::string op_;
  const OpDef& def_;
};

TEST(KernelFuzz, EveryKernelSurvivesHostileInputs) {
  const char* only = std::getenv("SAVEDSERVE_FUZZ_OP");
  std::atomic<bool> done{false};
  // Watchdog: a case running more than 20 s is a hang; say which and abort.
  std::thread watchdog([&done] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      const int64_t started = g_case_started_ms;
      if (started != 0 && NowMs() - started > 20000) {
        std::fprintf(stderr, "kernel_fuzz_test: hang (>20 s) in: %s\n", g_current_case);
        std::abort();
      }
    }
  });
  for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) signal(sig, CrashHandler);

  std::vector<std::string> skipped, unfuzzable, unnamed, never_ok;
  int ops = 0, runs = 0, ok_runs = 0;
  const int64_t start = NowMs();
  {
    ScopedAddressSpaceCap cap(size_t{3} << 30);
    g_sizes_capped = cap.active();
    if (cap.active()) {  // The cap works: 4 GiB of floats from a one-element input is refused, not allocated.
      OpRunner fill("Fill");
      fill.Attr("T", tensorflow::DT_FLOAT).Attr("index_type", tensorflow::DT_INT64);
      auto out = fill.Run({Tensor::FromVector<int64_t>(std::vector<int64_t>{int64_t{1} << 30}, {1}),
                           Tensor::Scalar<float>(1)});
      EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted) << out.status();
    }
    for (const std::string& op : KernelRegistry::Global().Ops()) {
      if (only != nullptr && op != only) continue;
      const OpDef* def = RegisteredOpDef(op);
      if (def == nullptr) continue;  // savedserve's internal rewrite ops
      std::string reason;
      if (auto it = SkippedOps().find(op); it != SkippedOps().end()) reason = it->second;
      if (auto it = KnownBadOps().find(op); it != KnownBadOps().end()) {
        reason = "KNOWN BAD: " + it->second;
      }
      if (!reason.empty()) {
        skipped.push_back(absl::StrCat(op, " (", reason, ")"));
        continue;
      }
      Fuzzer fuzzer(op, *def);
      runs += fuzzer.Run();
      ok_runs += fuzzer.ok_runs_;
      ++ops;
      if (fuzzer.ok_runs_ == 0) never_ok.push_back(op);
      if (!fuzzer.unfuzzable_.empty()) {
        unfuzzable.push_back(absl::StrCat(op, " (", fuzzer.unfuzzable_, ")"));
      }
      for (auto& u : fuzzer.unnamed_errors_) unnamed.push_back(std::move(u));
    }
  }
  done = true;
  watchdog.join();
  for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) signal(sig, SIG_DFL);
  std::printf("kernel fuzz: %d ops, %d runs (%d ok) in %lld ms; skipped %zu: %s\n", ops, runs,
              ok_runs, static_cast<long long>(NowMs() - start), skipped.size(),
              absl::StrJoin(skipped, ", ").c_str());
  if (!unfuzzable.empty()) {
    std::printf("some attr sets not fuzzed: %s\n", absl::StrJoin(unfuzzable, ", ").c_str());
  }
  EXPECT_GT(ops, only != nullptr ? 0 : 100);
  if (!never_ok.empty()) {
    std::printf("no case ran without error (inputs not exercised past the checks): %s\n",
                absl::StrJoin(never_ok, ", ").c_str());
  }
  if (!unnamed.empty()) {
    std::printf("%zu errors do not name the op:\n", unnamed.size());
    std::set<std::string> seen;
    for (const std::string& u : unnamed) {
      if (seen.insert(u.substr(0, u.find(' '))).second) std::printf("  %s\n", u.c_str());
    }
  }
}

}  // namespace
}  // namespace savedserve
