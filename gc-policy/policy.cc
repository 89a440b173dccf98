#include "gc-policy/policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace quietfetch::gc {
namespace {

// Hand-rolled rather than absl::AsciiStrToLower: Debian's Abseil has its own
// string_view type, and these strings are tiny.
std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

// Row counts times a factor can exceed int64 for absurd configurations; a
// saturated product is then clamped like any other large one.
int64_t SaturatingMultiply(int64_t a, int64_t b) {
  if (a <= 0 || b <= 0) return 0;
  if (a > std::numeric_limits<int64_t>::max() / b) return std::numeric_limits<int64_t>::max();
  return a * b;
}

// A collector whose automatic collection is already off (disabled, or
// CPython's threshold0 == 0) is not collecting during the fetch anyway;
// raising threshold0 there would switch collection back on.
bool CollectsAutomatically(const Settings& settings) {
  return settings.enabled && settings.threshold0 > 0;
}

int64_t RaisedThreshold(const PolicyConfig& config, const Settings& saved,
                        const Progress& progress) {
  int64_t want = config.threshold;
  if (want <= 0) {
    want = SaturatingMultiply(progress.rows_in_flight, config.rows_factor);
    want = std::max(want, PolicyConfig::kAutoFloor);
    want = std::min(want, config.max_threshold);
  }
  // A raise never lowers what the application chose.
  return std::max(want, saved.threshold0);
}

class PolicyBase : public Policy {
 public:
  explicit PolicyBase(const PolicyConfig& config) : config_(config) {}
  std::string_view Name() const override { return PolicyKindName(config_.kind); }
  const PolicyConfig& config() const override { return config_; }

 protected:
  const PolicyConfig config_;
};

// Never opens a window (Window checks the kind); Target is the identity so a
// misuse cannot change anything.
class OffPolicy final : public PolicyBase {
 public:
  using PolicyBase::PolicyBase;
  Settings Target(const Settings& saved, const Progress& progress) const override { return saved; }
};

class RaisePolicy : public PolicyBase {
 public:
  using PolicyBase::PolicyBase;
  Settings Target(const Settings& saved, const Progress& progress) const override {
    Settings target = saved;
    if (!CollectsAutomatically(saved)) return target;
    target.threshold0 = RaisedThreshold(config_, saved, progress);
    return target;
  }
};

class SuspendPolicy final : public PolicyBase {
 public:
  using PolicyBase::PolicyBase;
  Settings Target(const Settings& saved, const Progress& progress) const override {
    // Past either cap the collector gets its saved settings back, so memory
    // growth is bounded even if a window is never ended.
    if (progress.rows_in_flight > config_.max_rows || progress.elapsed > config_.max_duration) {
      return saved;
    }
    Settings target = saved;
    target.enabled = false;
    return target;
  }
};

class AdaptivePolicy final : public RaisePolicy {
 public:
  using RaisePolicy::RaisePolicy;
  bool WantsCollectionHook() const override { return true; }
  Settings AfterCollection(const Settings& saved, const Settings& current,
                           const CollectionInfo& info) const override {
    Settings next = current;
    if (!CollectsAutomatically(current)) return next;
    const int64_t threshold = current.threshold0;
    const int64_t collected = std::max<int64_t>(info.collected, 0);
    // Integer forms of collected * 100 < threshold and collected * 4 >=
    // threshold that cannot overflow.
    const int64_t almost_nothing = threshold / 100 + (threshold % 100 != 0 ? 1 : 0);
    const int64_t a_lot = threshold / 4 + (threshold % 4 != 0 ? 1 : 0);
    if (collected < almost_nothing) {
      // Objects being built are young and alive: each collection is wasted
      // work, so make them rarer. Never lower it if the configuration
      // started above max_threshold.
      next.threshold0 =
          std::max(threshold, std::min(SaturatingMultiply(threshold, 2), config_.max_threshold));
    } else if (collected >= a_lot) {
      // Real garbage is piling up: collect more often again, but never more
      // often than the application's own setting.
      next.threshold0 = std::max(saved.threshold0, threshold / 2);
    }
    return next;
  }
};

absl::Status BadValue(std::string_view key, std::string_view value, std::string_view expected) {
  return absl::InvalidArgumentError("gc policy option " + std::string(key) + ": bad value '" +
                                    std::string(value) + "', expected " + std::string(expected));
}

// Prefixes the option's key to a value parser's message.
absl::Status NameKey(std::string_view key, const absl::Status& status) {
  const auto message = status.message();
  return absl::InvalidArgumentError("gc policy option " + std::string(key) + ": " +
                                    std::string(message.data(), message.size()));
}

absl::StatusOr<int64_t> ParseInt(std::string_view key, std::string_view value, int64_t min_value) {
  int64_t out = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || out < min_value) {
    return BadValue(key, value, "an integer >= " + std::to_string(min_value));
  }
  return out;
}

