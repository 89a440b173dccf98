// The process-wide window manager behind Window, EndNest and GetProcessStats.
//
// Locking. Two locks matter: the collector's (CPython: the GIL, taken by
// Collector::Enter) and the manager's mutex. A thread enters the collector
// before it takes the mutex, never the other way round, so a thread waiting
// for the GIL never holds the mutex. That alone is not enough on CPython
// before 3.12: a Write under the mutex can allocate, run a collection and
// with it Python gc.callbacks, whose bytecode may hand the GIL to another
// thread; if that thread had entered and then blocked on the mutex, neither
// could proceed. So an entered thread takes the mutex with try_lock, and when
// that fails it leaves the collector before waiting (LockAfterEnter), and the
// collection hook never waits for the mutex at all (it skips that one
// collection). A thread that already held the GIL before Enter cannot give
// it back this way; that case keeps the plain lock order guarantee only.
//
// Nests. All windows of the process form one nest while any is open. The
// first window that can enter the collector reads the saved settings and
// writes its policy's target ("applies"); the last window to end restores.
// The policy driving the nest is that of the oldest window still attached:
// when it ends while others remain, the next oldest takes over and the
// settings are re-targeted for it (now if the ending thread can enter, else
// at the next call that can). Its max_duration is also the nest's cap.
//
// Threads without a Python thread state cannot enter: their windows count
// (rows, nesting) but read and write nothing. If such a thread ends the last
// window of an applied nest, the restore is kept pending and done by the
// next Open, End, AddRows (when it takes the lock anyway) or EndNest on a
// thread that can enter. Until then the collector keeps the raised settings;
// a pending restore is dropped if the process's collector changes meanwhile
// (nothing left to restore it on), and a failed Read drops it too.
//
// Hooks. The collection hook is installed the first time an adaptive window
// opens on a thread that can enter, the exit hook the first time a nest
// applies settings; each at most once per collector (a process normally has
// one). With the collection hook in place, adaptive is steered only by what
// collections find, not by rows; without it (unsupported), it re-targets
// with rows like raise. After the exit hook ran, that collector is never
// entered again.
//
// Re-entry: a collector call made under the mutex may run Python code (gc
// callbacks). If that code opens a window on the same thread, the window
// stays closed; ending or feeding an already open window from there is not
// supported (it would wait on the mutex its own thread holds).
#include "gc-policy/window.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gc-policy/collector.h"
#include "gc-policy/policy.h"
#include "gc-policy/trace.h"

namespace quietfetch::gc {
namespace {

// Set while this thread holds the manager's mutex. Collector calls made
// under the mutex can run a collection on this very thread, whose hook must
// not try to take the mutex again.
thread_local bool t_in_manager = false;

// Which fields the manager still controls; false once the application wrote
// its own value there while windows were open.
struct Ownership {
  bool enabled = true;
  bool threshold0 = true;
  bool threshold1 = true;
  bool threshold2 = true;
};

// Everything a restore needs, kept as a pending restore when the thread that
// ended the nest could not reach the collector.
struct Applied {
  Collector* collector = nullptr;
  Settings saved;
  Settings written;
  Ownership own;
};

// What a manager call did, merged into the calling window's stats.
struct Outcome {
  bool opened = false;
  uint64_t nest = 0;
  uint64_t id = 0;
  const Collector* collector = nullptr;
  std::string collector_name;
  bool touched = false;
  bool first = false;
  bool restored = false;
  bool left_alone = false;
  bool detached = false;
  EndReason detach_reason = EndReason::kCap;
  std::optional<Settings> before;
  std::optional<Settings> held;
  std::optional<Settings> after;
  int64_t collections = -1;
  absl::Time at;
};

int64_t SaturatingDouble(int64_t n) {
  return n > std::numeric_limits<int64_t>::max() / 2 ? std::numeric_limits<int64_t>::max() : 2 * n;
}

void CollectionHook(const CollectionInfo& info);
void ExitHook();

class Manager {
 public:
  // Leaked: windows may end from static destructors and the collector's
  // exit hook, after this translation unit's statics are gone.
  static Manager& Get() {
    static Manager* const manager = new Manager;
    return *manager;
  }

