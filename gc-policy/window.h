// Windows: when the collector is held. A Window belongs to one owner (a
// connection for unit-of-work scope, a statement for statement scope) and is
// used under that owner's lock. All windows of the process nest through one
// process-wide count:
//   - the first window to open saves the collector's settings and applies its
//     policy's target; later windows only join the count (rows they fetch add
//     to rows in flight, which may re-target the settings as they double);
//   - the last window to end restores the saved settings, field by field,
//     except fields the application changed while windows were open (the
//     collector no longer holds what the manager last wrote): those are left
//     as the application set them, and the manager stops re-targeting them;
//   - a nest older than its policy's max_duration, or the process starting to
//     exit, ends the nest for everyone: settings are restored at once and the
//     windows still open become detached (their End() only records stats).
// Lock order: the collector (GIL) is entered before the manager's mutex and
// never while holding it, so a thread waiting for the GIL holds no lock of ours.
// With no collector present a window is a counter and a mutex, no more.
#ifndef QUIETFETCH_GC_POLICY_WINDOW_H_
#define QUIETFETCH_GC_POLICY_WINDOW_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gc-policy/collector.h"
#include "gc-policy/policy.h"

namespace quietfetch::gc {

enum class EndReason {
  kEndTransaction,   // SQLEndTran
  kDisconnect,       // SQLDisconnect or the owner destroyed
  kNextStatement,    // next statement on the connection in autocommit mode
  kStatementClosed,  // statement scope: cursor closed or statement freed
  kCap,              // the nest outlived max_duration
  kProcessExit,      // the host began shutting down
  kExplicit,         // C API
};
std::string_view EndReasonName(EndReason reason);

struct WindowStats {
  std::string policy;
  int64_t rows = 0;  // rows fetched while this window was open
  absl::Duration duration;
  int64_t collections = -1;  // collections that ran while it was open; -1 unknown
  Settings before;           // collector when this window opened
  Settings during;           // what the manager held while it was open (last target)
  Settings after;            // collector once it ended
  bool touched = false;      // this window could reach the collector (thread state)
  bool first = false;        // it opened the nest (saved the settings)
  bool restored = false;     // its end restored the saved settings
  bool left_alone = false;   // the application had changed settings; left as set
  EndReason reason = EndReason::kExplicit;
};

class Window {
 public:
  explicit Window(std::shared_ptr<const Policy> policy);
  ~Window();  // ends an open window with kDisconnect
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // A new result begins on the owner: resets the per-result row count that
  // decides when a result becomes bulk. Does not end an open window.
  void StartResult() { result_rows_ = 0; }
  // Rows just fetched for the current result. With no window open and the
  // result below bulk_rows this is an add and a compare: no lock, no GIL.
  void AddRows(int64_t rows);
  // Opens the window now whatever the row count (C API, tests).
  void Open(int64_t rows);
  // Ends the window if open; no-op otherwise.
  void End(EndReason reason);

  bool open() const { return open_; }
  const Policy& policy() const { return *policy_; }
  // Stats of the last window that ended on this owner.
  const WindowStats& last_stats() const { return last_; }

 private:
  std::shared_ptr<const Policy> policy_;
  int64_t result_rows_ = 0;
  bool open_ = false;
  // Manager bookkeeping for the open window (see window.cc).
  uint64_t nest_ = 0;
  uint64_t id_ = 0;
  int64_t rows_ = 0;
  int64_t collections_at_open_ = -1;
  absl::Time opened_at_;
  WindowStats current_;
  WindowStats last_;
  // Cached from the policy so the no-window AddRows path is an add and a
  // compare, without virtual calls.
  int64_t bulk_rows_ = 0;
  bool off_ = false;
  // Identity only (never dereferenced): the collector this window opened
  // with, so collections are counted only when open and end saw the same one.
  const Collector* collector_ = nullptr;
};

struct ProcessStats {
  std::string collector;  // name of the collector last used
  int64_t windows_opened = 0;
  int64_t windows_open = 0;
  int64_t nests = 0;   // times settings were saved (first windows)
  int64_t writes = 0;  // collector writes (apply, re-target, restore)
  int64_t restores = 0;
  int64_t left_alone = 0;         // restores skipped because the app changed a value
  int64_t collector_entries = 0;  // Enter() calls: 0 means the collector was never touched
  int64_t untouchable = 0;        // windows on threads that could not enter the collector
  int64_t collections_in_windows = 0;
  int64_t capped = 0;  // nests ended by max_duration
  bool hook_installed = false;
};
ProcessStats GetProcessStats();

// Ends the current nest for everyone (restore now; open windows detach).
// Called at process exit; tests use it too.
void EndNest(EndReason reason);

}  // namespace quietfetch::gc

#endif  // QUIETFETCH_GC_POLICY_WINDOW_H_
