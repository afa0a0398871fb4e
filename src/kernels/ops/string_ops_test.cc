// String ops against TensorFlow's documented examples and tests, and printf / by-hand
// expectations: Fingerprint64 against FarmHash's and TensorFlow's published vectors.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"
#include "kernels/ops/fingerprint.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

using Strings = std::vector<std::string>;

Tensor S(const Strings& v) { return Vec<std::string>(v); }

TEST(Fingerprint64, PublishedVectors) {
  // tensorflow/core/platform/fingerprint_test.cc (IsForeverFrozen).
  EXPECT_EQ(Fingerprint64("Hello"), 15404698994557526151ULL);
  EXPECT_EQ(Fingerprint64("World"), 18308117990299812472ULL);
  // string_to_hash_bucket_op_test.py's comments.
  EXPECT_EQ(Fingerprint64("a"), 12917804110809363939ULL);
  EXPECT_EQ(Fingerprint64("b"), 11795596070477164822ULL);
  EXPECT_EQ(Fingerprint64("c"), 11430444447143000872ULL);
  EXPECT_EQ(Fingerprint64("d"), 4470636696479570465ULL);
  // The farmhash npm package's Fingerprint64 test table: every length class.
  EXPECT_EQ(Fingerprint64(""), 11160318154034397263ULL);
  EXPECT_EQ(Fingerprint64("hello"), 13009744463427800296ULL);
  EXPECT_EQ(Fingerprint64("hello world"), 6381520714923946011ULL);
  EXPECT_EQ(Fingerprint64("1234567890123456"), 17239105360639788068ULL);
  EXPECT_EQ(Fingerprint64("The quick brown fox jumps over the lazy dog"), 12375473906752639284ULL);
  EXPECT_EQ(Fingerprint64("session_20b9ed23-cc36-4177-8661-b2a6d4a71c18"), 16528987318367749121ULL);
  EXPECT_EQ(Fingerprint64(std::string(64, 'a')), 5893282057753879417ULL);
  EXPECT_EQ(Fingerprint64(std::string(128, 'b')), 17638211491968783095ULL);
  EXPECT_EQ(Fingerprint64(std::string(256, 'c')), 726802415163973935ULL);
  EXPECT_EQ(Fingerprint64(std::string(512, 'd')), 11981075791954381165ULL);
  EXPECT_EQ(Fingerprint64(std::string(1000, 'e')), 9485535561285839443ULL);
  EXPECT_EQ(Fingerprint64(std::string(2000, 'f')), 12587369799272928147ULL);
  EXPECT_EQ(Fingerprint64(std::string(5000, 'g')), 15389559131033639025ULL);
}

