// Unit tests of the `run` command's helpers: numpy-style printing, .npy/.npz files and
// saved_model_cli-style input parsing. Expected strings are what numpy prints.
#include "gtest/gtest.h"
#include "tensorflow/core/example/example.pb.h"
#include "tools/npy.h"
#include "tools/numpy_format.h"
#include "tools/run_inputs.h"

namespace savedserve::tools {
namespace {

Tensor F(const std::vector<float>& v, TensorShape shape) {
  return Tensor::FromVector<float>(v, std::move(shape));
}

TEST(NumpyFormatTest, FloatsLikeNumpy) {
  EXPECT_EQ(NumpyString(F({2.5, 3, 4.5}, {3})), "[2.5 3.  4.5]");
  EXPECT_EQ(NumpyString(F({2.5, 3, 4.5}, {3, 1})), "[[2.5]\n [3. ]\n [4.5]]");
  EXPECT_EQ(NumpyString(F({0.1f, 0.2f}, {2})), "[0.1 0.2]");
  EXPECT_EQ(NumpyString(F({-1.5, 2}, {2})), "[-1.5  2. ]");
  EXPECT_EQ(NumpyString(F({1e-5f, 1}, {2})), "[1.e-05 1.e+00]");
  EXPECT_EQ(NumpyString(F({1.5e-5f, 1}, {2})), "[1.5e-05 1.0e+00]");
  EXPECT_EQ(NumpyString(F({NAN, 1}, {2})), "[nan  1.]");
  EXPECT_EQ(NumpyString(F({1.0f / 3}, {1})), "[0.33333334]");
  EXPECT_EQ(NumpyString(F(std::vector<float>(8, 0), {2, 2, 2})),
            "[[[0. 0.]\n  [0. 0.]]\n\n [[0. 0.]\n  [0. 0.]]]");
  EXPECT_EQ(NumpyString(Tensor::Scalar<float>(2.5f)), "2.5");
  EXPECT_EQ(NumpyString(Tensor::Scalar<float>(3.0f)), "3.0");
  EXPECT_EQ(NumpyString(Tensor::Scalar<double>(1e-7)), "1e-07");
}

TEST(NumpyFormatTest, WrapsAt75Columns) {
  std::vector<float> v(30);
  for (int i = 0; i < 30; ++i) v[i] = static_cast<float>(i);
  EXPECT_EQ(NumpyString(F(v, {30})),
            "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n"
            " 18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29.]");
}

TEST(NumpyFormatTest, IntsBoolsStringsAndSummaries) {
  const std::vector<int32_t> ints = {1, -20, 300};
  EXPECT_EQ(NumpyString(Tensor::FromVector<int32_t>(ints, {3})), "[  1 -20 300]");
  Tensor bools(tensorflow::DT_BOOL, TensorShape{2});
  bools.data<bool>()[0] = true;
  EXPECT_EQ(NumpyString(bools), "[ True False]");
  Tensor strings(tensorflow::DT_STRING, TensorShape{2});
  strings.data<std::string>()[0] = "a";
  strings.data<std::string>()[1] = "it's";
  EXPECT_EQ(NumpyString(strings), "[b'a' b\"it's\"]");
  EXPECT_EQ(PythonBytesRepr(std::string("\x00\n", 2)), "b'\\x00\\n'");
  std::vector<int64_t> many(2000);
  for (int i = 0; i < 2000; ++i) many[i] = i;
  EXPECT_EQ(NumpyString(Tensor::FromVector<int64_t>(many, {2000})),
            "[   0    1    2 ... 1997 1998 1999]");
  EXPECT_EQ(NumpyString(Tensor(tensorflow::DT_FLOAT, TensorShape{0})), "[]");
}

TEST(NpyTest, RoundTripsNumbersAndStrings) {
  Tensor f = F({1, 2, 3, 4, 5, 6}, {2, 3});
  auto bytes = SerializeNpy(f);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size() % 64, 24u) << "header pads data to 64 bytes";  // 64 + 6 * 4
  EXPECT_EQ(bytes->substr(10, 59), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  auto back = ParseNpy(*bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->Identical(f));
  Tensor s(tensorflow::DT_STRING, TensorShape{2});
  s.data<std::string>()[0] = "abc";
  auto sb = ParseNpy(*SerializeNpy(s));
  ASSERT_TRUE(sb.ok());
  EXPECT_EQ(sb->data<std::string>()[0], "abc");
  EXPECT_EQ(sb->data<std::string>()[1], "");
  EXPECT_FALSE(ParseNpy("not numpy").ok());
}

// A zip archive with one stored member, as np.savez writes it (without zip64 extras).
std::string StoredZip(const std::string& name, const std::string& data) {
  auto le = [](uint64_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>(v >> (8 * i));
    return s;
  };
  return le(0x04034b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) +
         le(data.size(), 4) + le(data.size(), 4) + le(name.size(), 2) + le(0, 2) + name + data;
}

TEST(NpyTest, ReadsNpzMembers) {
  const std::string npy = *SerializeNpy(F({7}, {1}));
  auto members = ReadNpzMembers(StoredZip("x.npy", npy) + StoredZip("y.npy", npy));
  ASSERT_TRUE(members.ok()) << members.status();
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[1].first, "y");
  EXPECT_EQ((*members)[1].second, npy);
}

TEST(RunInputsTest, ParsesLiterals) {
  auto inputs = ParseInputExprs("x=[1.0,2.0,5.0];y=3; z=[[True, False]];s='a;b';e=[]");
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  EXPECT_EQ(inputs->at("x").dtype(), tensorflow::DT_DOUBLE);
  EXPECT_EQ(inputs->at("x").shape(), (TensorShape{3}));
  EXPECT_EQ(inputs->at("x").data<double>()[2], 5.0);
  EXPECT_EQ(inputs->at("y").dtype(), tensorflow::DT_INT64);
  EXPECT_EQ(inputs->at("y").shape().rank(), 0);
  EXPECT_EQ(inputs->at("z").shape(), (TensorShape{1, 2}));
  EXPECT_TRUE(inputs->at("z").data<bool>()[0]);
  EXPECT_EQ(inputs->at("s").data<std::string>()[0], "a;b");
  EXPECT_EQ(inputs->at("e").num_elements(), 0);
  auto mixed = LiteralToTensor("[1, 2.5, -3e2]");
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->data<double>()[2], -300.0);
  EXPECT_FALSE(ParseInputExprs("x").ok());
  EXPECT_FALSE(ParseInputExprs("x=np.ones(3)").ok());
  EXPECT_FALSE(ParseInputExprs("x=[[1],[2,3]]").ok());
  EXPECT_FALSE(ParseInputExprs("x=[1,'a']").ok());
}

TEST(RunInputsTest, BuildsExamples) {
  auto inputs =
      ParseInputExamples("inputs=[{\"x\":[20.0], \"id\":[3]}, {'x':[1.5], 'name':['ab']}]");
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  const Tensor& t = inputs->at("inputs");
  ASSERT_EQ(t.shape(), (TensorShape{2}));
  tensorflow::Example first, second;
  ASSERT_TRUE(first.ParseFromString(t.data<std::string>()[0]));
  ASSERT_TRUE(second.ParseFromString(t.data<std::string>()[1]));
  EXPECT_EQ(first.features().feature().at("x").float_list().value(0), 20.0f);
  EXPECT_EQ(first.features().feature().at("id").int64_list().value(0), 3);
  EXPECT_EQ(second.features().feature().at("name").bytes_list().value(0), "ab");
  EXPECT_FALSE(ParseInputExamples("inputs={\"x\":[1.0]}").ok());
}

}  // namespace
}  // namespace savedserve::tools
