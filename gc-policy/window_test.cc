#include "gc-policy/window.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gc-policy/collector.h"
#include "gc-policy/policy.h"
#include "gtest/gtest.h"

namespace quietfetch::gc {
namespace {

constexpr Settings kDefaults{true, 700, 10, 10};

// Simulates a thread without a Python thread state: Enter() fails there.
thread_local bool t_no_thread_state = false;
// Contract checks: Read/Write only between Enter/Leave or inside a
// collection (where the hook runs), and never Enter inside the hook.
thread_local int t_entered = 0;
thread_local bool t_in_collection = false;

// A collector with CPython's shape: Enter takes a recursive "GIL", the
// settings are plain fields, every call is counted.
class FakeCollector : public Collector {
 public:
  explicit FakeCollector(std::string name) : name_(std::move(name)) {}

  std::string_view Name() const override { return name_; }
  bool Present() const override { return present; }
  bool Enter() override {
    ++enters;
    if (t_in_collection) ADD_FAILURE() << "Enter() from inside the collection hook";
    if (t_no_thread_state) return false;
    gil_.lock();
    ++t_entered;
    return true;
  }
  void Leave() override {
    --t_entered;
    gil_.unlock();
  }
  bool Read(Settings* settings) override {
    CheckLocked("Read");
    ++reads;
    *settings = settings_;
    return true;
  }
  bool Write(const Settings& settings) override {
    CheckLocked("Write");
    ++writes;
    settings_ = settings;
    log_.push_back(settings);
    return true;
  }
  int64_t Collections() override {
    CheckLocked("Collections");
    return collections_;
  }
  bool InstallHook(Hook hook) override {
    CheckLocked("InstallHook");
    ++hook_installs;
    hook_.store(hook);
    return true;
  }
  bool AtExit(ExitHook hook) override {
    CheckLocked("AtExit");
    ++exit_installs;
    exit_hook_.store(hook);
    return true;
  }

  // The test side, acting as the application would: under the "GIL".
  Settings Get() {
    std::lock_guard<std::recursive_mutex> lock(gil_);
    return settings_;
  }
  void Set(const Settings& settings) {
    std::lock_guard<std::recursive_mutex> lock(gil_);
    settings_ = settings;
  }
  std::vector<Settings> Log() {
    std::lock_guard<std::recursive_mutex> lock(gil_);
    return log_;
  }
  void Reset(const Settings& settings) {
    std::lock_guard<std::recursive_mutex> lock(gil_);
    settings_ = settings;
    log_.clear();
    collections_ = 0;
    present = true;
  }
  // One collection, as CPython runs it: under the GIL, then the hook.
  void Collect(const CollectionInfo& info) {
    std::lock_guard<std::recursive_mutex> lock(gil_);
    ++collections_;
    t_in_collection = true;
    if (Hook hook = hook_.load()) hook(info);
    t_in_collection = false;
  }
  bool HasHook() const { return hook_.load() != nullptr; }
  void RunExitHook() {
    std::lock_guard<std::recursive_mutex> lock(gil_);
    if (ExitHook hook = exit_hook_.load()) hook();
  }
  bool HasExitHook() const { return exit_hook_.load() != nullptr; }

  std::atomic<bool> present{true};
  std::atomic<int64_t> enters{0};
  std::atomic<int64_t> reads{0};
  std::atomic<int64_t> writes{0};
  std::atomic<int64_t> hook_installs{0};
  std::atomic<int64_t> exit_installs{0};

 private:
  void CheckLocked(const char* what) {
    if (t_entered == 0 && !t_in_collection) ADD_FAILURE() << what << "() outside Enter/Leave";
  }

