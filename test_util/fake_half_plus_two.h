// A LoadedModel fake with the signatures of TF Serving's half_plus_two test model, computed
// in C++ (y = a*x + 2, y2 = a*x + 3, y3 = a*x2 + 3, default a = 0.5), so serving code can be
// tested without the graph runtime. Header-only; immutable after construction, so safe for
// concurrent use.
//
// Signatures (as in saved_model_half_plus_two_cpu, plus __saved_model_init_op in the
// MetaGraphDef only): serving_default x:0 -> y:0; classify_x_to_y inputs=tf_example:0 ->
// scores=y:0; regress_x_to_y -> outputs=y:0; regress_x_to_y2 -> outputs=y2:0;
// regress_x2_to_y3 inputs=x2:0 -> outputs=y3:0. Examples are read for feature "x" (float).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "runtime/loaded_model.h"
#include "tensor/tensor.h"
#include "tensorflow/core/example/example.pb.h"

namespace savedserve::testing {

class FakeHalfPlusTwo : public LoadedModel {
 public:
  explicit FakeHalfPlusTwo(float a = 0.5f) : a_(a) {
    AddSignature("serving_default", "tensorflow/serving/predict", {{"x", "x:0"}}, {{"y", "y:0"}},
                 tensorflow::DT_FLOAT);
    AddSignature("classify_x_to_y", "tensorflow/serving/classify", {{"inputs", "tf_example:0"}},
                 {{"scores", "y:0"}}, tensorflow::DT_STRING);
    AddSignature("regress_x_to_y", "tensorflow/serving/regress", {{"inputs", "tf_example:0"}},
                 {{"outputs", "y:0"}}, tensorflow::DT_STRING);
    AddSignature("regress_x_to_y2", "tensorflow/serving/regress", {{"inputs", "tf_example:0"}},
                 {{"outputs", "y2:0"}}, tensorflow::DT_STRING);
    AddSignature("regress_x2_to_y3", "tensorflow/serving/regress", {{"inputs", "x2:0"}},
                 {{"outputs", "y3:0"}}, tensorflow::DT_FLOAT);
    signatures_ = {meta_graph_.signature_def().begin(), meta_graph_.signature_def().end()};
    tensorflow::SignatureDef& init =
        (*meta_graph_.mutable_signature_def())["__saved_model_init_op"];
    (*init.mutable_outputs())["__saved_model_init_op"].set_name("NoOp");
  }

  const tensorflow::MetaGraphDef& meta_graph() const override { return meta_graph_; }
  const std::map<std::string, tensorflow::SignatureDef>& signatures() const override {
    return signatures_;
  }

  absl::StatusOr<std::map<std::string, Tensor>> RunSignature(
      const std::string& key, std::map<std::string, Tensor> inputs,
      const std::vector<std::string>& output_filter) const override {
    auto sig = signatures_.find(key);
    if (sig == signatures_.end()) return absl::NotFoundError("no signature " + key);
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (const auto& [alias, tensor] : inputs) {
      feeds.emplace_back(sig->second.inputs().at(alias).name(), tensor);
    }
    std::vector<std::string> aliases = output_filter;
    if (aliases.empty()) {
      for (const auto& [alias, info] : sig->second.outputs()) aliases.push_back(alias);
    }
    std::vector<std::string> fetches;
    for (const std::string& alias : aliases) {
      fetches.push_back(sig->second.outputs().at(alias).name());
    }
    absl::StatusOr<std::vector<Tensor>> out = Run(feeds, fetches, {});
    if (!out.ok()) return out.status();
    std::map<std::string, Tensor> result;
    for (size_t i = 0; i < aliases.size(); ++i) result[aliases[i]] = (*out)[i];
    return result;
  }

