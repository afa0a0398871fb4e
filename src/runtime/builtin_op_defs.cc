// OpDefs (as TensorFlow registers them, docs omitted) of the graph-plumbing, state and
// call ops, as a fallback when a graph carries no stripped_op_list.
#include <cassert>

#include "google/protobuf/text_format.h"
#include "runtime/op_signatures.h"

namespace savedserve {
namespace {

constexpr char kBuiltinOps[] = R"pb(
  op {
    name: "Const"
    output_arg { name: "output" type_attr: "dtype" }
    attr { name: "value" type: "tensor" }
    attr { name: "dtype" type: "type" }
  }
  op {
    name: "Placeholder"
    output_arg { name: "output" type_attr: "dtype" }
    attr { name: "dtype" type: "type" }
    attr {
      name: "shape"
      type: "shape"
      default_value { shape { unknown_rank: true } }
    }
  }
  op {
    name: "PlaceholderWithDefault"
    input_arg { name: "input" type_attr: "dtype" }
    output_arg { name: "output" type_attr: "dtype" }
    attr { name: "dtype" type: "type" }
    attr { name: "shape" type: "shape" }
  }
  op {
    name: "Identity"
    input_arg { name: "input" type_attr: "T" }
    output_arg { name: "output" type_attr: "T" }
    attr { name: "T" type: "type" }
  }
  op {
    name: "StopGradient"
    input_arg { name: "input" type_attr: "T" }
    output_arg { name: "output" type_attr: "T" }
    attr { name: "T" type: "type" }
  }
  op {
    name: "IdentityN"
    input_arg { name: "input" type_list_attr: "T" }
    output_arg { name: "output" type_list_attr: "T" }
    attr { name: "T" type: "list(type)" has_minimum: true minimum: 1 }
  }
  op { name: "NoOp" }
  op {
    name: "_Arg"
    output_arg { name: "output" type_attr: "T" }
    attr { name: "T" type: "type" }
    attr { name: "index" type: "int" }
  }
  op {
    name: "VariableV2"
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
  }
  op {
    name: "Variable"
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
  }
  op {
    name: "Assign"
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
  }
  op {
    name: "AssignAdd"
    input_arg { name: "ref" type_attr: "T" is_ref: true }
    input_arg { name: "value" type_attr: "T" }
    output_arg { name: "output_ref" type_attr: "T" is_ref: true }
    attr { name: "T" type: "type" }
    attr {
      name: "use_locking"
      type: "bool"
      default_value { b: false }
    }
  }
  op {
    name: "VarHandleOp"
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
    attr { name: "shape" type: "shape" }
  }
  op {
    name: "ReadVariableOp"
    input_arg { name: "resource" type: DT_RESOURCE }
    output_arg { name: "value" type_attr: "dtype" }
    attr { name: "dtype" type: "type" }
  }
  op {
    name: "AssignVariableOp"
    input_arg { name: "resource" type: DT_RESOURCE }
    input_arg { name: "value" type_attr: "dtype" }
    attr { name: "dtype" type: "type" }
  }
  op {
    name: "VarIsInitializedOp"
    input_arg { name: "resource" type: DT_RESOURCE }
    output_arg { name: "is_initialized" type: DT_BOOL }
  }
  op {
    name: "DisableCopyOnRead"
    input_arg { name: "resource" type: DT_RESOURCE }
  }
  op {
    name: "RestoreV2"
    input_arg { name: "prefix" type: DT_STRING }
    input_arg { name: "tensor_names" type: DT_STRING }
    input_arg { name: "shape_and_slices" type: DT_STRING }
    output_arg { name: "tensors" type_list_attr: "dtypes" }
    attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
  }
  op {
    name: "SaveV2"
    input_arg { name: "prefix" type: DT_STRING }
    input_arg { name: "tensor_names" type: DT_STRING }
    input_arg { name: "shape_and_slices" type: DT_STRING }
    input_arg { name: "tensors" type_list_attr: "dtypes" }
    attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
  }
  op {
    name: "MergeV2Checkpoints"
    input_arg { name: "checkpoint_prefixes" type: DT_STRING }
    input_arg { name: "destination_prefix" type: DT_STRING }
    attr {
      name: "delete_old_dirs"
      type: "bool"
      default_value { b: true }
    }
  }
  op {
    name: "ShardedFilename"
    input_arg { name: "basename" type: DT_STRING }
    input_arg { name: "shard" type: DT_INT32 }
    input_arg { name: "num_shards" type: DT_INT32 }
    output_arg { name: "filename" type: DT_STRING }
  }
  op {
    name: "StringJoin"
    input_arg { name: "inputs" type: DT_STRING number_attr: "N" }
    output_arg { name: "output" type: DT_STRING }
    attr { name: "N" type: "int" has_minimum: true minimum: 1 }
    attr {
      name: "separator"
      type: "string"
      default_value { s: "" }
    }
  }
  op {
    name: "StaticRegexFullMatch"
    input_arg { name: "input" type: DT_STRING }
    output_arg { name: "output" type: DT_BOOL }
    attr { name: "pattern" type: "string" }
  }
  op {
    name: "PartitionedCall"
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
  }
  op {
    name: "StatefulPartitionedCall"
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
    is_stateful: true
  }
)pb";

}  // namespace

const tensorflow::OpList& BuiltinOpDefs() {
  static const tensorflow::OpList* ops = [] {
    auto* list = new tensorflow::OpList;
    const bool ok = google::protobuf::TextFormat::ParseFromString(kBuiltinOps, list);
    (void)ok;
    assert(ok && "builtin op defs must parse");
    return list;
  }();
  return *ops;
}

}  // namespace savedserve
