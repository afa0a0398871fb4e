// Tests of the graph-plumbing and state kernels: Const, Placeholder(WithDefault),
// Identity(N), variables (ref and resource), save/restore, and the string helpers savers use.
#include "base/env.h"
#include "format/tensor_bundle.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

Tensor Str(const std::string& s) {
  Tensor t(tensorflow::DT_STRING, TensorShape{});
  t.data<std::string>()[0] = s;
  return t;
}

Tensor Strs(const std::vector<std::string>& v) {
  Tensor t(tensorflow::DT_STRING, TensorShape{static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.data<std::string>()[i] = v[i];
  return t;
}

TEST(ConstOpTest, OutputsItsValueShared) {
  OpRunner r("Const");
  r.Attr("value", Tensor::Scalar<float>(1.5f)).Attr("dtype", tensorflow::DT_FLOAT);
  auto out = r.Run({});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].data<float>()[0], 1.5f);
  OpRunner wrong("Const");
  wrong.Attr("value", Tensor::Scalar<float>(1.5f)).Attr("dtype", tensorflow::DT_INT32);
  EXPECT_FALSE(wrong.Create({}, KernelVariant::kReference).ok());
}

TEST(PlaceholderOpTest, UnfedIsAnErrorWithDefaultPassesThrough) {
  OpRunner p("Placeholder", "images");
  p.Attr("dtype", tensorflow::DT_FLOAT);
  auto out = p.Run({});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("'images'"), std::string::npos) << out.status();
  OpRunner d("PlaceholderWithDefault");
  d.Attr("dtype", tensorflow::DT_STRING);
  auto def = d.Run({Str("x")});
  ASSERT_TRUE(def.ok());
  EXPECT_EQ((*def)[0].data<std::string>()[0], "x");
}

TEST(IdentityOpTest, ReadsRefsAndForwardsHandles) {
  OpRunner r("Identity");
  r.Attr("T", tensorflow::DT_FLOAT);
  auto var = std::make_shared<Variable>("v", tensorflow::DT_FLOAT);
  var->Assign(Tensor::Scalar<float>(4.0f));
  auto read = r.RunValues({Value{Tensor(), var}});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ((*read)[0].tensor.data<float>()[0], 4.0f);
  EXPECT_EQ((*read)[0].variable, nullptr);
  Tensor handle(tensorflow::DT_RESOURCE, TensorShape{});
  auto forwarded = r.RunValues({Value{handle, var}});
  ASSERT_TRUE(forwarded.ok());
  EXPECT_EQ((*forwarded)[0].variable, var);
  OpRunner n("IdentityN");
  n.Attr("T", std::vector<DataType>{tensorflow::DT_STRING, tensorflow::DT_FLOAT}).NumOutputs(2);
  auto both = n.Run({Str("a"), Tensor::Scalar<float>(2.0f)});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ((*both)[1].data<float>()[0], 2.0f);
}

TEST(RefVariableOpsTest, AssignAndAssignAdd) {
  OpRunner v("VariableV2", "counter");
  v.Attr("dtype", tensorflow::DT_FLOAT).Attr("shape", std::vector<int64_t>{});
  auto ref = v.RunValues({});
  ASSERT_TRUE(ref.ok()) << ref.status();
  ASSERT_NE((*ref)[0].variable, nullptr);
  EXPECT_FALSE((*ref)[0].variable->initialized());
  OpRunner assign("Assign");
  assign.Attr("T", tensorflow::DT_FLOAT);
  auto assigned = assign.RunValues({(*ref)[0], Value{Tensor::Scalar<float>(1.0f), nullptr}});
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  OpRunner add("AssignAdd");
  add.Attr("T", tensorflow::DT_FLOAT);
  auto added = add.RunValues({(*ref)[0], Value{Tensor::Scalar<float>(2.5f), nullptr}});
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ((*added)[0].tensor.data<float>()[0], 3.5f);
  EXPECT_EQ((*ref)[0].variable->Read()->data<float>()[0], 3.5f);
  // Shape and dtype checks.
  const std::vector<float> two = {1, 2};
  EXPECT_FALSE(
      assign.RunValues({(*ref)[0], Value{Tensor::FromVector<float>(two, {2}), nullptr}}).ok());
  EXPECT_FALSE(add.RunValues({(*ref)[0], Value{Tensor::Scalar<int32_t>(1), nullptr}}).ok());
  EXPECT_FALSE(add.RunValues({Value{Tensor::Scalar<float>(1), nullptr},
                              Value{Tensor::Scalar<float>(1), nullptr}})
                   .ok());
}

