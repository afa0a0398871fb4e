#include "test_util/temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace savedserve {

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "savedserve_test_XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace savedserve
