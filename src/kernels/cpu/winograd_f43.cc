// Winograd F(4x4, 3x3) on AVX-512 (see winograd_f43.h). Everything below the target pragma
// is compiled for AVX-512F; nothing here runs before Create has checked the CPU.
//
// One call: the (chunk of OCc = 16 * NV output channels, tile) pairs are split evenly over
// the threads, which never wait for each other. Each thread, for each chunk it has tiles of
// and each block of 64 input channels (kIcBlock):
//   1. transforms that block of the chunk's weights into its own U [36][64][OCc] (0.6 MB at
//      OCc = 64, L2-resident while all its tiles use it);
//   2. for each group of S = 12 of its tiles (kGroup):
//      a. transforms their input into V [S][36][64],
//      b. for each of the 36 points xi and each block of up to 6 tiles, the microkernel
//         accumulates 6 x NV vectors of products in registers over the 64 input channels
//         (broadcasting V, loading rows of U) into M [S][36][OCc],
//      c. transforms M back into 4x4 output tiles and stores them (first block) or adds them
//         to the output (later blocks); the last block adds the bias and activates.
// So the scratch is 0.8 MB per thread for any band; the input is transformed once per chunk
// (4x for 256 output channels) and the output once per block of input channels, which
// costs less than missing L2 would. Input, output partial sums and filter rows are
// prefetched a little ahead in software (the hardware prefetchers miss these strides).
// The microkernel runs at the FMA peak (one zmm FMA per cycle on Zen 4); the transforms
// take the remaining ~40% of a 256 -> 256 band on one thread.
#include "kernels/cpu/winograd_f43.h"

#include <omp.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace savedserve {
namespace {

constexpr int64_t kBlock = 16;    // channels per vector (and per nChw16c block)
constexpr int kPoints = 36;       // 6 x 6 transformed points
constexpr int kTileBlock = 6;     // tiles per microkernel call
constexpr int64_t kIcBlock = 64;  // input channels per block of U (36 * 64 * 64 floats: 0.6 MB)
constexpr int64_t kGroup = 12;    // tiles per group (V, M: 36 * 12 * 64 floats each)

struct Geometry {
  int64_t in_c, out_c, nv, oc_chunk, chunks;
  int64_t ic_block, ic_blocks;  // input channels per block of U, and how many blocks
  int64_t group;                // S: tiles transformed together
  int64_t tiles_y, tiles_x, tiles;
  size_t u_floats, v_floats, m_floats;  // U, V and M of a thread, 64-byte rounded
  size_t thread_floats() const { return u_floats + v_floats + m_floats; }
};

// Output channels per chunk: 64, or fewer when they do not divide out_c.
int64_t ChunkChannels(int64_t out_c) {
  return out_c % 64 == 0 ? 64 : out_c % 48 == 0 ? 48 : out_c % 32 == 0 ? 32 : 16;
}

size_t Round16(int64_t floats) { return static_cast<size_t>((floats + 15) / 16 * 16); }

Geometry MakeGeometry(int64_t in_c, int64_t out_c, const WinogradF43Conv::Band& band) {
  Geometry g;
  g.in_c = in_c;
  g.out_c = out_c;
  g.oc_chunk = ChunkChannels(out_c);
  g.nv = g.oc_chunk / kBlock;
  g.chunks = out_c / g.oc_chunk;
  g.ic_block = in_c % kIcBlock == 0 ? kIcBlock : in_c % 32 == 0 ? 32 : kBlock;
  g.ic_blocks = in_c / g.ic_block;
  g.group = kGroup;
  g.tiles_y = (band.out_rows() + 3) / 4;
  g.tiles_x = (band.out_w() + 3) / 4;
  g.tiles = band.batch * g.tiles_y * g.tiles_x;
  g.group = std::min(g.group, std::max<int64_t>(g.tiles, 1));
  g.u_floats = Round16(kPoints * g.ic_block * g.oc_chunk);
  g.v_floats = Round16(kPoints * g.group * g.ic_block);
  g.m_floats = Round16(g.group * kPoints * g.oc_chunk);
  return g;
}

}  // namespace