TEST(ResourceVariableOpsTest, HandleReadAssignIsInitialized) {
  OpRunner h("VarHandleOp", "w");
  h.Attr("dtype", tensorflow::DT_FLOAT).Attr("shared_name", "weights");
  auto handle = h.RunValues({});
  ASSERT_TRUE(handle.ok()) << handle.status();
  EXPECT_EQ((*handle)[0].tensor.dtype(), tensorflow::DT_RESOURCE);
  EXPECT_EQ(h.resources().Lookup("", "weights"), (*handle)[0].variable);
  OpRunner init("VarIsInitializedOp");
  EXPECT_FALSE((*init.RunValues({(*handle)[0]}))[0].tensor.data<bool>()[0]);
  OpRunner assign("AssignVariableOp");
  assign.Attr("dtype", tensorflow::DT_FLOAT).NumOutputs(0);
  ASSERT_TRUE(assign.RunValues({(*handle)[0], Value{Tensor::Scalar<float>(9.0f), nullptr}}).ok());
  EXPECT_TRUE((*init.RunValues({(*handle)[0]}))[0].tensor.data<bool>()[0]);
  OpRunner read("ReadVariableOp");
  read.Attr("dtype", tensorflow::DT_FLOAT);
  auto value = read.RunValues({(*handle)[0]});
  ASSERT_TRUE(value.ok());
  EXPECT_EQ((*value)[0].tensor.data<float>()[0], 9.0f);
  OpRunner read_int("ReadVariableOp");
  read_int.Attr("dtype", tensorflow::DT_INT32);
  EXPECT_FALSE(read_int.RunValues({(*handle)[0]}).ok());
  OpRunner disable("DisableCopyOnRead");
  EXPECT_TRUE(disable.NumOutputs(0).RunValues({(*handle)[0]}).ok());
}

TEST(SaveRestoreOpsTest, SaveMergeRestoreRoundTrip) {
  TempDir dir;
  const std::string shard = dir.path() + "/tmp/part-00000-of-00001";
  const std::string dest = dir.path() + "/ckpt";
  ASSERT_TRUE(Env::Default()->CreateDirs(dir.path() + "/tmp").ok());
  OpRunner save("SaveV2");
  save.Attr("dtypes", std::vector<DataType>{tensorflow::DT_FLOAT, tensorflow::DT_STRING})
      .NumOutputs(0);
  ASSERT_TRUE(save.Run({Str(shard), Strs({"a", "s"}), Strs({"", ""}), Tensor::Scalar<float>(0.5f),
                        Str("text")})
                  .ok());
  OpRunner merge("MergeV2Checkpoints");
  merge.NumOutputs(0);
  auto merged = merge.Run({Strs({shard}), Str(dest)});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_FALSE(Env::Default()->FileExists(shard + ".index"));
  OpRunner restore("RestoreV2");
  restore.Attr("dtypes", std::vector<DataType>{tensorflow::DT_STRING, tensorflow::DT_FLOAT})
      .NumOutputs(2);
  auto out = restore.Run({Str(dest), Strs({"s", "a"}), Strs({"", ""})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].data<std::string>()[0], "text");
  EXPECT_EQ((*out)[1].data<float>()[0], 0.5f);
  auto missing = restore.Run({Str(dest), Strs({"nope", "a"}), Strs({"", ""})});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(StringOpsTest, ShardedFilenameStringJoinRegex) {
  OpRunner sharded("ShardedFilename");
  auto name =
      sharded.Run({Str("/m/variables"), Tensor::Scalar<int32_t>(3), Tensor::Scalar<int32_t>(12)});
  ASSERT_TRUE(name.ok());
  EXPECT_EQ((*name)[0].data<std::string>()[0], "/m/variables-00003-of-00012");
  OpRunner join("StringJoin");
  join.Attr("N", 2).Attr("separator", "/");
  auto joined = join.Run({Strs({"a", "b"}), Str("x")});
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ((*joined)[0].data<std::string>()[1], "b/x");
  EXPECT_FALSE(join.Run({Strs({"a", "b"}), Strs({"x", "y", "z"})}).ok());
  OpRunner regex("StaticRegexFullMatch");
  regex.Attr("pattern", "^s3://.*");
  auto match = regex.Run({Strs({"s3://bucket/x", "/tmp/s3://"})});
  ASSERT_TRUE(match.ok());
  EXPECT_TRUE((*match)[0].data<bool>()[0]);
  EXPECT_FALSE((*match)[0].data<bool>()[1]);
  OpRunner bad("StaticRegexFullMatch");
  bad.Attr("pattern", "(");
  EXPECT_FALSE(bad.Create({Str("")}, KernelVariant::kReference).ok());
}

TEST(RandomUniformOpTest, ShapeAndRange) {
  OpRunner r("RandomUniform");
  r.Attr("dtype", tensorflow::DT_FLOAT).Attr("seed", 1).Attr("seed2", 2);
  const std::vector<int32_t> dims = {2, 5};
  auto out = r.Run({Tensor::FromVector<int32_t>(dims, {2})});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)[0].shape(), (TensorShape{2, 5}));
  for (float v : (*out)[0].flat<float>()) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LT(v, 1.0f);
  }
}

TEST(RandomUniformOpTest, RefusesAShapeTooLargeToAllocate) {
  // 2^60 floats: the shape is valid, the allocation cannot succeed (found by kernel_fuzz_test).
  OpRunner r("RandomUniform");
  r.Attr("dtype", tensorflow::DT_FLOAT).Attr("seed", 1);
  const std::vector<int64_t> dims = {int64_t{1} << 20, int64_t{1} << 20, int64_t{1} << 20};
  auto out = r.Run({Tensor::FromVector<int64_t>(dims, {3})});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted) << out.status();
  EXPECT_NE(out.status().message().find("RandomUniform"), std::string::npos) << out.status();
}

TEST(CallOpTest, NeedsAFunctionLibrary) {
  OpRunner call("PartitionedCall");
  tensorflow::AttrValue f;
  f.mutable_func()->set_name("fn");
  call.Attr("f", f);
  auto kernel = call.Create({}, KernelVariant::kReference);
  ASSERT_FALSE(kernel.ok());
  EXPECT_NE(kernel.status().message().find("fn"), std::string::npos);
}

}  // namespace
}  // namespace savedserve