  const std::string name_;
  std::recursive_mutex gil_;
  Settings settings_ = kDefaults;
  std::vector<Settings> log_;
  int64_t collections_ = 0;
  std::atomic<Hook> hook_{nullptr};
  std::atomic<ExitHook> exit_hook_{nullptr};
};

// One instance for the whole binary: the manager installs hooks once per
// collector, and remembers collectors by address.
FakeCollector& Fake() {
  static FakeCollector* const fake = new FakeCollector("fake");
  return *fake;
}

std::shared_ptr<const Policy> Make(std::string_view options) {
  auto config = ParsePolicyConfig(options);
  EXPECT_TRUE(config.ok()) << config.status();
  return MakePolicy(config.ok() ? *config : PolicyConfig{});
}

void OnUntouchableThread(const std::function<void()>& fn) {
  std::thread thread([&] {
    t_no_thread_state = true;
    fn();
  });
  thread.join();
}

// The manager is process-wide and its counters cumulative: tests compare
// deltas against what SetUp saw, and must end every window they open.
class WindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Fake().Reset(kDefaults);
    RegisterCollector(&Fake());
    start_ = GetProcessStats();
    enters_ = Fake().enters;
    writes_ = Fake().writes;
  }
  void TearDown() override {
    EXPECT_EQ(GetProcessStats().windows_open, start_.windows_open) << "a window was left open";
    RegisterCollector(&Fake());
    EndNest(EndReason::kExplicit);  // a failed test must not leak a nest
    UnregisterCollector();
  }

  ProcessStats Delta() const {
    ProcessStats now = GetProcessStats();
    ProcessStats d = now;
    d.windows_opened -= start_.windows_opened;
    d.windows_open -= start_.windows_open;
    d.nests -= start_.nests;
    d.writes -= start_.writes;
    d.restores -= start_.restores;
    d.left_alone -= start_.left_alone;
    d.collector_entries -= start_.collector_entries;
    d.untouchable -= start_.untouchable;
    d.collections_in_windows -= start_.collections_in_windows;
    d.capped -= start_.capped;
    return d;
  }
  int64_t FakeEnters() const { return Fake().enters - enters_; }
  int64_t FakeWrites() const { return Fake().writes - writes_; }

  ProcessStats start_;
  int64_t enters_ = 0;
  int64_t writes_ = 0;
};

