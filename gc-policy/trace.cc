#include "gc-policy/trace.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace quietfetch::gc {
namespace {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendSettings(std::string& out, std::string_view key, const Settings& settings) {
  out += ",\"";
  out += key;
  out += "\":{\"enabled\":";
  out += settings.enabled ? "true" : "false";
  out += ",\"threshold0\":" + std::to_string(settings.threshold0);
  out += ",\"threshold1\":" + std::to_string(settings.threshold1);
  out += ",\"threshold2\":" + std::to_string(settings.threshold2);
  out += '}';
}

void AppendBool(std::string& out, std::string_view key, bool value) {
  out += ",\"";
  out += key;
  out += "\":";
  out += value ? "true" : "false";
}

// Retries short writes and EINTR; gives up silently on anything else.
void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string FormatTraceLine(const WindowStats& stats, std::string_view collector) {
  std::string out = "{\"event\":\"window\",\"policy\":";
  AppendJsonString(out, stats.policy);
  out += ",\"reason\":";
  AppendJsonString(out, EndReasonName(stats.reason));
  out += ",\"collector\":";
  AppendJsonString(out, collector);
  out += ",\"rows\":" + std::to_string(stats.rows);
  char ms[32];
  std::snprintf(ms, sizeof(ms), "%.3f", absl::ToDoubleMilliseconds(stats.duration));
  out += ",\"ms\":";
  out += ms;
  out += ",\"collections\":" + std::to_string(stats.collections);
  AppendSettings(out, "before", stats.before);
  AppendSettings(out, "during", stats.during);
  AppendSettings(out, "after", stats.after);
  AppendBool(out, "touched", stats.touched);
  AppendBool(out, "first", stats.first);
  AppendBool(out, "restored", stats.restored);
  AppendBool(out, "left_alone", stats.left_alone);
  out += ",\"pid\":" + std::to_string(::getpid());
  out += ",\"thread\":" + std::to_string(static_cast<long>(::syscall(SYS_gettid)));
  out += '}';
  return out;
}

void WriteTraceLine(const std::string& destination, const WindowStats& stats,
                    std::string_view collector) {
  if (destination.empty()) return;
  // One write() per line: O_APPEND keeps lines from concurrent windows and
  // processes whole. Opening per line is fine at one line per bulk window,
  // and lets the file be rotated or deleted under a running process.
  const std::string line = FormatTraceLine(stats, collector) + "\n";
  if (destination == "stderr") {
    WriteAll(STDERR_FILENO, line);
    return;
  }
  const int fd = ::open(destination.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  WriteAll(fd, line);
  ::close(fd);
}

}  // namespace quietfetch::gc
