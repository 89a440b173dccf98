// Private to gc-policy: the window trace, one JSON line per ended window, so
// a user can see what the collector policy did to a run without a debugger.
#ifndef QUIETFETCH_GC_POLICY_TRACE_H_
#define QUIETFETCH_GC_POLICY_TRACE_H_

#include <string>
#include <string_view>

#include "gc-policy/window.h"

namespace quietfetch::gc {

// The line without its newline, e.g. {"event":"window","policy":"raise",...}.
std::string FormatTraceLine(const WindowStats& stats, std::string_view collector);

// Appends the line to `destination`: "stderr" or a file path. Errors are
// swallowed: a trace must never fail or slow down a fetch beyond the write.
void WriteTraceLine(const std::string& destination, const WindowStats& stats,
                    std::string_view collector);

}  // namespace quietfetch::gc

#endif  // QUIETFETCH_GC_POLICY_TRACE_H_
