// A policy decides what the collector is set to while bulk windows are open.
// Policies are pure: given what the collector had before the first window
// (`saved`) and how much work is in flight, they return target settings; the
// window manager (window.h) does the reading, writing and restoring.
//
//   off       windows are not even opened
//   raise     threshold0 raised to `threshold`, or, when that is 0 ("auto"),
//             to rows_in_flight * rows_factor, never below kAutoFloor nor
//             above max_threshold, and never below what `saved` had
//   suspend   collector disabled until rows_in_flight exceeds max_rows or the
//             nest has lasted max_duration; then `saved` again (the cap)
//   adaptive  starts like raise; after each collection inside a window it
//             doubles threshold0 (up to max_threshold) while collections free
//             almost nothing, and halves it back toward `saved` when they find
//             garbage
#ifndef QUIETFETCH_GC_POLICY_POLICY_H_
#define QUIETFETCH_GC_POLICY_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gc-policy/collector.h"

namespace quietfetch::gc {

enum class PolicyKind { kOff, kRaise, kSuspend, kAdaptive };

// When a window ends: at the end of the unit of work (SQLEndTran,
// disconnect, next statement in autocommit mode) or when its statement's
// result is closed.
enum class Scope { kUnitOfWork, kStatement };

struct PolicyConfig {
  PolicyKind kind = PolicyKind::kRaise;
  // raise/adaptive: threshold0 while windows are open; 0 = scale with rows.
  int64_t threshold = 0;
  int64_t rows_factor = 10;
  int64_t max_threshold = 2'000'000;
  // A result becomes bulk (opens a window) once it has this many rows.
  int64_t bulk_rows = 1000;
  // Caps: suspend gives the collector back past these; any window still
  // open after max_duration is ended by the next call that touches windows.
  int64_t max_rows = 10'000'000;
  absl::Duration max_duration = absl::Seconds(60);
  Scope scope = Scope::kUnitOfWork;
  // "" (no trace), "stderr", or a file appended with one JSON line per window.
  std::string trace;

  static constexpr int64_t kAutoFloor = 50'000;
};

// Parses "off", "raise", "suspend", "adaptive" (any case); InvalidArgument
// naming the accepted values otherwise.
absl::StatusOr<PolicyKind> ParsePolicyKind(std::string_view text);
std::string_view PolicyKindName(PolicyKind kind);
absl::StatusOr<Scope> ParseScope(std::string_view text);  // "unit", "statement"
std::string_view ScopeName(Scope scope);

// Parses "key=value;key=value" (keys: policy, threshold (number or auto),
// rows_factor, max_threshold, bulk_rows, max_rows, max_seconds, scope, trace),
// case-insensitive keys; unknown keys and bad numbers are InvalidArgument
// naming them. Used by the C API; the driver maps its own keywords.
absl::StatusOr<PolicyConfig> ParsePolicyConfig(std::string_view text);

struct Progress {
  int64_t rows_in_flight = 0;  // rows fetched by all open windows
  absl::Duration elapsed;      // since the first window of the nest opened
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view Name() const = 0;
  virtual const PolicyConfig& config() const = 0;
  // Settings to hold now. Called when the nest opens and again as rows grow
  // (the manager calls it only when rows in flight have doubled, or the
  // elapsed time crossed a cap, so each call may cost a collector write).
  virtual Settings Target(const Settings& saved, const Progress& progress) const = 0;
  // Adaptive only: whether to install the collection hook, and the settings
  // after a collection that ran inside a window.
  virtual bool WantsCollectionHook() const { return false; }
  virtual Settings AfterCollection(const Settings& saved, const Settings& current,
                                   const CollectionInfo& info) const {
    return current;
  }
};

std::unique_ptr<Policy> MakePolicy(const PolicyConfig& config);

}  // namespace quietfetch::gc

#endif  // QUIETFETCH_GC_POLICY_POLICY_H_
