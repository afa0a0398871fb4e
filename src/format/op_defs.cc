#include "format/op_defs.h"

#include <algorithm>
#include <cassert>
#include <iterator>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"

namespace savedserve {
namespace {

// Each entry is one OpDef in protobuf text format, exactly as TensorFlow registers it
// (inputs, outputs, attrs with types, defaults and allowed values, and the op flags), so
// that a stripped_op_list written here equals the one TensorFlow writes. Attr order and
// allowed-type order follow the REGISTER_OP declarations. Keep entries sorted by name.
constexpr const char* kOpDefs[] = {
    R"pb(name: "Abs"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 ] }
           }
         })pb",
    R"pb(name: "Acos"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "Acosh"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
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
    R"pb(name: "AddN"
         input_arg { name: "inputs" type_attr: "T" number_attr: "N" }
         output_arg { name: "sum" type_attr: "T" }
         attr { name: "N" type: "int" has_minimum: true minimum: 1 }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64,
                 DT_VARIANT
               ]
             }
           }
         }
         is_aggregate: true
         is_commutative: true)pb",
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
    R"pb(name: "All"
         input_arg { name: "input" type: DT_BOOL }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type: DT_BOOL }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Any"
         input_arg { name: "input" type: DT_BOOL }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type: DT_BOOL }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "ArgMax"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "dimension" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "output_type" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "output_type"
           type: "type"
           default_value { type: DT_INT64 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "ArgMin"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "dimension" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "output_type" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "output_type"
           type: "type"
           default_value { type: DT_INT64 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "AsString"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type: DT_STRING }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_INT64, DT_BFLOAT16,
                 DT_UINT16, DT_HALF, DT_UINT32, DT_UINT64, DT_COMPLEX64, DT_COMPLEX128, DT_BOOL,
                 DT_VARIANT, DT_STRING
               ]
             }
           }
         }
         attr { name: "precision" type: "int" default_value { i: -1 } }
         attr { name: "scientific" type: "bool" default_value { b: false } }
         attr { name: "shortest" type: "bool" default_value { b: false } }
         attr { name: "width" type: "int" default_value { i: -1 } }
         attr { name: "fill" type: "string" default_value { s: "" } })pb",
    R"pb(name: "Asin"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "Asinh"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
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
    R"pb(name: "Atan"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "Atan2"
         input_arg { name: "y" type_attr: "T" }
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "Atanh"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "AvgPool"
         input_arg { name: "value" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "ksize" type: "list(int)" has_minimum: true minimum: 4 }
         attr { name: "strides" type: "list(int)" has_minimum: true minimum: 4 }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID" ] } }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "BatchMatMul"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         }
         attr {
           name: "adj_x"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "adj_y"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "BatchMatMulV2"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         }
         attr {
           name: "adj_x"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "adj_y"
           type: "bool"
           default_value { b: false }
         })pb",
    // Not in TF 1.15: as TF 2.6 registers it (grad_x/grad_y, added later, left out as on
    // MatMul and BatchMatMulV2).
    R"pb(name: "BatchMatMulV3"
         input_arg { name: "x" type_attr: "Ta" }
         input_arg { name: "y" type_attr: "Tb" }
         output_arg { name: "output" type_attr: "Tout" }
         attr {
           name: "Ta"
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
         attr {
           name: "Tb"
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
         attr {
           name: "Tout"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_BFLOAT16,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         }
         attr {
           name: "adj_x"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "adj_y"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "BatchToSpaceND"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "block_shape" type_attr: "Tblock_shape" }
         input_arg { name: "crops" type_attr: "Tcrops" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tblock_shape"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tcrops"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "BiasAdd"
         input_arg { name: "value" type_attr: "T" }
         input_arg { name: "bias" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         })pb",
    R"pb(name: "BiasAddV1"
         input_arg { name: "value" type_attr: "T" }
         input_arg { name: "bias" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "BroadcastTo"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "shape" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Bucketize"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type: DT_INT32 }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr { name: "boundaries" type: "list(float)" })pb",
    R"pb(name: "Case"
         input_arg { name: "branch_index" type: DT_INT32 }
         input_arg { name: "input" type_list_attr: "Tin" }
         output_arg { name: "output" type_list_attr: "Tout" }
         attr { name: "Tin" type: "list(type)" has_minimum: true }
         attr { name: "Tout" type: "list(type)" has_minimum: true }
         attr {
           name: "branches"
           type: "list(func)"
           has_minimum: true
           minimum: 1
         }
         attr {
           name: "output_shapes"
           type: "list(shape)"
           default_value { list {} }
         }
         is_stateful: true)pb",
    R"pb(name: "Cast"
         input_arg { name: "x" type_attr: "SrcT" }
         output_arg { name: "y" type_attr: "DstT" }
         attr { name: "SrcT" type: "type" }
         attr { name: "DstT" type: "type" }
         attr {
           name: "Truncate"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "Ceil"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "CheckNumerics"
         input_arg { name: "tensor" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr { name: "message" type: "string" }
         is_stateful: true)pb",
    R"pb(name: "ClipByValue"
         input_arg { name: "t" type_attr: "T" }
         input_arg { name: "clip_value_min" type_attr: "T" }
         input_arg { name: "clip_value_max" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "CombinedNonMaxSuppression"
         input_arg { name: "boxes" type: DT_FLOAT }
         input_arg { name: "scores" type: DT_FLOAT }
         input_arg { name: "max_output_size_per_class" type: DT_INT32 }
         input_arg { name: "max_total_size" type: DT_INT32 }
         input_arg { name: "iou_threshold" type: DT_FLOAT }
         input_arg { name: "score_threshold" type: DT_FLOAT }
         output_arg { name: "nmsed_boxes" type: DT_FLOAT }
         output_arg { name: "nmsed_scores" type: DT_FLOAT }
         output_arg { name: "nmsed_classes" type: DT_FLOAT }
         output_arg { name: "valid_detections" type: DT_INT32 }
         attr {
           name: "pad_per_class"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "clip_boxes"
           type: "bool"
           default_value { b: true }
         })pb",
    R"pb(name: "Concat"
         input_arg { name: "concat_dim" type: DT_INT32 }
         input_arg { name: "values" type_attr: "T" number_attr: "N" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "N" type: "int" has_minimum: true minimum: 2 }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "ConcatV2"
         input_arg { name: "values" type_attr: "T" number_attr: "N" }
         input_arg { name: "axis" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "N" type: "int" has_minimum: true minimum: 2 }
         attr { name: "T" type: "type" }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Const"
         output_arg { name: "output" type_attr: "dtype" }
         attr { name: "value" type: "tensor" }
         attr { name: "dtype" type: "type" })pb",
    R"pb(name: "ControlTrigger")pb",
    R"pb(name: "Conv2D"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "filter" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr { name: "strides" type: "list(int)" }
         attr {
           name: "use_cudnn_on_gpu"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID", "EXPLICIT" ] } }
         }
         attr {
           name: "explicit_paddings"
           type: "list(int)"
           default_value { list {} }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "dilations"
           type: "list(int)"
           default_value { list { i: [ 1, 1, 1, 1 ] } }
         })pb",
    R"pb(name: "Conv2DBackpropInput"
         input_arg { name: "input_sizes" type: DT_INT32 }
         input_arg { name: "filter" type_attr: "T" }
         input_arg { name: "out_backprop" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE, DT_INT32 ] }
           }
         }
         attr { name: "strides" type: "list(int)" }
         attr {
           name: "use_cudnn_on_gpu"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID", "EXPLICIT" ] } }
         }
         attr {
           name: "explicit_paddings"
           type: "list(int)"
           default_value { list {} }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "dilations"
           type: "list(int)"
           default_value { list { i: [ 1, 1, 1, 1 ] } }
         })pb",
    R"pb(name: "Conv3D"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "filter" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr { name: "strides" type: "list(int)" has_minimum: true minimum: 5 }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID" ] } }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NDHWC" }
           allowed_values { list { s: [ "NDHWC", "NCDHW" ] } }
         }
         attr {
           name: "dilations"
           type: "list(int)"
           default_value { list { i: [ 1, 1, 1, 1, 1 ] } }
         })pb",
    R"pb(name: "Cos"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "Cosh"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "CropAndResize"
         input_arg { name: "image" type_attr: "T" }
         input_arg { name: "boxes" type: DT_FLOAT }
         input_arg { name: "box_ind" type: DT_INT32 }
         input_arg { name: "crop_size" type: DT_INT32 }
         output_arg { name: "crops" type: DT_FLOAT }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_UINT8,
                 DT_UINT16,
                 DT_INT8,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE
               ]
             }
           }
         }
         attr {
           name: "method"
           type: "string"
           default_value { s: "bilinear" }
           allowed_values { list { s: [ "bilinear", "nearest" ] } }
         }
         attr {
           name: "extrapolation_value"
           type: "float"
           default_value { f: 0 }
         })pb",
    R"pb(name: "Cumprod"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "axis" type_attr: "Tidx" }
         output_arg { name: "out" type_attr: "T" }
         attr {
           name: "exclusive"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "reverse"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Cumsum"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "axis" type_attr: "Tidx" }
         output_arg { name: "out" type_attr: "T" }
         attr {
           name: "exclusive"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "reverse"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "DecodeBmp"
         input_arg { name: "contents" type: DT_STRING }
         output_arg { name: "image" type: DT_UINT8 }
         attr {
           name: "channels"
           type: "int"
           default_value { i: 0 }
         })pb",
    // Not in TF 1.15: as TF 2.3 registers it.
    R"pb(name: "DecodeImage"
         input_arg { name: "contents" type: DT_STRING }
         output_arg { name: "image" type_attr: "dtype" }
         attr {
           name: "channels"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "dtype"
           type: "type"
           default_value { type: DT_UINT8 }
           allowed_values { list { type: [ DT_UINT8, DT_UINT16, DT_FLOAT ] } }
         }
         attr {
           name: "expand_animations"
           type: "bool"
           default_value { b: true }
         })pb",
    R"pb(name: "DecodeJpeg"
         input_arg { name: "contents" type: DT_STRING }
         output_arg { name: "image" type: DT_UINT8 }
         attr {
           name: "channels"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "ratio"
           type: "int"
           default_value { i: 1 }
         }
         attr {
           name: "fancy_upscaling"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "try_recover_truncated"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "acceptable_fraction"
           type: "float"
           default_value { f: 1 }
         }
         attr {
           name: "dct_method"
           type: "string"
           default_value { s: "" }
         })pb",
    R"pb(name: "DecodePng"
         input_arg { name: "contents" type: DT_STRING }
         output_arg { name: "image" type_attr: "dtype" }
         attr {
           name: "channels"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "dtype"
           type: "type"
           default_value { type: DT_UINT8 }
           allowed_values { list { type: [ DT_UINT8, DT_UINT16 ] } }
         })pb",
    R"pb(name: "DepthwiseConv2dNative"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "filter" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr { name: "strides" type: "list(int)" }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID" ] } }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "dilations"
           type: "list(int)"
           default_value { list { i: [ 1, 1, 1, 1 ] } }
         })pb",
    R"pb(name: "DisableCopyOnRead"
         input_arg { name: "resource" type: DT_RESOURCE })pb",
    R"pb(name: "Div"
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
    R"pb(name: "DivNoNan"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ] }
           }
         })pb",
    R"pb(name: "Einsum"
         input_arg { name: "inputs" type_attr: "T" number_attr: "N" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "equation" type: "string" }
         attr { name: "N" type: "int" has_minimum: true minimum: 1 }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "Elu"
         input_arg { name: "features" type_attr: "T" }
         output_arg { name: "activations" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "EmptyTensorList"
         input_arg { name: "element_shape" type_attr: "shape_type" }
         input_arg { name: "max_num_elements" type: DT_INT32 }
         output_arg { name: "handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "EnsureShape"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "shape" type: "shape" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "Enter"
         input_arg { name: "data" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr { name: "frame_name" type: "string" }
         attr {
           name: "is_constant"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "parallel_iterations"
           type: "int"
           default_value { i: 10 }
         })pb",
    R"pb(name: "Equal"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type: DT_BOOL }
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
                 DT_QUINT8,
                 DT_QINT8,
                 DT_QINT32,
                 DT_STRING,
                 DT_BOOL,
                 DT_COMPLEX128
               ]
             }
           }
         }
         attr {
           name: "incompatible_shape_error"
           type: "bool"
           default_value { b: true }
         }
         is_commutative: true)pb",
    R"pb(name: "Erf"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "Erfc"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "EuclideanNorm"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Exit"
         input_arg { name: "data" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "Exp"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "ExpandDims"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "dim" type_attr: "Tdim" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tdim"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Expm1"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
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
    R"pb(name: "Floor"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "FloorDiv"
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
    R"pb(name: "FloorMod"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_INT32, DT_INT64, DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] }
           }
         })pb",
    R"pb(name: "FusedBatchNorm"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "scale" type_attr: "T" }
         input_arg { name: "offset" type_attr: "T" }
         input_arg { name: "mean" type_attr: "T" }
         input_arg { name: "variance" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         output_arg { name: "batch_mean" type_attr: "T" }
         output_arg { name: "batch_variance" type_attr: "T" }
         output_arg { name: "reserve_space_1" type_attr: "T" }
         output_arg { name: "reserve_space_2" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: DT_FLOAT } }
         }
         attr {
           name: "epsilon"
           type: "float"
           default_value { f: 0.0001 }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "is_training"
           type: "bool"
           default_value { b: true }
         })pb",
    R"pb(name: "FusedBatchNormV2"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "scale" type_attr: "U" }
         input_arg { name: "offset" type_attr: "U" }
         input_arg { name: "mean" type_attr: "U" }
         input_arg { name: "variance" type_attr: "U" }
         output_arg { name: "y" type_attr: "T" }
         output_arg { name: "batch_mean" type_attr: "U" }
         output_arg { name: "batch_variance" type_attr: "U" }
         output_arg { name: "reserve_space_1" type_attr: "U" }
         output_arg { name: "reserve_space_2" type_attr: "U" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT ] } }
         }
         attr {
           name: "U"
           type: "type"
           allowed_values { list { type: DT_FLOAT } }
         }
         attr {
           name: "epsilon"
           type: "float"
           default_value { f: 0.0001 }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "is_training"
           type: "bool"
           default_value { b: true }
         })pb",
    R"pb(name: "FusedBatchNormV3"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "scale" type_attr: "U" }
         input_arg { name: "offset" type_attr: "U" }
         input_arg { name: "mean" type_attr: "U" }
         input_arg { name: "variance" type_attr: "U" }
         output_arg { name: "y" type_attr: "T" }
         output_arg { name: "batch_mean" type_attr: "U" }
         output_arg { name: "batch_variance" type_attr: "U" }
         output_arg { name: "reserve_space_1" type_attr: "U" }
         output_arg { name: "reserve_space_2" type_attr: "U" }
         output_arg { name: "reserve_space_3" type_attr: "U" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT ] } }
         }
         attr {
           name: "U"
           type: "type"
           allowed_values { list { type: DT_FLOAT } }
         }
         attr {
           name: "epsilon"
           type: "float"
           default_value { f: 0.0001 }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "is_training"
           type: "bool"
           default_value { b: true }
         })pb",
    R"pb(name: "Gather"
         input_arg { name: "params" type_attr: "Tparams" }
         input_arg { name: "indices" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "Tparams" }
         attr {
           name: "validate_indices"
           type: "bool"
           default_value { b: true }
         }
         attr { name: "Tparams" type: "type" }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "GatherNd"
         input_arg { name: "params" type_attr: "Tparams" }
         input_arg { name: "indices" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "Tparams" }
         attr { name: "Tparams" type: "type" }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "GatherV2"
         input_arg { name: "params" type_attr: "Tparams" }
         input_arg { name: "indices" type_attr: "Tindices" }
         input_arg { name: "axis" type_attr: "Taxis" }
         output_arg { name: "output" type_attr: "Tparams" }
         attr {
           name: "batch_dims"
           type: "int"
           default_value { i: 0 }
         }
         attr { name: "Tparams" type: "type" }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Taxis"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Greater"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type: DT_BOOL }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "GreaterEqual"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type: DT_BOOL }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "HashTable"
         output_arg { name: "table_handle" type: DT_STRING is_ref: true }
         attr { name: "container" type: "string" default_value { s: "" } }
         attr { name: "shared_name" type: "string" default_value { s: "" } }
         attr { name: "use_node_name_sharing" type: "bool" default_value { b: false } }
         attr { name: "key_dtype" type: "type" }
         attr { name: "value_dtype" type: "type" }
         is_stateful: true)pb",
    R"pb(name: "HashTableV2"
         output_arg { name: "table_handle" type: DT_RESOURCE }
         attr { name: "container" type: "string" default_value { s: "" } }
         attr { name: "shared_name" type: "string" default_value { s: "" } }
         attr { name: "use_node_name_sharing" type: "bool" default_value { b: false } }
         attr { name: "key_dtype" type: "type" }
         attr { name: "value_dtype" type: "type" }
         is_stateful: true)pb",
    R"pb(name: "Identity"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "IdentityN"
         input_arg { name: "input" type_list_attr: "T" }
         output_arg { name: "output" type_list_attr: "T" }
         attr { name: "T" type: "list(type)" has_minimum: true minimum: 1 })pb",
    R"pb(name: "If"
         input_arg { name: "cond" type_attr: "Tcond" }
         input_arg { name: "input" type_list_attr: "Tin" }
         output_arg { name: "output" type_list_attr: "Tout" }
         attr { name: "Tcond" type: "type" }
         attr { name: "Tin" type: "list(type)" has_minimum: true }
         attr { name: "Tout" type: "list(type)" has_minimum: true }
         attr { name: "then_branch" type: "func" }
         attr { name: "else_branch" type: "func" }
         attr {
           name: "output_shapes"
           type: "list(shape)"
           default_value { list {} }
         }
         is_stateful: true)pb",
    R"pb(name: "InitializeTable"
         input_arg { name: "table_handle" type: DT_STRING is_ref: true }
         input_arg { name: "keys" type_attr: "Tkey" }
         input_arg { name: "values" type_attr: "Tval" }
         attr { name: "Tkey" type: "type" }
         attr { name: "Tval" type: "type" })pb",
    R"pb(name: "InitializeTableFromTextFile"
         input_arg { name: "table_handle" type: DT_STRING is_ref: true }
         input_arg { name: "filename" type: DT_STRING }
         attr { name: "key_index" type: "int" has_minimum: true minimum: -2 }
         attr { name: "value_index" type: "int" has_minimum: true minimum: -2 }
         attr {
           name: "vocab_size"
           type: "int"
           default_value { i: -1 }
           has_minimum: true
           minimum: -1
         }
         attr { name: "delimiter" type: "string" default_value { s: "\t" } }
         attr { name: "offset" type: "int" default_value { i: 0 } })pb",
    R"pb(name: "InitializeTableFromTextFileV2"
         input_arg { name: "table_handle" type: DT_RESOURCE }
         input_arg { name: "filename" type: DT_STRING }
         attr { name: "key_index" type: "int" has_minimum: true minimum: -2 }
         attr { name: "value_index" type: "int" has_minimum: true minimum: -2 }
         attr {
           name: "vocab_size"
           type: "int"
           default_value { i: -1 }
           has_minimum: true
           minimum: -1
         }
         attr { name: "delimiter" type: "string" default_value { s: "\t" } }
         attr { name: "offset" type: "int" default_value { i: 0 } }
         is_stateful: true)pb",
    R"pb(name: "InitializeTableV2"
         input_arg { name: "table_handle" type: DT_RESOURCE }
         input_arg { name: "keys" type_attr: "Tkey" }
         input_arg { name: "values" type_attr: "Tval" }
         attr { name: "Tkey" type: "type" }
         attr { name: "Tval" type: "type" }
         is_stateful: true)pb",
    R"pb(name: "Inv"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "IsFinite"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type: DT_BOOL }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "IsInf"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type: DT_BOOL }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "IsNan"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type: DT_BOOL }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "LRN"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "depth_radius"
           type: "int"
           default_value { i: 5 }
         }
         attr {
           name: "bias"
           type: "float"
           default_value { f: 1 }
         }
         attr {
           name: "alpha"
           type: "float"
           default_value { f: 1 }
         }
         attr {
           name: "beta"
           type: "float"
           default_value { f: 0.5 }
         }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT ] } }
         })pb",
    R"pb(name: "LeakyRelu"
         input_arg { name: "features" type_attr: "T" }
         output_arg { name: "activations" type_attr: "T" }
         attr {
           name: "alpha"
           type: "float"
           default_value { f: 0.2 }
         }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "Less"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type: DT_BOOL }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "LessEqual"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type: DT_BOOL }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "Log"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "Log1p"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "LogSoftmax"
         input_arg { name: "logits" type_attr: "T" }
         output_arg { name: "logsoftmax" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "LogicalAnd"
         input_arg { name: "x" type: DT_BOOL }
         input_arg { name: "y" type: DT_BOOL }
         output_arg { name: "z" type: DT_BOOL }
         is_commutative: true)pb",
    R"pb(name: "LogicalNot"
         input_arg { name: "x" type: DT_BOOL }
         output_arg { name: "y" type: DT_BOOL })pb",
    R"pb(name: "LogicalOr"
         input_arg { name: "x" type: DT_BOOL }
         input_arg { name: "y" type: DT_BOOL }
         output_arg { name: "z" type: DT_BOOL }
         is_commutative: true)pb",
    R"pb(name: "LookupTableFind"
         input_arg { name: "table_handle" type: DT_STRING is_ref: true }
         input_arg { name: "keys" type_attr: "Tin" }
         input_arg { name: "default_value" type_attr: "Tout" }
         output_arg { name: "values" type_attr: "Tout" }
         attr { name: "Tin" type: "type" }
         attr { name: "Tout" type: "type" })pb",
    R"pb(name: "LookupTableFindV2"
         input_arg { name: "table_handle" type: DT_RESOURCE }
         input_arg { name: "keys" type_attr: "Tin" }
         input_arg { name: "default_value" type_attr: "Tout" }
         output_arg { name: "values" type_attr: "Tout" }
         attr { name: "Tin" type: "type" }
         attr { name: "Tout" type: "type" }
         is_stateful: true)pb",
    R"pb(name: "LookupTableImport"
         input_arg { name: "table_handle" type: DT_STRING is_ref: true }
         input_arg { name: "keys" type_attr: "Tin" }
         input_arg { name: "values" type_attr: "Tout" }
         attr { name: "Tin" type: "type" }
         attr { name: "Tout" type: "type" })pb",
    R"pb(name: "LookupTableImportV2"
         input_arg { name: "table_handle" type: DT_RESOURCE }
         input_arg { name: "keys" type_attr: "Tin" }
         input_arg { name: "values" type_attr: "Tout" }
         attr { name: "Tin" type: "type" }
         attr { name: "Tout" type: "type" }
         is_stateful: true)pb",
    R"pb(name: "LookupTableSize"
         input_arg { name: "table_handle" type: DT_STRING is_ref: true }
         output_arg { name: "size" type: DT_INT64 })pb",
    R"pb(name: "LookupTableSizeV2"
         input_arg { name: "table_handle" type: DT_RESOURCE }
         output_arg { name: "size" type: DT_INT64 }
         is_stateful: true)pb",
    R"pb(name: "LoopCond"
         input_arg { name: "input" type: DT_BOOL }
         output_arg { name: "output" type: DT_BOOL })pb",
    R"pb(name: "MatMul"
         input_arg { name: "a" type_attr: "T" }
         input_arg { name: "b" type_attr: "T" }
         output_arg { name: "product" type_attr: "T" }
         attr {
           name: "transpose_a"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "transpose_b"
           type: "bool"
           default_value { b: false }
         }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "MatrixBandPart"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "num_lower" type_attr: "Tindex" }
         input_arg { name: "num_upper" type_attr: "Tindex" }
         output_arg { name: "band" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tindex"
           type: "type"
           default_value { type: DT_INT64 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Max"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "MaxPool"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values {
             list {
               type: [
                 DT_HALF,
                 DT_BFLOAT16,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_INT64,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_UINT16,
                 DT_QINT8
               ]
             }
           }
         }
         attr { name: "ksize" type: "list(int)" has_minimum: true minimum: 4 }
         attr { name: "strides" type: "list(int)" has_minimum: true minimum: 4 }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID" ] } }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW", "NCHW_VECT_C" ] } }
         })pb",
    R"pb(name: "Maximum"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 ] }
           }
         }
         is_commutative: true)pb",
    R"pb(name: "Mean"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Merge"
         input_arg { name: "inputs" type_attr: "T" number_attr: "N" }
         output_arg { name: "output" type_attr: "T" }
         output_arg { name: "value_index" type: DT_INT32 }
         attr { name: "T" type: "type" }
         attr { name: "N" type: "int" has_minimum: true minimum: 1 })pb",
    R"pb(name: "MergeV2Checkpoints"
         input_arg { name: "checkpoint_prefixes" type: DT_STRING }
         input_arg { name: "destination_prefix" type: DT_STRING }
         attr {
           name: "delete_old_dirs"
           type: "bool"
           default_value { b: true }
         }
         is_stateful: true)pb",
    R"pb(name: "Min"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Minimum"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 ] }
           }
         }
         is_commutative: true)pb",
    R"pb(name: "MirrorPad"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "paddings" type_attr: "Tpaddings" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tpaddings"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "mode"
           type: "string"
           allowed_values { list { s: [ "REFLECT", "SYMMETRIC" ] } }
         })pb",
    R"pb(name: "Mod"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_INT32, DT_INT64, DT_HALF, DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ]
             }
           }
         })pb",
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
    R"pb(name: "MulNoNan"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ] }
           }
         })pb",
    R"pb(name: "Neg"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "NextIteration"
         input_arg { name: "data" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "NoOp")pb",
    R"pb(name: "NonMaxSuppression"
         input_arg { name: "boxes" type: DT_FLOAT }
         input_arg { name: "scores" type: DT_FLOAT }
         input_arg { name: "max_output_size" type: DT_INT32 }
         output_arg { name: "selected_indices" type: DT_INT32 }
         attr {
           name: "iou_threshold"
           type: "float"
           default_value { f: 0.5 }
         })pb",
    R"pb(name: "NonMaxSuppressionV2"
         input_arg { name: "boxes" type_attr: "T" }
         input_arg { name: "scores" type_attr: "T" }
         input_arg { name: "max_output_size" type: DT_INT32 }
         input_arg { name: "iou_threshold" type_attr: "T_threshold" }
         output_arg { name: "selected_indices" type: DT_INT32 }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_FLOAT ] } }
         }
         attr {
           name: "T_threshold"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_FLOAT ] } }
         })pb",
    R"pb(name: "NonMaxSuppressionV3"
         input_arg { name: "boxes" type_attr: "T" }
         input_arg { name: "scores" type_attr: "T" }
         input_arg { name: "max_output_size" type: DT_INT32 }
         input_arg { name: "iou_threshold" type_attr: "T_threshold" }
         input_arg { name: "score_threshold" type_attr: "T_threshold" }
         output_arg { name: "selected_indices" type: DT_INT32 }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_FLOAT ] } }
         }
         attr {
           name: "T_threshold"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_FLOAT ] } }
         })pb",
    R"pb(name: "NonMaxSuppressionV4"
         input_arg { name: "boxes" type_attr: "T" }
         input_arg { name: "scores" type_attr: "T" }
         input_arg { name: "max_output_size" type: DT_INT32 }
         input_arg { name: "iou_threshold" type_attr: "T_threshold" }
         input_arg { name: "score_threshold" type_attr: "T_threshold" }
         output_arg { name: "selected_indices" type: DT_INT32 }
         output_arg { name: "valid_outputs" type: DT_INT32 }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_FLOAT ] } }
         }
         attr {
           name: "T_threshold"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_FLOAT ] } }
         }
         attr {
           name: "pad_to_max_output_size"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "NonMaxSuppressionV5"
         input_arg { name: "boxes" type_attr: "T" }
         input_arg { name: "scores" type_attr: "T" }
         input_arg { name: "max_output_size" type: DT_INT32 }
         input_arg { name: "iou_threshold" type_attr: "T" }
         input_arg { name: "score_threshold" type_attr: "T" }
         input_arg { name: "soft_nms_sigma" type_attr: "T" }
         output_arg { name: "selected_indices" type: DT_INT32 }
         output_arg { name: "selected_scores" type_attr: "T" }
         output_arg { name: "valid_outputs" type: DT_INT32 }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_FLOAT }
           allowed_values { list { type: [ DT_HALF, DT_FLOAT ] } }
         }
         attr {
           name: "pad_to_max_output_size"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "NotEqual"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type: DT_BOOL }
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
                 DT_QUINT8,
                 DT_QINT8,
                 DT_QINT32,
                 DT_STRING,
                 DT_BOOL,
                 DT_COMPLEX128
               ]
             }
           }
         }
         attr {
           name: "incompatible_shape_error"
           type: "bool"
           default_value { b: true }
         }
         is_commutative: true)pb",
    R"pb(name: "OneHot"
         input_arg { name: "indices" type_attr: "TI" }
         input_arg { name: "depth" type: DT_INT32 }
         input_arg { name: "on_value" type_attr: "T" }
         input_arg { name: "off_value" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "axis"
           type: "int"
           default_value { i: -1 }
         }
         attr { name: "T" type: "type" }
         attr {
           name: "TI"
           type: "type"
           default_value { type: DT_INT64 }
           allowed_values { list { type: [ DT_UINT8, DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "OnesLike"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT8,
                 DT_UINT8,
                 DT_INT16,
                 DT_UINT16,
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128,
                 DT_BOOL
               ]
             }
           }
         })pb",
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
    R"pb(name: "Pad"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "paddings" type_attr: "Tpaddings" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tpaddings"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "PadV2"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "paddings" type_attr: "Tpaddings" }
         input_arg { name: "constant_values" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tpaddings"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "ParseExample"
         input_arg { name: "serialized" type: DT_STRING }
         input_arg { name: "names" type: DT_STRING }
         input_arg { name: "sparse_keys" type: DT_STRING number_attr: "Nsparse" }
         input_arg { name: "dense_keys" type: DT_STRING number_attr: "Ndense" }
         input_arg { name: "dense_defaults" type_list_attr: "Tdense" }
         output_arg { name: "sparse_indices" type: DT_INT64 number_attr: "Nsparse" }
         output_arg { name: "sparse_values" type_list_attr: "sparse_types" }
         output_arg { name: "sparse_shapes" type: DT_INT64 number_attr: "Nsparse" }
         output_arg { name: "dense_values" type_list_attr: "Tdense" }
         attr { name: "Nsparse" type: "int" has_minimum: true }
         attr { name: "Ndense" type: "int" has_minimum: true }
         attr {
           name: "sparse_types"
           type: "list(type)"
           has_minimum: true
           allowed_values { list { type: [ DT_FLOAT, DT_INT64, DT_STRING ] } }
         }
         attr {
           name: "Tdense"
           type: "list(type)"
           has_minimum: true
           allowed_values { list { type: [ DT_FLOAT, DT_INT64, DT_STRING ] } }
         }
         attr { name: "dense_shapes" type: "list(shape)" has_minimum: true })pb",
    R"pb(name: "ParseExampleV2"
         input_arg { name: "serialized" type: DT_STRING }
         input_arg { name: "names" type: DT_STRING }
         input_arg { name: "sparse_keys" type: DT_STRING }
         input_arg { name: "dense_keys" type: DT_STRING }
         input_arg { name: "ragged_keys" type: DT_STRING }
         input_arg { name: "dense_defaults" type_list_attr: "Tdense" }
         output_arg { name: "sparse_indices" type: DT_INT64 number_attr: "num_sparse" }
         output_arg { name: "sparse_values" type_list_attr: "sparse_types" }
         output_arg { name: "sparse_shapes" type: DT_INT64 number_attr: "num_sparse" }
         output_arg { name: "dense_values" type_list_attr: "Tdense" }
         output_arg { name: "ragged_values" type_list_attr: "ragged_value_types" }
         output_arg { name: "ragged_row_splits" type_list_attr: "ragged_split_types" }
         attr {
           name: "Tdense"
           type: "list(type)"
           has_minimum: true
           allowed_values { list { type: [ DT_FLOAT, DT_INT64, DT_STRING ] } }
         }
         attr { name: "num_sparse" type: "int" has_minimum: true }
         attr {
           name: "sparse_types"
           type: "list(type)"
           has_minimum: true
           allowed_values { list { type: [ DT_FLOAT, DT_INT64, DT_STRING ] } }
         }
         attr {
           name: "ragged_value_types"
           type: "list(type)"
           has_minimum: true
           allowed_values { list { type: [ DT_FLOAT, DT_INT64, DT_STRING ] } }
         }
         attr {
           name: "ragged_split_types"
           type: "list(type)"
           has_minimum: true
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr { name: "dense_shapes" type: "list(shape)" has_minimum: true })pb",
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
    R"pb(name: "Pow"
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
                 DT_FLOAT,
                 DT_HALF,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "Prod"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "RandomUniform"
         input_arg { name: "shape" type_attr: "T" }
         output_arg { name: "output" type_attr: "dtype" }
         attr {
           name: "seed"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "seed2"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "dtype"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         is_stateful: true)pb",
    R"pb(name: "Range"
         input_arg { name: "start" type_attr: "Tidx" }
         input_arg { name: "limit" type_attr: "Tidx" }
         input_arg { name: "delta" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "Tidx" }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values {
             list { type: [ DT_BFLOAT16, DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 ] }
           }
         })pb",
    R"pb(name: "Rank"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type: DT_INT32 }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "ReadVariableOp"
         input_arg { name: "resource" type: DT_RESOURCE }
         output_arg { name: "value" type_attr: "dtype" }
         attr { name: "dtype" type: "type" })pb",
    R"pb(name: "RealDiv"
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
    R"pb(name: "Reciprocal"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "ReduceJoin"
         input_arg { name: "inputs" type: DT_STRING }
         input_arg { name: "reduction_indices" type: DT_INT32 }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "keep_dims" type: "bool" default_value { b: false } }
         attr { name: "separator" type: "string" default_value { s: "" } })pb",
    R"pb(name: "RefEnter"
         input_arg { name: "data" type_attr: "T" is_ref: true }
         output_arg { name: "output" type_attr: "T" is_ref: true }
         attr { name: "T" type: "type" }
         attr { name: "frame_name" type: "string" }
         attr {
           name: "is_constant"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "parallel_iterations"
           type: "int"
           default_value { i: 10 }
         })pb",
    R"pb(name: "RefExit"
         input_arg { name: "data" type_attr: "T" is_ref: true }
         output_arg { name: "output" type_attr: "T" is_ref: true }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "RefMerge"
         input_arg { name: "inputs" type_attr: "T" number_attr: "N" is_ref: true }
         output_arg { name: "output" type_attr: "T" is_ref: true }
         output_arg { name: "value_index" type: DT_INT32 }
         attr { name: "T" type: "type" }
         attr { name: "N" type: "int" has_minimum: true minimum: 1 })pb",
    R"pb(name: "RefNextIteration"
         input_arg { name: "data" type_attr: "T" is_ref: true }
         output_arg { name: "output" type_attr: "T" is_ref: true }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "RefSwitch"
         input_arg { name: "data" type_attr: "T" is_ref: true }
         input_arg { name: "pred" type: DT_BOOL }
         output_arg { name: "output_false" type_attr: "T" is_ref: true }
         output_arg { name: "output_true" type_attr: "T" is_ref: true }
         attr { name: "T" type: "type" }
         allows_uninitialized_input: true)pb",
    R"pb(name: "RegexReplace"
         input_arg { name: "input" type: DT_STRING }
         input_arg { name: "pattern" type: DT_STRING }
         input_arg { name: "rewrite" type: DT_STRING }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "replace_global" type: "bool" default_value { b: true } })pb",
    R"pb(name: "Relu"
         input_arg { name: "features" type_attr: "T" }
         output_arg { name: "activations" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64,
                 DT_QINT8
               ]
             }
           }
         })pb",
    R"pb(name: "Relu6"
         input_arg { name: "features" type_attr: "T" }
         output_arg { name: "activations" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "Reshape"
         input_arg { name: "tensor" type_attr: "T" }
         input_arg { name: "shape" type_attr: "Tshape" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tshape"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "ResizeBilinear"
         input_arg { name: "images" type_attr: "T" }
         input_arg { name: "size" type: DT_INT32 }
         output_arg { name: "resized_images" type: DT_FLOAT }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_INT8,
                 DT_UINT8,
                 DT_INT16,
                 DT_UINT16,
                 DT_INT32,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE
               ]
             }
           }
         }
         attr {
           name: "align_corners"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "half_pixel_centers"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "ResizeNearestNeighbor"
         input_arg { name: "images" type_attr: "T" }
         input_arg { name: "size" type: DT_INT32 }
         output_arg { name: "resized_images" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_INT8,
                 DT_UINT8,
                 DT_INT16,
                 DT_UINT16,
                 DT_INT32,
                 DT_INT64,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_BFLOAT16
               ]
             }
           }
         }
         attr {
           name: "align_corners"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "half_pixel_centers"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "ResourceGather"
         input_arg { name: "resource" type: DT_RESOURCE }
         input_arg { name: "indices" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "dtype" }
         attr {
           name: "batch_dims"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "validate_indices"
           type: "bool"
           default_value { b: true }
         }
         attr { name: "dtype" type: "type" }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "RestoreV2"
         input_arg { name: "prefix" type: DT_STRING }
         input_arg { name: "tensor_names" type: DT_STRING }
         input_arg { name: "shape_and_slices" type: DT_STRING }
         output_arg { name: "tensors" type_list_attr: "dtypes" }
         attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
         is_stateful: true)pb",
    R"pb(name: "Reverse"
         input_arg { name: "tensor" type_attr: "T" }
         input_arg { name: "dims" type: DT_BOOL }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_UINT8,
                 DT_INT8,
                 DT_UINT16,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_BOOL,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_COMPLEX64,
                 DT_COMPLEX128,
                 DT_STRING
               ]
             }
           }
         })pb",
    R"pb(name: "ReverseV2"
         input_arg { name: "tensor" type_attr: "T" }
         input_arg { name: "axis" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_UINT8,
                 DT_INT8,
                 DT_UINT16,
                 DT_INT16,
                 DT_INT32,
                 DT_INT64,
                 DT_BOOL,
                 DT_BFLOAT16,
                 DT_HALF,
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_COMPLEX64,
                 DT_COMPLEX128,
                 DT_STRING
               ]
             }
           }
         })pb",
    R"pb(name: "Rint"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "Round"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "Rsqrt"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "SaveV2"
         input_arg { name: "prefix" type: DT_STRING }
         input_arg { name: "tensor_names" type: DT_STRING }
         input_arg { name: "shape_and_slices" type: DT_STRING }
         input_arg { name: "tensors" type_list_attr: "dtypes" }
         attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
         is_stateful: true)pb",
    R"pb(name: "SegmentMax"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "SegmentMean"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_QINT16,
                 DT_QUINT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "SegmentMin"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "SegmentProd"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_QINT16,
                 DT_QUINT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "SegmentSum"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_QINT16,
                 DT_QUINT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Select"
         input_arg { name: "condition" type: DT_BOOL }
         input_arg { name: "t" type_attr: "T" }
         input_arg { name: "e" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "SelectV2"
         input_arg { name: "condition" type: DT_BOOL }
         input_arg { name: "t" type_attr: "T" }
         input_arg { name: "e" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "Selu"
         input_arg { name: "features" type_attr: "T" }
         output_arg { name: "activations" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "Shape"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "out_type" }
         attr { name: "T" type: "type" }
         attr {
           name: "out_type"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "ShardedFilename"
         input_arg { name: "basename" type: DT_STRING }
         input_arg { name: "shard" type: DT_INT32 }
         input_arg { name: "num_shards" type: DT_INT32 }
         output_arg { name: "filename" type: DT_STRING })pb",
    R"pb(name: "Sigmoid"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "Sign"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "Sin"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "Sinh"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "Size"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "out_type" }
         attr { name: "T" type: "type" }
         attr {
           name: "out_type"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Slice"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "begin" type_attr: "Index" }
         input_arg { name: "size" type_attr: "Index" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Index"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Softmax"
         input_arg { name: "logits" type_attr: "T" }
         output_arg { name: "softmax" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "Softplus"
         input_arg { name: "features" type_attr: "T" }
         output_arg { name: "activations" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "Softsign"
         input_arg { name: "features" type_attr: "T" }
         output_arg { name: "activations" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         })pb",
    R"pb(name: "SpaceToBatchND"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "block_shape" type_attr: "Tblock_shape" }
         input_arg { name: "paddings" type_attr: "Tpaddings" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tblock_shape"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tpaddings"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "SparseFillEmptyRows"
         input_arg { name: "indices" type: DT_INT64 }
         input_arg { name: "values" type_attr: "T" }
         input_arg { name: "dense_shape" type: DT_INT64 }
         input_arg { name: "default_value" type_attr: "T" }
         output_arg { name: "output_indices" type: DT_INT64 }
         output_arg { name: "output_values" type_attr: "T" }
         output_arg { name: "empty_row_indicator" type: DT_BOOL }
         output_arg { name: "reverse_index_map" type: DT_INT64 }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "SparseReshape"
         input_arg { name: "input_indices" type: DT_INT64 }
         input_arg { name: "input_shape" type: DT_INT64 }
         input_arg { name: "new_shape" type: DT_INT64 }
         output_arg { name: "output_indices" type: DT_INT64 }
         output_arg { name: "output_shape" type: DT_INT64 })pb",
    R"pb(name: "SparseSegmentMean"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "indices" type_attr: "Tidx" }
         input_arg { name: "segment_ids" type_attr: "Tsegmentids" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tsegmentids"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "sparse_gradient"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "SparseSegmentMeanWithNumSegments"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "indices" type_attr: "Tidx" }
         input_arg { name: "segment_ids" type_attr: "Tsegmentids" }
         input_arg { name: "num_segments" type_attr: "Tnumsegments" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tnumsegments"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tsegmentids"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "sparse_gradient"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "SparseSegmentSqrtN"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "indices" type_attr: "Tidx" }
         input_arg { name: "segment_ids" type_attr: "Tsegmentids" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tsegmentids"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "sparse_gradient"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "SparseSegmentSqrtNWithNumSegments"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "indices" type_attr: "Tidx" }
         input_arg { name: "segment_ids" type_attr: "Tsegmentids" }
         input_arg { name: "num_segments" type_attr: "Tnumsegments" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tnumsegments"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tsegmentids"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "sparse_gradient"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "SparseSegmentSum"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "indices" type_attr: "Tidx" }
         input_arg { name: "segment_ids" type_attr: "Tsegmentids" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tsegmentids"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "sparse_gradient"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "SparseSegmentSumWithNumSegments"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "indices" type_attr: "Tidx" }
         input_arg { name: "segment_ids" type_attr: "Tsegmentids" }
         input_arg { name: "num_segments" type_attr: "Tnumsegments" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tnumsegments"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tsegmentids"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "sparse_gradient"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "SparseToDense"
         input_arg { name: "sparse_indices" type_attr: "Tindices" }
         input_arg { name: "output_shape" type_attr: "Tindices" }
         input_arg { name: "sparse_values" type_attr: "T" }
         input_arg { name: "default_value" type_attr: "T" }
         output_arg { name: "dense" type_attr: "T" }
         attr {
           name: "validate_indices"
           type: "bool"
           default_value { b: true }
         }
         attr { name: "T" type: "type" }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Split"
         input_arg { name: "split_dim" type: DT_INT32 }
         input_arg { name: "value" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" number_attr: "num_split" }
         attr { name: "num_split" type: "int" has_minimum: true minimum: 1 }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "SplitV"
         input_arg { name: "value" type_attr: "T" }
         input_arg { name: "size_splits" type_attr: "Tlen" }
         input_arg { name: "split_dim" type: DT_INT32 }
         output_arg { name: "output" type_attr: "T" number_attr: "num_split" }
         attr { name: "num_split" type: "int" has_minimum: true minimum: 1 }
         attr { name: "T" type: "type" }
         attr {
           name: "Tlen"
           type: "type"
           default_value { type: DT_INT64 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Sqrt"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "Square"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "SquaredDifference"
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         }
         is_commutative: true)pb",
    R"pb(name: "Squeeze"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "squeeze_dims"
           type: "list(int)"
           default_value { list {} }
           has_minimum: true
         })pb",
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
    R"pb(name: "StatelessCase"
         input_arg { name: "branch_index" type: DT_INT32 }
         input_arg { name: "input" type_list_attr: "Tin" }
         output_arg { name: "output" type_list_attr: "Tout" }
         attr { name: "Tin" type: "list(type)" has_minimum: true }
         attr { name: "Tout" type: "list(type)" has_minimum: true }
         attr {
           name: "branches"
           type: "list(func)"
           has_minimum: true
           minimum: 1
         }
         attr {
           name: "output_shapes"
           type: "list(shape)"
           default_value { list {} }
         })pb",
    R"pb(name: "StatelessIf"
         input_arg { name: "cond" type_attr: "Tcond" }
         input_arg { name: "input" type_list_attr: "Tin" }
         output_arg { name: "output" type_list_attr: "Tout" }
         attr { name: "Tcond" type: "type" }
         attr { name: "Tin" type: "list(type)" has_minimum: true }
         attr { name: "Tout" type: "list(type)" has_minimum: true }
         attr { name: "then_branch" type: "func" }
         attr { name: "else_branch" type: "func" }
         attr {
           name: "output_shapes"
           type: "list(shape)"
           default_value { list {} }
         })pb",
    R"pb(name: "StatelessWhile"
         input_arg { name: "input" type_list_attr: "T" }
         output_arg { name: "output" type_list_attr: "T" }
         attr { name: "T" type: "list(type)" has_minimum: true }
         attr { name: "cond" type: "func" }
         attr { name: "body" type: "func" }
         attr {
           name: "output_shapes"
           type: "list(shape)"
           default_value { list {} }
         }
         attr {
           name: "parallel_iterations"
           type: "int"
           default_value { i: 10 }
         })pb",
    R"pb(name: "StaticRegexFullMatch"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_BOOL }
         attr { name: "pattern" type: "string" })pb",
    R"pb(name: "StaticRegexReplace"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "pattern" type: "string" }
         attr { name: "rewrite" type: "string" }
         attr { name: "replace_global" type: "bool" default_value { b: true } })pb",
    R"pb(name: "StopGradient"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "StridedSlice"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "begin" type_attr: "Index" }
         input_arg { name: "end" type_attr: "Index" }
         input_arg { name: "strides" type_attr: "Index" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Index"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "begin_mask"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "end_mask"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "ellipsis_mask"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "new_axis_mask"
           type: "int"
           default_value { i: 0 }
         }
         attr {
           name: "shrink_axis_mask"
           type: "int"
           default_value { i: 0 }
         })pb",
    R"pb(name: "StringJoin"
         input_arg { name: "inputs" type: DT_STRING number_attr: "N" }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "N" type: "int" has_minimum: true minimum: 1 }
         attr {
           name: "separator"
           type: "string"
           default_value { s: "" }
         })pb",
    R"pb(name: "StringLength"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_INT32 }
         attr {
           name: "unit"
           type: "string"
           default_value { s: "BYTE" }
           allowed_values { list { s: [ "BYTE", "UTF8_CHAR" ] } }
         })pb",
    R"pb(name: "StringLower"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "encoding" type: "string" default_value { s: "" } })pb",
    R"pb(name: "StringSplitV2"
         input_arg { name: "input" type: DT_STRING }
         input_arg { name: "sep" type: DT_STRING }
         output_arg { name: "indices" type: DT_INT64 }
         output_arg { name: "values" type: DT_STRING }
         output_arg { name: "shape" type: DT_INT64 }
         attr { name: "maxsplit" type: "int" default_value { i: -1 } })pb",
    R"pb(name: "StringStrip"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_STRING })pb",
    R"pb(name: "StringToHashBucketFast"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_INT64 }
         attr { name: "num_buckets" type: "int" has_minimum: true minimum: 1 })pb",
    R"pb(name: "StringUpper"
         input_arg { name: "input" type: DT_STRING }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "encoding" type: "string" default_value { s: "" } })pb",
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
    R"pb(name: "Substr"
         input_arg { name: "input" type: DT_STRING }
         input_arg { name: "pos" type_attr: "T" }
         input_arg { name: "len" type_attr: "T" }
         output_arg { name: "output" type: DT_STRING }
         attr { name: "T" type: "type" allowed_values { list { type: [ DT_INT32, DT_INT64 ] } } }
         attr {
           name: "unit"
           type: "string"
           default_value { s: "BYTE" }
           allowed_values { list { s: [ "BYTE", "UTF8_CHAR" ] } }
         })pb",
    R"pb(name: "Sum"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "reduction_indices" type_attr: "Tidx" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "keep_dims"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tidx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Switch"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "pred" type: DT_BOOL }
         output_arg { name: "output_false" type_attr: "T" }
         output_arg { name: "output_true" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "Tan"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
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
                 DT_INT32,
                 DT_INT64,
                 DT_COMPLEX64,
                 DT_COMPLEX128
               ]
             }
           }
         })pb",
    R"pb(name: "Tanh"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [ DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ]
             }
           }
         })pb",
    R"pb(name: "TensorArrayCloseV3"
         input_arg { name: "handle" type: DT_RESOURCE })pb",
    R"pb(name: "TensorArrayConcatV3"
         input_arg { name: "handle" type: DT_RESOURCE }
         input_arg { name: "flow_in" type: DT_FLOAT }
         output_arg { name: "value" type_attr: "dtype" }
         output_arg { name: "lengths" type: DT_INT64 }
         attr { name: "dtype" type: "type" }
         attr {
           name: "element_shape_except0"
           type: "shape"
           default_value { shape { unknown_rank: true } }
         })pb",
    R"pb(name: "TensorArrayGatherV3"
         input_arg { name: "handle" type: DT_RESOURCE }
         input_arg { name: "indices" type: DT_INT32 }
         input_arg { name: "flow_in" type: DT_FLOAT }
         output_arg { name: "value" type_attr: "dtype" }
         attr { name: "dtype" type: "type" }
         attr {
           name: "element_shape"
           type: "shape"
           default_value { shape { unknown_rank: true } }
         })pb",
    R"pb(name: "TensorArrayReadV3"
         input_arg { name: "handle" type: DT_RESOURCE }
         input_arg { name: "index" type: DT_INT32 }
         input_arg { name: "flow_in" type: DT_FLOAT }
         output_arg { name: "value" type_attr: "dtype" }
         attr { name: "dtype" type: "type" })pb",
    R"pb(name: "TensorArrayScatterV3"
         input_arg { name: "handle" type: DT_RESOURCE }
         input_arg { name: "indices" type: DT_INT32 }
         input_arg { name: "value" type_attr: "T" }
         input_arg { name: "flow_in" type: DT_FLOAT }
         output_arg { name: "flow_out" type: DT_FLOAT }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "TensorArraySizeV3"
         input_arg { name: "handle" type: DT_RESOURCE }
         input_arg { name: "flow_in" type: DT_FLOAT }
         output_arg { name: "size" type: DT_INT32 })pb",
    R"pb(name: "TensorArraySplitV3"
         input_arg { name: "handle" type: DT_RESOURCE }
         input_arg { name: "value" type_attr: "T" }
         input_arg { name: "lengths" type: DT_INT64 }
         input_arg { name: "flow_in" type: DT_FLOAT }
         output_arg { name: "flow_out" type: DT_FLOAT }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "TensorArrayV3"
         input_arg { name: "size" type: DT_INT32 }
         output_arg { name: "handle" type: DT_RESOURCE }
         output_arg { name: "flow" type: DT_FLOAT }
         attr { name: "dtype" type: "type" }
         attr {
           name: "element_shape"
           type: "shape"
           default_value { shape { unknown_rank: true } }
         }
         attr {
           name: "dynamic_size"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "clear_after_read"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "identical_element_shapes"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "tensor_array_name"
           type: "string"
           default_value { s: "" }
         }
         is_stateful: true)pb",
    R"pb(name: "TensorArrayWriteV3"
         input_arg { name: "handle" type: DT_RESOURCE }
         input_arg { name: "index" type: DT_INT32 }
         input_arg { name: "value" type_attr: "T" }
         input_arg { name: "flow_in" type: DT_FLOAT }
         output_arg { name: "flow_out" type: DT_FLOAT }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "TensorListConcat"
         input_arg { name: "input_handle" type: DT_VARIANT }
         output_arg { name: "tensor" type_attr: "element_dtype" }
         output_arg { name: "lengths" type: DT_INT64 }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "element_shape"
           type: "shape"
           default_value { shape { unknown_rank: true } }
         })pb",
    R"pb(name: "TensorListConcatV2"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "element_shape" type_attr: "shape_type" }
         input_arg { name: "leading_dims" type: DT_INT64 }
         output_arg { name: "tensor" type_attr: "element_dtype" }
         output_arg { name: "lengths" type: DT_INT64 }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TensorListElementShape"
         input_arg { name: "input_handle" type: DT_VARIANT }
         output_arg { name: "element_shape" type_attr: "shape_type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TensorListFromTensor"
         input_arg { name: "tensor" type_attr: "element_dtype" }
         input_arg { name: "element_shape" type_attr: "shape_type" }
         output_arg { name: "output_handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TensorListGather"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "indices" type: DT_INT32 }
         input_arg { name: "element_shape" type: DT_INT32 }
         output_arg { name: "values" type_attr: "element_dtype" }
         attr { name: "element_dtype" type: "type" })pb",
    R"pb(name: "TensorListGetItem"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "index" type: DT_INT32 }
         input_arg { name: "element_shape" type: DT_INT32 }
         output_arg { name: "item" type_attr: "element_dtype" }
         attr { name: "element_dtype" type: "type" })pb",
    R"pb(name: "TensorListLength"
         input_arg { name: "input_handle" type: DT_VARIANT }
         output_arg { name: "length" type: DT_INT32 })pb",
    R"pb(name: "TensorListPopBack"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "element_shape" type: DT_INT32 }
         output_arg { name: "output_handle" type: DT_VARIANT }
         output_arg { name: "tensor" type_attr: "element_dtype" }
         attr { name: "element_dtype" type: "type" })pb",
    R"pb(name: "TensorListPushBack"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "tensor" type_attr: "element_dtype" }
         output_arg { name: "output_handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" })pb",
    R"pb(name: "TensorListReserve"
         input_arg { name: "element_shape" type_attr: "shape_type" }
         input_arg { name: "num_elements" type: DT_INT32 }
         output_arg { name: "handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TensorListResize"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "size" type: DT_INT32 }
         output_arg { name: "output_handle" type: DT_VARIANT })pb",
    R"pb(name: "TensorListScatter"
         input_arg { name: "tensor" type_attr: "element_dtype" }
         input_arg { name: "indices" type: DT_INT32 }
         input_arg { name: "element_shape" type_attr: "shape_type" }
         output_arg { name: "output_handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TensorListScatterIntoExistingList"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "tensor" type_attr: "element_dtype" }
         input_arg { name: "indices" type: DT_INT32 }
         output_arg { name: "output_handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" })pb",
    R"pb(name: "TensorListScatterV2"
         input_arg { name: "tensor" type_attr: "element_dtype" }
         input_arg { name: "indices" type: DT_INT32 }
         input_arg { name: "element_shape" type_attr: "shape_type" }
         input_arg { name: "num_elements" type: DT_INT32 }
         output_arg { name: "output_handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TensorListSetItem"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "index" type: DT_INT32 }
         input_arg { name: "item" type_attr: "element_dtype" }
         output_arg { name: "output_handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "resize_if_index_out_of_bounds"
           type: "bool"
           default_value { b: false }
         })pb",
    R"pb(name: "TensorListSplit"
         input_arg { name: "tensor" type_attr: "element_dtype" }
         input_arg { name: "element_shape" type_attr: "shape_type" }
         input_arg { name: "lengths" type: DT_INT64 }
         output_arg { name: "output_handle" type: DT_VARIANT }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "shape_type"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TensorListStack"
         input_arg { name: "input_handle" type: DT_VARIANT }
         input_arg { name: "element_shape" type: DT_INT32 }
         output_arg { name: "tensor" type_attr: "element_dtype" }
         attr { name: "element_dtype" type: "type" }
         attr {
           name: "num_elements"
           type: "int"
           default_value { i: -1 }
         })pb",
    R"pb(name: "Tile"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "multiples" type_attr: "Tmultiples" }
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tmultiples"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TopK"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "values" type_attr: "T" }
         output_arg { name: "indices" type: DT_INT32 }
         attr { name: "k" type: "int" has_minimum: true }
         attr {
           name: "sorted"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         deprecation { version: 7 explanation: "Use TopKV2 instead" })pb",
    R"pb(name: "TopKV2"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "k" type: DT_INT32 }
         output_arg { name: "values" type_attr: "T" }
         output_arg { name: "indices" type: DT_INT32 }
         attr {
           name: "sorted"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         })pb",
    R"pb(name: "Transpose"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "perm" type_attr: "Tperm" }
         output_arg { name: "y" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr {
           name: "Tperm"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "TruncateDiv"
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
    R"pb(name: "TruncateMod"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_INT32, DT_INT64, DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE ] }
           }
         })pb",
    R"pb(name: "Unique"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         output_arg { name: "idx" type_attr: "out_idx" }
         attr { name: "T" type: "type" }
         attr {
           name: "out_idx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "UniqueWithCounts"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         output_arg { name: "idx" type_attr: "out_idx" }
         output_arg { name: "count" type_attr: "out_idx" }
         attr { name: "T" type: "type" }
         attr {
           name: "out_idx"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "Unpack"
         input_arg { name: "value" type_attr: "T" }
         output_arg { name: "output" type_attr: "T" number_attr: "num" }
         attr { name: "num" type: "int" has_minimum: true }
         attr { name: "T" type: "type" }
         attr {
           name: "axis"
           type: "int"
           default_value { i: 0 }
         })pb",
    R"pb(name: "UnsortedSegmentMax"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         input_arg { name: "num_segments" type_attr: "Tnumsegments" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tnumsegments"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "UnsortedSegmentMin"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         input_arg { name: "num_segments" type_attr: "Tnumsegments" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_INT64,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tnumsegments"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "UnsortedSegmentProd"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         input_arg { name: "num_segments" type_attr: "Tnumsegments" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_QINT16,
                 DT_QUINT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tnumsegments"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
         })pb",
    R"pb(name: "UnsortedSegmentSum"
         input_arg { name: "data" type_attr: "T" }
         input_arg { name: "segment_ids" type_attr: "Tindices" }
         input_arg { name: "num_segments" type_attr: "Tnumsegments" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_QINT16,
                 DT_QUINT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64
               ]
             }
           }
         }
         attr {
           name: "Tindices"
           type: "type"
           allowed_values { list { type: [ DT_INT16, DT_INT32, DT_INT64 ] } }
         }
         attr {
           name: "Tnumsegments"
           type: "type"
           default_value { type: DT_INT32 }
           allowed_values { list { type: [ DT_INT32, DT_INT64 ] } }
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
    R"pb(name: "Where"
         input_arg { name: "input" type_attr: "T" }
         output_arg { name: "index" type: DT_INT64 }
         attr {
           name: "T"
           type: "type"
           default_value { type: DT_BOOL }
           allowed_values {
             list {
               type: [
                 DT_FLOAT,
                 DT_DOUBLE,
                 DT_INT32,
                 DT_UINT8,
                 DT_INT16,
                 DT_INT8,
                 DT_COMPLEX64,
                 DT_INT64,
                 DT_QINT8,
                 DT_QUINT8,
                 DT_QINT32,
                 DT_BFLOAT16,
                 DT_UINT16,
                 DT_COMPLEX128,
                 DT_HALF,
                 DT_UINT32,
                 DT_UINT64,
                 DT_BOOL
               ]
             }
           }
         })pb",
    R"pb(name: "While"
         input_arg { name: "input" type_list_attr: "T" }
         output_arg { name: "output" type_list_attr: "T" }
         attr { name: "T" type: "list(type)" has_minimum: true }
         attr { name: "cond" type: "func" }
         attr { name: "body" type: "func" }
         attr {
           name: "output_shapes"
           type: "list(shape)"
           default_value { list {} }
         }
         attr {
           name: "parallel_iterations"
           type: "int"
           default_value { i: 10 }
         }
         is_stateful: true)pb",
    R"pb(name: "Xdivy"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ] }
           }
         })pb",
    R"pb(name: "Xlogy"
         input_arg { name: "x" type_attr: "T" }
         input_arg { name: "y" type_attr: "T" }
         output_arg { name: "z" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values {
             list { type: [ DT_HALF, DT_FLOAT, DT_DOUBLE, DT_COMPLEX64, DT_COMPLEX128 ] }
           }
         })pb",
    R"pb(name: "ZerosLike"
         input_arg { name: "x" type_attr: "T" }
         output_arg { name: "y" type_attr: "T" }
         attr { name: "T" type: "type" })pb",
    R"pb(name: "_Arg"
         output_arg { name: "output" type_attr: "T" }
         attr { name: "T" type: "type" }
         attr { name: "index" type: "int" })pb",
    // Grappler's fusion as TF 1.15 registers it, plus leakyrelu_alpha (TF 2.x), which TF 2.x
    // graphs and our own contraction rewrite (runtime/graph_rewrites.cc) carry.
    R"pb(name: "_FusedConv2D"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "filter" type_attr: "T" }
         input_arg { name: "args" type_attr: "T" number_attr: "num_args" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_FLOAT, DT_DOUBLE ] } }
         }
         attr { name: "num_args" type: "int" has_minimum: true }
         attr { name: "strides" type: "list(int)" }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID", "EXPLICIT" ] } }
         }
         attr {
           name: "explicit_paddings"
           type: "list(int)"
           default_value { list {} }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "dilations"
           type: "list(int)"
           default_value { list { i: [ 1, 1, 1, 1 ] } }
         }
         attr {
           name: "use_cudnn_on_gpu"
           type: "bool"
           default_value { b: true }
         }
         attr {
           name: "fused_ops"
           type: "list(string)"
           default_value { list {} }
         }
         attr {
           name: "epsilon"
           type: "float"
           default_value { f: 0.0001 }
         }
         attr {
           name: "leakyrelu_alpha"
           type: "float"
           default_value { f: 0.2 }
         })pb",
    // Not in TF 1.15: as TF 2.x registers it.
    R"pb(name: "_FusedDepthwiseConv2dNative"
         input_arg { name: "input" type_attr: "T" }
         input_arg { name: "filter" type_attr: "T" }
         input_arg { name: "args" type_attr: "T" number_attr: "num_args" }
         output_arg { name: "output" type_attr: "T" }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: [ DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE ] } }
         }
         attr { name: "num_args" type: "int" has_minimum: true }
         attr { name: "strides" type: "list(int)" }
         attr {
           name: "padding"
           type: "string"
           allowed_values { list { s: [ "SAME", "VALID" ] } }
         }
         attr {
           name: "data_format"
           type: "string"
           default_value { s: "NHWC" }
           allowed_values { list { s: [ "NHWC", "NCHW" ] } }
         }
         attr {
           name: "dilations"
           type: "list(int)"
           default_value { list { i: [ 1, 1, 1, 1 ] } }
         }
         attr {
           name: "fused_ops"
           type: "list(string)"
           default_value { list {} }
         }
         attr {
           name: "epsilon"
           type: "float"
           default_value { f: 0.0001 }
         }
         attr {
           name: "leakyrelu_alpha"
           type: "float"
           default_value { f: 0.2 }
         })pb",
    // As TF 1.15 registers it, plus leakyrelu_alpha (see _FusedConv2D).
    R"pb(name: "_FusedMatMul"
         input_arg { name: "a" type_attr: "T" }
         input_arg { name: "b" type_attr: "T" }
         input_arg { name: "args" type_attr: "T" number_attr: "num_args" }
         output_arg { name: "product" type_attr: "T" }
         attr {
           name: "transpose_a"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "transpose_b"
           type: "bool"
           default_value { b: false }
         }
         attr {
           name: "T"
           type: "type"
           allowed_values { list { type: DT_FLOAT } }
         }
         attr { name: "num_args" type: "int" has_minimum: true }
         attr {
           name: "fused_ops"
           type: "list(string)"
           default_value { list {} }
         }
         attr {
           name: "epsilon"
           type: "float"
           default_value { f: 0.0001 }
         }
         attr {
           name: "leakyrelu_alpha"
           type: "float"
           default_value { f: 0.2 }
         })pb",
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

absl::Status CheckOpDefTable() {
  std::string previous;
  for (size_t i = 0; i < std::size(kOpDefs); ++i) {
    tensorflow::OpDef def;
    if (!google::protobuf::TextFormat::ParseFromString(kOpDefs[i], &def)) {
      return absl::InvalidArgumentError(absl::StrCat("entry ", i, " (after '", previous,
                                                     "') is not a valid OpDef text proto"));
    }
    if (def.name().empty() || def.name() <= previous) {
      return absl::InvalidArgumentError(absl::StrCat("entry ", i, " '", def.name(),
                                                     "' is not sorted after '", previous, "'"));
    }
    previous = def.name();
  }
  return absl::OkStatus();
}

std::vector<std::string> RegisteredOpNames() {
  std::vector<std::string> names;
  for (const auto& [name, def] : Table()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace savedserve
