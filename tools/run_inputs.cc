#include "tools/run_inputs.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "tensorflow/core/example/example.pb.h"
#include "tools/npy.h"

namespace savedserve::tools {
namespace {

// A Python literal: int, float, bool, string, list/tuple or dict.
struct Literal {
  enum Kind { kInt, kFloat, kBool, kString, kList, kDict } kind = kInt;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  std::vector<Literal> items;     // list elements or dict values
  std::vector<std::string> keys;  // dict keys
};

class LiteralParser {
 public:
  explicit LiteralParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<Literal> ParseAll() {
    ASSIGN_OR_RETURN(Literal value, Parse());
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text");
    return value;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(what, " at offset ", pos_, " of '", text_,
                                                   "' (only literals are supported: numbers, "
                                                   "True/False, quoted strings, lists, dicts)"));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }

  absl::StatusOr<Literal> Parse() {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("missing value");
    const char c = text_[pos_];
    if (c == '[' || c == '(') return ParseList(c == '[' ? ']' : ')');
    if (c == '{') return ParseDict();
    if (c == '\'' || c == '"') return ParseString();
    for (const char* word : {"True", "False"}) {
      if (text_.substr(pos_, strlen(word)) == word) {
        pos_ += strlen(word);
        Literal l;
        l.kind = Literal::kBool;
        l.b = word[0] == 'T';
        return l;
      }
    }
    return ParseNumber();
  }

  absl::StatusOr<Literal> ParseList(char close) {
    ++pos_;
    Literal l;
    l.kind = Literal::kList;
    while (!Eat(close)) {
      ASSIGN_OR_RETURN(Literal item, Parse());
      l.items.push_back(std::move(item));
      if (!Eat(',') && (SkipSpace(), pos_ >= text_.size() || text_[pos_] != close)) {
        return Error("expected ',' or a closing bracket");
      }
    }
    return l;
  }

  absl::StatusOr<Literal> ParseDict() {
    ++pos_;
    Literal l;
    l.kind = Literal::kDict;
    while (!Eat('}')) {
      ASSIGN_OR_RETURN(Literal key, Parse());
      if (key.kind != Literal::kString) return Error("dict keys must be strings");
      if (!Eat(':')) return Error("expected ':'");
      ASSIGN_OR_RETURN(Literal value, Parse());
      l.keys.push_back(key.s);
      l.items.push_back(std::move(value));
      if (!Eat(',') && (SkipSpace(), pos_ >= text_.size() || text_[pos_] != '}')) {
        return Error("expected ',' or '}'");
      }
    }
    return l;
  }

  absl::StatusOr<Literal> ParseString() {
    const char quote = text_[pos_++];
    Literal l;
    l.kind = Literal::kString;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        c = text_[pos_++];
        c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
      }
      l.s += c;
    }
    if (pos_ >= text_.size()) return Error("unterminated string");
    ++pos_;
    return l;
  }

  absl::StatusOr<Literal> ParseNumber() {
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (absl::ascii_isalnum(text_[pos_]) || text_[pos_] == '.' || text_[pos_] == '-' ||
            text_[pos_] == '+' || text_[pos_] == '_')) {
      // A sign only starts the number or follows an exponent marker.
      if ((text_[pos_] == '-' || text_[pos_] == '+') && pos_ > start && text_[pos_ - 1] != 'e' &&
          text_[pos_ - 1] != 'E') {
        break;
      }
      ++pos_;
    }
    const std::string word(text_.substr(start, pos_ - start));
    Literal l;
    if (absl::SimpleAtoi(word, &l.i)) return l;
    l.kind = Literal::kFloat;
    if (!word.empty() && word.find_first_of("0123456789") != std::string::npos &&
        absl::SimpleAtod(word, &l.f)) {
      return l;
    }
    pos_ = start;
    return Error("not a literal");
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// Shape and leaf kind of a rectangular nest of lists.
absl::Status Survey(const Literal& l, size_t depth, std::vector<int64_t>* dims, Literal::Kind* kind,
                    bool* seen_leaf) {
  if (l.kind == Literal::kList) {
    if (depth == dims->size()) {
      if (*seen_leaf) return absl::InvalidArgumentError("nested lists are not rectangular");
      dims->push_back(static_cast<int64_t>(l.items.size()));
    } else if ((*dims)[depth] != static_cast<int64_t>(l.items.size())) {
      return absl::InvalidArgumentError("nested lists are not rectangular");
    }
    for (const Literal& item : l.items)
      RETURN_IF_ERROR(Survey(item, depth + 1, dims, kind, seen_leaf));
    return absl::OkStatus();
  }
  if (l.kind == Literal::kDict) return absl::InvalidArgumentError("a dict is not a tensor value");
  if (depth != dims->size()) return absl::InvalidArgumentError("nested lists are not rectangular");
  const bool numeric = l.kind != Literal::kString;
  if (*seen_leaf && numeric != (*kind != Literal::kString)) {
    return absl::InvalidArgumentError("a list mixes strings and numbers");
  }
  if (!*seen_leaf || l.kind == Literal::kFloat ||
      (l.kind == Literal::kInt && *kind == Literal::kBool)) {
    *kind = l.kind;
  }
  *seen_leaf = true;
  return absl::OkStatus();
}

