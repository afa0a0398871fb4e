// Shape, slicing, joining and filling cases of the per-op differential suite. These move
// values without arithmetic, so every one must match exactly.
#include <random>

#include "absl/strings/str_join.h"
#include "tests/tfjs/op_cases.h"

namespace savedserve::testing {
namespace {

void AddReshaping(std::vector<OpCase>* cases, uint32_t& seed) {
  cases->push_back(Case("Reshape", "[2,3,4]->[4,-1]")
                       .T()
                       .Attr("Tshape", tensorflow::DT_INT32)
                       .In(Rand({2, 3, 4}, seed++))
                       .Const(Ints({4, -1})));
  cases->push_back(Case("Reshape", "[1,16,16,2]->[1,512,1]")
                       .T()
                       .Attr("Tshape", tensorflow::DT_INT32)
                       .In(Rand({1, 16, 16, 2}, seed++))
                       .Const(Ints({1, 512, 1})));
  for (int32_t axis : {0, 2, -1}) {
    cases->push_back(Case("ExpandDims", "axis " + std::to_string(axis))
                         .T()
                         .Attr("Tdim", tensorflow::DT_INT32)
                         .In(Rand({3, 4}, seed++))
                         .Const(Int(axis)));
  }
  cases->push_back(Case("Squeeze", "all").T().In(Rand({1, 3, 1, 4, 1}, seed++)));
  cases->push_back(Case("Squeeze", "dims [0,-1]")
                       .T()
                       .Attr("squeeze_dims", std::vector<int64_t>{0, -1})
                       .In(Rand({1, 3, 1, 4, 1}, seed++)));
  for (const std::vector<int32_t>& perm :
       std::vector<std::vector<int32_t>>{{1, 0}, {0, 3, 1, 2}, {3, 2, 1, 0}, {0, 2, 1, 3}}) {
    std::vector<int64_t> shape =
        perm.size() == 2 ? std::vector<int64_t>{5, 7} : std::vector<int64_t>{2, 3, 4, 5};
    cases->push_back(
        Case("Transpose",
             "perm " + TensorShape(std::vector<int64_t>(perm.begin(), perm.end())).DebugString())
            .T()
            .Attr("Tperm", tensorflow::DT_INT32)
            .In(Rand(shape, seed++))
            .Const(Ints(perm)));
  }
  cases->push_back(Case("Tile", "[2,3]x[2,3]")
                       .T()
                       .Attr("Tmultiples", tensorflow::DT_INT32)
                       .In(Rand({2, 3}, seed++))
                       .Const(Ints({2, 3})));
  cases->push_back(Case("Shape", "[2,3,4]")
                       .T()
                       .Attr("out_type", tensorflow::DT_INT32)
                       .In(Rand({2, 3, 4}, seed++)));
  for (const char* op : {"ZerosLike", "OnesLike"}) {
    cases->push_back(Case(op, "[3,4]").T().In(Rand({3, 4}, seed++)));
  }
  cases->push_back(Case("IdentityN", "float + int32")
                       .TypeList("T", {tensorflow::DT_FLOAT, tensorflow::DT_INT32})
                       .In(Rand({3}, seed++))
                       .In(RandInts({2, 2}, seed++, 0, 9))
                       .Outputs(2));
}

void AddJoining(std::vector<OpCase>* cases, uint32_t& seed) {
  for (int32_t axis : {0, 1, -1}) {
    cases->push_back(Case("ConcatV2", "3 inputs axis " + std::to_string(axis))
                         .T()
                         .Attr("N", 3)
                         .Attr("Tidx", tensorflow::DT_INT32)
                         .In(Rand({2, 3}, seed++))
                         .In(Rand({2, 3}, seed++))
                         .In(Rand({2, 3}, seed++))
                         .Const(Int(axis)));
  }
  cases->push_back(Case("Concat", "axis first")
                       .T()
                       .Attr("N", 2)
                       .Const(Int(1))
                       .In(Rand({2, 3}, seed++))
                       .In(Rand({2, 5}, seed++)));
  for (int axis : {0, 1, -1}) {
    cases->push_back(Case("Pack", "3 x [2,3] axis " + std::to_string(axis))
                         .T()
                         .Attr("N", 3)
                         .Attr("axis", axis)
                         .In(Rand({2, 3}, seed++))
                         .In(Rand({2, 3}, seed++))
                         .In(Rand({2, 3}, seed++)));
  }
  for (int axis : {0, 1}) {
    cases->push_back(Case("Unpack", "[3,2,4] axis " + std::to_string(axis))
                         .T()
                         .Attr("num", axis == 0 ? 3 : 2)
                         .Attr("axis", axis)
                         .In(Rand({3, 2, 4}, seed++))
                         .Outputs(axis == 0 ? 3 : 2));
  }
}

void AddSlicing(std::vector<OpCase>* cases, uint32_t& seed) {
  cases->push_back(Case("Slice", "[4,5,6] begin [1,0,2] size [2,-1,3]")
                       .T()
                       .Attr("Index", tensorflow::DT_INT32)
                       .In(Rand({4, 5, 6}, seed++))
                       .Const(Ints({1, 0, 2}))
                       .Const(Ints({2, -1, 3})));
  struct Strided {
    const char* label;
    std::vector<int32_t> begin, end, strides;
    int begin_mask, end_mask, shrink, new_axis, ellipsis;
  };
  const Strided strided[] = {
      {"[1:3, ::2, -2:]", {1, 0, -2}, {3, 0, 0}, {1, 2, 1}, 2, 6, 0, 0, 0},
      // TF.js 4.22 fails ("Requested out of range element") on a negative stride together
      // with masks or a shrunk axis ([::-1, 1, :]), so negative strides come alone here.
      {"[..., 0]", {0, 0}, {0, 1}, {1, 1}, 0, 0, 2, 0, 1},
      {"[:, newaxis, 1:4]", {0, 0, 1}, {0, 0, 4}, {1, 1, 1}, 1, 1, 0, 2, 0},
      {"[-3:-1, 4:0:-2]", {-3, 4}, {-1, 0}, {1, -2}, 0, 0, 0, 0, 0},
  };
  for (const Strided& s : strided) {
    cases->push_back(Case("StridedSlice", s.label)
                         .T()
                         .Attr("Index", tensorflow::DT_INT32)
                         .Attr("begin_mask", s.begin_mask)
                         .Attr("end_mask", s.end_mask)
                         .Attr("shrink_axis_mask", s.shrink)
                         .Attr("new_axis_mask", s.new_axis)
                         .Attr("ellipsis_mask", s.ellipsis)
                         .In(Rand({5, 6, 7}, seed++))
                         .Const(Ints(s.begin))
                         .Const(Ints(s.end))
                         .Const(Ints(s.strides)));
  }
  for (int32_t axis : {0, 1, -1}) {
    cases->push_back(Case("GatherV2", "axis " + std::to_string(axis))
                         .Attr("Tparams", tensorflow::DT_FLOAT)
                         .Attr("Tindices", tensorflow::DT_INT32)
                         .Attr("Taxis", tensorflow::DT_INT32)
                         .In(Rand({4, 5, 6}, seed++))
                         .In(RandInts({2, 3}, seed++, 0, 3))
                         .Const(Int(axis)));
  }
  cases->push_back(Case("GatherV2", "batch_dims 1")
                       .Attr("Tparams", tensorflow::DT_FLOAT)
                       .Attr("Tindices", tensorflow::DT_INT32)
                       .Attr("Taxis", tensorflow::DT_INT32)
                       .Attr("batch_dims", 1)
                       .In(Rand({3, 5, 2}, seed++))
                       .In(RandInts({3, 4}, seed++, 0, 4))
                       .Const(Int(1)));
  cases->push_back(Case("Gather", "[5,3] by [2,2]")
                       .Attr("Tparams", tensorflow::DT_FLOAT)
                       .Attr("Tindices", tensorflow::DT_INT32)
                       .In(Rand({5, 3}, seed++))
                       .In(RandInts({2, 2}, seed++, 0, 4)));
}

void AddPaddingAndFilling(std::vector<OpCase>* cases, uint32_t& seed) {
  const std::vector<int32_t> paddings = {0, 0, 1, 2, 2, 1, 0, 0};
  cases->push_back(Case("Pad", "NHWC [1,2],[2,1]")
                       .T()
                       .Attr("Tpaddings", tensorflow::DT_INT32)
                       .In(Rand({1, 4, 5, 3}, seed++))
                       .Const(Ints(paddings, {4, 2})));
  cases->push_back(Case("PadV2", "constant 1.5")
                       .T()
                       .Attr("Tpaddings", tensorflow::DT_INT32)
                       .In(Rand({1, 4, 5, 3}, seed++))
                       .Const(Ints(paddings, {4, 2}))
                       .Const(Float(1.5f)));
  for (const char* mode : {"REFLECT", "SYMMETRIC"}) {
    cases->push_back(Case("MirrorPad", mode)
                         .T()
                         .Attr("Tpaddings", tensorflow::DT_INT32)
                         .Attr("mode", mode)
                         .In(Rand({1, 4, 5, 3}, seed++))
                         .Const(Ints(paddings, {4, 2})));
  }
  cases->push_back(Case("Fill", "[2,3] with 0.5")
                       .T()
                       .Attr("index_type", tensorflow::DT_INT32)
                       .Const(Ints({2, 3}))
                       .In(Float(0.5f)));
  cases->push_back(Case("Range", "int32 3..20 step 4")
                       .Attr("Tidx", tensorflow::DT_INT32)
                       .In(Int(3))
                       .In(Int(20))
                       .In(Int(4)));
  cases->push_back(Case("Range", "float 1..0 step -0.125")
                       .Attr("Tidx", tensorflow::DT_FLOAT)
                       .In(Float(1))
                       .In(Float(0))
                       .In(Float(-0.125f)));
}

void AddSplitting(std::vector<OpCase>* cases, uint32_t& seed) {
  for (int32_t axis : {0, 1, -1}) {
    cases->push_back(Case("Split", "[4,6,2] in 2 axis " + std::to_string(axis))
                         .T()
                         .Attr("num_split", 2)
                         .Const(Int(axis))
                         .In(Rand({4, 6, 2}, seed++))
                         .Outputs(2));
  }
  cases->push_back(Case("Split", "[3,6] in 3 along 1")
                       .T()
                       .Attr("num_split", 3)
                       .Const(Int(1))
                       .In(Rand({3, 6}, seed++))
                       .Outputs(3));
  cases->push_back(Case("SplitV", "[5,7] sizes [2,-1,1] axis 1")
                       .T()
                       .Attr("num_split", 3)
                       .Attr("Tlen", tensorflow::DT_INT32)
                       .In(Rand({5, 7}, seed++))
                       .Const(Ints({2, -1, 1}))
                       .Const(Int(1))
                       .Outputs(3));
  cases->push_back(Case("SplitV", "[6,2] sizes [1,0,5] axis -2")
                       .T()
                       .Attr("num_split", 3)
                       .Attr("Tlen", tensorflow::DT_INT32)
                       .In(Rand({6, 2}, seed++))
                       .Const(Ints({1, 0, 5}))
                       .Const(Int(-2))
                       .Outputs(3));
  for (const std::vector<int64_t>& shape : std::vector<std::vector<int64_t>>{{}, {7}, {2, 3, 4}}) {
    const std::string label = TensorShape(shape).DebugString();
    cases->push_back(Case("Rank", label).T().In(Rand(shape, seed++)));
    cases->push_back(
        Case("Size", label).T().Attr("out_type", tensorflow::DT_INT32).In(Rand(shape, seed++)));
  }
}

void AddReversingAndBroadcasting(std::vector<OpCase>* cases, uint32_t& seed) {
  const std::vector<std::vector<int32_t>> axes = {{0}, {1}, {0, -1}, {-1, 1, 0}, {}};
  for (const std::vector<int32_t>& axis : axes) {
    cases->push_back(Case("ReverseV2", "[3,4,5] axis " + absl::StrJoin(axis, ","))
                         .T()
                         .Attr("Tidx", tensorflow::DT_INT32)
                         .In(Rand({3, 4, 5}, seed++))
                         .Const(Ints(axis, {static_cast<int64_t>(axis.size())})));
  }
  cases->push_back(Case("ReverseV2", "int32 [6] axis 0")
                       .T(tensorflow::DT_INT32)
                       .Attr("Tidx", tensorflow::DT_INT32)
                       .In(RandInts({6}, seed++, -9, 9))
                       .Const(Ints({0}, {1})));
  Tensor dims(tensorflow::DT_BOOL, TensorShape{3});
  dims.data<bool>()[0] = true;
  dims.data<bool>()[1] = false;
  dims.data<bool>()[2] = true;
  cases->push_back(
      Case("Reverse", "[2,3,4] dims [T,F,T]").T().In(Rand({2, 3, 4}, seed++)).Const(dims));
  struct To {
    std::vector<int64_t> from;
    std::vector<int32_t> to;
  };
  // TF.js 4.22 returns the input unchanged for a target with a 0 dimension ([1,3] -> [0,3]
  // gives [1,3]), where TensorFlow gives an empty tensor; so no empty targets here.
  const To broadcasts[] = {{{3}, {2, 3}}, {{2, 1}, {2, 2, 3}}, {{1, 4, 1}, {3, 4, 2}},
                           {{}, {2, 2}},  {{2, 3}, {2, 3}},    {{1, 1}, {2, 5}}};
  for (const To& b : broadcasts) {
    cases->push_back(
        Case("BroadcastTo", TensorShape(b.from).DebugString() + "->" + absl::StrJoin(b.to, ","))
            .T()
            .Attr("Tidx", tensorflow::DT_INT32)
            .In(Rand(b.from, seed++))
            .Const(Ints(b.to, {static_cast<int64_t>(b.to.size())})));
  }
}

void AddOneHot(std::vector<OpCase>* cases, uint32_t& seed) {
  // TF.js ignores OneHot's `axis` (it always adds the last dimension), so only axis -1, and
  // refuses depth < 2, which TensorFlow allows.
  // Indices run past both ends of [0, depth): those rows are all off_value in both.
  struct Hot {
    std::vector<int64_t> indices;
    int32_t depth;
    float on, off;
  };
  const Hot hots[] = {{{6}, 4, 1, 0}, {{2, 3}, 5, 2.5f, -1}, {{3, 1, 2}, 2, 1, 0}, {{}, 3, 7, 3}};
  for (const Hot& h : hots) {
    cases->push_back(
        Case("OneHot", TensorShape(h.indices).DebugString() + " depth " + std::to_string(h.depth))
            .T()
            .Attr("TI", tensorflow::DT_INT32)
            .Attr("axis", -1)
            .In(RandInts(h.indices, seed++, -2, h.depth + 1))
            .Const(Int(h.depth))
            .Const(Float(h.on))
            .Const(Float(h.off)));
  }
}

void AddIndexing(std::vector<OpCase>* cases, uint32_t& seed) {
  struct Nd {
    std::vector<int64_t> params, indices;  // indices' last dim is the index depth
  };
  const Nd nds[] = {{{5, 4}, {3, 2}},    {{5, 4}, {2, 2, 1}}, {{3, 4, 5}, {6, 2}},
                    {{3, 4, 5}, {2, 3}}, {{4}, {3, 1}},       {{4, 3}, {0, 1}}};
  for (const Nd& nd : nds) {
    // Each column of the indices in [0, the params dim it addresses).
    Tensor indices(tensorflow::DT_INT32, TensorShape(nd.indices));
    const int64_t depth = nd.indices.back();
    std::mt19937 rng(seed++);
    for (int64_t i = 0; i < indices.num_elements(); ++i) {
      indices.data<int32_t>()[i] = static_cast<int32_t>(rng() % nd.params[i % depth]);
    }
    cases->push_back(Case("GatherNd", TensorShape(nd.params).DebugString() + " by " +
                                          TensorShape(nd.indices).DebugString())
                         .Attr("Tparams", tensorflow::DT_FLOAT)
                         .Attr("Tindices", tensorflow::DT_INT32)
                         .In(Rand(nd.params, seed++))
                         .In(indices));
  }
  for (const std::vector<int64_t>& shape :
       std::vector<std::vector<int64_t>>{{7}, {3, 4}, {2, 3, 4}, {0, 3}}) {
    cases->push_back(Case("Where", "bool " + TensorShape(shape).DebugString())
                         .Attr("T", tensorflow::DT_BOOL)
                         .In(RandBools(shape, seed++)));
  }
  cases->push_back(Case("Where", "all false")
                       .Attr("T", tensorflow::DT_BOOL)
                       .In(Tensor(tensorflow::DT_BOOL, TensorShape{2, 2})));
  cases->push_back(
      Case("Where", "int32 0/1").T(tensorflow::DT_INT32).In(RandInts({3, 3}, seed++, 0, 1)));
}

void AddBlocksAndBands(std::vector<OpCase>* cases, uint32_t& seed) {
  struct Blocks {
    std::vector<int64_t> space;  // SpaceToBatchND's input, BatchToSpaceND's output
    std::vector<int32_t> block, margins;
  };
  const Blocks blocks[] = {{{1, 4, 4, 3}, {2, 2}, {0, 0, 0, 0}},
                           {{2, 5, 3, 2}, {2, 2}, {1, 0, 0, 1}},  // TF1 dilated conv padding
                           {{2, 6, 4}, {3}, {2, 1}},
                           {{1, 4, 6, 2}, {1, 3}, {0, 0, 1, 2}}};
  for (const Blocks& b : blocks) {
    const int64_t m = static_cast<int64_t>(b.block.size());
    const std::string label = TensorShape(b.space).DebugString() + " block " +
                              absl::StrJoin(b.block, ",") + " margins " +
                              absl::StrJoin(b.margins, ",");
    cases->push_back(Case("SpaceToBatchND", label)
                         .T()
                         .Attr("Tblock_shape", tensorflow::DT_INT32)
                         .Attr("Tpaddings", tensorflow::DT_INT32)
                         .In(Rand(b.space, seed++))
                         .Const(Ints(b.block, {m}))
                         .Const(Ints(b.margins, {m, 2})));
    // The batched shape of that input: batch * prod(block), padded dims / block.
    std::vector<int64_t> batched = b.space;
    for (int64_t k = 0; k < m; ++k) {
      batched[0] *= b.block[k];
      batched[k + 1] = (b.space[k + 1] + b.margins[2 * k] + b.margins[2 * k + 1]) / b.block[k];
    }
    cases->push_back(Case("BatchToSpaceND", label)
                         .T()
                         .Attr("Tblock_shape", tensorflow::DT_INT32)
                         .Attr("Tcrops", tensorflow::DT_INT32)
                         .In(Rand(batched, seed++))
                         .Const(Ints(b.block, {m}))
                         .Const(Ints(b.margins, {m, 2})));
  }
  // TF.js 4.22 reads num_upper from input 1 as well (its op list gives both `start: 1`), so
  // only bands with num_lower == num_upper compare.
  for (int32_t band : {-1, 0, 1, 2}) {
    cases->push_back(Case("MatrixBandPart", "[2,4,5] band " + std::to_string(band))
                         .T()
                         .Attr("Tindex", tensorflow::DT_INT32)
                         .In(Rand({2, 4, 5}, seed++))
                         .Const(Int(band))
                         .Const(Int(band)));
  }
}

}  // namespace

std::vector<OpCase> ArrayCases() {
  std::vector<OpCase> cases;
  uint32_t seed = 5000;
  AddReshaping(&cases, seed);
  AddJoining(&cases, seed);
  AddSlicing(&cases, seed);
  AddPaddingAndFilling(&cases, seed);
  AddSplitting(&cases, seed);
  AddReversingAndBroadcasting(&cases, seed);
  AddOneHot(&cases, seed);
  AddIndexing(&cases, seed);
  AddBlocksAndBands(&cases, seed);
  for (OpCase& c : cases) c.tolerance = 0;
  return cases;
}

}  // namespace savedserve::testing
