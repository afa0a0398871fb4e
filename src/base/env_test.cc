#include "base/env.h"

#include "gtest/gtest.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

TEST(Env, WriteReadListRename) {
  TempDir tmp;
  Env* env = Env::Default();
  std::string a = JoinPath(tmp.path(), "a");
  ASSERT_TRUE(env->WriteFile(a, "hello").ok());
  EXPECT_EQ(*env->ReadFile(a), "hello");
  EXPECT_EQ(*env->FileSize(a), 5u);
  std::string b = JoinPath(tmp.path(), "b");
  ASSERT_TRUE(env->WriteFile(b, "x").ok());
  auto names = env->ListDir(tmp.path());
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b"}));
  // Rename never replaces.
  EXPECT_EQ(env->RenameNoReplace(a, b).code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(env->RenameNoReplace(a, JoinPath(tmp.path(), "c")).ok());
  EXPECT_FALSE(env->FileExists(a));
}

TEST(Env, ShortReadNamesFile) {
  TempDir tmp;
  Env* env = Env::Default();
  std::string a = JoinPath(tmp.path(), "short");
  ASSERT_TRUE(env->WriteFile(a, "abc").ok());
  auto f = env->OpenForRead(a);
  ASSERT_TRUE(f.ok());
  char buf[8];
  absl::Status s = (*f)->ReadAt(1, 5, buf);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("short"), absl::string_view::npos) << s;
}

TEST(Env, ExclusiveDir) {
  TempDir tmp;
  Env* env = Env::Default();
  std::string d = JoinPath(tmp.path(), "d");
  EXPECT_TRUE(env->CreateDirExclusive(d).ok());
  EXPECT_EQ(env->CreateDirExclusive(d).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(env->ReadFile(JoinPath(tmp.path(), "missing")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(Path, Helpers) {
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(Basename("x/y/z/"), "z");
  EXPECT_EQ(Dirname("x/y/z"), "x/y");
  EXPECT_EQ(Dirname("z"), ".");
}

}  // namespace
}  // namespace savedserve