absl::StatusOr<Tensor> Run1(OpRunner& r, const std::vector<Tensor>& in) {
  auto out = r.Run(in, KernelVariant::kReference);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(StringToHashBucketFast, Buckets) {
  OpRunner r("StringToHashBucketFast");
  r.Attr("num_buckets", 10);
  auto out = Run1(r, {Make<std::string>({2, 2}, {"a", "b", "c", "d"})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{9, 2, 2, 5}));
  // tf.strings.to_hash_bucket_fast's documented example.
  r.Attr("num_buckets", 3);
  out = Run1(r, {S({"Hello", "TensorFlow", "2.x"})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{0, 2, 2}));
  r.Attr("num_buckets", 0);
  SS_EXPECT_ERROR_CONTAINS(Run1(r, {S({"a"})}), "num_buckets must be at least 1");
}

absl::StatusOr<Strings> AsString(const Tensor& x, int precision = -1, bool scientific = false,
                                 bool shortest = false, int width = -1,
                                 const std::string& fill = "") {
  OpRunner r("AsString");
  r.Attr("T", x.dtype()).Attr("precision", precision).Attr("scientific", scientific);
  r.Attr("shortest", shortest).Attr("width", width).Attr("fill", fill);
  auto out = Run1(r, {x});
  if (!out.ok()) return out.status();
  return Values<std::string>(*out);
}

TEST(AsString, FormatsAsPrintf) {
  EXPECT_EQ(*AsString(Vec<int32_t>({1, -22, 333})), (Strings{"1", "-22", "333"}));
  EXPECT_EQ(*AsString(Vec<int32_t>({1, -22, 333}), -1, false, false, 5, "0"),
            (Strings{"00001", "-0022", "00333"}));
  EXPECT_EQ(*AsString(Vec<int64_t>({7, 9007199254740993}), -1, false, false, 4, "-"),
            (Strings{"7   ", "9007199254740993"}));
  EXPECT_EQ(*AsString(Vec<uint8_t>({255})), (Strings{"255"}));
  EXPECT_EQ(*AsString(Vec<float>({3.5f, -0.25f})), (Strings{"3.500000", "-0.250000"}));
  EXPECT_EQ(*AsString(Vec<float>({3.5f}), 2), (Strings{"3.50"}));
  EXPECT_EQ(*AsString(Vec<double>({3.5}), -1, true), (Strings{"3.500000e+00"}));
  EXPECT_EQ(*AsString(Vec<double>({0.0001, 1e-5, 1234567.0}), -1, false, true),
            (Strings{"0.0001", "1e-05", "1.23457e+06"}));
  EXPECT_EQ(*AsString(Vec<float>({1.5f}), 1, false, false, 6, " "), (Strings{"   1.5"}));
  EXPECT_EQ(*AsString(Vec<bool>({true, false})), (Strings{"true", "false"}));
}

TEST(AsString, Errors) {
  SS_EXPECT_ERROR_CONTAINS(AsString(Vec<int32_t>({1}), -1, false, false, 3, "ab"),
                           "one or fewer characters");
  SS_EXPECT_ERROR_CONTAINS(AsString(Vec<int32_t>({1}), -1, false, false, 3, "x"),
                           "Fill argument not supported");
  SS_EXPECT_ERROR_CONTAINS(AsString(Vec<float>({1}), -1, true, true),
                           "both scientific and shortest");
  SS_EXPECT_ERROR_CONTAINS(AsString(Vec<int32_t>({1}), 2), "floating point types only");
  SS_EXPECT_ERROR_CONTAINS(AsString(Vec<float>({1}), 100000), "at most 4096");
}

absl::StatusOr<Strings> Unary(const std::string& op, const Tensor& x,
                              const std::string& encoding = "") {
  OpRunner r(op);
  if (!encoding.empty()) r.Attr("encoding", encoding);
  auto out = Run1(r, {x});
  if (!out.ok()) return out.status();
  return Values<std::string>(*out);
}

TEST(StringCase, AsciiLowerUpperStrip) {
  EXPECT_EQ(*Unary("StringLower", S({"HeLLo World", "ÀB"})), (Strings{"hello world", "Àb"}));
  EXPECT_EQ(*Unary("StringUpper", S({"abc-1", ""})), (Strings{"ABC-1", ""}));
  EXPECT_EQ(*Unary("StringLower", S({"CamelCase"}), "utf-8"), (Strings{"camelcase"}));
  SS_EXPECT_ERROR_CONTAINS(Unary("StringLower", S({"ok", "É"}), "utf-8"),
                           "element 1 has non-ASCII characters");
  EXPECT_EQ(*Unary("StringStrip", S({"  a b \t\n", "x", " "})), (Strings{"a b", "x", ""}));
}

TEST(StringLength, BytesAndUtf8Chars) {
  const Tensor x = S({"héllo", "", "abc"});
  OpRunner r("StringLength");
  auto out = Run1(r, {x});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{6, 0, 3}));
  r.Attr("unit", "UTF8_CHAR");
  out = Run1(r, {x});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{5, 0, 3}));
}

absl::StatusOr<Strings> Substr(const Tensor& x, const Tensor& pos, const Tensor& len,
                               const std::string& unit = "BYTE") {
  OpRunner r("Substr");
  r.Attr("T", pos.dtype()).Attr("unit", unit);
  auto out = Run1(r, {x, pos, len});
  if (!out.ok()) return out.status();
  return Values<std::string>(*out);
}