  Outcome Open(const std::shared_ptr<const Policy>& policy, int64_t rows);
  Outcome AddRows(uint64_t nest, bool touched, int64_t rows);
  Outcome End(uint64_t nest, uint64_t id, int64_t rows, EndReason reason);
  void EndNest(EndReason reason);
  void OnCollection(const CollectionInfo& info);
  ProcessStats Stats();

 private:
  struct Detached {
    EndReason reason;
    int64_t remaining;
    std::optional<Settings> held;
  };

  // The collector entered (or not) for one call, and the mutex held after
  // it. Destruction unlocks first, then leaves the collector.
  class Session {
   public:
    Session(Manager& manager, Collector* collector, bool may_enter)
        : manager_(manager), collector_(collector) {
      if (may_enter && collector_ != nullptr && collector_->Present() &&
          !collector_->Finalizing()) {
        ++attempts_;
        entered_ = collector_->Enter();
      }
      LockAfterEnter();
      manager_.stats_.collector_entries += attempts_;
      // Another thread may have marked it exited while we were entering.
      usable_ = entered_ && !manager_.IsExited(collector_);
    }
    ~Session() {
      t_in_manager = false;
      manager_.mu_.unlock();
      if (entered_) collector_->Leave();
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    Collector* collector() const { return collector_; }
    // Entered and allowed to read and write the collector.
    bool usable() const { return usable_; }
    bool attempted() const { return attempts_ > 0; }
    void Disable() { usable_ = false; }

   private:
    void LockAfterEnter() {
      while (!manager_.mu_.try_lock()) {
        // Give the collector back while waiting: the holder of the mutex
        // may need it (see the top of this file).
        if (entered_) collector_->Leave();
        { std::lock_guard<std::mutex> wait(manager_.mu_); }
        if (entered_) {
          ++attempts_;
          entered_ = collector_->Enter();
        }
      }
      t_in_manager = true;
    }

    Manager& manager_;
    Collector* const collector_;
    int64_t attempts_ = 0;
    bool entered_ = false;
    bool usable_ = false;
  };

  // A plain scoped lock for calls that never enter the collector.
  class PlainLock {
   public:
    explicit PlainLock(Manager& manager) : manager_(manager) {
      manager_.mu_.lock();
      t_in_manager = true;
    }
    ~PlainLock() {
      t_in_manager = false;
      manager_.mu_.unlock();
    }
    PlainLock(const PlainLock&) = delete;
    PlainLock& operator=(const PlainLock&) = delete;

   private:
    Manager& manager_;
  };

  bool NestOpen() const { return count_ > 0; }
  const Policy& Driver() const { return *policies_.front().second; }
  Progress ProgressAt(absl::Time now) const { return Progress{rows_in_flight_, now - nest_start_}; }
  static bool Contains(const std::vector<const Collector*>& list, const Collector* c) {
    return std::find(list.begin(), list.end(), c) != list.end();
  }
  bool IsExited(const Collector* c) const { return Contains(exited_, c); }

  Collector* Choose(bool* exited);

  void NoteView(const Settings& settings) { view_ = settings; }
  bool ReadNow(Collector* c, Settings* settings) {
    if (!c->Read(settings)) return false;
    NoteView(*settings);
    return true;
  }
  bool WriteNow(Collector* c, const Settings& settings) {
    if (!c->Write(settings)) return false;
    ++stats_.writes;
    NoteView(settings);
    return true;
  }

  void TakeOver(const Settings& current);
  bool NeedsRetarget(absl::Time now) const;
  void Apply(Session& s, absl::Time now, Outcome* out);
  void Retarget(Session& s, absl::Time now);
  bool Restore(Session& s, const Applied& applied, Outcome* out);
  void ResolvePending(Session& s, Outcome* out);
  void CloseNest(Session& s, EndReason reason, Outcome* out);
  bool CapExpired(absl::Time now) const {
    return NestOpen() && now - nest_start_ > Driver().config().max_duration;
  }
  void InstallHooks(Session& s, const Policy& policy);

