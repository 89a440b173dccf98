#ifndef QUIETFETCH_CONFORMANCE_PERF_PROCESS_MEMORY_H_
#define QUIETFETCH_CONFORMANCE_PERF_PROCESS_MEMORY_H_

#include <cstdint>

namespace quietfetch::perf {

// Resident set figures of this process from /proc/self/status; -1 when the
// kernel does not report them.
struct ProcessMemory {
  int64_t rss_bytes = -1;       // VmRSS
  int64_t peak_rss_bytes = -1;  // VmHWM
};

ProcessMemory ReadProcessMemory();

// Lowers the kernel's high-water mark (VmHWM) to the current RSS, so that the
// next ReadProcessMemory() reports the peak of whatever ran in between rather
// than the peak of the whole process. Returns false where the kernel refuses
// (pre-4.0 kernels, some sandboxes); VmHWM is then the lifetime peak.
bool ResetPeakRss();

// Hands freed heap pages back to the kernel. Without it a case that freed a
// large result leaves its pages resident, and the next case reuses them
// without raising RSS, which would under-report that case's memory.
void ReleaseFreedHeap();

}  // namespace quietfetch::perf

#endif  // QUIETFETCH_CONFORMANCE_PERF_PROCESS_MEMORY_H_