bool WinogradF43Conv::Supported() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

absl::StatusOr<std::unique_ptr<WinogradF43Conv>> WinogradF43Conv::Create(const Tensor& hwio_filter,
                                                                         const Tensor* bias,
                                                                         Activation activation,
                                                                         float leakyrelu_alpha) {
  if (!Supported()) return absl::UnimplementedError("Winograd F(4x4,3x3) needs AVX-512F");
  const TensorShape& f = hwio_filter.shape();
  if (hwio_filter.dtype() != tensorflow::DT_FLOAT || f.rank() != 4 || f.dim(0) != 3 ||
      f.dim(1) != 3) {
    return absl::InvalidArgumentError("Winograd F(4x4,3x3) needs a float [3, 3, IC, OC] filter");
  }
  const int64_t in_c = f.dim(2), out_c = f.dim(3);
  if (in_c <= 0 || out_c <= 0 || in_c % kBlock != 0 || out_c % kBlock != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Winograd F(4x4,3x3) needs channels in multiples of 16, not ", in_c, " -> ", out_c));
  }
  switch (activation) {
    case Activation::kNone:
    case Activation::kRelu:
    case Activation::kRelu6:
    case Activation::kLeakyRelu:
      break;
    default:
      return absl::UnimplementedError("Winograd F(4x4,3x3) fuses only Relu, Relu6 and LeakyRelu");
  }
  std::vector<float> b;
  if (bias != nullptr) {
    if (bias->dtype() != tensorflow::DT_FLOAT || bias->num_elements() != out_c) {
      return absl::InvalidArgumentError(
          absl::StrCat("Winograd F(4x4,3x3) needs a float bias of ", out_c, " elements"));
    }
    b.assign(bias->data<float>(), bias->data<float>() + out_c);
  }
  return std::unique_ptr<WinogradF43Conv>(
      new WinogradF43Conv(hwio_filter, std::move(b), in_c, out_c, activation, leakyrelu_alpha));
}

WinogradF43Conv::WinogradF43Conv(Tensor filter, std::vector<float> bias, int64_t in_c,
                                 int64_t out_c, Activation activation, float alpha)
    : filter_(std::move(filter)),
      bias_(std::move(bias)),
      in_c_(in_c),
      out_c_(out_c),
      activation_(activation),
      alpha_(alpha) {}

size_t WinogradF43Conv::ScratchBytes(const Band& band, int threads) const {
  const Geometry g = MakeGeometry(in_c_, out_c_, band);
  return static_cast<size_t>(std::max(threads, 1)) * g.thread_floats() * sizeof(float);
}

#if defined(__x86_64__)

#pragma GCC push_options
#pragma GCC target("avx512f")

