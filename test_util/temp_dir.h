// A fresh temporary directory, deleted with everything in it when the object dies.
// One thread at a time.
#pragma once

#include <string>

namespace savedserve {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace savedserve
