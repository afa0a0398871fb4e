#include "runtime/banded_chains.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "kernels/ops/banded_chain.h"
#include "kernels/ops/blocked_layout.h"
#include "runtime/blocked_layout.h"
#include "runtime/tensor_names.h"
#include "tensor/shape.h"

namespace savedserve {
namespace {

using tensorflow::NodeDef;

constexpr char kBlockedSuffix[] = "/_nChw16c";

bool IsConv(const NodeDef& node) { return node.op() == "Conv2D" || node.op() == "_FusedConv2D"; }

bool IsBlocked(const NodeDef& node) {
  auto it = node.attr().find(kLayoutAttr);
  return it != node.attr().end() && it->second.s() == kBlockedLayout;
}

// Per-image bytes of output 0 as _output_shapes declares it, if fully known.
std::optional<int64_t> ImageBytes(const NodeDef& node) {
  auto it = node.attr().find("_output_shapes");
  if (it == node.attr().end() || it->second.list().shape_size() == 0) return std::nullopt;
  const PartialShape shape = PartialShape::FromProto(it->second.list().shape(0));
  if (shape.rank() < 2) return std::nullopt;
  int64_t bytes = sizeof(float);
  for (int i = 1; i < shape.rank(); ++i) {
    if (shape.dims()[i] < 0) return std::nullopt;
    bytes *= shape.dims()[i];
  }
  return bytes;
}

class BandedChainPass {
 public:
  BandedChainPass(const std::set<std::string>& keep, const BandedChainOptions& options,
                  std::vector<NodeDef>* nodes)
      : keep_(keep), options_(options), nodes_(*nodes) {
    for (size_t i = 0; i < nodes_.size(); ++i) index_[nodes_[i].name()] = static_cast<int>(i);
    // Live nodes: those the kept outputs depend on. Readers that are not (nodes earlier passes
    // left behind, unused conversions) do not count.
    std::vector<bool> live(nodes_.size(), false);
    std::vector<int> stack;
    for (const std::string& name : keep_) {
      auto it = index_.find(name);
      if (it != index_.end() && !live[it->second]) {
        live[it->second] = true;
        stack.push_back(it->second);
      }
    }
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      for (const std::string& input : nodes_[i].input()) {
        auto id = ParseTensorId(input);
        auto it = id.ok() ? index_.find(id->node) : index_.end();
        if (it != index_.end() && !live[it->second]) {
          live[it->second] = true;
          stack.push_back(it->second);
        }
      }
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!live[i]) continue;
      for (const std::string& input : nodes_[i].input()) {
        auto id = ParseTensorId(input);
        if (id.ok()) readers_[id->node].push_back(static_cast<int>(i));
      }
    }
  }