namespace {

using V16 = __m512;

inline V16 Set(float v) { return _mm512_set1_ps(v); }
inline V16 Add(V16 a, V16 b) { return _mm512_add_ps(a, b); }
inline V16 Sub(V16 a, V16 b) { return _mm512_sub_ps(a, b); }
inline V16 Fma(V16 a, V16 b, V16 c) { return _mm512_fmadd_ps(a, b, c); }  // a * b + c

// B^T d over 6 values (stride `s` apart in and out).
inline void InputTransform6(const V16* d, int s, V16* r) {
  const V16 four = Set(4.0f), five = Set(5.0f), two = Set(2.0f);
  const V16 d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  r[0] = _mm512_fnmadd_ps(five, d2, Fma(four, d0, d4));        // 4 d0 - 5 d2 + d4
  r[s] = _mm512_fnmadd_ps(four, Add(d1, d2), Add(d3, d4));     // d3 + d4 - 4 (d1 + d2)
  r[2 * s] = Fma(four, Sub(d1, d2), Sub(d4, d3));              // d4 - d3 + 4 (d1 - d2)
  r[3 * s] = Fma(two, Sub(d3, d1), Sub(d4, d2));               // d4 - d2 + 2 (d3 - d1)
  r[4 * s] = _mm512_fnmadd_ps(two, Sub(d3, d1), Sub(d4, d2));  // d4 - d2 - 2 (d3 - d1)
  r[5 * s] = _mm512_fnmadd_ps(five, d3, Fma(four, d1, d5));    // 4 d1 - 5 d3 + d5
}

// A^T m over 6 values -> 4.
inline void OutputTransform6(const V16* m, int s, V16* y, int ys) {
  const V16 s12 = Add(m[s], m[2 * s]), d12 = Sub(m[s], m[2 * s]);
  const V16 s34 = Add(m[3 * s], m[4 * s]), d34 = Sub(m[3 * s], m[4 * s]);
  y[0] = Add(Add(m[0], s12), s34);
  y[ys] = Fma(Set(2.0f), d34, d12);
  y[2 * ys] = Fma(Set(4.0f), s34, s12);
  y[3 * ys] = Add(Fma(Set(8.0f), d34, d12), m[5 * s]);
}

// G g over 3 values -> 6.
inline void WeightTransform3(const V16* g, int s, V16* u, int us) {
  const V16 g0 = g[0], g1 = g[s], g2 = g[2 * s];
  const V16 even = Add(g0, g2);
  u[0] = _mm512_mul_ps(Set(0.25f), g0);
  u[us] = _mm512_mul_ps(Set(-1.0f / 6), Add(even, g1));
  u[2 * us] = _mm512_mul_ps(Set(-1.0f / 6), Sub(even, g1));
  const V16 a = Fma(Set(1.0f / 24), g0, _mm512_mul_ps(Set(1.0f / 6), g2));
  const V16 b = _mm512_mul_ps(Set(1.0f / 12), g1);
  u[3 * us] = Add(a, b);
  u[4 * us] = Sub(a, b);
  u[5 * us] = g2;
}

// acc[t][j] = sum_ic v[t * v_stride + ic] * u[ic * NV * 16 + j * 16 ..], stored at
// m[t * m_stride + j * 16].
template <int NV, int TB>
void Microkernel(const float* v, int64_t v_stride, const float* u, int64_t in_c, float* m,
                 int64_t m_stride) {
  // Loops over t and j fully unrolled, so the accumulators live in registers.
  V16 acc[TB][NV];
#pragma GCC unroll 8
  for (int t = 0; t < TB; ++t) {
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[t][j] = _mm512_setzero_ps();
  }
#pragma GCC unroll 2
  for (int64_t ic = 0; ic < in_c; ++ic) {
    V16 w[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) w[j] = _mm512_load_ps(u + (ic * NV + j) * kBlock);
#pragma GCC unroll 8
    for (int t = 0; t < TB; ++t) {
      const V16 b = Set(v[t * v_stride + ic]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[t][j] = Fma(b, w[j], acc[t][j]);
    }
  }
#pragma GCC unroll 8
  for (int t = 0; t < TB; ++t) {
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) _mm512_store_ps(m + t * m_stride + j * kBlock, acc[t][j]);
  }
}

using MicrokernelFn = void (*)(const float*, int64_t, const float*, int64_t, float*, int64_t);

template <int NV>
MicrokernelFn PickMicrokernel(int tb) {
  switch (tb) {
    case 1:
      return &Microkernel<NV, 1>;
    case 2:
      return &Microkernel<NV, 2>;
    case 3:
      return &Microkernel<NV, 3>;
    case 4:
      return &Microkernel<NV, 4>;
    case 5:
      return &Microkernel<NV, 5>;
    default:
      return &Microkernel<NV, 6>;
  }
}

MicrokernelFn PickMicrokernel(int64_t nv, int tb) {
  switch (nv) {
    case 1:
      return PickMicrokernel<1>(tb);
    case 2:
      return PickMicrokernel<2>(tb);
    case 3:
      return PickMicrokernel<3>(tb);
    default:
      return PickMicrokernel<4>(tb);
  }
}

struct Job {
  const Geometry* g;
  const WinogradF43Conv::Band* band;
  const float* filter;  // [3][3][IC][OC]
  const float* bias;    // OC or null
  Activation activation;
  float alpha;
  const float* src;
  float* dst;
  float* scratch;  // per thread: U, V and M (thread_floats() each)
};

// U[xi][ic - ic0][0..OCc) for the input channels [ic0, ic0 + ic_block) of chunk `chunk`.
void TransformWeights(const Job& job, int64_t chunk, int64_t ic0, float* u_block) {
  const Geometry& g = *job.g;
  for (int64_t ic = ic0; ic < ic0 + g.ic_block; ++ic) {
    if (ic + 2 < g.in_c) {  // the filter rows two channels on: 9 strided streams
      for (int tap = 0; tap < 9; ++tap) {
        const float* at = job.filter + (tap * g.in_c + ic + 2) * g.out_c + chunk * g.oc_chunk;
        for (int64_t j = 0; j < g.nv; ++j) {
          _mm_prefetch(reinterpret_cast<const char*>(at + j * kBlock), _MM_HINT_T0);
        }
      }
    }
    for (int64_t j = 0; j < g.nv; ++j) {
      V16 k[9], t[18], u[36];
#pragma GCC unroll 36
      for (int tap = 0; tap < 9; ++tap) {
        k[tap] = _mm512_loadu_ps(job.filter + (tap * g.in_c + ic) * g.out_c + chunk * g.oc_chunk +
                                 j * kBlock);
      }
#pragma GCC unroll 36
      for (int x = 0; x < 3; ++x) WeightTransform3(k + x, 3, t + x, 3);  // t[6][3] = G k
#pragma GCC unroll 36
      for (int y = 0; y < 6; ++y) WeightTransform3(t + 3 * y, 1, u + 6 * y, 1);  // (G k) G^T
#pragma GCC unroll 36
      for (int xi = 0; xi < kPoints; ++xi) {
        _mm512_store_ps(u_block + ((xi * g.ic_block + ic - ic0) * g.nv + j) * kBlock, u[xi]);
      }
    }
  }
}

// Prefetches pixels [kCol0, kCol1) of kRows rows `row` floats apart from `at` (16 channels,
// one cache line, each).
template <int kRows, int kCol0, int kCol1>
void Prefetch(const float* at, int64_t row) {
#pragma GCC unroll 6
  for (int r = 0; r < kRows; ++r) {
#pragma GCC unroll 6
    for (int c = kCol0; c < kCol1; ++c) {
      _mm_prefetch(reinterpret_cast<const char*>(at + r * row + c * kBlock), _MM_HINT_T0);
    }
  }
}

struct TilePos {
  int64_t n, ty, tx;
};

TilePos Tile(const Geometry& g, int64_t tile) {
  const int64_t per_image = g.tiles_y * g.tiles_x;
  const int64_t r = tile % per_image;
  return {tile / per_image, r / g.tiles_x, r % g.tiles_x};
}

// V[k][xi][ic - ic0] for the tiles [first, first + count) of the band and the input channels
// [ic0, ic0 + ic_block). Channel blocks outer, so consecutive tiles of a row read
// consecutive input.
void TransformInput(const Job& job, int64_t ic0, int64_t first, int64_t count, float* v) {
  const Geometry& g = *job.g;
  const WinogradF43Conv::Band& band = *job.band;
  const int64_t row = band.in_w * kBlock;
  const int64_t plane = band.in_rows * row;
  for (int64_t cb = ic0 / kBlock; cb < (ic0 + g.ic_block) / kBlock; ++cb) {
    for (int64_t k = 0; k < count; ++k) {
      if (k + 2 < count) {  // the next tiles' input, which the hardware misses
        const TilePos p = Tile(g, first + k + 2);
        const int64_t y0 = p.ty * 4, x0 = p.tx * 4 - band.pad_left;
        if (y0 + 6 <= band.in_rows && x0 >= 0 && x0 + 6 <= band.in_w) {
          // Columns 0-1 are the previous tile's 4-5.
          Prefetch<6, 2, 6>(
              job.src + (p.n * (g.in_c / kBlock) + cb) * plane + y0 * row + x0 * kBlock, row);
        }
      }
      const TilePos p = Tile(g, first + k);
      const int64_t y0 = p.ty * 4, x0 = p.tx * 4 - band.pad_left;
      const bool inside = y0 + 6 <= band.in_rows && x0 >= 0 && x0 + 6 <= band.in_w;
      const float* base = job.src + (p.n * (g.in_c / kBlock) + cb) * plane;
      V16 d[36], t[36];
      if (inside) {
#pragma GCC unroll 36
        for (int i = 0; i < 6; ++i) {
#pragma GCC unroll 36
          for (int j = 0; j < 6; ++j) {
            d[i * 6 + j] = _mm512_loadu_ps(base + (y0 + i) * row + (x0 + j) * kBlock);
          }
        }
      } else {
#pragma GCC unroll 36
        for (int i = 0; i < 6; ++i) {
#pragma GCC unroll 36
          for (int j = 0; j < 6; ++j) {
            const int64_t y = y0 + i, x = x0 + j;
            d[i * 6 + j] = y < band.in_rows && x >= 0 && x < band.in_w
                               ? _mm512_loadu_ps(base + y * row + x * kBlock)
                               : _mm512_setzero_ps();
          }
        }
      }
#pragma GCC unroll 36
      for (int j = 0; j < 6; ++j) InputTransform6(d + j, 6, t + j);  // B^T d
#pragma GCC unroll 36
      for (int i = 0; i < 6; ++i) InputTransform6(t + 6 * i, 1, d + 6 * i);  // (B^T d) B
      float* to = v + k * kPoints * g.ic_block + cb * kBlock - ic0;
#pragma GCC unroll 36
      for (int xi = 0; xi < kPoints; ++xi) _mm512_store_ps(to + xi * g.ic_block, d[xi]);
    }
  }
}

V16 Activate(V16 x, Activation activation, float alpha) {
  switch (activation) {
    case Activation::kRelu:
      return _mm512_max_ps(x, _mm512_setzero_ps());
    case Activation::kRelu6:
      return _mm512_min_ps(_mm512_max_ps(x, _mm512_setzero_ps()), Set(6.0f));
    case Activation::kLeakyRelu: {
      const __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
      return _mm512_mask_mul_ps(x, negative, x, Set(alpha));
    }
    default:
      return x;
  }
}

// Output tiles [first, first + count) of chunk `chunk` from M[k][xi][OCc], the products of
// one block of input channels: stored when `first_block`, else added to what the earlier
// blocks left; the bias and activation applied when `last_block`.
void TransformOutput(const Job& job, int64_t chunk, int64_t first, int64_t count, const float* m,
                     bool first_block, bool last_block) {
  const Geometry& g = *job.g;
  const WinogradF43Conv::Band& band = *job.band;
  const int64_t out_rows = band.out_rows(), out_w = band.out_w();
  const int64_t row = out_w * kBlock, plane = out_rows * row;
  for (int64_t k = 0; k < count; ++k) {
    if (!first_block && k + 2 < count) {  // the partial sums of the tile after next
      const TilePos p = Tile(g, first + k + 2);
      const int64_t y0 = p.ty * 4, x0 = p.tx * 4;
      if (y0 + 4 <= out_rows && x0 + 4 <= out_w) {
        for (int64_t j = 0; j < g.nv; ++j) {
          Prefetch<4, 0, 4>(job.dst + (p.n * (g.out_c / kBlock) + chunk * g.nv + j) * plane +
                                y0 * row + x0 * kBlock,
                            row);
        }
      }
    }
    const TilePos p = Tile(g, first + k);
    const int64_t y0 = p.ty * 4, x0 = p.tx * 4;
    const int64_t rows = std::min<int64_t>(4, out_rows - y0);
    const int64_t cols = std::min<int64_t>(4, out_w - x0);
    for (int64_t j = 0; j < g.nv; ++j) {
      const int64_t ob = chunk * g.nv + j;
      V16 mv[36], t[24], y[16];
#pragma GCC unroll 36
      for (int xi = 0; xi < kPoints; ++xi) {
        mv[xi] = _mm512_load_ps(m + (k * kPoints + xi) * g.oc_chunk + j * kBlock);
      }
#pragma GCC unroll 36
      for (int c = 0; c < 6; ++c) OutputTransform6(mv + c, 6, t + c, 6);  // t[4][6] = A^T m
#pragma GCC unroll 36
      for (int r = 0; r < 4; ++r) OutputTransform6(t + 6 * r, 1, y + 4 * r, 1);
      const V16 bias = last_block && job.bias != nullptr ? _mm512_loadu_ps(job.bias + ob * kBlock)
                                                         : _mm512_setzero_ps();
      float* out = job.dst + (p.n * (g.out_c / kBlock) + ob) * plane + y0 * row + x0 * kBlock;
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) {
          float* to = out + r * row + c * kBlock;
          V16 value = y[r * 4 + c];
          if (!first_block) value = Add(value, _mm512_loadu_ps(to));
          if (last_block) value = Activate(Add(value, bias), job.activation, job.alpha);
          _mm512_storeu_ps(to, value);
        }
      }
    }
  }
}

