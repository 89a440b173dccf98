// Private to gc-policy: the adapter that turns the C API's
// quietfetch_gc_collector struct into a Collector, shared by c_api.cc and the
// unit tests (which cannot link c_api.cc: it is compiled only into the shared
// libraries).
#ifndef QUIETFETCH_GC_POLICY_C_COLLECTOR_H_
#define QUIETFETCH_GC_POLICY_C_COLLECTOR_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gc-policy/collector.h"
#include "gc-policy/quietfetch_gc.h"

namespace quietfetch::gc {

quietfetch_gc_settings ToCSettings(const Settings& settings);
Settings FromCSettings(const quietfetch_gc_settings& settings);

// Copies `collector` (including its name) into a Collector. InvalidArgument
// when the name is missing or empty, or read/write are null.
absl::StatusOr<std::unique_ptr<Collector>> MakeCCollector(const quietfetch_gc_collector& collector);

// RegisterCollector() for a C struct; null unregisters. Adapters are kept
// for the life of the process, never freed on replacement: a thread that
// asked ProcessCollector() just before the replacement may still be using the
// old one, and there are only as many as the application registers.
absl::Status RegisterCCollector(const quietfetch_gc_collector* collector);

}  // namespace quietfetch::gc

#endif  // QUIETFETCH_GC_POLICY_C_COLLECTOR_H_
