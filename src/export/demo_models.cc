#include "export/demo_models.h"

#include "base/status.h"
#include "export/graph_builder.h"
#include "export/signature.h"

namespace savedserve {

absl::StatusOr<VersionedExportResult> ExportBuiltModel(const BuiltModel& model,
                                                       const std::string& export_base,
                                                       const std::string& model_name,
                                                       std::optional<int64_t> version, Env* env) {
  auto write = [&](const std::string& dir) -> absl::Status {
    SavedModelBuilder::Options options;
    options.env = env;
    ASSIGN_OR_RETURN(auto builder, SavedModelBuilder::Create(dir, options));
    RETURN_IF_ERROR(builder->AddMetaGraphAndVariables(
        model.meta_graph, model.tags, model.signatures, model.variables, model.assets));
    return builder->Save().status();
  };
  return ExportVersioned(export_base, model_name, version, write, env);
}

absl::StatusOr<BuiltModel> BuildHalfPlusTwo() {
  GraphBuilder g;
  // Same node names as TF1's half_plus_two: a, b, x, Mul, Add, y.
  VariableNodes a = g.VariableV2("a", Tensor::Scalar(0.5f));
  VariableNodes b = g.VariableV2("b", Tensor::Scalar(2.0f));
  NodeOutput x = g.Placeholder("x", tensorflow::DT_FLOAT, PartialShape(std::vector<int64_t>{-1}));
  NodeOutput y = g.Identity("y", g.Add("", g.Mul("", a.value, x), b.value));
  g.GlobalVariablesInitializer();
  g.AddSaver();
  BuiltModel model;
  ASSIGN_OR_RETURN(model.meta_graph, g.Finish());
  model.variables = g.Variables();
  ASSIGN_OR_RETURN(
      model.signatures[kDefaultServingSignatureDefKey],
      PredictSignatureDef({{"x", BuildTensorInfo(x.tensor_name(), x.dtype, x.shape)}},
                          {{"y", BuildTensorInfo(y.tensor_name(), y.dtype, y.shape)}}));
  return model;
}

absl::StatusOr<VersionedExportResult> ExportHalfPlusTwo(const std::string& export_base,
                                                        const std::string& model_name,
                                                        std::optional<int64_t> version, Env* env) {
  ASSIGN_OR_RETURN(BuiltModel model, BuildHalfPlusTwo());
  return ExportBuiltModel(model, export_base, model_name, version, env);
}

}  // namespace savedserve
