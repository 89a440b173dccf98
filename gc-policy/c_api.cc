// The C API of quietfetch_gc.h over window.h, policy.h and collector.h.
// Compiled into libquietfetch_gc.so and into the driver library, each of
// which then has its own single process-wide window state.
//
// Every function runs its body behind one barrier: no C++ exception crosses
// into C (the caller may be Python's ctypes, or C compiled without unwind
// tables), errors become -1 (or NULL) plus a per-thread message.
#include "gc-policy/quietfetch_gc.h"

#include <cxxabi.h>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gc-policy/c_collector.h"
#include "gc-policy/collector.h"
#include "gc-policy/policy.h"
#include "gc-policy/window.h"

// Both libraries build with hidden visibility; the version scripts then keep
// exactly quietfetch_gc_* (and SQL* in the driver).
#define QF_GC_EXPORT __attribute__((visibility("default")))

// A Window has one owner and is used under that owner's lock. The C API gives
// each handle an in-use flag instead of a lock: a thread that blocks on a
// lock here might hold the GIL that the thread inside the window is waiting
// for, so concurrent use of one handle is reported as an error, not waited on.
struct quietfetch_gc_window {
  explicit quietfetch_gc_window(std::shared_ptr<const quietfetch::gc::Policy> policy)
      : window(std::move(policy)) {}
  quietfetch::gc::Window window;
  mutable std::atomic<bool> busy{false};
};

