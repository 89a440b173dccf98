#include "gc-policy/policy.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace quietfetch::gc {
namespace {

constexpr Settings kDefaults{true, 700, 10, 10};

std::string MessageOf(const absl::Status& status) {
  const auto message = status.message();
  return std::string(message.data(), message.size());
}

Progress Rows(int64_t rows) { return Progress{rows, absl::ZeroDuration()}; }

TEST(PolicyNamesTest, KindsAndScopesRoundTripAnyCase) {
  for (PolicyKind kind :
       {PolicyKind::kOff, PolicyKind::kRaise, PolicyKind::kSuspend, PolicyKind::kAdaptive}) {
    auto parsed = ParsePolicyKind(PolicyKindName(kind));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_EQ(*ParsePolicyKind("ADAPTIVE"), PolicyKind::kAdaptive);
  EXPECT_EQ(*ParsePolicyKind(" Raise "), PolicyKind::kRaise);
  EXPECT_EQ(*ParseScope("Statement"), Scope::kStatement);
  EXPECT_EQ(*ParseScope(ScopeName(Scope::kUnitOfWork)), Scope::kUnitOfWork);
  EXPECT_EQ(ScopeName(Scope::kStatement), "statement");

  auto bad = ParsePolicyKind("pause");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf(bad.status()).find("'pause'"), std::string::npos);
  EXPECT_NE(MessageOf(bad.status()).find("adaptive"), std::string::npos);
  EXPECT_FALSE(ParseScope("transaction").ok());
}

TEST(ParsePolicyConfigTest, EmptyMeansDefaults) {
  auto config = ParsePolicyConfig("");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->kind, PolicyKind::kRaise);
  EXPECT_EQ(config->threshold, 0);
  EXPECT_EQ(config->rows_factor, 10);
  EXPECT_EQ(config->max_threshold, 2'000'000);
  EXPECT_EQ(config->bulk_rows, 1000);
  EXPECT_EQ(config->max_rows, 10'000'000);
  EXPECT_EQ(config->max_duration, absl::Seconds(60));
  EXPECT_EQ(config->scope, Scope::kUnitOfWork);
  EXPECT_EQ(config->trace, "");
  EXPECT_TRUE(ParsePolicyConfig(" ; ;").ok());
}

TEST(ParsePolicyConfigTest, ParsesEveryKeyCaseInsensitively) {
  auto config = ParsePolicyConfig(
      "POLICY=suspend; Threshold=50000;rows_factor=12;MAX_THRESHOLD=900000;bulk_rows=0;"
      "max_rows=5000;max_seconds=0.25;scope=statement;trace=/tmp/Some File.jsonl;");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kind, PolicyKind::kSuspend);
  EXPECT_EQ(config->threshold, 50000);
  EXPECT_EQ(config->rows_factor, 12);
  EXPECT_EQ(config->max_threshold, 900000);
  EXPECT_EQ(config->bulk_rows, 0);
  EXPECT_EQ(config->max_rows, 5000);
  EXPECT_EQ(config->max_duration, absl::Milliseconds(250));
  EXPECT_EQ(config->scope, Scope::kStatement);
  EXPECT_EQ(config->trace, "/tmp/Some File.jsonl");  // values keep their case

  auto automatic = ParsePolicyConfig("threshold=1000;threshold=AUTO");
  ASSERT_TRUE(automatic.ok());
  EXPECT_EQ(automatic->threshold, 0);  // the last one wins
}

TEST(ParsePolicyConfigTest, ErrorsNameTheKeyOrValue) {
  struct Case {
    const char* text;
    const char* named;
  };
  for (const Case& c : {Case{"policy=raise;colour=blue", "colour"}, Case{"threshold=lots", "lots"},
                        Case{"rows_factor=0", "rows_factor"}, Case{"max_threshold=-5", "-5"},
                        Case{"bulk_rows=12x", "12x"}, Case{"max_rows=", "max_rows"},
                        Case{"max_seconds=0", "max_seconds"}, Case{"max_seconds=soon", "soon"},
                        Case{"policy=pause", "pause"}, Case{"scope=forever", "forever"},
                        Case{"threshold", "threshold"}, Case{"=5", "=5"}}) {
    auto config = ParsePolicyConfig(c.text);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(MessageOf(config.status()).find(c.named), std::string::npos)
        << c.text << " -> " << config.status();
  }
}

