#include "gc-policy/collector.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gc-policy/c_collector.h"
#include "gc-policy/quietfetch_gc.h"

namespace quietfetch::gc {
namespace {

// Never entered (Present() is false), so the rest only has to be harmless.
class NoneCollector final : public Collector {
 public:
  std::string_view Name() const override { return "none"; }
  bool Present() const override { return false; }
  bool Enter() override { return false; }
  void Leave() override {}
  bool Read(Settings* settings) override { return false; }
  bool Write(const Settings& settings) override { return false; }
  int64_t Collections() override { return -1; }
};

class CCollector final : public Collector {
 public:
  explicit CCollector(const quietfetch_gc_collector& collector)
      : name_(collector.name), c_(collector) {
    // The caller's string may not outlive the call that registered it.
    c_.name = nullptr;
  }

  std::string_view Name() const override { return name_; }
  bool Present() const override { return true; }
  bool Enter() override { return c_.enter == nullptr || c_.enter(c_.context) == 0; }
  void Leave() override {
    if (c_.leave != nullptr) c_.leave(c_.context);
  }
  bool Read(Settings* settings) override {
    quietfetch_gc_settings out{};
    if (c_.read(c_.context, &out) != 0) return false;
    *settings = FromCSettings(out);
    return true;
  }
  bool Write(const Settings& settings) override {
    const quietfetch_gc_settings in = ToCSettings(settings);
    return c_.write(c_.context, &in) == 0;
  }
  int64_t Collections() override {
    return c_.collections == nullptr ? -1 : c_.collections(c_.context);
  }

 private:
  const std::string name_;
  quietfetch_gc_collector c_;
};

std::atomic<Collector*> registered{nullptr};

}  // namespace

Collector& NoCollector() {
  // Leaked on purpose: windows may still be ended from static destructors.
  static NoneCollector* const none = new NoneCollector;
  return *none;
}

Collector& ProcessCollector() {
  if (Collector* collector = registered.load(std::memory_order_acquire)) return *collector;
  if (Collector* cpython = CPythonCollectorIfPresent()) return *cpython;
  return NoCollector();
}

void RegisterCollector(Collector* collector) {
  registered.store(collector, std::memory_order_release);
}

void UnregisterCollector() { registered.store(nullptr, std::memory_order_release); }

quietfetch_gc_settings ToCSettings(const Settings& settings) {
  quietfetch_gc_settings out{};
  out.enabled = settings.enabled ? 1 : 0;
  out.threshold0 = settings.threshold0;
  out.threshold1 = settings.threshold1;
  out.threshold2 = settings.threshold2;
  return out;
}

Settings FromCSettings(const quietfetch_gc_settings& settings) {
  Settings out;
  out.enabled = settings.enabled != 0;
  out.threshold0 = settings.threshold0;
  out.threshold1 = settings.threshold1;
  out.threshold2 = settings.threshold2;
  return out;
}

absl::StatusOr<std::unique_ptr<Collector>> MakeCCollector(
    const quietfetch_gc_collector& collector) {
  if (collector.name == nullptr || collector.name[0] == '\0') {
    return absl::InvalidArgumentError("the collector needs a name");
  }
  if (collector.read == nullptr || collector.write == nullptr) {
    return absl::InvalidArgumentError(std::string("collector '") + collector.name +
                                      "' needs both read and write functions");
  }
  return std::make_unique<CCollector>(collector);
}

absl::Status RegisterCCollector(const quietfetch_gc_collector* collector) {
  if (collector == nullptr) {
    UnregisterCollector();
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<Collector>> adapter = MakeCCollector(*collector);
  if (!adapter.ok()) return adapter.status();
  static std::mutex* const mutex = new std::mutex;
  static auto* const kept = new std::vector<std::unique_ptr<Collector>>;
  std::lock_guard<std::mutex> lock(*mutex);
  kept->push_back(*std::move(adapter));
  RegisterCollector(kept->back().get());
  return absl::OkStatus();
}

}  // namespace quietfetch::gc