  // Feeds: "x:0" / "x2:0" (float, any shape) or "tf_example:0" (DT_STRING [N] of serialized
  // tf.Examples, giving x as [N,1]). Fetches: y:0, y2:0 (from x) and y3:0 (from x2).
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                                          const std::vector<std::string>& fetches,
                                          const std::vector<std::string>& targets) const override {
    std::map<std::string, Tensor> values;
    for (const auto& [name, tensor] : feeds) {
      if (name == "tf_example:0") {
        absl::StatusOr<Tensor> x = ParseExamples(tensor);
        if (!x.ok()) return x.status();
        values["x:0"] = *x;
      } else if (name == "x:0" || name == "x2:0") {
        if (tensor.dtype() != tensorflow::DT_FLOAT) {
          return absl::InvalidArgumentError(absl::StrCat("feed ", name, " must be float"));
        }
        values[name] = tensor;
      } else {
        return absl::InvalidArgumentError("cannot feed " + name);
      }
    }
    std::vector<Tensor> out;
    for (const std::string& fetch : fetches) {
      const bool from_x2 = fetch == "y3:0";
      const float b = fetch == "y:0" ? 2.0f : 3.0f;
      if (fetch != "y:0" && fetch != "y2:0" && fetch != "y3:0") {
        return absl::InvalidArgumentError("cannot fetch " + fetch);
      }
      auto in = values.find(from_x2 ? "x2:0" : "x:0");
      if (in == values.end()) {
        return absl::InvalidArgumentError(absl::StrCat("fetch ", fetch, " needs its input fed"));
      }
      Tensor y(tensorflow::DT_FLOAT, in->second.shape());
      for (int64_t i = 0; i < y.num_elements(); ++i) {
        y.data<float>()[i] = a_ * in->second.data<float>()[i] + b;
      }
      out.push_back(y);
    }
    return out;
  }

  int64_t EstimateFlops(const std::string&,
                        const std::map<std::string, TensorShape>&) const override {
    return 0;
  }

 private:
  void AddSignature(const std::string& key, const std::string& method,
                    const std::map<std::string, std::string>& inputs,
                    const std::map<std::string, std::string>& outputs, DataType input_dtype) {
    tensorflow::SignatureDef& sig = (*meta_graph_.mutable_signature_def())[key];
    sig.set_method_name(method);
    for (const auto& [alias, name] : inputs) {
      tensorflow::TensorInfo& info = (*sig.mutable_inputs())[alias];
      info.set_name(name);
      info.set_dtype(input_dtype);
    }
    for (const auto& [alias, name] : outputs) {
      tensorflow::TensorInfo& info = (*sig.mutable_outputs())[alias];
      info.set_name(name);
      info.set_dtype(tensorflow::DT_FLOAT);
      info.mutable_tensor_shape()->add_dim()->set_size(-1);
      info.mutable_tensor_shape()->add_dim()->set_size(1);
    }
  }

  static absl::StatusOr<Tensor> ParseExamples(const Tensor& serialized) {
    if (serialized.dtype() != tensorflow::DT_STRING || serialized.shape().rank() != 1) {
      return absl::InvalidArgumentError("tf_example:0 must be a DT_STRING vector");
    }
    const int64_t n = serialized.shape().dim(0);
    Tensor x(tensorflow::DT_FLOAT, TensorShape({n, 1}));
    for (int64_t i = 0; i < n; ++i) {
      tensorflow::Example example;
      if (!example.ParseFromString(serialized.data<std::string>()[i])) {
        return absl::InvalidArgumentError("Could not parse example input");
      }
      const auto& features = example.features().feature();
      auto it = features.find("x");
      if (it == features.end() || it->second.float_list().value_size() != 1) {
        return absl::InvalidArgumentError("Feature: x (data type: float) is required");
      }
      x.data<float>()[i] = it->second.float_list().value(0);
    }
    return x;
  }

  float a_;
  tensorflow::MetaGraphDef meta_graph_;
  std::map<std::string, tensorflow::SignatureDef> signatures_;
};

}  // namespace savedserve::testing
