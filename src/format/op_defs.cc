#include "format/op_defs.h"

#include <algorithm>
#include <cassert>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/text_format.h"

namespace savedserve {
namespace {

// Each entry is one OpDef in protobuf text format, exactly as TensorFlow registers it
// (inputs, outputs, attrs with types, defaults and allowed values, and the op flags), so
// that a stripped_op_list written here equals the one TensorFlow writes. Attr order and
// allowed-type order follow the REGISTER_OP declarations. Keep entries sorted by name.
constexpr const char* kOpDefs[] = {
    R"pb(name: "Add"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_BFLOAT16,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_UINT8,
                 DT_INT8,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128,
                 DT_STRING
               ]
             }
           }
         })pb",
    R"pb(name: "AddV2"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_BFLOAT16,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_UINT8,
                 DT_INT8,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         }
         is_aggregate: true
         is_commutative: true)pb",
    R"pb(name: "Assign"
         input_arg { name: "ref" type_attr: "T" is_ref: true }
         input_arg { name: "value" type_attr: "T" }
         output_arg { name: "output_ref" type_attr: "T" is_ref: true }
         attr { name: "T" type: "type" }
         attr {
           name: "validate_shape"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "use_locking"
           type: "bool"
           default_value { b: true }
         }
         allows_uninitialized_input: true)pb",
    R"pb(name: "AssignAdd"
         input_arg { name: "ref" type_attr: "T" is_ref: true }
         input_arg { name: "value" type_attr: "T" }
         output_arg { name: "output_ref" type_attr: "T" is_ref: true }
         attr { name: "T" type: "type" }
         attr {
           name: "use_locking"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "AssignVariableOp"
         input_arg { name: "resource" type: DT_RESOURCE }
         input_arg { name: "value" type_attr: "dtype" }
         attr { name: "dtype" type: "type" })pb",
    R"pb(name: "Const"
         output_arg { name: "output" type_attr: "dtype" }
         attr { name: "value" type: "tensor" }
         attr { name: "dtype" type: "type" })pb",
    R"pb(name: "DisableCopyOnRead"
         input_arg { name: "resource" type: DT_RESOURCE })pb",
    R"pb(name: "Fill"
         input_arg { name: "dims" type_attr: "index_type" }
         input_arg { name: "value" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "index_type"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Identity"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "IdentityN"
         input_arg { name: "input" type_list_attr: "T" }
         output_arg { name: "output" type_list_attr: "T" }
         attr { name: "T" type: "list(type)" has_minimum: true minimum: 1 })pb",
    R"pb(name: "MergeV2Checkpoints"
         input_arg { name: "checkpoint_prefixes" type: DT_STRING }
         input_arg { name: "destination_prefix" type: DT_STRING }
         attr {
           name: "delete_old_dirs"
           type: "bool"
           default_value { b: true }
         }
         is_stateful: true)pb",
    R"pb(name: "Mul"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_BFLOAT16,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_UINT8,
                 DT_INT8,
                 DT_UINT16,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         }
         is_commutative: true)pb",
    R"pb(name: "NoOp")pb",
    R"pb(name: "Pack"
         input_arg { name: "values" type_attr: "T" number_attr: "N" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "N" type: "int" has_minimum: true minimum: 1 }
         attr { name: "T" type: "type" }
         attr {
           name: "axis"
           type: "int"
           default_value { i: 0 }
         })pb",
    R"pb(name: "PartitionedCall"
         input_arg { name: "args" type_list_attr: "Tin" }
         output_arg { name: "output" type_list_attr: "Tout" }
         attr { name: "Tin" type: "list(type)" }
         attr { name: "Tout" type: "list(type)" }
         attr { name: "f" type: "func" }
         attr {
           name: "config"
           type: "string"
           default_value { s: "" }
         }
         attr {
           name: "config_proto"
           type: "string"
           default_value { s: "" }
         }
         attr {
           name: "executor_type"
           type: "string"
           default_value { s: "" }
         })pb",
    R"pb(name: "Placeholder"
         output_arg { name: "output" type_attr: "dtype" }
         attr { name: "dtype" type: "type" }
         attr {
           name: "shape"
           type: "shape"
           default_value { shape { unknown_rank: true } }
         })pb",
    R"pb(name: "PlaceholderWithDefault"
         input_arg { name: "input" type_attr: "dtype" }
         output_arg { name: "output" type_attr: "dtype" }
         attr { name: "dtype" type: "type" }
         attr { name: "shape" type: "shape" })pb",
    R"pb(name: "ReadVariableOp"
         input_arg { name: "resource" type: DT_RESOURCE }
         output_arg { name: "value" type_attr: "dtype" }
         attr { name: "dtype" type: "type" })pb",
    R"pb(name: "RestoreV2"
         input_arg { name: "prefix" type: DT_STRING }
         input_arg { name: "tensor_names" type: DT_STRING }
         input_arg { name: "shape_and_slices" type: DT_STRING }
         output_arg { name: "tensors" type_list_attr: "dtypes" }
         attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
         is_stateful: true)pb",
    R"pb(name: "SaveV2"
         input_arg { name: "prefix" type: DT_STRING }
         input_arg { name: "tensor_names" type: DT_STRING }
         input_arg { name: "shape_and_slices" type: DT_STRING }
         input_arg { name: "tensors" type_list_attr: "dtypes" }
         attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
         is_stateful: true)pb",
    R"pb(name: "ShardedFilename"
         input_arg { name: "basename" type: DT_STRING }
         input_arg { name: "shard" type: DT_INT32 }
         input_arg { name: "num_shards" type: DT_INT32 }
         output_arg { name: "filename" type: DT_STRING })pb",
    R"pb(name: "StatefulPartitionedCall"
         input_arg { name: "args" type_list_attr: "Tin" }
         output_arg { name: "output" type_list_attr: "Tout" }
         attr { name: "Tin" type: "list(type)" }
         attr { name: "Tout" type: "list(type)" }
         attr { name: "f" type: "func" }
         attr {
           name: "config"
           type: "string"
           default_value { s: "" }
         }
         attr {
           name: "config_proto"
           type: "string"
           default_value { s: "" }
         }
         attr {
           name: "executor_type"
           type: "string"
           default_value { s: "" }
         }
         is_stateful: true)pb",
    R"pb(name: "StaticRegexFullMatch"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_BOOL }
         attr { name: "pattern" type: "string" })pb",
    R"pb(name: "StopGradient"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "StringJoin"
         input_arg { name: "inputs" type: DT_STRING number_attr: "N" }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "N" type: "int" has_minimum: true minimum: 1 }
         attr {
           name: "separator"
           type: "string"
           default_value { s: "" }
         })pb",
    R"pb(name: "Sub"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_BFLOAT16,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_UINT8,
                 DT_INT8,
                 DT_UINT16,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "VarHandleOp"
         output_arg { name: "resource" type: DT_RESOURCE }
         attr {
           name: "container"
           type: "string"
           default_value { s: "" }
         }
         attr {
           name: "shared_name"
           type: "string"
           default_value { s: "" }
         }
         attr { name: "dtype" type: "type" }
         attr { name: "shape" type: "shape" })pb",
    R"pb(name: "VarIsInitializedOp"
         input_arg { name: "resource" type: DT_RESOURCE }
         output_arg { name: "is_initialized" type: DT_BOOL })pb",
    R"pb(name: "Variable"
         output_arg { name: "ref" type_attr: "dtype" is_ref: true }
         attr { name: "shape" type: "shape" }
         attr { name: "dtype" type: "type" }
         attr {
           name: "container"
           type: "string"
           default_value { s: "" }
         }
         attr {
           name: "shared_name"
           type: "string"
           default_value { s: "" }
         })pb",
    R"pb(name: "VariableV2"
         output_arg { name: "ref" type_attr: "dtype" is_ref: true }
         attr { name: "shape" type: "shape" }
         attr { name: "dtype" type: "type" }
         attr {
           name: "container"
           type: "string"
           default_value { s: "" }
         }
         attr {
           name: "shared_name"
           type: "string"
           default_value { s: "" }
         }
         is_stateful: true)pb",
    R"pb(name: "_Arg"
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr { name: "index" type: "int" })pb",
};

using OpDefTable = absl::flat_hash_map<std::string, tensorflow::OpDef>;

const OpDefTable& Table() {
  static const OpDefTable* table = [] {
    auto* t = new OpDefTable;
    for (const char* text : kOpDefs) {
      tensorflow::OpDef def;
      bool parsed = google::protobuf::TextFormat::ParseFromString(text, &def);
      assert(parsed && "malformed OpDef text in op_defs.cc");
      (void)parsed;
      (*t)[def.name()] = std::move(def);
    }
    return t;
  }();
  return *table;
}

}  // namespace

const tensorflow::OpDef* RegisteredOpDef(absl::string_view op) {
  auto it = Table().find(std::string(op));
  return it == Table().end() ? nullptr : &it->second;
}

const tensorflow::OpList& RegisteredOpList() {
  static const tensorflow::OpList* list = [] {
    auto* l = new tensorflow::OpList;
    for (const std::string& name : RegisteredOpNames()) *l->add_op() = Table().at(name);
    return l;
  }();
  return *list;
}

std::vector<std::string> RegisteredOpNames() {
  std::vector<std::string> names;
  for (const auto& [name, def] : Table()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace savedserve