TEST(Substr, PositionsAndLengths) {
  const Tensor x = S({"Hello", "World"});
  EXPECT_EQ(*Substr(x, Tensor::Scalar<int32_t>(1), Tensor::Scalar<int32_t>(3)),
            (Strings{"ell", "orl"}));
  EXPECT_EQ(*Substr(x, Vec<int64_t>({-3, 5}), Vec<int64_t>({2, 1})), (Strings{"ll", ""}));
  EXPECT_EQ(*Substr(x, Vec<int32_t>({0, 3}), Vec<int32_t>({10, 10})), (Strings{"Hello", "ld"}));
  EXPECT_EQ(
      *Substr(S({"héllo"}), Tensor::Scalar<int32_t>(1), Tensor::Scalar<int32_t>(2), "UTF8_CHAR"),
      (Strings{"él"}));
  SS_EXPECT_ERROR_CONTAINS(Substr(x, Tensor::Scalar<int32_t>(6), Tensor::Scalar<int32_t>(1)),
                           "pos 6 out of range for string b'Hello' at index 0");
  SS_EXPECT_ERROR_CONTAINS(Substr(x, Tensor::Scalar<int32_t>(-6), Tensor::Scalar<int32_t>(1)),
                           "out of range");
  SS_EXPECT_ERROR_CONTAINS(Substr(x, Vec<int32_t>({1, 2, 3}), Vec<int32_t>({1, 2, 3})),
                           "must be scalars or have the input's shape");
  SS_EXPECT_ERROR_CONTAINS(Substr(x, Tensor::Scalar<int32_t>(1), Tensor::Scalar<int64_t>(1)),
                           "must both be int32 or both int64");
}

absl::StatusOr<Tensor> ReduceJoin(const std::vector<int32_t>& axes, bool keep_dims = false,
                                  const std::string& separator = "") {
  OpRunner r("ReduceJoin");
  r.Attr("keep_dims", keep_dims).Attr("separator", separator);
  return Run1(r, {Make<std::string>({2, 2}, {"a", "b", "c", "d"}), Vec<int32_t>(axes)});
}

TEST(ReduceJoin, DocumentedExamples) {
  // tf.strings.reduce_join's documented examples on [["a", "b"], ["c", "d"]].
  EXPECT_EQ(Values<std::string>(*ReduceJoin({0})), (Strings{"ac", "bd"}));
  EXPECT_EQ(Values<std::string>(*ReduceJoin({1})), (Strings{"ab", "cd"}));
  EXPECT_EQ(Values<std::string>(*ReduceJoin({-2})), (Strings{"ac", "bd"}));
  EXPECT_EQ(ReduceJoin({0}, true)->shape(), TensorShape({1, 2}));
  EXPECT_EQ(ReduceJoin({1}, true)->shape(), TensorShape({2, 1}));
  EXPECT_EQ(Values<std::string>(*ReduceJoin({0}, false, ".")), (Strings{"a.c", "b.d"}));
  EXPECT_EQ(Values<std::string>(*ReduceJoin({0, 1})), (Strings{"acbd"}));
  EXPECT_EQ(ReduceJoin({0, 1})->shape(), TensorShape{});
  EXPECT_EQ(Values<std::string>(*ReduceJoin({1, 0})), (Strings{"abcd"}));
  EXPECT_EQ(Values<std::string>(*ReduceJoin({})), (Strings{"a", "b", "c", "d"}));
  SS_EXPECT_ERROR_CONTAINS(ReduceJoin({2}), "Invalid reduction dimension 2");
  SS_EXPECT_ERROR_CONTAINS(ReduceJoin({1, -1}), "Duplicate reduction dimension 1");
}

