// Einsum against hand-computed values and, over the equation forms Keras writes
// (MultiHeadAttention, EinsumDense) and numpy's corner cases, against an independent naive
// evaluator: a loop over every assignment of every label, in double precision, written from
// the numpy.einsum definition (out[out labels] += prod of inputs[their labels]; "..." axes
// right-aligned and broadcast). The evaluator's rules were cross-checked against numpy.einsum
// on this file's ellipsis and diagonal cases (exact agreement); numpy refuses an output label
// repeated ("ij->iji"), which follows TF's inflation: the diagonal filled, zeros elsewhere.
#include "kernels/ops/einsum.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

absl::StatusOr<Tensor> Einsum(const std::string& equation, const std::vector<Tensor>& inputs,
                              KernelVariant variant = KernelVariant::kReference) {
  OpRunner r("Einsum");
  r.Attr("T", tensorflow::DT_FLOAT).Attr("N", static_cast<int>(inputs.size()));
  r.Attr("equation", equation);
  auto out = r.Run(inputs, variant);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

// numpy.einsum's definition, evaluated naively. Broadcasting labels are the digits '0'...
Tensor NaiveEinsum(const std::string& equation, const std::vector<Tensor>& inputs) {
  const std::vector<std::string> sides = absl::StrSplit(equation, "->");
  std::vector<std::string> subs = absl::StrSplit(sides[0], ',');
  std::string out = sides[1];
  size_t broadcast = 0;
  for (size_t i = 0; i < subs.size(); ++i) {
    if (subs[i].find("...") != std::string::npos)
      broadcast = std::max<size_t>(broadcast, inputs[i].shape().rank() - (subs[i].size() - 3));
  }
  auto expand = [&](std::string s, size_t count) {
    const size_t at = s.find("...");
    if (at == std::string::npos) return s;
    std::string digits;
    for (size_t j = broadcast - count; j < broadcast; ++j) digits += static_cast<char>('0' + j);
    return s.replace(at, 3, digits);
  };
  std::map<char, int64_t> size;
  for (size_t i = 0; i < subs.size(); ++i) {
    const bool ellipsis = subs[i].find("...") != std::string::npos;
    subs[i] = expand(subs[i], ellipsis ? inputs[i].shape().rank() - (subs[i].size() - 3) : 0);
    for (size_t axis = 0; axis < subs[i].size(); ++axis)
      size[subs[i][axis]] = std::max(size[subs[i][axis]], inputs[i].shape().dim(axis));
  }
  out = expand(out, broadcast);
  std::vector<char> labels;
  for (const auto& [label, n] : size) labels.push_back(label);
  std::vector<int64_t> out_dims;
  for (char c : out) out_dims.push_back(size[c]);
  std::vector<double> acc(TensorShape(out_dims).num_elements(), 0.0);
  std::map<char, int64_t> at;
  auto offset = [&](const std::string& sub, const TensorShape& shape) {
    int64_t o = 0;
    for (size_t axis = 0; axis < sub.size(); ++axis)
      o = o * shape.dim(axis) + (shape.dim(axis) == 1 ? 0 : at[sub[axis]]);
    return o;
  };
  std::function<void(size_t)> loop = [&](size_t l) {
    if (l == labels.size()) {
      double product = 1;
      for (size_t i = 0; i < subs.size(); ++i)
        product *= inputs[i].data<float>()[offset(subs[i], inputs[i].shape())];
      acc[offset(out, TensorShape(out_dims))] += product;
      return;
    }
    for (at[labels[l]] = 0; at[labels[l]] < size[labels[l]]; ++at[labels[l]]) loop(l + 1);
  };
  loop(0);
  // An output label repeated ("i->ii") writes only where its indices agree: the loop above
  // visits those positions alone, so everything else stays zero.
  Tensor result(tensorflow::DT_FLOAT, TensorShape(out_dims));
  for (size_t i = 0; i < acc.size(); ++i) result.data<float>()[i] = static_cast<float>(acc[i]);
  return result;
}

Tensor Floats(const std::vector<float>& v, const std::vector<int64_t>& dims) {
  return Tensor::FromVector<float>(v, TensorShape(dims));
}

TEST(Einsum, HandComputed) {
  const Tensor a = Floats({1, 2, 3, 4}, {2, 2}), b = Floats({5, 6, 7, 8}, {2, 2});
  auto expect = [](absl::StatusOr<Tensor> got, std::vector<float> want) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(std::vector<float>(got->data<float>(), got->data<float>() + got->num_elements()),
              want);
  };
  expect(Einsum("ij,jk->ik", {a, b}), {19, 22, 43, 50});
  expect(Einsum("ij,kj->ik", {a, b}), {17, 23, 39, 53});
  expect(Einsum("ij->ji", {a}), {1, 3, 2, 4});
  expect(Einsum("ii->", {a}), {5});
  expect(Einsum("ii->i", {a}), {1, 4});
  expect(Einsum("ij->j", {a}), {4, 6});
  expect(Einsum("i->ii", {Floats({2, 3}, {2})}), {2, 0, 0, 3});
  expect(Einsum("ij,ij->", {a, b}), {70});
  expect(Einsum(",->", {Tensor::Scalar<float>(3), Tensor::Scalar<float>(4)}), {12});
}

