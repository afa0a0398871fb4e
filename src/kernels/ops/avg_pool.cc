// AvgPool, reference kernel (the kernel class is MaxPool's; see pooling.h).
#include "kernels/ops/pooling.h"
#include "kernels/registry.h"

namespace savedserve {

SS_REGISTER_KERNEL("AvgPool", kReference,
                   [](const KernelConstruction& c) { return CreateReferencePoolKernel(c, true); });

}  // namespace savedserve
