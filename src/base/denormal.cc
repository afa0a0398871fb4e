#include "base/denormal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define SS_HAVE_MXCSR 1
#endif

namespace savedserve {
namespace {

#ifdef SS_HAVE_MXCSR
constexpr unsigned kFlushToZero = 0x8000;        // MXCSR.FTZ
constexpr unsigned kDenormalsAreZero = 0x0040;   // MXCSR.DAZ
#endif

}  // namespace

void FlushDenormalsInThisThread() {
#ifdef SS_HAVE_MXCSR
  _mm_setcsr(_mm_getcsr() | kFlushToZero | kDenormalsAreZero);
#endif
}

ScopedFlushDenormal::ScopedFlushDenormal() {
#ifdef SS_HAVE_MXCSR
  previous_ = _mm_getcsr();
  FlushDenormalsInThisThread();
#endif
}

ScopedFlushDenormal::~ScopedFlushDenormal() {
#ifdef SS_HAVE_MXCSR
  _mm_setcsr(previous_);
#endif
}

}  // namespace savedserve