void Fill(const Literal& l, Tensor& t, int64_t* at) {
  if (l.kind == Literal::kList) {
    for (const Literal& item : l.items) Fill(item, t, at);
    return;
  }
  const double value = l.kind == Literal::kFloat ? l.f : l.kind == Literal::kBool ? l.b : l.i;
  switch (t.dtype()) {
    case tensorflow::DT_DOUBLE:
      t.data<double>()[*at] = value;
      break;
    case tensorflow::DT_INT64:
      t.data<int64_t>()[*at] = l.kind == Literal::kBool ? l.b : l.i;
      break;
    case tensorflow::DT_BOOL:
      t.data<bool>()[*at] = l.b;
      break;
    default:
      t.data<std::string>()[*at] = l.s;
      break;
  }
  ++*at;
}

absl::StatusOr<Tensor> ToTensor(const Literal& l) {
  std::vector<int64_t> dims;
  Literal::Kind kind = Literal::kFloat;
  bool seen_leaf = false;
  RETURN_IF_ERROR(Survey(l, 0, &dims, &kind, &seen_leaf));
  const DataType dtype = kind == Literal::kFloat  ? tensorflow::DT_DOUBLE
                         : kind == Literal::kInt  ? tensorflow::DT_INT64
                         : kind == Literal::kBool ? tensorflow::DT_BOOL
                                                  : tensorflow::DT_STRING;
  Tensor t(dtype, TensorShape(dims));
  int64_t at = 0;
  Fill(l, t, &at);
  return t;
}

absl::StatusOr<std::string> SerializeExample(const Literal& dict) {
  if (dict.kind != Literal::kDict) return absl::InvalidArgumentError("an example must be a dict");
  tensorflow::Example example;
  auto& features = *example.mutable_features()->mutable_feature();
  for (size_t k = 0; k < dict.keys.size(); ++k) {
    const Literal& values = dict.items[k];
    if (values.kind != Literal::kList || values.items.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature value must be a non-empty list: ", dict.keys[k]));
    }
    tensorflow::Feature& feature = features[dict.keys[k]];
    const Literal::Kind kind = values.items[0].kind;
    for (const Literal& v : values.items) {
      if (kind == Literal::kFloat && (v.kind == Literal::kFloat || v.kind == Literal::kInt)) {
        feature.mutable_float_list()->add_value(v.kind == Literal::kFloat ? v.f : v.i);
      } else if (kind == Literal::kString && v.kind == Literal::kString) {
        feature.mutable_bytes_list()->add_value(v.s);
      } else if ((kind == Literal::kInt || kind == Literal::kBool) &&
                 (v.kind == Literal::kInt || v.kind == Literal::kBool)) {
        feature.mutable_int64_list()->add_value(v.kind == Literal::kInt ? v.i : v.b);
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("feature '", dict.keys[k], "' mixes value types"));
      }
    }
  }
  return example.SerializeAsString();
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SplitAssignments(
    absl::string_view flag, absl::string_view flag_name) {
  std::vector<std::string> pieces(1);
  char quote = 0;
  int depth = 0;
  for (char c : flag) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == '(' || c == '{') {
      ++depth;
    } else if (c == ']' || c == ')' || c == '}') {
      --depth;
    } else if (c == ';' && depth == 0) {
      pieces.emplace_back();
      continue;
    }
    pieces.back() += c;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& piece : pieces) {
    if (absl::StripAsciiWhitespace(piece).empty()) continue;
    const size_t eq = piece.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag_name, " \"", piece,
                                                     "\" format is incorrect. Please follow "
                                                     "\"<input_key>=<value>\""));
    }
    out.emplace_back(std::string(absl::StripAsciiWhitespace(piece.substr(0, eq))),
                     piece.substr(eq + 1));
  }
  return out;
}

