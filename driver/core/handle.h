// Common part of every ODBC handle: a type tag checked on every entry (so a
// handle of the wrong kind or a stale pointer that no longer carries the tag is
// SQL_INVALID_HANDLE rather than a crash), the diagnostic area, and the lock
// that serializes calls on the handle's connection.
#ifndef QUIETFETCH_DRIVER_CORE_HANDLE_H_
#define QUIETFETCH_DRIVER_CORE_HANDLE_H_

#include <sql.h>

#include <cstdint>
#include <mutex>

#include "driver/core/diagnostics.h"

namespace quietfetch::core {

enum class HandleKind : uint32_t {
  kEnvironment = 0x51460001,
  kConnection = 0x51460002,
  kStatement = 0x51460003,
  kDescriptor = 0x51460004,
};

class Handle {
 public:
  explicit Handle(HandleKind kind) : tag_(kind) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  virtual ~Handle() { tag_ = static_cast<HandleKind>(0); }

  HandleKind kind() const { return tag_; }
  Diagnostics& diag() { return diag_; }

  // The mutex guarding this handle's connection (its own for environments).
  // A plain pointer, not a virtual call: it is taken on every ODBC call.
  std::recursive_mutex& call_mutex() { return *call_mutex_; }

  // Checks the tag of an opaque ODBC handle; null when it is not a live
  // handle of the expected kind.
  template <typename T>
  static T* Cast(SQLHANDLE handle) {
    if (handle == nullptr) return nullptr;
    auto* base = static_cast<Handle*>(handle);
    if (base->tag_ != T::kKind) return nullptr;
    return static_cast<T*>(base);
  }

 private:
  volatile HandleKind tag_;
  Diagnostics diag_;

 protected:
  void set_call_mutex(std::recursive_mutex* mutex) { call_mutex_ = mutex; }

 private:
  std::recursive_mutex* call_mutex_ = nullptr;
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_HANDLE_H_
