// Resampling, box selection and top-k cases of the per-op differential suite.
#include <random>

#include "tests/tfjs/op_cases.h"

namespace savedserve::testing {
namespace {

// `n` boxes (y0, x0, y1, x1) of sizes 0.1..0.4 in the unit square, clustered so that NMS
// has overlaps to suppress; corners are swapped in some boxes (both implementations sort
// them).
Tensor RandomBoxes(int n, uint32_t seed) {
  Tensor boxes(tensorflow::DT_FLOAT, TensorShape({n, 4}));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> centre(0.2f, 0.8f), size(0.1f, 0.4f), jitter(-0.05f, 0.05f);
  float* b = boxes.data<float>();
  float cy = centre(rng), cx = centre(rng);
  for (int i = 0; i < n; ++i) {
    if (i % 4 == 0) cy = centre(rng), cx = centre(rng);
    float y = cy + jitter(rng), x = cx + jitter(rng), h = size(rng), w = size(rng);
    b[4 * i + 0] = y - h / 2;
    b[4 * i + 1] = x - w / 2;
    b[4 * i + 2] = y + h / 2;
    b[4 * i + 3] = x + w / 2;
    if (i % 5 == 3) std::swap(b[4 * i + 0], b[4 * i + 2]);
  }
  return boxes;
}

void AddResize(std::vector<OpCase>* cases, uint32_t& seed) {
  struct Resize {
    std::vector<int64_t> input;
    int32_t h, w;
  };
  // Up, down and mixed scales (nearest-neighbour source indices land on .5 boundaries for
  // some of them); ResizeBilinear's output is float, ResizeNearestNeighbor copies pixels.
  for (const Resize& r :
       {Resize{{1, 8, 8, 3}, 16, 16}, Resize{{2, 9, 7, 2}, 4, 5}, Resize{{1, 5, 6, 1}, 11, 3},
        Resize{{1, 3, 3, 2}, 5, 5}, Resize{{1, 64, 96, 3}, 256, 200}}) {
    for (int mode = 0; mode < 3; ++mode) {
      const bool align = mode == 1, half = mode == 2;
      std::string label = TensorShape(r.input).DebugString() + "->" + std::to_string(r.h) + "x" +
                          std::to_string(r.w) + (align ? " align_corners" : "") +
                          (half ? " half_pixel_centers" : "");
      for (const char* op : {"ResizeBilinear", "ResizeNearestNeighbor"}) {
        const bool nearest = std::string(op) == "ResizeNearestNeighbor";
        cases->push_back(Case(op, label)
                             .T()
                             .Attr("align_corners", align)
                             .Attr("half_pixel_centers", half)
                             .In(Rand(r.input, seed++, 0, 255))
                             .Const(Ints({r.h, r.w}))
                             .Tolerance(nearest ? 0 : 1e-5));
      }
    }
  }
  cases->push_back(Case("ResizeNearestNeighbor", "int32 [2,5,4,3]->7x9 half_pixel_centers")
                       .T(tensorflow::DT_INT32)
                       .Attr("align_corners", false)
                       .Attr("half_pixel_centers", true)
                       .In(RandInts({2, 5, 4, 3}, seed++, -100, 100))
                       .Const(Ints({7, 9}))
                       .Tolerance(0));
  for (const char* method : {"bilinear", "nearest"}) {
    cases->push_back(Case("CropAndResize", std::string(method) + " 5 boxes of 2 images")
                         .T()
                         .Attr("method", method)
                         .Attr("extrapolation_value", 0.25f)
                         .In(Rand({2, 12, 10, 3}, seed++, 0, 255))
                         .In(RandomBoxes(5, seed++))
                         .In(Ints({0, 1, 1, 0, 1}))
                         .Const(Ints({7, 6}))
                         .Tolerance(1e-5));
  }
}

void AddSelection(std::vector<OpCase>* cases, uint32_t& seed) {
  for (int n : {8, 60}) {
    const std::string size = std::to_string(n) + " boxes";
    cases->push_back(Case("NonMaxSuppressionV2", size)
                         .T()
                         .In(RandomBoxes(n, seed++))
                         .In(Rand({n}, seed++, 0, 1))
                         .In(Int(10))
                         .In(Float(0.4f)));
    cases->push_back(Case("NonMaxSuppressionV3", size + " score > 0.3")
                         .T()
                         .In(RandomBoxes(n, seed++))
                         .In(Rand({n}, seed++, 0, 1))
                         .In(Int(20))
                         .In(Float(0.3f))
                         .In(Float(0.3f)));
    // TF.js caps max_output_size at the number of boxes before padding (TensorFlow pads to
    // max_output_size), so the cases keep it below that.
    cases->push_back(Case("NonMaxSuppressionV4", size + " padded")
                         .T()
                         .Attr("pad_to_max_output_size", true)
                         .In(RandomBoxes(n, seed++))
                         .In(Rand({n}, seed++, 0, 1))
                         .In(Int(n / 2 + 1))
                         .In(Float(0.5f))
                         .In(Float(0.2f))
                         .Outputs(2));
    cases->push_back(Case("NonMaxSuppressionV5", size + " hard NMS")
                         .T()
                         .In(RandomBoxes(n, seed++))
                         .In(Rand({n}, seed++, 0, 1))
                         .In(Int(15))
                         .In(Float(0.45f))
                         .In(Float(0.1f))
                         .In(Float(0.0f))
                         .Outputs(3)
                         .Compare(2)  // TF.js returns no valid_outputs
                         .Tolerance(1e-6));
    cases->push_back(Case("NonMaxSuppressionV5", size + " soft NMS sigma 0.5")
                         .T()
                         .In(RandomBoxes(n, seed++))
                         .In(Rand({n}, seed++, 0, 1))
                         .In(Int(15))
                         .In(Float(1.0f))
                         .In(Float(0.1f))
                         .In(Float(0.5f))
                         .Outputs(3)
                         .Compare(2)
                         .Tolerance(1e-5));
  }
  for (int32_t k : {1, 3, 10}) {
    cases->push_back(Case("TopKV2", "[4,10] k " + std::to_string(k))
                         .T()
                         .Attr("sorted", true)
                         .In(Rand({4, 10}, seed++))
                         .Const(Int(k))
                         .Outputs(2));
  }
}

}  // namespace

std::vector<OpCase> ImageCases() {
  std::vector<OpCase> cases;
  uint32_t seed = 7000;
  AddResize(&cases, seed);
  AddSelection(&cases, seed);
  return cases;
}

}  // namespace savedserve::testing
