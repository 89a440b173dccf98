#include "process_memory.h"

#include <malloc.h>

#include <charconv>
#include <fstream>
#include <string>
#include <string_view>

namespace quietfetch::perf {
namespace {

// Parses a "VmXXX:   1234 kB" line; returns -1 if `line` is not `key`.
int64_t ParseKilobyteLine(std::string_view line, std::string_view key) {
  if (!line.starts_with(key)) return -1;
  line.remove_prefix(key.size());
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  int64_t kilobytes = 0;
  auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), kilobytes);
  if (ec != std::errc()) return -1;
  return kilobytes * 1024;
}

}  // namespace

ProcessMemory ReadProcessMemory() {
  ProcessMemory memory;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (int64_t v = ParseKilobyteLine(line, "VmRSS:"); v >= 0) memory.rss_bytes = v;
    if (int64_t v = ParseKilobyteLine(line, "VmHWM:"); v >= 0) memory.peak_rss_bytes = v;
  }
  return memory;
}

bool ResetPeakRss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  if (!clear_refs) return false;
  // "5" is the kernel's code for "reset the peak RSS" (Documentation/filesystems/proc.rst).
  clear_refs << "5";
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

void ReleaseFreedHeap() { malloc_trim(0); }

}  // namespace quietfetch::perf
