// Parsing einsum equations and matching them to input shapes (einsum.h).
#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status.h"
#include "kernels/ops/einsum.h"

namespace savedserve {
namespace {

bool Contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Reads one subscript into label ids, numbering new letters from eq->num_named.
absl::Status ParseSubscript(absl::string_view s, int (&ids)[128], EinsumEquation* eq,
                            std::vector<int>* labels) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '.') {
      if (s.substr(i, 3) != "..." || Contains(*labels, EinsumEquation::kEllipsis)) {
        return absl::InvalidArgumentError(
            absl::StrCat("subscript '", s, "' has a '.' outside a single ellipsis"));
      }
      labels->push_back(EinsumEquation::kEllipsis);
      i += 2;
      continue;
    }
    if (!absl::ascii_isalpha(static_cast<unsigned char>(ch))) {
      return absl::InvalidArgumentError(absl::StrCat("invalid label '", s.substr(i, 1), "'"));
    }
    if (ids[static_cast<int>(ch)] < 0) ids[static_cast<int>(ch)] = eq->num_named++;
    labels->push_back(ids[static_cast<int>(ch)]);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EinsumEquation> EinsumEquation::Parse(absl::string_view equation) {
  const size_t arrow = equation.find("->");
  if (arrow == absl::string_view::npos ||
      equation.find("->", arrow + 1) != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("expecting exactly one '->' in einsum equation '", equation, "'"));
  }
  const std::vector<absl::string_view> subscripts = absl::StrSplit(equation.substr(0, arrow), ',');
  if (subscripts.size() != 1 && subscripts.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("expecting 1 or 2 input subscripts in einsum equation '", equation, "'"));
  }
  EinsumEquation eq;
  int ids[128];
  std::fill(std::begin(ids), std::end(ids), -1);
  eq.inputs.resize(subscripts.size());
  for (size_t i = 0; i < subscripts.size(); ++i) {
    RETURN_IF_ERROR(ParseSubscript(subscripts[i], ids, &eq, &eq.inputs[i]));
  }
  const int named_in_inputs = eq.num_named;
  RETURN_IF_ERROR(ParseSubscript(equation.substr(arrow + 2), ids, &eq, &eq.output));
  if (eq.num_named != named_in_inputs) {
    return absl::InvalidArgumentError(
        absl::StrCat("einsum equation '", equation, "' has an output label that no input has"));
  }
  return eq;
}

absl::StatusOr<EinsumShapes> EinsumShapes::Compute(const EinsumEquation& eq,
                                                   const std::vector<TensorShape>& shapes) {
  if (shapes.size() != eq.inputs.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", eq.inputs.size(), " inputs, got ", shapes.size()));
  }
  // Axes each input's ellipsis covers; the broadcasting labels are right-aligned.
  std::vector<int> covered(shapes.size(), 0);
  int broadcast = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const bool ellipsis = Contains(eq.inputs[i], EinsumEquation::kEllipsis);
    const int named = static_cast<int>(eq.inputs[i].size()) - (ellipsis ? 1 : 0);
    const int rank = shapes[i].rank();
    if (ellipsis ? rank < named : rank != named) {
      return absl::InvalidArgumentError(absl::StrCat("input ", i, " has rank ", rank,
                                                     " but its subscript names ", named, " axes"));
    }
    covered[i] = rank - named;
    broadcast = std::max(broadcast, covered[i]);
  }
  if (broadcast > 0 && !Contains(eq.output, EinsumEquation::kEllipsis)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the inputs have ", broadcast, " broadcasting axes but the output has no ellipsis"));
  }
  EinsumShapes s;
  s.label_size.assign(eq.num_named + broadcast, -1);
  s.inputs.resize(shapes.size());
  for (size_t i = 0; i < shapes.size(); ++i) {
    for (int label : eq.inputs[i]) {
      const int count = label == EinsumEquation::kEllipsis ? covered[i] : 1;
      for (int j = 0; j < count; ++j) {
        const int id =
            label == EinsumEquation::kEllipsis ? eq.num_named + broadcast - count + j : label;
        const int axis = static_cast<int>(s.inputs[i].size());
        s.inputs[i].push_back(id);
        const int64_t dim = shapes[i].dim(axis);
        int64_t& size = s.label_size[id];
        if (size == -1 || size == dim || (id >= eq.num_named && size == 1)) {
          size = dim;
        } else if (!(id >= eq.num_named && dim == 1)) {
          return absl::InvalidArgumentError(
              absl::StrCat("axis ", axis, " of input ", i, " has size ", dim, " where ", size,
                           " was expected", id >= eq.num_named ? " (or 1, to broadcast)" : ""));
        }
      }
    }
  }
  for (int label : eq.output) {
    if (label != EinsumEquation::kEllipsis) {
      s.output.push_back(label);
      continue;
    }
    for (int j = 0; j < broadcast; ++j) s.output.push_back(eq.num_named + j);
  }
  return s;
}

std::vector<int64_t> EinsumShapes::output_dims() const {
  std::vector<int64_t> dims;
  for (int label : output) dims.push_back(label_size[label]);
  return dims;
}

}  // namespace savedserve
