#include "kernels/cpu/vector_math.h"

namespace savedserve {

const VectorMath* GetVectorMath() {
  static const VectorMath* const best = []() -> const VectorMath* {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      return Avx2VectorMath();
    }
#endif
    return nullptr;
  }();
  return best;
}

}  // namespace savedserve