namespace quietfetch::gc {
namespace {

thread_local std::string t_last_error;

void SetError(std::string_view function, std::string_view message) noexcept {
  try {
    t_last_error.assign(function);
    t_last_error.append(": ");
    t_last_error.append(message);
  } catch (...) {
    // Out of memory while reporting: keep the old text rather than throw.
  }
}

std::string_view FromAbsl(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

// Runs `body` (returning absl::Status) and turns the outcome into 0 / -1.
// The forced unwinding of pthread_exit (which CPython 3.8-3.13 uses to stop
// a daemon thread that wants the GIL during finalization) is rethrown:
// swallowing it aborts the process.
// no_sanitize_undefined: the forced unwind has no exception object, so UBSan
// sees its catch clause bind a reference to null.
template <typename Body>
__attribute__((no_sanitize_undefined)) int Barrier(std::string_view function, Body&& body) {
  t_last_error.clear();
  try {
    const absl::Status status = body();
    if (status.ok()) return 0;
    SetError(function, FromAbsl(status.message()));
  } catch (abi::__forced_unwind&) {
    throw;
  } catch (const std::exception& e) {
    SetError(function, e.what());
  } catch (...) {
    SetError(function, "unknown C++ exception");
  }
  return -1;
}

absl::Status NullArgument(std::string_view name) {
  return absl::InvalidArgumentError(std::string(name) + " is NULL");
}

// Marks a handle in use for one call.
class Exclusive {
 public:
  explicit Exclusive(const quietfetch_gc_window* window)
      : window_(window), acquired_(!window->busy.exchange(true, std::memory_order_acquire)) {}
  ~Exclusive() {
    if (acquired_) window_->busy.store(false, std::memory_order_release);
  }
  Exclusive(const Exclusive&) = delete;
  Exclusive& operator=(const Exclusive&) = delete;

  absl::Status status() const {
    return acquired_ ? absl::OkStatus()
                     : absl::FailedPreconditionError(
                           "the window is in use by another thread; a window handle belongs to "
                           "one owner and must not be used concurrently");
  }

 private:
  const quietfetch_gc_window* window_;
  const bool acquired_;
};

template <size_t N>
void CopyTruncated(std::string_view text, char (&out)[N]) {
  const size_t length = text.size() < N - 1 ? text.size() : N - 1;
  std::memcpy(out, text.data(), length);
  out[length] = '\0';
}

void FillWindowStats(const WindowStats& stats, quietfetch_gc_window_stats* out) {
  *out = quietfetch_gc_window_stats{};
  CopyTruncated(stats.policy, out->policy);
  CopyTruncated(EndReasonName(stats.reason), out->end_reason);
  out->rows = stats.rows;
  out->duration_ms = absl::ToDoubleMilliseconds(stats.duration);
  out->collections = stats.collections;
  out->before = ToCSettings(stats.before);
  out->during = ToCSettings(stats.during);
  out->after = ToCSettings(stats.after);
  out->touched = stats.touched ? 1 : 0;
  out->first = stats.first ? 1 : 0;
  out->restored = stats.restored ? 1 : 0;
  out->left_alone = stats.left_alone ? 1 : 0;
}

absl::Status CheckRows(int64_t rows) {
  if (rows < 0) {
    return absl::InvalidArgumentError("rows must not be negative (got " + std::to_string(rows) +
                                      ")");
  }
  return absl::OkStatus();
}

quietfetch_gc_window* WindowNew(const char* options) {
  quietfetch_gc_window* created = nullptr;
  Barrier("quietfetch_gc_window_new", [&]() -> absl::Status {
    PolicyConfig config;
    if (options != nullptr && options[0] != '\0') {
      absl::StatusOr<PolicyConfig> parsed = ParsePolicyConfig(options);
      if (!parsed.ok()) return parsed.status();
      config = *std::move(parsed);
    }
    std::shared_ptr<const Policy> policy = MakePolicy(config);
    if (policy == nullptr) return absl::InternalError("no policy for these options");
    created = new quietfetch_gc_window(std::move(policy));
    return absl::OkStatus();
  });
  return created;
}

int WindowAddRows(quietfetch_gc_window* window, int64_t rows) {
  return Barrier("quietfetch_gc_window_add_rows", [&]() -> absl::Status {
    if (window == nullptr) return NullArgument("window");
    if (absl::Status status = CheckRows(rows); !status.ok()) return status;
    Exclusive exclusive(window);
    if (!exclusive.status().ok()) return exclusive.status();
    window->window.AddRows(rows);
    return absl::OkStatus();
  });
}

int WindowBegin(quietfetch_gc_window* window, int64_t rows) {
  return Barrier("quietfetch_gc_window_begin", [&]() -> absl::Status {
    if (window == nullptr) return NullArgument("window");
    if (absl::Status status = CheckRows(rows); !status.ok()) return status;
    Exclusive exclusive(window);
    if (!exclusive.status().ok()) return exclusive.status();
    window->window.Open(rows);
    return absl::OkStatus();
  });
}

int WindowEnd(quietfetch_gc_window* window, quietfetch_gc_window_stats* stats) {
  return Barrier("quietfetch_gc_window_end", [&]() -> absl::Status {
    if (window == nullptr) return NullArgument("window");
    Exclusive exclusive(window);
    if (!exclusive.status().ok()) return exclusive.status();
    window->window.End(EndReason::kExplicit);
    if (stats != nullptr) FillWindowStats(window->window.last_stats(), stats);
    return absl::OkStatus();
  });
}

int WindowIsOpen(const quietfetch_gc_window* window) {
  bool open = false;
  const int result = Barrier("quietfetch_gc_window_is_open", [&]() -> absl::Status {
    if (window == nullptr) return NullArgument("window");
    Exclusive exclusive(window);
    if (!exclusive.status().ok()) return exclusive.status();
    open = window->window.open();
    return absl::OkStatus();
  });
  return result != 0 ? -1 : (open ? 1 : 0);
}

void WindowFree(quietfetch_gc_window* window) {
  if (window == nullptr) {
    t_last_error.clear();
    return;
  }
  Barrier("quietfetch_gc_window_free", [&]() -> absl::Status {
    {
      Exclusive exclusive(window);
      // Freeing a handle another thread is using would pull the window out
      // from under it: leak it instead and say so.
      if (!exclusive.status().ok()) return exclusive.status();
      window->window.End(EndReason::kExplicit);
    }
    delete window;
    return absl::OkStatus();
  });
}

int ProcessStatsGet(quietfetch_gc_process_stats* stats) {
  return Barrier("quietfetch_gc_process_stats_get", [&]() -> absl::Status {
    if (stats == nullptr) return NullArgument("stats");
    const ProcessStats process = GetProcessStats();
    quietfetch_gc_process_stats out{};
    CopyTruncated(process.collector, out.collector);
    out.windows_opened = process.windows_opened;
    out.windows_open = process.windows_open;
    out.nests = process.nests;
    out.writes = process.writes;
    out.restores = process.restores;
    out.left_alone = process.left_alone;
    out.collector_entries = process.collector_entries;
    out.untouchable = process.untouchable;
    out.collections_in_windows = process.collections_in_windows;
    out.capped = process.capped;
    out.hook_installed = process.hook_installed ? 1 : 0;
    *stats = out;
    return absl::OkStatus();
  });
}

int RegisterCollectorFromC(const quietfetch_gc_collector* collector) {
  return Barrier("quietfetch_gc_register_collector", [&]() -> absl::Status {
    // The window manager saved the current collector's settings and will
    // restore them into whichever collector it finds then: switching now
    // would write one runtime's settings into another.
    if (const int64_t open = GetProcessStats().windows_open; open > 0) {
      return absl::FailedPreconditionError(
          std::to_string(open) +
          " gc window(s) still open; register or unregister the collector when none is");
    }
    return RegisterCCollector(collector);
  });
}

const char* LastError() { return t_last_error.c_str(); }

}  // namespace
}  // namespace quietfetch::gc

// The entry points only forward: everything they do is above, behind Barrier().
extern "C" {

QF_GC_EXPORT quietfetch_gc_window* quietfetch_gc_window_new(const char* options) {
  return quietfetch::gc::WindowNew(options);
}

QF_GC_EXPORT int quietfetch_gc_window_add_rows(quietfetch_gc_window* window, int64_t rows) {
  return quietfetch::gc::WindowAddRows(window, rows);
}

QF_GC_EXPORT int quietfetch_gc_window_begin(quietfetch_gc_window* window, int64_t rows) {
  return quietfetch::gc::WindowBegin(window, rows);
}

QF_GC_EXPORT int quietfetch_gc_window_end(quietfetch_gc_window* window,
                                          quietfetch_gc_window_stats* stats) {
  return quietfetch::gc::WindowEnd(window, stats);
}

QF_GC_EXPORT int quietfetch_gc_window_is_open(const quietfetch_gc_window* window) {
  return quietfetch::gc::WindowIsOpen(window);
}

QF_GC_EXPORT void quietfetch_gc_window_free(quietfetch_gc_window* window) {
  quietfetch::gc::WindowFree(window);
}

QF_GC_EXPORT int quietfetch_gc_process_stats_get(quietfetch_gc_process_stats* stats) {
  return quietfetch::gc::ProcessStatsGet(stats);
}

QF_GC_EXPORT int quietfetch_gc_register_collector(const quietfetch_gc_collector* collector) {
  return quietfetch::gc::RegisterCollectorFromC(collector);
}

QF_GC_EXPORT const char* quietfetch_gc_last_error(void) { return quietfetch::gc::LastError(); }

}  // extern "C"
