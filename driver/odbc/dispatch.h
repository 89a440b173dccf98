// The one path every ODBC entry point takes into the core: check the handle's
// kind (SQL_INVALID_HANDLE otherwise), serialize on its connection, clear the
// old diagnostics, run the body inside the single exception barrier, and turn
// its status into a SQLRETURN plus diagnostic records.
#ifndef QUIETFETCH_DRIVER_ODBC_DISPATCH_H_
#define QUIETFETCH_DRIVER_ODBC_DISPATCH_H_

#include <sql.h>
#include <sqlext.h>

#include <cxxabi.h>
#include <exception>
#include <mutex>
#include <new>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "driver/core/handle.h"
#include "driver/core/statement.h"
#include "driver/core/status.h"

namespace quietfetch::odbc {

inline SQLRETURN ToReturn(core::Handle& handle, const absl::Status& status) {
  if (!status.ok()) {
    handle.diag().AddError(status);
    return SQL_ERROR;
  }
  return handle.diag().records().empty() ? SQL_SUCCESS : SQL_SUCCESS_WITH_INFO;
}

inline SQLRETURN ToReturn(core::Handle& handle, const absl::StatusOr<core::Outcome>& outcome) {
  if (!outcome.ok()) return ToReturn(handle, outcome.status());
  switch (*outcome) {
    case core::Outcome::kNoData:
      return SQL_NO_DATA;
    case core::Outcome::kNeedData:
      return SQL_NEED_DATA;
    case core::Outcome::kOk:
      break;
  }
  return ToReturn(handle, absl::OkStatus());
}

enum class Lock { kYes, kNo };

// Runs `body(H&)` for the handle, which returns absl::Status or
// absl::StatusOr<core::Outcome>.
// no_sanitize_undefined: the forced unwind has no exception object, so UBSan
// sees the catch clause bind a reference to null.
template <typename H, typename Body>
__attribute__((no_sanitize_undefined)) SQLRETURN Call(SQLHANDLE raw, Body&& body,
                                                      Lock lock = Lock::kYes) {
  H* handle = core::Handle::Cast<H>(raw);
  if (handle == nullptr) return SQL_INVALID_HANDLE;
  std::unique_lock<std::recursive_mutex> guard(handle->call_mutex(), std::defer_lock);
  if (lock == Lock::kYes) guard.lock();
  handle->diag().Clear();
  SQLRETURN rc = SQL_ERROR;
  try {
    rc = ToReturn(*handle, body(*handle));
  } catch (const std::bad_alloc&) {
    handle->diag().Add(core::sqlstate::kMemoryAllocation, "out of memory");
  } catch (const std::exception& e) {
    handle->diag().Add(core::sqlstate::kGeneralError, std::string("internal error: ") + e.what());
  } catch (abi::__forced_unwind&) {
    // pthread_exit's unwinding (CPython ends daemon threads this way when
    // they ask for the GIL during shutdown) must go on, or glibc aborts.
    throw;
  } catch (...) {
    handle->diag().Add(core::sqlstate::kGeneralError, "internal error");
  }
  handle->diag().return_code = rc;
  return rc;
}

// Maps an ODBC handle type + handle to its core handle, or null.
core::Handle* HandleOfType(SQLSMALLINT handle_type, SQLHANDLE handle);

}  // namespace quietfetch::odbc

#endif  // QUIETFETCH_DRIVER_ODBC_DISPATCH_H_
