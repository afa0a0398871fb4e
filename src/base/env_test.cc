#include "base/env.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

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

bool Contains(const std::vector<std::string>& paths, const std::string& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

TEST(Env, MappedFileThatShrinksReadsZerosAndIsReported) {
  TempDir tmp;
  Env* env = Env::Default();
  const long page = sysconf(_SC_PAGESIZE);
  const std::string path = JoinPath(tmp.path(), "weights");
  ASSERT_TRUE(env->WriteFile(path, std::string(3 * page, 'w')).ok());
  auto file = env->OpenForRead(path);
  ASSERT_TRUE(file.ok());
  std::shared_ptr<const MappedFile> mapped = (*file)->Map();
  ASSERT_NE(mapped, nullptr);
  EXPECT_EQ(mapped->data()[2 * page + 5], 'w');
  EXPECT_FALSE(Contains(DamagedMappedFiles(), path));
  // Overwritten in place, shorter: the pages past the new end are gone.
  ASSERT_EQ(truncate(path.c_str(), page), 0);
  EXPECT_EQ(mapped->data()[2 * page + 5], 0);  // SIGBUS without the guard
  EXPECT_EQ(mapped->data()[page + 1], 0);
  EXPECT_EQ(mapped->data()[7], 'w');
  EXPECT_TRUE(Contains(DamagedMappedFiles(), path));
  mapped.reset();
  EXPECT_FALSE(Contains(DamagedMappedFiles(), path));
}

TEST(EnvDeathTest, OtherBusErrorsStillCrash) {
  TempDir tmp;
  Env* env = Env::Default();
  const long page = sysconf(_SC_PAGESIZE);
  const std::string guarded = JoinPath(tmp.path(), "guarded");
  ASSERT_TRUE(env->WriteFile(guarded, std::string(page, 'g')).ok());
  auto file = env->OpenForRead(guarded);
  ASSERT_TRUE(file.ok());
  std::shared_ptr<const MappedFile> mapped = (*file)->Map();  // installs the guard
  ASSERT_NE(mapped, nullptr);
  const std::string raw = JoinPath(tmp.path(), "raw");
  ASSERT_TRUE(env->WriteFile(raw, std::string(2 * page, 'r')).ok());
  EXPECT_EXIT(
      {
        FILE* f = fopen(raw.c_str(), "r");
        void* data = mmap(nullptr, 2 * page, PROT_READ, MAP_PRIVATE, fileno(f), 0);
        if (data == MAP_FAILED || truncate(raw.c_str(), 0) != 0) _exit(1);
        volatile char c = static_cast<const char*>(data)[page];
        (void)c;
        _exit(0);
      },
      testing::KilledBySignal(SIGBUS), "");
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
