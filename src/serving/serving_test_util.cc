#include "serving/serving_test_util.h"

#include "absl/strings/str_cat.h"

namespace savedserve {
namespace {

std::atomic<int> live_fake_models{0};

class FakeModel : public LoadedModel {
 public:
  FakeModel() { ++live_fake_models; }
  ~FakeModel() override { --live_fake_models; }
  const tensorflow::MetaGraphDef& meta_graph() const override { return meta_graph_; }
  const std::map<std::string, tensorflow::SignatureDef>& signatures() const override {
    return signatures_;
  }
  absl::StatusOr<std::map<std::string, Tensor>> RunSignature(
      const std::string&, std::map<std::string, Tensor>,
      const std::vector<std::string>&) const override {
    return absl::UnimplementedError("fake model");
  }
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>&,
                                          const std::vector<std::string>&,
                                          const std::vector<std::string>&) const override {
    return absl::UnimplementedError("fake model");
  }
  int64_t EstimateFlops(const std::string&,
                        const std::map<std::string, TensorShape>&) const override {
    return 0;
  }

 private:
  tensorflow::MetaGraphDef meta_graph_;
  std::map<std::string, tensorflow::SignatureDef> signatures_;
};

}  // namespace

int LiveFakeModels() { return live_fake_models.load(); }

void FakeLoader::Fail(const std::string& model, int64_t version, absl::Status error, int times) {
  absl::MutexLock lock(&mu_);
  failures_[{model, version}] = {std::move(error), times};
}

void FakeLoader::OnLoad(std::function<void(const ServableId&)> hook) {
  absl::MutexLock lock(&mu_);
  hook_ = std::move(hook);
}

int FakeLoader::Calls(const std::string& model, int64_t version) const {
  absl::MutexLock lock(&mu_);
  auto it = calls_.find({model, version});
  return it == calls_.end() ? 0 : it->second;
}

int FakeLoader::TotalCalls() const {
  absl::MutexLock lock(&mu_);
  int total = 0;
  for (const auto& [key, n] : calls_) total += n;
  return total;
}

ServableLoader FakeLoader::AsLoader() {
  return [this](const ServableId& id, const std::string& path) { return Load(id, path); };
}

absl::StatusOr<ServableHandle> FakeLoader::Load(const ServableId& id, const std::string& path) {
  std::function<void(const ServableId&)> hook;
  absl::Status failure;
  {
    absl::MutexLock lock(&mu_);
    ++calls_[{id.name, id.version}];
    hook = hook_;
    auto it = failures_.find({id.name, id.version});
    if (it != failures_.end() && it->second.second != 0) {
      failure = it->second.first;
      if (it->second.second > 0) --it->second.second;
    }
  }
  if (hook) hook(id);
  if (!failure.ok()) return failure;
  return std::make_shared<const Servable>(id, path, std::make_unique<FakeModel>());
}

void AddVersionDir(MemoryEnv& env, const std::string& base, int64_t version) {
  env.SetFile(JoinPath(JoinPath(base, absl::StrCat(version)), "saved_model.pb"), "");
}

void RemoveVersionDir(MemoryEnv& env, const std::string& base, int64_t version) {
  (void)env.DeleteRecursively(JoinPath(base, absl::StrCat(version)));
}

}  // namespace savedserve