  std::mutex mu_;
  // Generation of the current (or next) nest; windows remember the one they
  // joined, and any other value means they were detached.
  uint64_t gen_ = 1;
  uint64_t next_id_ = 1;
  int64_t count_ = 0;
  Collector* collector_ = nullptr;
  absl::Time nest_start_;
  // Policies of the attached windows, oldest first (by window id).
  std::vector<std::pair<uint64_t, std::shared_ptr<const Policy>>> policies_;
  bool applied_ = false;
  Settings saved_;
  Settings written_;
  Ownership own_;
  int64_t rows_in_flight_ = 0;
  int64_t rows_at_target_ = 0;
  int64_t collections_at_apply_ = -1;
  bool retarget_now_ = false;
  std::optional<Applied> pending_;
  std::map<uint64_t, Detached> detached_;
  // Last settings read or written: stats for windows that could not look.
  Settings view_;
  // Collectors are identified by address; there are one or two per process.
  std::vector<const Collector*> exited_;
  std::vector<const Collector*> hook_tried_;
  std::vector<const Collector*> hooked_;
  std::vector<const Collector*> exit_hook_tried_;
  ProcessStats stats_;
};

// The nest's collector while a nest is open, else the process's collector,
// which is asked outside the mutex (detection may look up symbols) and only
// then, as collector.h requires. A pending restore for a collector that is no
// longer the process's is dropped: that one may be gone.
Collector* Manager::Choose(bool* exited) {
  {
    PlainLock lock(*this);
    if (NestOpen()) {
      *exited = IsExited(collector_);
      return collector_;
    }
  }
  Collector* c = &ProcessCollector();
  PlainLock lock(*this);
  if (pending_ && !NestOpen() && pending_->collector != c) pending_.reset();
  *exited = IsExited(c);
  return c;
}

void Manager::TakeOver(const Settings& current) {
  if (current.enabled != written_.enabled) own_.enabled = false;
  if (current.threshold0 != written_.threshold0) own_.threshold0 = false;
  if (current.threshold1 != written_.threshold1) own_.threshold1 = false;
  if (current.threshold2 != written_.threshold2) own_.threshold2 = false;
}

bool Manager::NeedsRetarget(absl::Time now) const {
  if (!applied_ || (!own_.enabled && !own_.threshold0)) return false;
  const Policy& policy = Driver();
  const Settings target = policy.Target(saved_, ProgressAt(now));
  const bool differs = (own_.enabled && target.enabled != written_.enabled) ||
                       (own_.threshold0 && target.threshold0 != written_.threshold0);
  if (!differs) return false;
  if (retarget_now_) return true;
  // With its hook in place adaptive is steered by what collections find;
  // re-targeting by rows would undo that.
  if (policy.WantsCollectionHook() && Contains(hooked_, collector_)) return false;
  // suspend changes once, at its caps, and must do so at once.
  if (policy.config().kind == PolicyKind::kSuspend) return true;
  // raise grows with rows; doubling bounds the writes to a logarithm.
  return rows_in_flight_ >= SaturatingDouble(rows_at_target_);
}

void Manager::Apply(Session& s, absl::Time now, Outcome* out) {
  Collector* c = s.collector();
  Settings saved;
  if (!ReadNow(c, &saved)) return;
  const Settings target = Driver().Target(saved, ProgressAt(now));
  if (target != saved && !WriteNow(c, target)) return;
  saved_ = saved;
  written_ = target;
  own_ = Ownership{};
  applied_ = true;
  retarget_now_ = false;
  rows_at_target_ = rows_in_flight_;
  collections_at_apply_ = c->Collections();
  ++stats_.nests;
  if (out != nullptr) {
    out->first = true;
    out->before = saved;
  }
  // Once settings are changed, the process must not exit with them: the
  // host's exit hook ends the nest while the collector can still be touched.
  if (!Contains(exit_hook_tried_, c)) {
    exit_hook_tried_.push_back(c);
    c->AtExit(&ExitHook);
  }
}

void Manager::Retarget(Session& s, absl::Time now) {
  Collector* c = s.collector();
  Settings current;
  if (!ReadNow(c, &current)) return;
  TakeOver(current);
  const Settings target = Driver().Target(saved_, ProgressAt(now));
  Settings next = current;
  if (own_.enabled) next.enabled = target.enabled;
  if (own_.threshold0) next.threshold0 = target.threshold0;
  if (next != current && !WriteNow(c, next)) return;
  written_ = next;
  rows_at_target_ = rows_in_flight_;
  retarget_now_ = false;
}

bool Manager::Restore(Session& s, const Applied& applied, Outcome* out) {
  Collector* c = s.collector();
  Settings current;
  if (!ReadNow(c, &current)) return false;
  Settings next = current;
  int64_t left = 0;
  // A field still holding what we wrote goes back to its saved value; any
  // other value was set by the application and is its to keep.
  auto field = [&](auto member, bool own) {
    if (own && current.*member == applied.written.*member) {
      next.*member = applied.saved.*member;
    } else {
      ++left;
    }
  };
  field(&Settings::enabled, applied.own.enabled);
  field(&Settings::threshold0, applied.own.threshold0);
  field(&Settings::threshold1, applied.own.threshold1);
  field(&Settings::threshold2, applied.own.threshold2);
  if (next != current && !WriteNow(c, next)) return false;
  ++stats_.restores;
  stats_.left_alone += left;
  if (out != nullptr) {
    out->restored = true;
    out->left_alone = out->left_alone || left > 0;
  }
  return true;
}

void Manager::ResolvePending(Session& s, Outcome* out) {
  if (!pending_ || pending_->collector != s.collector() || !s.usable()) return;
  const Applied applied = *pending_;
  pending_.reset();
  Restore(s, applied, nullptr);
}

// Ends the nest: after its last window ended (count_ already 0), or forced
// while windows are still attached (which then detach).
void Manager::CloseNest(Session& s, EndReason reason, Outcome* out) {
  if (applied_) {
    const Applied applied{collector_, saved_, written_, own_};
    if (s.usable() && s.collector() == collector_) {
      const int64_t collections = collector_->Collections();
      if (collections >= 0 && collections_at_apply_ >= 0) {
        stats_.collections_in_windows += collections - collections_at_apply_;
      }
      Restore(s, applied, out);
    } else if (reason != EndReason::kProcessExit) {
      pending_ = applied;
    }
  }
  if (count_ > 0) {
    // A forced end (cap, exit, EndNest): the windows still open stay open
    // for their owners but no longer count.
    detached_[gen_] =
        Detached{reason, count_, applied_ ? std::optional<Settings>(written_) : std::nullopt};
  }
  ++gen_;
  count_ = 0;
  policies_.clear();
  applied_ = false;
  rows_in_flight_ = 0;
  rows_at_target_ = 0;
  retarget_now_ = false;
  collector_ = nullptr;
}

void Manager::InstallHooks(Session& s, const Policy& policy) {
  Collector* c = s.collector();
  if (!policy.WantsCollectionHook() || Contains(hook_tried_, c)) return;
  hook_tried_.push_back(c);
  if (c->InstallHook(&CollectionHook)) {
    hooked_.push_back(c);
    stats_.hook_installed = true;
  }
}

Outcome Manager::Open(const std::shared_ptr<const Policy>& policy, int64_t rows) {
  Outcome out;
  // A collection callback that runs Python code which opens a window, on
  // the thread already inside the manager: opening would deadlock. Such a
  // window simply stays closed.
  if (t_in_manager) return out;
  bool exited = false;
  Collector* chosen = Choose(&exited);
  Session s(*this, chosen, !exited);
  const absl::Time now = absl::Now();
  out.at = now;
  ResolvePending(s, &out);
  if (CapExpired(now)) {
    CloseNest(s, EndReason::kCap, nullptr);
    ++stats_.capped;
  }
  if (!NestOpen()) {
    collector_ = s.collector();
    nest_start_ = now;
    applied_ = false;
    rows_in_flight_ = 0;
    rows_at_target_ = 0;
    if (pending_ && pending_->collector != collector_) pending_.reset();
  } else if (collector_ != s.collector()) {
    // The process's collector changed between choosing and locking: join
    // the nest but leave its collector alone.
    s.Disable();
  }
  out.opened = true;
  out.id = next_id_++;
  out.nest = gen_;
  out.collector = collector_;
  out.collector_name = std::string(collector_->Name());
  ++count_;
  policies_.emplace_back(out.id, policy);
  rows_in_flight_ += rows;
  ++stats_.windows_opened;
  ++stats_.windows_open;
  stats_.collector = out.collector_name;
  out.touched = s.usable();
  if (collector_->Present() && !s.usable()) ++stats_.untouchable;
  if (s.usable()) {
    if (!applied_) {
      Apply(s, now, &out);
    } else {
      Settings before;
      if (ReadNow(collector_, &before)) out.before = before;
      if (NeedsRetarget(now)) Retarget(s, now);
    }
    InstallHooks(s, *policy);
    out.collections = collector_->Collections();
  }
  if (!out.before) out.before = view_;
  out.held = applied_ ? written_ : *out.before;
  return out;
}

Outcome Manager::AddRows(uint64_t nest, bool touched, int64_t rows) {
  Outcome out;
  Collector* c = nullptr;
  bool exited = false;
  {
    PlainLock lock(*this);
    if (nest != gen_ || !NestOpen()) return out;
    rows_in_flight_ += rows;
    const absl::Time now = absl::Now();
    const bool cap = CapExpired(now);
    if (!cap && !(touched && (pending_ || NeedsRetarget(now)))) return out;
    c = collector_;
    exited = IsExited(c);
  }
  // Slow path: enter, then look again, since the nest may have changed.
  Session s(*this, c, !exited);
  if (nest != gen_ || !NestOpen() || collector_ != c) return out;
  const absl::Time now = absl::Now();
  ResolvePending(s, &out);
  if (CapExpired(now)) {
    CloseNest(s, EndReason::kCap, &out);
    ++stats_.capped;
    out.detached = true;
    out.detach_reason = EndReason::kCap;
    return out;
  }
  if (s.usable() && NeedsRetarget(now)) Retarget(s, now);
  return out;
}

Outcome Manager::End(uint64_t nest, uint64_t id, int64_t rows, EndReason reason) {
  Outcome out;
  bool exited = false;
  Collector* chosen = Choose(&exited);
  Session s(*this, chosen, !exited);
  const absl::Time now = absl::Now();
  out.at = now;
  out.collector = s.collector();
  out.collector_name = std::string(s.collector()->Name());
  ResolvePending(s, &out);
  bool attached = nest == gen_ && NestOpen();
  if (attached && collector_ != s.collector()) s.Disable();
  if (attached && CapExpired(now)) {
    CloseNest(s, EndReason::kCap, &out);
    ++stats_.capped;
    attached = false;
  }
  if (attached) {
    out.held = applied_ ? std::optional<Settings>(written_) : std::nullopt;
    --count_;
    rows_in_flight_ = std::max<int64_t>(0, rows_in_flight_ - rows);
    const bool was_driver = !policies_.empty() && policies_.front().first == id;
    policies_.erase(std::remove_if(policies_.begin(), policies_.end(),
                                   [id](const auto& entry) { return entry.first == id; }),
                    policies_.end());
    if (count_ == 0) {
      CloseNest(s, reason, &out);
    } else if (was_driver) {
      // The next oldest window's policy takes over.
      retarget_now_ = true;
      if (s.usable() && NeedsRetarget(now)) Retarget(s, now);
    }
  } else {
    auto it = detached_.find(nest);
    if (it != detached_.end()) {
      out.detached = true;
      out.detach_reason = it->second.reason;
      out.held = it->second.held;
      if (--it->second.remaining <= 0) detached_.erase(it);
    }
  }
  --stats_.windows_open;
  if (s.usable()) {
    Settings after;
    if (ReadNow(s.collector(), &after)) out.after = after;
    out.collections = s.collector()->Collections();
  }
  if (!out.after) out.after = view_;
  return out;
}

void Manager::EndNest(EndReason reason) {
  bool exited = false;
  Collector* chosen = Choose(&exited);
  {
    PlainLock lock(*this);
    if (!NestOpen() && !pending_) {
      // Nothing to restore, but an exiting collector must not be touched
      // again.
      if (reason == EndReason::kProcessExit && !IsExited(chosen)) exited_.push_back(chosen);
      return;
    }
  }
  Session s(*this, chosen, !exited);
  if (NestOpen() && collector_ == s.collector()) {
    CloseNest(s, reason, nullptr);
    if (reason == EndReason::kCap) ++stats_.capped;
  }
  ResolvePending(s, nullptr);
  if (reason == EndReason::kProcessExit) {
    if (!IsExited(s.collector())) exited_.push_back(s.collector());
    if (pending_ && pending_->collector == s.collector()) pending_.reset();
  }
}

void Manager::OnCollection(const CollectionInfo& info) {
  // A collection run by our own Read/Write under the mutex: nothing to
  // adapt, and the mutex is ours already.
  if (t_in_manager) return;
  // Never wait here: this thread holds the GIL, and the mutex holder may be
  // waiting for it. Missing one collection's feedback is harmless.
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  t_in_manager = true;
  struct Reset {
    ~Reset() { t_in_manager = false; }
  } reset;
  if (!NestOpen() || !applied_ || !own_.threshold0) return;
  Collector* c = collector_;
  if (!Contains(hooked_, c) || IsExited(c) || c->Finalizing()) return;
  const Policy& policy = Driver();
  if (!policy.WantsCollectionHook()) return;
  // The collection ran under the collector's lock, which this thread holds:
  // Read and Write are allowed without Enter (and Enter is not).
  Settings current;
  if (!ReadNow(c, &current)) return;
  TakeOver(current);
  if (!own_.threshold0) return;
  const Settings after = policy.AfterCollection(saved_, current, info);
  Settings next = current;
  next.threshold0 = after.threshold0;
  if (own_.enabled) next.enabled = after.enabled;
  if (next != current && !WriteNow(c, next)) return;
  written_ = next;
}

ProcessStats Manager::Stats() {
  PlainLock lock(*this);
  return stats_;
}

void CollectionHook(const CollectionInfo& info) { Manager::Get().OnCollection(info); }

void ExitHook() { Manager::Get().EndNest(EndReason::kProcessExit); }

}  // namespace

std::string_view EndReasonName(EndReason reason) {
  switch (reason) {
    case EndReason::kEndTransaction:
      return "end_transaction";
    case EndReason::kDisconnect:
      return "disconnect";
    case EndReason::kNextStatement:
      return "next_statement";
    case EndReason::kStatementClosed:
      return "statement_closed";
    case EndReason::kCap:
      return "cap";
    case EndReason::kProcessExit:
      return "process_exit";
    case EndReason::kExplicit:
      return "explicit";
  }
  return "unknown";
}

Window::Window(std::shared_ptr<const Policy> policy)
    : policy_(std::move(policy)),
      bulk_rows_(policy_->config().bulk_rows),
      off_(policy_->config().kind == PolicyKind::kOff) {}

Window::~Window() { End(EndReason::kDisconnect); }

void Window::AddRows(int64_t rows) {
  result_rows_ += rows;
  if (!open_) {
    if (off_ || result_rows_ < bulk_rows_) return;
    Open(result_rows_);
    return;
  }
  rows_ += rows;
  const Outcome out = Manager::Get().AddRows(nest_, current_.touched, rows);
  if (out.restored) current_.restored = true;
  if (out.left_alone) current_.left_alone = true;
}

void Window::Open(int64_t rows) {
  if (off_) return;
  if (open_) {
    // Already open: the rows still count.
    rows_ += rows;
    const Outcome out = Manager::Get().AddRows(nest_, current_.touched, rows);
    if (out.restored) current_.restored = true;
    if (out.left_alone) current_.left_alone = true;
    return;
  }
  Outcome out = Manager::Get().Open(policy_, rows);
  if (!out.opened) return;
  open_ = true;
  nest_ = out.nest;
  id_ = out.id;
  rows_ = rows;
  collections_at_open_ = out.collections;
  opened_at_ = out.at;
  collector_ = out.collector;
  current_ = WindowStats{};
  current_.policy = std::string(policy_->Name());
  current_.touched = out.touched;
  current_.first = out.first;
  current_.before = out.before.value_or(Settings{});
  current_.during = out.held.value_or(current_.before);
}

void Window::End(EndReason reason) {
  if (!open_) return;
  const Outcome out = Manager::Get().End(nest_, id_, rows_, reason);
  open_ = false;
  current_.rows = rows_;
  current_.duration = out.at - opened_at_;
  current_.collections =
      collections_at_open_ >= 0 && out.collections >= 0 && out.collector == collector_
          ? out.collections - collections_at_open_
          : -1;
  if (out.held) current_.during = *out.held;
  current_.after = out.after.value_or(current_.during);
  current_.restored = current_.restored || out.restored;
  current_.left_alone = current_.left_alone || out.left_alone;
  current_.reason = out.detached ? out.detach_reason : reason;
  last_ = current_;
  const std::string& trace = policy_->config().trace;
  if (!trace.empty()) WriteTraceLine(trace, last_, out.collector_name);
}

ProcessStats GetProcessStats() { return Manager::Get().Stats(); }

void EndNest(EndReason reason) { Manager::Get().EndNest(reason); }

}  // namespace quietfetch::gc
