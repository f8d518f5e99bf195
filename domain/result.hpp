#pragma once
// A value or an error, never both. Every fallible Docket function returns one; the result must be
// looked at ([[nodiscard]]). Errors are values: exceptions are kept for programmer errors.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace docket {

// Wraps an error so that `Result<T, E>` can be built from it unambiguously, even when T == E.
template <class E>
struct Failure {
  E error;
};

template <class E>
Failure<std::decay_t<E>> fail(E&& error) {
  return {std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <class G>
  Result(Failure<G> f)  // NOLINT: implicit by design
      : v_(std::in_place_index<1>, E(std::move(f.error))) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // Precondition: ok().
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Precondition: !ok().
  const E& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, E> v_;
};

// For operations that return nothing on success.
struct Unit {};
inline constexpr Unit unit{};

template <class E>
using Status = Result<Unit, E>;

// The one greppable way to drop a result on purpose. Say why at the call site.
template <class T, class E>
void permit_unchecked(const Result<T, E>&) noexcept {}

}  // namespace docket