absl::StatusOr<Strings> Replace(const Strings& x, const std::string& pattern,
                                const std::string& rewrite, bool global = true,
                                bool as_inputs = false) {
  OpRunner r(as_inputs ? "RegexReplace" : "StaticRegexReplace");
  r.Attr("replace_global", global);
  absl::StatusOr<Tensor> out;
  if (as_inputs) {
    out =
        Run1(r, {S(x), Tensor::Scalar<std::string>(pattern), Tensor::Scalar<std::string>(rewrite)});
  } else {
    r.Attr("pattern", pattern).Attr("rewrite", rewrite);
    out = Run1(r, {S(x)});
  }
  if (!out.ok()) return out.status();
  return Values<std::string>(*out);
}

TEST(RegexReplace, Re2Semantics) {
  for (bool as_inputs : {false, true}) {
    EXPECT_EQ(*Replace({"Text with  spaces"}, "\\s+", "_", true, as_inputs),
              (Strings{"Text_with_spaces"}));
    EXPECT_EQ(*Replace({"a1b2"}, "\\d", "#", false, as_inputs), (Strings{"a#b2"}));
    EXPECT_EQ(*Replace({"me@host", "none"}, "(\\w+)@(\\w+)", "\\2 at \\1", true, as_inputs),
              (Strings{"host at me", "none"}));
    // Keras TextVectorization's default punctuation strip.
    EXPECT_EQ(*Replace({"hello, world!"}, "[!\"#$%&()\\*\\+,-\\./:;<=>?@\\[\\\\\\]^_`{|}~\\']", "",
                       true, as_inputs),
              (Strings{"hello world"}));
    SS_EXPECT_ERROR_CONTAINS(Replace({"x"}, "(", "", true, as_inputs), "Invalid pattern: (");
    SS_EXPECT_ERROR_CONTAINS(Replace({"x"}, "(x)", "\\2", true, as_inputs),
                             "Invalid rewrite pattern");
  }
}


struct Split {
  std::vector<int64_t> indices;
  Strings values;
  std::vector<int64_t> shape;
};

absl::StatusOr<Split> SplitV2(const Tensor& x, const std::string& sep, int maxsplit = -1) {
  OpRunner r("StringSplitV2");
  r.Attr("maxsplit", maxsplit).NumOutputs(3);
  auto out = r.Run({x, Tensor::Scalar<std::string>(sep)}, KernelVariant::kReference);
  if (!out.ok()) return out.status();
  return Split{Values<int64_t>((*out)[0]), Values<std::string>((*out)[1]),
               Values<int64_t>((*out)[2])};
}

TEST(StringSplitV2, AsPythonStrSplit) {
  // tf.strings.split's documented examples: whitespace runs, and a separator with empties.
  auto s = SplitV2(S({"hello world", "a b c"}), "");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->values, (Strings{"hello", "world", "a", "b", "c"}));
  EXPECT_EQ(s->indices, (std::vector<int64_t>{0, 0, 0, 1, 1, 0, 1, 1, 1, 2}));
  EXPECT_EQ(s->shape, (std::vector<int64_t>{2, 3}));
  s = SplitV2(S({"1<>2<><>3"}), "<>");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->values, (Strings{"1", "2", "", "3"}));
  EXPECT_EQ(s->shape, (std::vector<int64_t>{1, 4}));
  // Python: "  a  b c ".split(None, 1) == ["a", "b c "]; "1,2,3".split(",", 1) == ["1", "2,3"];
  // "".split(",") == [""]; "  ".split() == [].
  s = SplitV2(S({"  a  b c ", "  "}), "", 1);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->values, (Strings{"a", "b c "}));
  EXPECT_EQ(s->shape, (std::vector<int64_t>{2, 2}));
  s = SplitV2(S({"1,2,3", ""}), ",", 1);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->values, (Strings{"1", "2,3", ""}));
  EXPECT_EQ(s->indices, (std::vector<int64_t>{0, 0, 0, 1, 1, 0}));
  SS_EXPECT_ERROR_CONTAINS(SplitV2(Make<std::string>({1, 1}, {"a"}), ","),
                           "input must be a vector");
}

}  // namespace
}  // namespace savedserve
