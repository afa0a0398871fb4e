#include "export/image_input.h"

namespace savedserve {

absl::StatusOr<ImageInput> AddEncodedImageInput(GraphBuilder& builder,
                                                const ImageInputOptions& options) {
  (void)builder;
  (void)options;
  return absl::UnimplementedError("encoded image inputs (--input_format jpeg) are not built yet");
}

}  // namespace savedserve