// One thread's part of the call: thread `tid` of `threads` takes an equal share of the
// (chunk, tile) pairs, so the threads never wait for each other: each transforms the weights
// of the chunks it touches itself (twice the work only for a chunk two threads share).
void RunThread(const Job& job, int tid, int threads) {
  const Geometry& g = *job.g;
  float* u = job.scratch + tid * g.thread_floats();
  float* v = u + g.u_floats;
  float* m = v + g.v_floats;
  const int64_t total = g.chunks * g.tiles;
  const int64_t begin = total * tid / threads, end = total * (tid + 1) / threads;
  const int64_t u_point = g.ic_block * g.oc_chunk;  // floats of U per point
  for (int64_t chunk = begin / g.tiles; chunk * g.tiles < end; ++chunk) {
    const int64_t tile_begin = std::max(begin - chunk * g.tiles, int64_t{0});
    const int64_t tile_end = std::min(end - chunk * g.tiles, g.tiles);
    for (int64_t block = 0; block < g.ic_blocks; ++block) {
      const int64_t ic0 = block * g.ic_block;
      TransformWeights(job, chunk, ic0, u);
      for (int64_t first = tile_begin; first < tile_end; first += g.group) {
        const int64_t count = std::min(g.group, tile_end - first);
        TransformInput(job, ic0, first, count, v);
        for (int xi = 0; xi < kPoints; ++xi) {
          for (int64_t k = 0; k < count; k += kTileBlock) {
            const int tb = static_cast<int>(std::min<int64_t>(kTileBlock, count - k));
            PickMicrokernel(g.nv, tb)(v + (k * kPoints + xi) * g.ic_block, kPoints * g.ic_block,
                                      u + xi * u_point, g.ic_block,
                                      m + (k * kPoints + xi) * g.oc_chunk, kPoints * g.oc_chunk);
          }
        }
        TransformOutput(job, chunk, first, count, m, block == 0, block + 1 == g.ic_blocks);
      }
    }
  }
}

}  // namespace

void WinogradF43Conv::Run(const Band& band, const float* src, float* dst, void* scratch,
                          int threads) const {
  const Geometry g = MakeGeometry(in_c_, out_c_, band);
  if (g.tiles <= 0) return;
  threads = std::max(threads, 1);
  Job job{&g,
          &band,
          filter_.data<float>(),
          bias_.empty() ? nullptr : bias_.data(),
          activation_,
          alpha_,
          src,
          dst,
          static_cast<float*>(scratch)};
  if (threads == 1) {
    RunThread(job, 0, 1);
    return;
  }
#pragma omp parallel num_threads(threads)
  RunThread(job, omp_get_thread_num(), omp_get_num_threads());
}

#pragma GCC pop_options

#else  // !__x86_64__

void WinogradF43Conv::Run(const Band&, const float*, float*, void*, int) const {}

#endif

}  // namespace savedserve