TEST(RaisePolicyTest, FixedThresholdNeverLowersTheSavedOne) {
  PolicyConfig config;
  config.threshold = 50'000;
  auto policy = MakePolicy(config);
  EXPECT_EQ(policy->Name(), "raise");
  EXPECT_FALSE(policy->WantsCollectionHook());
  EXPECT_EQ(policy->Target(kDefaults, Rows(0)), (Settings{true, 50'000, 10, 10}));
  EXPECT_EQ(policy->Target(kDefaults, Rows(10'000'000)), (Settings{true, 50'000, 10, 10}));
  const Settings high{true, 80'000, 5, 5};
  EXPECT_EQ(policy->Target(high, Rows(1000)), high);
}

TEST(RaisePolicyTest, AutoScalesWithRowsBetweenFloorAndMax) {
  PolicyConfig config;  // threshold 0 = auto, rows_factor 10
  config.max_threshold = 400'000;
  auto policy = MakePolicy(config);
  EXPECT_EQ(policy->Target(kDefaults, Rows(0)).threshold0, PolicyConfig::kAutoFloor);
  EXPECT_EQ(policy->Target(kDefaults, Rows(1000)).threshold0, PolicyConfig::kAutoFloor);
  EXPECT_EQ(policy->Target(kDefaults, Rows(8000)).threshold0, 80'000);
  EXPECT_EQ(policy->Target(kDefaults, Rows(40'000)).threshold0, 400'000);
  EXPECT_EQ(policy->Target(kDefaults, Rows(100'000)).threshold0, 400'000);
  // Overflowing products saturate, then clamp.
  EXPECT_EQ(policy->Target(kDefaults, Rows(INT64_MAX / 2)).threshold0, 400'000);
  EXPECT_EQ(policy->Target(Settings{true, 1'000'000, 10, 10}, Rows(8000)).threshold0, 1'000'000);
  // Only threshold0 changes.
  const Settings target = policy->Target(Settings{true, 700, 11, 12}, Rows(8000));
  EXPECT_EQ(target, (Settings{true, 80'000, 11, 12}));
}

TEST(RaisePolicyTest, LeavesACollectorThatIsNotCollectingAlone) {
  auto policy = MakePolicy(PolicyConfig{});
  const Settings disabled{false, 700, 10, 10};
  EXPECT_EQ(policy->Target(disabled, Rows(100'000)), disabled);
  const Settings zero{true, 0, 10, 10};  // CPython: threshold 0 disables collection
  EXPECT_EQ(policy->Target(zero, Rows(100'000)), zero);
}

TEST(SuspendPolicyTest, DisablesUntilARowOrTimeCap) {
  PolicyConfig config;
  config.kind = PolicyKind::kSuspend;
  config.max_rows = 5000;
  config.max_duration = absl::Seconds(2);
  auto policy = MakePolicy(config);
  EXPECT_EQ(policy->Name(), "suspend");
  EXPECT_EQ(policy->Target(kDefaults, Rows(1000)), (Settings{false, 700, 10, 10}));
  EXPECT_EQ(policy->Target(kDefaults, Rows(5000)).enabled, false);
  EXPECT_EQ(policy->Target(kDefaults, Rows(5001)), kDefaults);
  EXPECT_EQ(policy->Target(kDefaults, Progress{10, absl::Seconds(1)}).enabled, false);
  EXPECT_EQ(policy->Target(kDefaults, Progress{10, absl::Seconds(3)}), kDefaults);
}

TEST(AdaptivePolicyTest, StartsAsRaiseAndFollowsWhatCollectionsFind) {
  PolicyConfig config;
  config.kind = PolicyKind::kAdaptive;
  config.max_threshold = 300'000;
  auto policy = MakePolicy(config);
  EXPECT_EQ(policy->Name(), "adaptive");
  EXPECT_TRUE(policy->WantsCollectionHook());
  const Settings start = policy->Target(kDefaults, Rows(1000));
  EXPECT_EQ(start, (Settings{true, 50'000, 10, 10}));

  // Found almost nothing (< 1% of threshold0): double, up to max_threshold.
  Settings s = policy->AfterCollection(kDefaults, start, CollectionInfo{0, 499, 0});
  EXPECT_EQ(s.threshold0, 100'000);
  s = policy->AfterCollection(kDefaults, s, CollectionInfo{0, 0, 0});
  EXPECT_EQ(s.threshold0, 200'000);
  s = policy->AfterCollection(kDefaults, s, CollectionInfo{2, 0, 0});
  EXPECT_EQ(s.threshold0, 300'000);
  s = policy->AfterCollection(kDefaults, s, CollectionInfo{0, 0, 0});
  EXPECT_EQ(s.threshold0, 300'000);
  // In between: unchanged.
  EXPECT_EQ(policy->AfterCollection(kDefaults, s, CollectionInfo{0, 3000, 0}), s);
  // Found a lot (>= 25%): halve, never below saved.
  s = policy->AfterCollection(kDefaults, s, CollectionInfo{0, 75'000, 0});
  EXPECT_EQ(s.threshold0, 150'000);
  s = Settings{true, 1000, 10, 10};
  s = policy->AfterCollection(kDefaults, s, CollectionInfo{0, 900, 0});
  EXPECT_EQ(s.threshold0, 700);
  // Boundary: exactly 1% is not "almost nothing"; exactly 25% is "a lot".
  EXPECT_EQ(
      policy->AfterCollection(kDefaults, Settings{true, 10'000, 10, 10}, CollectionInfo{0, 100, 0})
          .threshold0,
      10'000);
  EXPECT_EQ(
      policy->AfterCollection(kDefaults, Settings{true, 10'000, 10, 10}, CollectionInfo{0, 2500, 0})
          .threshold0,
      5000);
  // A threshold configured above max_threshold is never lowered by doubling.
  EXPECT_EQ(
      policy->AfterCollection(kDefaults, Settings{true, 500'000, 10, 10}, CollectionInfo{0, 0, 0})
          .threshold0,
      500'000);
  // Not collecting: nothing to adapt.
  const Settings disabled{false, 50'000, 10, 10};
  EXPECT_EQ(policy->AfterCollection(kDefaults, disabled, CollectionInfo{}), disabled);
}

TEST(OffPolicyTest, TargetIsTheSavedSettings) {
  PolicyConfig config;
  config.kind = PolicyKind::kOff;
  auto policy = MakePolicy(config);
  EXPECT_EQ(policy->Name(), "off");
  EXPECT_EQ(policy->Target(kDefaults, Rows(1'000'000)), kDefaults);
  EXPECT_EQ(policy->config().kind, PolicyKind::kOff);
}

}  // namespace
}  // namespace quietfetch::gc