  int Run() {
    int chains = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const NodeDef& end = nodes_[i];
      const bool pool = end.op() == "MaxPool" && IsBlocked(end);
      if (!pool && !(IsConv(end) && IsBlocked(end))) continue;
      // A convolution the next stage would absorb is not an end: the longer chain wins.
      const std::vector<int> readers = RealReaders(end.name());
      if (!pool && readers.size() == 1 && Absorbable(i, readers[0])) continue;
      std::vector<int> stages = Chain(static_cast<int>(i));
      if (stages.size() < 2 || !WorthIt(stages)) continue;
      nodes_[i] = ChainNode(stages);
      ++chains;
    }
    return chains;
  }

 private:
  const NodeDef* Find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &nodes_[it->second];
  }

  // The live nodes reading `name`'s outputs.
  std::vector<int> RealReaders(const std::string& name) const {
    auto it = readers_.find(name);
    return it == readers_.end() ? std::vector<int>() : it->second;
  }

  // Whether `node`'s filter (and bias) are constants of the graph.
  bool ConstantWeights(const NodeDef& node) const {
    const int count = node.op() == "_FusedConv2D" ? 3 : 2;
    if (node.input_size() < count) return false;
    for (int i = 1; i < count; ++i) {
      auto id = ParseTensorId(node.input(i));
      const NodeDef* producer = id.ok() && !id->control ? Find(id->node) : nullptr;
      if (producer == nullptr || producer->op() != "Const") return false;
    }
    return true;
  }

  // The original (fetchable) name of a node of the blocked layout.
  static std::string OriginalName(const std::string& name) {
    const std::string suffix = kBlockedSuffix;
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(),
                                                    suffix) == 0) {
      return name.substr(0, name.size() - suffix.size());
    }
    return name;
  }

  // Whether `node`'s one data output is read by `reader` alone, as its input 0, exactly once,
  // and is not fetched.
  bool OnlyReadBy(const NodeDef& node, int reader) const {
    const std::vector<int> readers = RealReaders(node.name());
    if (readers.size() != 1 || readers[0] != reader) return false;
    if (keep_.contains(node.name()) || keep_.contains(OriginalName(node.name()))) return false;
    const NodeDef& r = nodes_[reader];
    int uses = 0;
    for (int j = 0; j < r.input_size(); ++j) {
      auto id = ParseTensorId(r.input(j));
      if (id.ok() && id->node == node.name()) ++uses;
    }
    auto first = ParseTensorId(r.input(0));
    return uses == 1 && first.ok() && !first->control && first->index == 0 &&
           first->node == node.name();
  }

  // Whether blocked convolution `i` can be a stage before node `reader` in a chain.
  bool Absorbable(size_t i, int reader) const {
    const NodeDef& node = nodes_[i];
    const NodeDef& next = nodes_[reader];
    return IsConv(node) && IsBlocked(node) && BlockableTail(node) && ConstantWeights(node) &&
           IsBlocked(next) && (IsConv(next) || next.op() == "MaxPool") &&
           OnlyReadBy(node, reader);
  }

  // The stages ending at node `end`, first to last.
  std::vector<int> Chain(int end) const {
    const NodeDef& last = nodes_[end];
    if (IsConv(last) && (!BlockableTail(last) || !ConstantWeights(last))) return {};
    std::vector<int> stages{end};
    int current = end;
    while (true) {
      auto id = ParseTensorId(nodes_[current].input(0));
      if (!id.ok() || id->control || id->index != 0) break;
      auto producer = index_.find(id->node);
      if (producer == index_.end()) break;
      const int p = producer->second;
      if (Absorbable(p, current)) {
        stages.insert(stages.begin(), p);
        current = p;
        continue;
      }
      // An NHWC first convolution whose output only feeds the conversion to blocked.
      const NodeDef& converter = nodes_[p];
      if (converter.op() != kToBlockedOp || !OnlyReadBy(converter, current)) break;
      auto source = ParseTensorId(converter.input(0));
      auto q = source.ok() && !source->control && source->index == 0 ? index_.find(source->node)
                                                                     : index_.end();
      if (q != index_.end() && FirstNhwcConv(nodes_[q->second]) &&
          OnlyReadBy(nodes_[q->second], p)) {
        stages.insert(stages.begin(), q->second);
      }
      break;
    }
    return stages;
  }

  // An NHWC float convolution with fewer than 16 input channels and a blockable output.
  bool FirstNhwcConv(const NodeDef& node) const {
    if (!IsConv(node) || IsBlocked(node) || !BlockableTail(node) || !ConstantWeights(node)) {
      return false;
    }
    auto type = node.attr().find("T");
    if (type == node.attr().end() || type->second.type() != tensorflow::DT_FLOAT) return false;
    auto format = node.attr().find("data_format");
    if (format != node.attr().end() && !format->second.s().empty() &&
        format->second.s() != "NHWC") {
      return false;
    }
    // The filter [kh, kw, in, out], as its producer declares it.
    auto id = ParseTensorId(node.input(1));
    const NodeDef* filter = id.ok() ? Find(id->node) : nullptr;
    if (filter == nullptr) return false;
    auto shapes = filter->attr().find("_output_shapes");
    if (shapes == filter->attr().end() || shapes->second.list().shape_size() <= id->index) {
      return false;
    }
    const PartialShape f = PartialShape::FromProto(shapes->second.list().shape(id->index));
    return f.rank() == 4 && f.dims()[2] > 0 && f.dims()[2] < kChannelBlock && f.dims()[3] > 0 &&
           f.dims()[3] % kChannelBlock == 0;
  }

  bool WorthIt(const std::vector<int>& stages) const {
    for (size_t s = 0; s + 1 < stages.size(); ++s) {
      auto bytes = ImageBytes(nodes_[stages[s]]);
      if (bytes && *bytes >= options_.min_intermediate_bytes) return true;
    }
    return false;
  }

  NodeDef ChainNode(const std::vector<int>& stages) const {
    const NodeDef& last = nodes_[stages.back()];
    NodeDef chain;
    chain.set_name(last.name());
    chain.set_op(kBandedChainOp);
    chain.set_device(last.device());
    chain.add_input(nodes_[stages[0]].input(0));
    std::vector<std::string> controls;
    auto* serialized = (*chain.mutable_attr())[kStagesAttr].mutable_list();
    auto* counts = (*chain.mutable_attr())[kStageInputsAttr].mutable_list();
    for (int s : stages) {
      NodeDef stage = nodes_[s];
      int count = 0;
      for (int j = 1; j < stage.input_size(); ++j) {
        if (!stage.input(j).empty() && stage.input(j)[0] == '^') {
          controls.push_back(stage.input(j));
        } else {
          chain.add_input(stage.input(j));
          ++count;
        }
      }
      stage.clear_input();
      serialized->add_s(stage.SerializeAsString());
      counts->add_i(count);
    }
    std::sort(controls.begin(), controls.end());
    controls.erase(std::unique(controls.begin(), controls.end()), controls.end());
    for (const std::string& control : controls) chain.add_input(control);
    (*chain.mutable_attr())[kBandBytesAttr].set_i(options_.band_bytes);
    (*chain.mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
    (*chain.mutable_attr())["_output_shapes"] = last.attr().at("_output_shapes");
    return chain;
  }

  const std::set<std::string>& keep_;
  const BandedChainOptions options_;
  std::vector<NodeDef>& nodes_;
  absl::flat_hash_map<std::string, int> index_;
  absl::flat_hash_map<std::string, std::vector<int>> readers_;  // node -> live nodes reading it
};

absl::Mutex options_mu(absl::kConstInit);
BandedChainOptions* default_options ABSL_GUARDED_BY(options_mu) = nullptr;

}  // namespace

BandedChainOptions DefaultBandedChainOptions() {
  absl::MutexLock lock(&options_mu);
  return default_options == nullptr ? BandedChainOptions() : *default_options;
}

void SetDefaultBandedChainOptions(const BandedChainOptions& options) {
  absl::MutexLock lock(&options_mu);
  delete default_options;
  default_options = new BandedChainOptions(options);
}

int FuseBandedChains(const std::set<std::string>& keep, const BandedChainOptions& options,
                     std::vector<NodeDef>* nodes) {
  return BandedChainPass(keep, options, nodes).Run();
}

}  // namespace savedserve
