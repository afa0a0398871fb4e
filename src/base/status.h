// Error propagation helpers around absl::Status, the project's one error type.
// absl's codes are gRPC's; conversion to HTTP and gRPC happens once each, at the edge.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

#define SS_CONCAT_INNER_(a, b) a##b
#define SS_CONCAT_(a, b) SS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::absl::Status ss_status_ = (expr);      \
    if (!ss_status_.ok()) return ss_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares/assigns from a StatusOr or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  SS_ASSIGN_OR_RETURN_IMPL_(SS_CONCAT_(ss_statusor_, __LINE__), lhs, expr)
#define SS_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                              \
  if (!var.ok()) return std::move(var).status();  \
  lhs = std::move(var).value()

namespace savedserve {

// Prefixes `status`'s message with context ("reading foo.pb: ..."), keeping its code.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

}  // namespace savedserve

// Note for contributors: Debian's abseil is built with its own absl::string_view (not an
// alias of std::string_view), and the two do not convert into each other. Use
// absl::string_view throughout the project.
