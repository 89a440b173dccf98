#include "gc-policy/collector.h"

#include <dlfcn.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gc-policy/c_collector.h"
#include "gc-policy/quietfetch_gc.h"
#include "gtest/gtest.h"

namespace quietfetch::gc {
namespace {

// Undoes any registration a test leaves behind, so tests do not leak into
// each other through the process-wide registration.
class CollectorTest : public ::testing::Test {
 protected:
  void TearDown() override { UnregisterCollector(); }
};

TEST_F(CollectorTest, NoCollectorIsAbsentAndInert) {
  Collector& none = NoCollector();
  EXPECT_EQ(none.Name(), "none");
  EXPECT_FALSE(none.Present());
  EXPECT_FALSE(none.Enter());
  Settings settings;
  settings.threshold0 = 123;
  EXPECT_FALSE(none.Read(&settings));
  EXPECT_EQ(settings.threshold0, 123);  // untouched
  EXPECT_FALSE(none.Write(settings));
  EXPECT_EQ(none.Collections(), -1);
  EXPECT_FALSE(none.InstallHook([](const CollectionInfo&) {}));
  EXPECT_FALSE(none.AtExit([] {}));
  EXPECT_FALSE(none.Finalizing());
  none.Leave();  // harmless
}

TEST_F(CollectorTest, WithoutPythonTheProcessCollectorIsNone) {
  // The precondition, checked so a failure says what is wrong with the setup.
  ASSERT_EQ(dlsym(RTLD_DEFAULT, "Py_IsInitialized"), nullptr)
      << "this test binary unexpectedly exports CPython's C API";
  EXPECT_EQ(CPythonCollectorIfPresent(), nullptr);
  Collector& collector = ProcessCollector();
  EXPECT_EQ(collector.Name(), "none");
  EXPECT_FALSE(collector.Present());
  EXPECT_EQ(&collector, &NoCollector());
}

// A runtime written in C, as an application would register it.
struct FakeRuntime {
  quietfetch_gc_settings settings{1, 700, 10, 10};
  int64_t collections = 42;
  int enters = 0;
  int leaves = 0;
  int reads = 0;
  int writes = 0;
  bool refuse_enter = false;
  bool fail_read = false;
  bool fail_write = false;
};

int FakeEnter(void* context) {
  auto* runtime = static_cast<FakeRuntime*>(context);
  ++runtime->enters;
  return runtime->refuse_enter ? -1 : 0;
}
void FakeLeave(void* context) { ++static_cast<FakeRuntime*>(context)->leaves; }
int FakeRead(void* context, quietfetch_gc_settings* settings) {
  auto* runtime = static_cast<FakeRuntime*>(context);
  ++runtime->reads;
  if (runtime->fail_read) return -1;
  *settings = runtime->settings;
  return 0;
}
int FakeWrite(void* context, const quietfetch_gc_settings* settings) {
  auto* runtime = static_cast<FakeRuntime*>(context);
  ++runtime->writes;
  if (runtime->fail_write) return 1;
  runtime->settings = *settings;
  return 0;
}
int64_t FakeCollections(void* context) { return static_cast<FakeRuntime*>(context)->collections; }

quietfetch_gc_collector FullStruct(FakeRuntime* runtime, const char* name) {
  quietfetch_gc_collector c{};
  c.name = name;
  c.context = runtime;
  c.enter = &FakeEnter;
  c.leave = &FakeLeave;
  c.read = &FakeRead;
  c.write = &FakeWrite;
  c.collections = &FakeCollections;
  return c;
}

TEST_F(CollectorTest, CStructCollectorCallsThroughWithItsContext) {
  FakeRuntime runtime;
  absl::StatusOr<std::unique_ptr<Collector>> made = MakeCCollector(FullStruct(&runtime, "lua"));
  ASSERT_TRUE(made.ok()) << made.status();
  Collector& collector = **made;

  EXPECT_EQ(collector.Name(), "lua");
  EXPECT_TRUE(collector.Present());
  EXPECT_FALSE(collector.Finalizing());
  ASSERT_TRUE(collector.Enter());
  EXPECT_EQ(runtime.enters, 1);

  Settings read;
  ASSERT_TRUE(collector.Read(&read));
  EXPECT_EQ(read, (Settings{true, 700, 10, 10}));

  ASSERT_TRUE(collector.Write(Settings{false, 50'000, 11, 12}));
  EXPECT_EQ(runtime.settings.enabled, 0);
  EXPECT_EQ(runtime.settings.threshold0, 50'000);
  EXPECT_EQ(runtime.settings.threshold1, 11);
  EXPECT_EQ(runtime.settings.threshold2, 12);
  EXPECT_EQ(collector.Collections(), 42);

  // Failures are reported, and a failed read leaves the output alone.
  runtime.fail_read = true;
  runtime.fail_write = true;
  Settings kept{true, 1, 2, 3};
  EXPECT_FALSE(collector.Read(&kept));
  EXPECT_EQ(kept, (Settings{true, 1, 2, 3}));
  EXPECT_FALSE(collector.Write(Settings{}));

  collector.Leave();
  EXPECT_EQ(runtime.leaves, 1);

  runtime.refuse_enter = true;
  EXPECT_FALSE(collector.Enter());

  // Hooks and exit notification have no C counterpart.
  EXPECT_FALSE(collector.InstallHook([](const CollectionInfo&) {}));
  EXPECT_FALSE(collector.AtExit([] {}));
}

TEST_F(CollectorTest, CStructCollectorOptionalFunctions) {
  FakeRuntime runtime;
  quietfetch_gc_collector c = FullStruct(&runtime, "minimal");
  c.enter = nullptr;
  c.leave = nullptr;
  c.collections = nullptr;
  absl::StatusOr<std::unique_ptr<Collector>> made = MakeCCollector(c);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_TRUE((*made)->Enter());  // no locking needed
  (*made)->Leave();
  EXPECT_EQ((*made)->Collections(), -1);  // unknown
}

TEST_F(CollectorTest, CStructCollectorCopiesItsName) {
  FakeRuntime runtime;
  std::string name = "ruby";
  absl::StatusOr<std::unique_ptr<Collector>> made =
      MakeCCollector(FullStruct(&runtime, name.c_str()));
  ASSERT_TRUE(made.ok()) << made.status();
  name.assign("overwritten after registration");
  EXPECT_EQ((*made)->Name(), "ruby");
}

TEST_F(CollectorTest, CStructCollectorRejectsIncompleteStructs) {
  FakeRuntime runtime;
  quietfetch_gc_collector no_name = FullStruct(&runtime, nullptr);
  quietfetch_gc_collector empty_name = FullStruct(&runtime, "");
  quietfetch_gc_collector no_read = FullStruct(&runtime, "x");
  no_read.read = nullptr;
  quietfetch_gc_collector no_write = FullStruct(&runtime, "x");
  no_write.write = nullptr;
  for (const quietfetch_gc_collector& c : {no_name, empty_name, no_read, no_write}) {
    absl::StatusOr<std::unique_ptr<Collector>> made = MakeCCollector(c);
    EXPECT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(RegisterCCollector(&no_read).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ProcessCollector().Name(), "none");  // a rejected struct registers nothing
}

TEST_F(CollectorTest, RegisteredCStructReplacesDetectionUntilUnregistered) {
  FakeRuntime runtime;
  quietfetch_gc_collector c = FullStruct(&runtime, "guile");
  ASSERT_TRUE(RegisterCCollector(&c).ok());
  c.name = "changed";  // the registration holds its own copy

  Collector& collector = ProcessCollector();
  EXPECT_EQ(collector.Name(), "guile");
  EXPECT_TRUE(collector.Present());
  ASSERT_TRUE(collector.Enter());
  Settings settings;
  ASSERT_TRUE(collector.Read(&settings));
  EXPECT_EQ(settings.threshold0, 700);
  collector.Leave();

  // A second registration replaces the first; the first stays valid for
  // anyone still holding it.
  FakeRuntime other;
  quietfetch_gc_collector second = FullStruct(&other, "chicken");
  ASSERT_TRUE(RegisterCCollector(&second).ok());
  EXPECT_EQ(ProcessCollector().Name(), "chicken");
  EXPECT_EQ(collector.Name(), "guile");
  EXPECT_EQ(collector.Collections(), 42);

  ASSERT_TRUE(RegisterCCollector(nullptr).ok());  // NULL unregisters
  EXPECT_EQ(ProcessCollector().Name(), "none");
}

TEST_F(CollectorTest, RegisteredCppCollectorReplacesDetection) {
  class Custom final : public Collector {
   public:
    std::string_view Name() const override { return "custom"; }
    bool Present() const override { return true; }
    bool Enter() override { return true; }
    void Leave() override {}
    bool Read(Settings* settings) override { return true; }
    bool Write(const Settings& settings) override { return true; }
    int64_t Collections() override { return 0; }
  } custom;
  RegisterCollector(&custom);
  EXPECT_EQ(&ProcessCollector(), &custom);
  UnregisterCollector();
  EXPECT_EQ(&ProcessCollector(), &NoCollector());
}

TEST_F(CollectorTest, SettingsConvertBothWays) {
  const Settings settings{false, 2'000'000, 10, 0};
  const quietfetch_gc_settings c = ToCSettings(settings);
  EXPECT_EQ(c.enabled, 0);
  EXPECT_EQ(c.threshold0, 2'000'000);
  EXPECT_EQ(FromCSettings(c), settings);
  quietfetch_gc_settings truthy{7, 1, 2, 3};  // any nonzero is enabled
  EXPECT_TRUE(FromCSettings(truthy).enabled);
}

}  // namespace
}  // namespace quietfetch::gc
