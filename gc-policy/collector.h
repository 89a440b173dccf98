// A collector is whatever garbage collector the host process runs that a bulk
// fetch should keep out of the way: CPython's, one an application registers,
// or none at all.
//
// Contract: Enter() takes whatever the collector needs to be touched from the
// calling thread (CPython: the GIL, through PyGILState_Ensure, and only on a
// thread that already has a Python thread state; never while the interpreter
// is finalizing) and returns false when this thread cannot touch it now.
// Read/Write/Collections/InstallHook/AtExit are called only between a
// successful Enter() and its Leave(). Present() is lock-free and cheap; a
// collector that is not present is never entered (zero cost).
#ifndef QUIETFETCH_GC_POLICY_COLLECTOR_H_
#define QUIETFETCH_GC_POLICY_COLLECTOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace quietfetch::gc {

// What a collector is set to. threshold1/2 are kept so a restore is exact;
// policies only change `enabled` and `threshold0`.
struct Settings {
  bool enabled = true;
  int64_t threshold0 = 0;
  int64_t threshold1 = 0;
  int64_t threshold2 = 0;
  bool operator==(const Settings&) const = default;
};

// What one collection did (CPython: gc.callbacks' "stop" info).
struct CollectionInfo {
  int generation = 0;
  int64_t collected = 0;
  int64_t uncollectable = 0;
};

class Collector {
 public:
  using Hook = void (*)(const CollectionInfo& info);
  using ExitHook = void (*)();

  virtual ~Collector() = default;

  // "cpython", "none", or the name an application registered.
  virtual std::string_view Name() const = 0;
  // False for the no-collector case: windows then cost a counter, nothing more.
  virtual bool Present() const = 0;

  virtual bool Enter() = 0;
  virtual void Leave() = 0;

  // Between Enter() and Leave().
  virtual bool Read(Settings* settings) = 0;
  virtual bool Write(const Settings& settings) = 0;
  // Collections run so far in the process, all generations; -1 if unknown.
  virtual int64_t Collections() = 0;
  // Calls `hook` after every collection for the rest of the process. Called
  // at most once per process by the window manager. False if unsupported.
  virtual bool InstallHook(Hook hook) { return false; }
  // Calls `hook` once when the host starts shutting down, while the collector
  // can still be touched (CPython: an atexit function). False if unsupported.
  virtual bool AtExit(ExitHook hook) { return false; }
  // Whether the host is shutting down (CPython: Py_IsFinalizing). Lock-free.
  virtual bool Finalizing() const { return false; }
};

// The collector of this process: the one registered with RegisterCollector()
// if any, else CPython when the process hosts an initialized interpreter
// (found with dlsym, never linked), else the no-collector. Re-decided each
// time it is asked, because an embedding application may start Python after
// loading the driver; the window manager asks only when no window is open.
Collector& ProcessCollector();

// Replaces automatic detection until UnregisterCollector(). The caller keeps
// ownership; `collector` must outlive its registration.
void RegisterCollector(Collector* collector);
void UnregisterCollector();

// The building blocks ProcessCollector() chooses from, for tests.
Collector& NoCollector();
// CPython's collector if the process hosts an initialized CPython, else null.
Collector* CPythonCollectorIfPresent();

}  // namespace quietfetch::gc

#endif  // QUIETFETCH_GC_POLICY_COLLECTOR_H_