absl::StatusOr<absl::Duration> ParseSeconds(std::string_view key, std::string_view value) {
  double seconds = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() ||
      !std::isfinite(seconds) || seconds <= 0) {
    return BadValue(key, value, "a number of seconds > 0");
  }
  return absl::Seconds(seconds);
}

absl::Status SetOption(PolicyConfig& config, std::string_view key, std::string_view value) {
  const std::string name = Lower(key);
  if (name == "policy") {
    absl::StatusOr<PolicyKind> kind = ParsePolicyKind(value);
    if (!kind.ok()) return NameKey(key, kind.status());
    config.kind = *kind;
  } else if (name == "threshold") {
    if (Lower(value) == "auto") {
      config.threshold = 0;
    } else {
      absl::StatusOr<int64_t> n = ParseInt(key, value, 0);
      if (!n.ok()) return BadValue(key, value, "an integer >= 0 or 'auto'");
      config.threshold = *n;
    }
  } else if (name == "rows_factor" || name == "max_threshold" || name == "bulk_rows" ||
             name == "max_rows") {
    absl::StatusOr<int64_t> n = ParseInt(key, value, name == "bulk_rows" ? 0 : 1);
    if (!n.ok()) return n.status();
    if (name == "rows_factor") config.rows_factor = *n;
    if (name == "max_threshold") config.max_threshold = *n;
    if (name == "bulk_rows") config.bulk_rows = *n;
    if (name == "max_rows") config.max_rows = *n;
  } else if (name == "max_seconds") {
    absl::StatusOr<absl::Duration> d = ParseSeconds(key, value);
    if (!d.ok()) return d.status();
    config.max_duration = *d;
  } else if (name == "scope") {
    absl::StatusOr<Scope> scope = ParseScope(value);
    if (!scope.ok()) return NameKey(key, scope.status());
    config.scope = *scope;
  } else if (name == "trace") {
    config.trace = std::string(value);
  } else {
    return absl::InvalidArgumentError(
        "unknown gc policy option '" + std::string(key) +
        "'; known: policy, threshold, rows_factor, max_threshold, bulk_rows, max_rows, "
        "max_seconds, scope, trace");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PolicyKind> ParsePolicyKind(std::string_view text) {
  const std::string name = Lower(Trim(text));
  if (name == "off") return PolicyKind::kOff;
  if (name == "raise") return PolicyKind::kRaise;
  if (name == "suspend") return PolicyKind::kSuspend;
  if (name == "adaptive") return PolicyKind::kAdaptive;
  return absl::InvalidArgumentError("unknown gc policy '" + std::string(text) +
                                    "', expected off, raise, suspend or adaptive");
}

std::string_view PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kOff:
      return "off";
    case PolicyKind::kRaise:
      return "raise";
    case PolicyKind::kSuspend:
      return "suspend";
    case PolicyKind::kAdaptive:
      return "adaptive";
  }
  return "unknown";
}

absl::StatusOr<Scope> ParseScope(std::string_view text) {
  const std::string name = Lower(Trim(text));
  if (name == "unit") return Scope::kUnitOfWork;
  if (name == "statement") return Scope::kStatement;
  return absl::InvalidArgumentError("unknown gc window scope '" + std::string(text) +
                                    "', expected unit or statement");
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kUnitOfWork:
      return "unit";
    case Scope::kStatement:
      return "statement";
  }
  return "unknown";
}

absl::StatusOr<PolicyConfig> ParsePolicyConfig(std::string_view text) {
  PolicyConfig config;
  while (!text.empty()) {
    const size_t end = text.find(';');
    const std::string_view item = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (item.empty()) continue;  // "a=1;;b=2;" is fine
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError("gc policy option '" + std::string(item) +
                                        "' is not key=value");
    }
    const std::string_view key = Trim(item.substr(0, eq));
    const std::string_view value = Trim(item.substr(eq + 1));
    if (key.empty()) {
      return absl::InvalidArgumentError("gc policy option '" + std::string(item) + "' has no key");
    }
    absl::Status status = SetOption(config, key, value);
    if (!status.ok()) return status;
  }
  return config;
}

std::unique_ptr<Policy> MakePolicy(const PolicyConfig& config) {
  switch (config.kind) {
    case PolicyKind::kOff:
      return std::make_unique<OffPolicy>(config);
    case PolicyKind::kRaise:
      return std::make_unique<RaisePolicy>(config);
    case PolicyKind::kSuspend:
      return std::make_unique<SuspendPolicy>(config);
    case PolicyKind::kAdaptive:
      return std::make_unique<AdaptivePolicy>(config);
  }
  return std::make_unique<OffPolicy>(config);
}

}  // namespace quietfetch::gc
