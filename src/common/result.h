// Result<T, E>: a value or an error (ApiError unless the layer has its own: http's UpstreamError,
// the gateway's GatewayError). Errors are values on the request paths (see STYLE.md habit 8);
// exceptions are kept for start-up failures and bugs.
#pragma once
#include <type_traits>
#include <utility>
#include <variant>

#include "common/api_error.h"

namespace portico {

template <typename T, typename E = ApiError>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const { return std::get<1>(v_); }
  E&& takeError() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

/// Result<void>: success or an ApiError.
struct Ok {};
using Status = Result<Ok>;

}  // namespace portico