struct Case {
  std::string equation;
  std::vector<std::vector<int64_t>> shapes;
};

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      // Keras EinsumDense / MultiHeadAttention (query/key/value and output projections,
      // attention scores and the weighted sum).
      {"abc,cde->abde", {{2, 5, 8}, {8, 3, 4}}},
      {"abcd,cde->abe", {{2, 5, 3, 4}, {3, 4, 8}}},
      {"aecd,abcd->acbe", {{2, 7, 3, 4}, {2, 5, 3, 4}}},
      {"acbe,aecd->abcd", {{2, 3, 5, 7}, {2, 7, 3, 4}}},
      {"abc,cd->abd", {{3, 4, 5}, {5, 6}}},
      {"ab,bc->ac", {{17, 9}, {9, 11}}},
      // Batch and transposed operands, contraction over several labels, free labels
      // interleaved, a summed label, an outer product.
      {"bij,bjk->bik", {{3, 4, 5}, {3, 5, 2}}},
      {"bij,bkj->bki", {{3, 4, 5}, {3, 2, 5}}},
      {"ijkl,jlm->mik", {{2, 3, 4, 5}, {3, 5, 6}}},
      {"ijk,jl->il", {{3, 4, 5}, {4, 2}}},
      {"i,j->ij", {{4}, {5}}},
      {"i,i->i", {{6}, {6}}},
      {"ij,ij->ji", {{3, 4}, {3, 4}}},
      {"i,->i", {{5}, {}}},
      // One operand: permutations, sums, diagonals, inflation.
      {"abc->cab", {{2, 3, 4}}},
      {"abc->b", {{2, 3, 4}}},
      {"iij->ji", {{3, 3, 4}}},
      {"iji->ij", {{3, 2, 3}}},
      {"ij->iji", {{2, 3}}},
      // Ellipses: broadcasting batch axes (size 1 against n, and missing axes), in the middle
      // of a subscript, and on one operand only.
      {"...ij,...jk->...ik", {{2, 1, 3, 4}, {5, 4, 6}}},
      {"...ij,jk->...ik", {{2, 3, 4, 5}, {5, 6}}},
      {"a...c,c...->a...", {{2, 3, 4, 5}, {5, 4}}},
      {"...ab->...ba", {{2, 3, 4, 5}}},
      {"...->...", {{}}},
      // Empty axes.
      {"ij,jk->ik", {{3, 0}, {0, 4}}},
      {"bij,bjk->bik", {{0, 2, 3}, {0, 3, 4}}},
  };
  return *cases;
}

TEST(Einsum, MatchesNaiveEvaluation) {
  uint32_t seed = 1;
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.equation);
    std::vector<Tensor> inputs;
    for (const auto& shape : c.shapes)
      inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape(shape), seed++));
    const Tensor want = NaiveEinsum(c.equation, inputs);
    for (auto variant : {KernelVariant::kReference, KernelVariant::kOptimized}) {
      auto got = Einsum(c.equation, inputs, variant);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_TRUE(TensorsNear(*got, want, 1e-5));
    }
  }
}

TEST(Einsum, MultiThreadedMatchesNaive) {
  const std::vector<Tensor> inputs = {
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({4, 64, 8, 16}), 1),
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({4, 48, 8, 16}), 2)};
  OpRunner r("Einsum");
  r.Attr("T", tensorflow::DT_FLOAT).Attr("N", 2).Attr("equation", "aecd,abcd->acbe").Threads(2);
  auto got = r.Run(inputs);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(TensorsNear((*got)[0], NaiveEinsum("aecd,abcd->acbe", inputs), 1e-5));
}

TEST(Einsum, RejectsBadEquationsAndShapes) {
  const Tensor m = RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 3}), 1);
  const Tensor v = RandomTensor(tensorflow::DT_FLOAT, TensorShape({4}), 2);
  auto code = [](const std::string& eq, const std::vector<Tensor>& inputs) {
    return Einsum(eq, inputs).status().code();
  };
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code("ij", {m}), kInvalid);                // no output
  EXPECT_EQ(code("ij->i->j", {m}), kInvalid);          // two arrows
  EXPECT_EQ(code("i,j,k->ijk", {v, v, v}), kInvalid);  // three operands
  EXPECT_EQ(code("ij->k", {m}), kInvalid);             // output label no input has
  EXPECT_EQ(code("i1->i", {m}), kInvalid);             // not a letter
  EXPECT_EQ(code("i..j->ij", {m}), kInvalid);          // broken ellipsis
  EXPECT_EQ(code("......->", {m}), kInvalid);          // two ellipses
  EXPECT_EQ(code("ijk->i", {m}), kInvalid);            // rank
  EXPECT_EQ(code("ij,jk->ik", {m, m}), kInvalid);      // j is 3 and 2
  EXPECT_EQ(code("ii->i", {m}), kInvalid);             // a diagonal of a 2x3
  EXPECT_EQ(code("...i->i", {m}), kInvalid);           // broadcasting axes, none out
  EXPECT_EQ(code("...i,...i->...i", {RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 4}), 3),
                                     RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 4}), 4)}),
            kInvalid);                          // 2 does not broadcast against 3
  EXPECT_EQ(code("ij,jk->ik", {m}), kInvalid);  // one input for two subscripts
  OpRunner ints("Einsum");
  ints.Attr("T", tensorflow::DT_INT32).Attr("N", 1).Attr("equation", "i->i");
  EXPECT_EQ(ints.Run({Tensor::FromVector<int32_t>(std::vector<int32_t>{1}, {1})}).status().code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace savedserve
