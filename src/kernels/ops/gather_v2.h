// GatherV2's computation, shared by the ops that gather rows: GatherV2 and Gather
// (gather_v2.cc) and ResourceGather (resource_gather.cc, which gathers from a variable's
// value). Pure function of its inputs; safe for concurrent use.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "kernels/op_kernel.h"
#include "tensor/tensor.h"

namespace savedserve {

// Sets output 0 of `ctx` to the slices of `params` along `axis` (in [-rank, rank)) picked by
// `indices` (int32/int64, each in [0, params.dim(axis))), with the first `batch_dims`
// (negative: counted back from rank(indices)) dimensions of both gathered pairwise: shape
// params[:axis] + indices[batch_dims:] + params[axis+1:]. Bad axes, batch dims and indices
// are InvalidArgument naming the node and the offending index.
absl::Status GatherInto(KernelContext& ctx, const Tensor& params, const Tensor& indices,
                        int64_t axis, int64_t batch_dims);

}  // namespace savedserve