absl::StatusOr<Tensor> LiteralToTensor(absl::string_view text) {
  ASSIGN_OR_RETURN(Literal l, LiteralParser(text).ParseAll());
  return ToTensor(l);
}

absl::StatusOr<Tensor> ExamplesToTensor(absl::string_view text) {
  ASSIGN_OR_RETURN(Literal l, LiteralParser(text).ParseAll());
  if (l.kind != Literal::kList) {
    return absl::InvalidArgumentError("tf.Example input must be a list of dictionaries");
  }
  Tensor t(tensorflow::DT_STRING, TensorShape{static_cast<int64_t>(l.items.size())});
  for (size_t i = 0; i < l.items.size(); ++i) {
    ASSIGN_OR_RETURN(t.data<std::string>()[i], SerializeExample(l.items[i]));
  }
  return t;
}

absl::StatusOr<std::map<std::string, Tensor>> ParseInputExprs(absl::string_view flag) {
  ASSIGN_OR_RETURN(auto assignments, SplitAssignments(flag, "input_exprs"));
  std::map<std::string, Tensor> out;
  for (const auto& [key, text] : assignments) {
    auto t = LiteralToTensor(text);
    if (!t.ok()) return Annotate(t.status(), absl::StrCat("--input_exprs ", key));
    out[key] = *std::move(t);
  }
  return out;
}

absl::StatusOr<std::map<std::string, Tensor>> ParseInputExamples(absl::string_view flag) {
  ASSIGN_OR_RETURN(auto assignments, SplitAssignments(flag, "input_examples"));
  std::map<std::string, Tensor> out;
  for (const auto& [key, text] : assignments) {
    auto t = ExamplesToTensor(text);
    if (!t.ok()) return Annotate(t.status(), absl::StrCat("--input_examples ", key));
    out[key] = *std::move(t);
  }
  return out;
}

absl::StatusOr<std::map<std::string, Tensor>> ParseInputFiles(absl::string_view flag, Env* env) {
  ASSIGN_OR_RETURN(auto assignments, SplitAssignments(flag, "inputs"));
  std::map<std::string, Tensor> out;
  for (const auto& [key, spec] : assignments) {
    std::string path = spec, member;
    if (!spec.empty() && spec.back() == ']' && spec.find('[') != std::string::npos) {
      path = spec.substr(0, spec.find('['));
      member = spec.substr(path.size() + 1, spec.size() - path.size() - 2);
    }
    ASSIGN_OR_RETURN(std::string bytes, env->ReadFile(path));
    if (!LooksLikeZip(bytes)) {
      auto t = ParseNpy(bytes);
      if (!t.ok()) return Annotate(t.status(), path);
      out[key] = *std::move(t);  // a single array: any [name] is ignored, as numpy does
      continue;
    }
    ASSIGN_OR_RETURN(auto members, ReadNpzMembers(bytes));
    const std::pair<std::string, std::string>* chosen = nullptr;
    for (const auto& m : members) {
      if (m.first == member || (member.empty() && members.size() == 1)) chosen = &m;
    }
    if (chosen == nullptr) {
      return absl::InvalidArgumentError(
          member.empty() ? absl::StrCat("Input file ", path,
                                        " contains more than one ndarrays. Please "
                                        "specify the name of ndarray to use.")
                         : absl::StrCat("Input file ", path,
                                        " does not contain variable with name \"", member, "\"."));
    }
    auto t = ParseNpy(chosen->second);
    if (!t.ok()) return Annotate(t.status(), absl::StrCat(path, "[", chosen->first, "]"));
    out[key] = *std::move(t);
  }
  return out;
}

}  // namespace savedserve::tools