TEST_F(WindowTest, SmallResultsCostNothingThenRaiseAppliesAndRestoresExactly) {
  Window w(Make("policy=raise;threshold=50000;bulk_rows=100"));
  w.StartResult();
  w.AddRows(60);
  w.AddRows(39);
  EXPECT_FALSE(w.open());
  EXPECT_EQ(FakeEnters(), 0);
  EXPECT_EQ(Delta().windows_opened, 0);

  w.AddRows(1);
  ASSERT_TRUE(w.open());
  EXPECT_EQ(Fake().Get(), (Settings{true, 50'000, 10, 10}));
  w.AddRows(100'000);  // fixed threshold: nothing more to write
  EXPECT_EQ(FakeWrites(), 1);
  w.End(EndReason::kEndTransaction);
  EXPECT_FALSE(w.open());
  EXPECT_EQ(Fake().Get(), kDefaults);

  const WindowStats& stats = w.last_stats();
  EXPECT_EQ(stats.policy, "raise");
  EXPECT_EQ(stats.rows, 100'100);
  EXPECT_EQ(stats.before, kDefaults);
  EXPECT_EQ(stats.during, (Settings{true, 50'000, 10, 10}));
  EXPECT_EQ(stats.after, kDefaults);
  EXPECT_TRUE(stats.touched);
  EXPECT_TRUE(stats.first);
  EXPECT_TRUE(stats.restored);
  EXPECT_FALSE(stats.left_alone);
  EXPECT_EQ(stats.reason, EndReason::kEndTransaction);
  EXPECT_EQ(stats.collections, 0);
  EXPECT_GE(stats.duration, absl::ZeroDuration());

  const ProcessStats d = Delta();
  EXPECT_EQ(d.collector, "fake");
  EXPECT_EQ(d.windows_opened, 1);
  EXPECT_EQ(d.windows_open, 0);
  EXPECT_EQ(d.nests, 1);
  EXPECT_EQ(d.writes, 2);
  EXPECT_EQ(d.restores, 1);
  EXPECT_EQ(d.left_alone, 0);
  EXPECT_EQ(d.collector_entries, FakeEnters());
  EXPECT_EQ(d.untouchable, 0);
  EXPECT_EQ(FakeWrites(), 2);
}

TEST_F(WindowTest, RaiseAutoScalesAsRowsDoubleAndClamps) {
  Window w(Make("threshold=auto;rows_factor=10;max_threshold=400000;bulk_rows=1000"));
  w.AddRows(1000);
  ASSERT_TRUE(w.open());
  EXPECT_EQ(Fake().Get().threshold0, PolicyConfig::kAutoFloor);
  w.AddRows(3000);  // 40k rows-worth is still under the floor
  EXPECT_EQ(Fake().Get().threshold0, PolicyConfig::kAutoFloor);
  w.AddRows(4000);  // 8000 rows
  EXPECT_EQ(Fake().Get().threshold0, 80'000);
  w.AddRows(92'000);  // 100,000 rows: clamped
  EXPECT_EQ(Fake().Get().threshold0, 400'000);
  const int64_t writes = FakeWrites();
  EXPECT_EQ(writes, 3);
  w.AddRows(1'000'000);
  EXPECT_EQ(FakeWrites(), writes);
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(w.last_stats().during.threshold0, 400'000);

  // The application's own higher threshold is never lowered.
  const Settings high{true, 1'000'000, 10, 10};
  Fake().Set(high);
  const int64_t before = FakeWrites();
  Window w2(Make("threshold=auto;bulk_rows=1000"));
  w2.AddRows(8000);
  ASSERT_TRUE(w2.open());
  w2.AddRows(10'000);
  EXPECT_EQ(Fake().Get(), high);
  w2.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), high);
  EXPECT_EQ(FakeWrites(), before);
}

TEST_F(WindowTest, SuspendDisablesUntilTheRowCap) {
  Window w(Make("policy=suspend;max_rows=5000;bulk_rows=1000"));
  w.AddRows(1000);
  ASSERT_TRUE(w.open());
  EXPECT_EQ(Fake().Get(), (Settings{false, 700, 10, 10}));
  w.AddRows(4000);
  EXPECT_FALSE(Fake().Get().enabled);
  w.AddRows(1);  // 5001 > max_rows: the collector is given back at once
  EXPECT_EQ(Fake().Get(), kDefaults);
  w.AddRows(100'000);
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_TRUE(w.last_stats().restored);
  EXPECT_EQ(FakeWrites(), 2);  // disable, re-enable; the restore had nothing to do
}

TEST_F(WindowTest, TimeCapEndsTheNestAndDetachesTheWindow) {
  Window w(Make("policy=suspend;max_seconds=0.02;bulk_rows=10"));
  w.Open(10);
  ASSERT_TRUE(w.open());
  EXPECT_FALSE(Fake().Get().enabled);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  w.AddRows(1);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(Delta().capped, 1);
  EXPECT_TRUE(w.open());  // still open for its owner, but detached
  const int64_t writes = FakeWrites();
  w.AddRows(1'000'000);
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(FakeWrites(), writes);
  EXPECT_EQ(w.last_stats().reason, EndReason::kCap);
  EXPECT_TRUE(w.last_stats().restored);
  EXPECT_FALSE(w.last_stats().during.enabled);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(Delta().restores, 1);
}

TEST_F(WindowTest, CapIsAlsoEnforcedByOtherWindowsOpening) {
  Window old(Make("threshold=50000;max_seconds=0.02;bulk_rows=1"));
  old.Open(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  Window fresh(Make("threshold=90000;bulk_rows=1"));
  fresh.Open(1);  // ends the old nest, then starts its own
  EXPECT_EQ(Delta().capped, 1);
  EXPECT_EQ(Delta().nests, 2);
  EXPECT_EQ(Fake().Get().threshold0, 90'000);
  old.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get().threshold0, 90'000);  // not the old nest's to restore
  fresh.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(old.last_stats().reason, EndReason::kCap);
}

TEST_F(WindowTest, AdaptiveFollowsCollectionsThroughTheHook) {
  Window w(Make("policy=adaptive;max_threshold=400000;bulk_rows=10"));
  w.Open(10);
  ASSERT_TRUE(w.open());
  ASSERT_TRUE(Fake().HasHook());
  EXPECT_TRUE(GetProcessStats().hook_installed);
  EXPECT_EQ(Fake().hook_installs, 1);
  EXPECT_EQ(Fake().Get().threshold0, 50'000);

  Fake().Collect(CollectionInfo{0, 0, 0});  // found nothing: double
  EXPECT_EQ(Fake().Get().threshold0, 100'000);
  Fake().Collect(CollectionInfo{0, 10, 0});
  EXPECT_EQ(Fake().Get().threshold0, 200'000);
  Fake().Collect(CollectionInfo{0, 100'000, 0});  // found a lot: halve
  EXPECT_EQ(Fake().Get().threshold0, 100'000);
  Fake().Collect(CollectionInfo{0, 5000, 0});  // in between: keep
  EXPECT_EQ(Fake().Get().threshold0, 100'000);
  // Collections steer it now, not rows.
  w.AddRows(1'000'000);
  EXPECT_EQ(Fake().Get().threshold0, 100'000);
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(w.last_stats().collections, 4);
  EXPECT_EQ(w.last_stats().during.threshold0, 100'000);

  // Outside windows the hook does nothing.
  const int64_t writes = FakeWrites();
  Fake().Collect(CollectionInfo{0, 0, 0});
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(FakeWrites(), writes);

  // A second adaptive window does not install it again.
  Window w2(Make("policy=adaptive;bulk_rows=10"));
  w2.Open(10);
  w2.End(EndReason::kExplicit);
  EXPECT_EQ(Fake().hook_installs, 1);
}

TEST_F(WindowTest, AdaptiveStopsWhenTheApplicationTakesThreshold0) {
  Window w(Make("policy=adaptive;bulk_rows=10"));
  w.Open(10);
  ASSERT_TRUE(Fake().HasHook());
  Fake().Set(Settings{true, 5000, 10, 10});  // gc.set_threshold(5000) by the app
  Fake().Collect(CollectionInfo{0, 0, 0});
  EXPECT_EQ(Fake().Get().threshold0, 5000);
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), (Settings{true, 5000, 10, 10}));
  EXPECT_TRUE(w.last_stats().left_alone);
}

TEST_F(WindowTest, NestedWindowsRestoreOnTheLastAndHandOverThePolicy) {
  Window w1(Make("threshold=50000;bulk_rows=1"));
  Window w2(Make("threshold=120000;bulk_rows=1"));
  w1.Open(1);
  w2.Open(1);
  EXPECT_EQ(Fake().Get().threshold0, 50'000);  // the opener's policy drives
  w1.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get().threshold0, 120'000);  // the oldest remaining one takes over
  EXPECT_TRUE(w1.last_stats().first);
  EXPECT_FALSE(w1.last_stats().restored);
  w2.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_FALSE(w2.last_stats().first);
  EXPECT_TRUE(w2.last_stats().restored);
  EXPECT_EQ(w2.last_stats().before.threshold0, 50'000);
  EXPECT_EQ(Delta().nests, 1);
  EXPECT_EQ(Delta().restores, 1);
}

TEST_F(WindowTest, WindowsOnManyThreadsNestAsOne) {
  constexpr int kThreads = 8;
  auto policy = Make("threshold=50000;bulk_rows=100");
  std::latch all_open(kThreads);
  std::atomic<int> saw_raised{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      Window w(policy);
      for (int j = 0; j < 50; ++j) w.AddRows(10);
      all_open.arrive_and_wait();
      if (Fake().Get().threshold0 == 50'000) ++saw_raised;
      w.End(EndReason::kEndTransaction);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(saw_raised, kThreads);
  EXPECT_EQ(Fake().Get(), kDefaults);
  const ProcessStats d = Delta();
  EXPECT_EQ(d.nests, 1);
  EXPECT_EQ(d.restores, 1);
  EXPECT_EQ(d.windows_opened, kThreads);
  EXPECT_EQ(d.windows_open, 0);
}

TEST_F(WindowTest, ThreadsWithAndWithoutStateAndConcurrentCollections) {
  constexpr int kThreads = 6;
  constexpr int kRounds = 40;
  std::atomic<bool> stop{false};
  // A "Python" thread running collections (and the adaptive hook) throughout.
  std::thread collector([&] {
    while (!stop) {
      Fake().Collect(CollectionInfo{0, 0, 0});
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      t_no_thread_state = i % 2 == 1;
      Window w(Make(i % 3 == 0 ? "policy=adaptive;bulk_rows=10"
                               : (i % 3 == 1 ? "policy=suspend;bulk_rows=10" : "bulk_rows=10")));
      for (int round = 0; round < kRounds; ++round) {
        w.StartResult();
        for (int j = 0; j < 20; ++j) w.AddRows(100);
        w.End(EndReason::kEndTransaction);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  stop = true;
  collector.join();
  // The last window may have ended on a thread without state: resolve it.
  EndNest(EndReason::kExplicit);
  EXPECT_EQ(Fake().Get(), kDefaults);
  const ProcessStats d = Delta();
  EXPECT_EQ(d.windows_opened, kThreads * kRounds);
  EXPECT_EQ(d.windows_open, 0);
  EXPECT_EQ(d.untouchable, kThreads / 2 * kRounds);
  EXPECT_EQ(d.left_alone, 0);
}

TEST_F(WindowTest, ApplicationChangesAreLeftAloneFieldByField) {
  Window w(Make("threshold=50000;bulk_rows=1"));
  w.Open(1);
  Fake().Set(Settings{true, 50'000, 99, 10});  // the app changes threshold1
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), (Settings{true, 700, 99, 10}));
  EXPECT_TRUE(w.last_stats().restored);
  EXPECT_TRUE(w.last_stats().left_alone);
  EXPECT_EQ(Delta().left_alone, 1);

  // threshold0 and enabled taken over mid-window: no more re-targeting, and
  // the restore keeps them.
  Fake().Set(kDefaults);
  Window auto_w(Make("threshold=auto;bulk_rows=1000"));
  auto_w.AddRows(1000);
  EXPECT_EQ(Fake().Get().threshold0, 50'000);
  Fake().Set(Settings{false, 1234, 10, 10});
  auto_w.AddRows(200'000);
  EXPECT_EQ(Fake().Get(), (Settings{false, 1234, 10, 10}));
  auto_w.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), (Settings{false, 1234, 10, 10}));
  EXPECT_EQ(Delta().left_alone, 3);
}

TEST_F(WindowTest, UntouchableThreadThenATouchableOneApplies) {
  auto policy = Make("threshold=50000;bulk_rows=1");
  Window a(policy);
  Window b(policy);
  OnUntouchableThread([&] { a.Open(1); });
  EXPECT_TRUE(a.open());
  EXPECT_EQ(Delta().untouchable, 1);
  EXPECT_EQ(FakeEnters(), 1);  // attempted
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(Delta().nests, 0);

  b.Open(1);  // can enter: applies for the nest
  EXPECT_EQ(Fake().Get().threshold0, 50'000);
  EXPECT_EQ(Delta().nests, 1);
  b.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get().threshold0, 50'000);  // a is still open
  EXPECT_TRUE(b.last_stats().first);

  OnUntouchableThread([&] { a.End(EndReason::kEndTransaction); });
  EXPECT_FALSE(a.last_stats().touched);
  EXPECT_FALSE(a.last_stats().restored);
  // Restore pending: nobody could reach the collector yet.
  EXPECT_EQ(Fake().Get().threshold0, 50'000);

  // The next window on a thread that can enter restores first, then applies.
  Window c(policy);
  c.Open(1);
  const std::vector<Settings> log = Fake().Log();
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[log.size() - 2], kDefaults);
  EXPECT_EQ(log.back().threshold0, 50'000);
  c.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(Delta().restores, 2);
  EXPECT_EQ(c.last_stats().before, kDefaults);
}

TEST_F(WindowTest, PendingRestoreIsDoneByEndNest) {
  auto policy = Make("threshold=50000;bulk_rows=1");
  Window a(policy);
  a.Open(1);
  EXPECT_EQ(Fake().Get().threshold0, 50'000);
  OnUntouchableThread([&] { a.End(EndReason::kDisconnect); });
  EXPECT_EQ(Fake().Get().threshold0, 50'000);
  EXPECT_EQ(Delta().restores, 0);
  EndNest(EndReason::kExplicit);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(Delta().restores, 1);
}

TEST_F(WindowTest, EndNestCapDetachesOpenWindows) {
  auto policy = Make("threshold=50000;bulk_rows=1");
  Window w1(policy);
  Window w2(policy);
  w1.Open(1);
  w2.Open(1);
  EndNest(EndReason::kCap);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(Delta().capped, 1);
  EXPECT_TRUE(w1.open());
  EXPECT_TRUE(w2.open());
  const int64_t writes = FakeWrites();
  w1.AddRows(1'000'000);
  EXPECT_EQ(FakeWrites(), writes);

  Window w3(policy);  // a new nest starts as usual
  w3.Open(1);
  EXPECT_EQ(Fake().Get().threshold0, 50'000);
  w1.End(EndReason::kEndTransaction);  // detached: must not restore w3's nest
  EXPECT_EQ(Fake().Get().threshold0, 50'000);
  w3.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  w2.End(EndReason::kEndTransaction);
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(w1.last_stats().reason, EndReason::kCap);
  EXPECT_EQ(w1.last_stats().during.threshold0, 50'000);
  EXPECT_EQ(w2.last_stats().reason, EndReason::kCap);
  EXPECT_EQ(w3.last_stats().reason, EndReason::kEndTransaction);
  EXPECT_EQ(Delta().nests, 2);
  EXPECT_EQ(Delta().restores, 2);
}

TEST_F(WindowTest, ProcessExitRestoresAndNeverTouchesTheCollectorAgain) {
  // Its own collector, new on every run (--gtest_repeat): once exited it is
  // never touched again. Leaked: the manager keeps its address.
  FakeCollector* const exiting = new FakeCollector("exiting");
  RegisterCollector(exiting);
  Window w(Make("threshold=50000;bulk_rows=1"));
  w.Open(1);
  EXPECT_EQ(exiting->Get().threshold0, 50'000);
  ASSERT_TRUE(exiting->HasExitHook());
  EXPECT_EQ(exiting->exit_installs, 1);
  exiting->RunExitHook();
  EXPECT_EQ(exiting->Get(), kDefaults);
  EXPECT_TRUE(w.open());

  const int64_t enters = exiting->enters;
  const int64_t writes = exiting->writes;
  Window late(Make("threshold=50000;bulk_rows=1"));
  late.Open(1);
  late.AddRows(100);
  late.End(EndReason::kEndTransaction);
  EndNest(EndReason::kExplicit);
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(exiting->enters, enters);
  EXPECT_EQ(exiting->writes, writes);
  EXPECT_EQ(exiting->Get(), kDefaults);
  EXPECT_EQ(w.last_stats().reason, EndReason::kProcessExit);
  EXPECT_FALSE(late.last_stats().touched);
}

TEST_F(WindowTest, OffNeverOpensNorTouches) {
  Window w(Make("policy=off;bulk_rows=1"));
  w.AddRows(1'000'000);
  w.Open(5);
  EXPECT_FALSE(w.open());
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(FakeEnters(), 0);
  EXPECT_EQ(Delta().windows_opened, 0);
  EXPECT_EQ(Delta().collector_entries, 0);
}

TEST_F(WindowTest, NoCollectorPresentMeansNoEntries) {
  Fake().present = false;
  Window w(Make("threshold=50000;bulk_rows=1"));
  w.AddRows(10);
  ASSERT_TRUE(w.open());
  w.AddRows(1'000'000);
  w.End(EndReason::kEndTransaction);
  EXPECT_FALSE(w.last_stats().touched);
  EXPECT_EQ(FakeEnters(), 0);

  UnregisterCollector();  // detection: this test binary hosts no Python
  Window w2(Make("threshold=50000;bulk_rows=1"));
  w2.Open(1);
  w2.End(EndReason::kExplicit);
  const ProcessStats d = Delta();
  EXPECT_EQ(d.collector, "none");
  EXPECT_EQ(d.collector_entries, 0);
  EXPECT_EQ(d.windows_opened, 2);
  EXPECT_EQ(d.untouchable, 0);
  EXPECT_EQ(d.writes, 0);
  EXPECT_EQ(d.nests, 0);
  Fake().present = true;
}

TEST_F(WindowTest, CollectionsAreCountedPerWindowAndNest) {
  Window w(Make("threshold=50000;bulk_rows=1"));
  Fake().Collect(CollectionInfo{});
  w.Open(1);
  Fake().Collect(CollectionInfo{});
  Fake().Collect(CollectionInfo{});
  w.End(EndReason::kEndTransaction);
  EXPECT_EQ(w.last_stats().collections, 2);
  EXPECT_EQ(Delta().collections_in_windows, 2);
}

TEST_F(WindowTest, DestroyingAnOpenWindowEndsIt) {
  {
    Window w(Make("threshold=50000;bulk_rows=1"));
    w.Open(1);
    EXPECT_EQ(Fake().Get().threshold0, 50'000);
  }
  EXPECT_EQ(Fake().Get(), kDefaults);
  EXPECT_EQ(Delta().windows_open, 0);
}

TEST_F(WindowTest, ANewResultReopensOnlyAtBulkRows) {
  Window w(Make("threshold=50000;bulk_rows=100"));
  w.AddRows(150);
  ASSERT_TRUE(w.open());
  w.StartResult();  // does not end the window
  EXPECT_TRUE(w.open());
  w.AddRows(10);
  w.End(EndReason::kNextStatement);
  EXPECT_EQ(w.last_stats().rows, 160);
  w.StartResult();
  w.AddRows(50);
  EXPECT_FALSE(w.open());
  EXPECT_EQ(Delta().windows_opened, 1);
}

TEST_F(WindowTest, TraceWritesOneJsonLinePerWindow) {
  const std::string path = ::testing::TempDir() + "/qf_gc_trace_" +
                           std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                           std::to_string(reinterpret_cast<uintptr_t>(&path)) + ".jsonl";
  std::remove(path.c_str());
  auto policy = Make("threshold=50000;bulk_rows=1;trace=" + path);
  Window w1(policy);
  Window w2(policy);
  w1.Open(5);
  w2.Open(7);
  w2.End(EndReason::kStatementClosed);
  w1.End(EndReason::kEndTransaction);

  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) {
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
    int depth = 0;
    bool in_string = false;
    for (char c : line) {
      if (c == '"') in_string = !in_string;
      if (!in_string && c == '{') ++depth;
      if (!in_string && c == '}') --depth;
      EXPECT_GE(depth, 0);
    }
    EXPECT_EQ(depth, 0) << line;
    EXPECT_FALSE(in_string) << line;
    for (const char* key :
         {"\"event\":\"window\"", "\"policy\":\"raise\"", "\"reason\":", "\"rows\":", "\"ms\":",
          "\"collections\":", "\"before\":{", "\"during\":{", "\"after\":{",
          "\"enabled\":", "\"threshold0\":", "\"threshold1\":", "\"threshold2\":", "\"first\":",
          "\"restored\":", "\"left_alone\":", "\"touched\":", "\"pid\":", "\"thread\":"}) {
      EXPECT_NE(line.find(key), std::string::npos) << key << " missing in " << line;
    }
  }
  EXPECT_NE(lines[0].find("\"reason\":\"statement_closed\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"rows\":7"), std::string::npos);
  EXPECT_NE(lines[1].find("\"reason\":\"end_transaction\""), std::string::npos);
  EXPECT_NE(lines[1].find("\"restored\":true"), std::string::npos);
  EXPECT_NE(lines[1].find("\"during\":{\"enabled\":true,\"threshold0\":50000"), std::string::npos);
  std::remove(path.c_str());

  // An unwritable trace never affects the window.
  Window bad(Make("threshold=50000;bulk_rows=1;trace=/nonexistent-qf-dir/x/trace.jsonl"));
  bad.Open(1);
  bad.End(EndReason::kEndTransaction);
  EXPECT_TRUE(bad.last_stats().restored);
  EXPECT_EQ(Fake().Get(), kDefaults);
}

TEST(EndReasonNameTest, NamesEveryReason) {
  EXPECT_EQ(EndReasonName(EndReason::kEndTransaction), "end_transaction");
  EXPECT_EQ(EndReasonName(EndReason::kDisconnect), "disconnect");
  EXPECT_EQ(EndReasonName(EndReason::kNextStatement), "next_statement");
  EXPECT_EQ(EndReasonName(EndReason::kStatementClosed), "statement_closed");
  EXPECT_EQ(EndReasonName(EndReason::kCap), "cap");
  EXPECT_EQ(EndReasonName(EndReason::kProcessExit), "process_exit");
  EXPECT_EQ(EndReasonName(EndReason::kExplicit), "explicit");
}

}  // namespace
}  // namespace quietfetch::gc
