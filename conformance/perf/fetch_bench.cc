// fetch_bench: fetches the same N-row result through raw libpq, libpqxx,
// quietfetch and psqlODBC, one case after another in this process, and prints
// time, rows/s, peak RSS and ratios against raw libpq. See README.md.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "fetch_cases.h"
#include "process_memory.h"

namespace quietfetch::perf {
namespace {

constexpr std::string_view kTable = "bench_fetch";
constexpr int64_t kRowArraySize = 1000;
// Enough rows to cross several of a driver's fetch batches, few enough to take
// well under a second.
constexpr int64_t kProbeRows = 5000;
constexpr unsigned kProbeTimeoutSeconds = 120;
constexpr int64_t kScalingSmallRows = 100'000;
constexpr double kBytesPerMb = 1024.0 * 1024.0;

// Issue targets.
constexpr double kGetDataSpeedupTarget = 4.0;
constexpr double kRowArrayRatioTarget = 1.5;

struct Options {
  int64_t rows = 1'000'000;
  int reps = 3;
  std::vector<int> cases;  // case numbers in run order; empty means the mode's default set
  std::string qf_connection;
  std::string psql_connection;
  std::string json_path;
  bool memory_scaling = false;
  bool probe = true;
};

using SessionFactory = std::unique_ptr<FetchSession> (*)(const Options&, const PgKeywords&);

struct CaseSpec {
  int number;
  std::string_view name;   // for --cases and JSON
  std::string_view label;  // for the table
  // The driver under development: probed in a child process first, so a crash
  // or hang costs that case, not the run.
  bool probe_in_child;
  SessionFactory make;
};

constexpr int kPqExecCase = 1;
constexpr int kSingleRowBinaryCase = 2;
constexpr int kQfGetDataCase = 4;
constexpr int kQfRowArrayCase = 5;
constexpr int kPsqlGetDataCase = 6;
constexpr int kPsqlRowArrayCase = 7;

constexpr CaseSpec kCases[] = {
    {1, "pqexec", "libpq PQexec (text)", false,
     [](const Options&, const PgKeywords& keywords) { return MakePqExecSession(keywords); }},
    {2, "libpq_binary", "libpq single-row binary", false,
     [](const Options&, const PgKeywords& keywords) {
       return MakePqSingleRowBinarySession(keywords);
     }},
    {3, "pqxx_stream", "libpqxx stream_from (COPY)", false,
     [](const Options&, const PgKeywords& keywords) { return MakePqxxStreamSession(keywords); }},
    {4, "qf_getdata", "quietfetch SQLGetData", true,
     [](const Options& options, const PgKeywords&) {
       return MakeOdbcSession(options.qf_connection, OdbcPattern::kGetData, 1);
     }},
    {5, "qf_array", "quietfetch row array 1000", true,
     [](const Options& options, const PgKeywords&) {
       return MakeOdbcSession(options.qf_connection, OdbcPattern::kRowArray, kRowArraySize);
     }},
    {6, "psql_getdata", "psqlODBC SQLGetData", false,
     [](const Options& options, const PgKeywords&) {
       return MakeOdbcSession(options.psql_connection, OdbcPattern::kGetData, 1);
     }},
    {7, "psql_array", "psqlODBC row array 1000", false,
     [](const Options& options, const PgKeywords&) {
       return MakeOdbcSession(options.psql_connection, OdbcPattern::kRowArray, kRowArraySize);
     }},
};

const CaseSpec* FindCase(int number) {
  for (const CaseSpec& spec : kCases) {
    if (spec.number == number) return &spec;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Command line.

constexpr char kUsage[] =
    R"(usage: fetch_bench [options]
  --rows N           rows in bench_fetch (default 1000000; the table is rebuilt if it differs)
  --cases a,b,...    subset to run, by number or name (default: all):
                       1 pqexec        libpq PQexec, whole result, text values
                       2 libpq_binary  libpq single-row mode, binary values
                       3 pqxx_stream   libpqxx stream_from (COPY text)
                       4 qf_getdata    quietfetch SQLFetch + SQLGetData per cell
                       5 qf_array      quietfetch column-wise row array of 1000
                       6 psql_getdata  psqlODBC SQLFetch + SQLGetData per cell
                       7 psql_array    psqlODBC column-wise row array of 1000
  --reps R           timed repetitions per case (default 3; median, min-max reported)
  --dsn S            quietfetch DSN name or full connection string (default $QF_DSN, qf_test)
  --psql-dsn S       psqlODBC DSN name or connection string (default $QF_PSQL_DSN, psql_test)
  --json FILE        also write the results as JSON
  --memory-scaling   run the row-array cases (default 5 and 7) at 100000 rows and at N,
                     to show whether driver memory depends on the result size
  --no-probe         run quietfetch cases in-process without the crash-safe child probe
  --help
Connection: QF_PG_HOST, QF_PG_PORT, QF_PG_USER, QF_PG_PASSWORD, QF_PG_DATABASE for libpq;
ODBCSYSINI / ODBCINI for the DSNs.
)";

// Debian's Abseil is built with its own absl::string_view rather than an alias
// of std::string_view, so text crosses into Abseil as std::string.
std::string Message(const absl::Status& status) { return std::string(status.message()); }

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string ConnectionStringFor(std::string_view dsn_or_string) {
  if (dsn_or_string.find('=') != std::string_view::npos) return std::string(dsn_or_string);
  return absl::StrCat("DSN=", std::string(dsn_or_string), ";");
}

std::string EnvironmentOr(const char* variable, std::string_view fallback) {
  const char* value = std::getenv(variable);
  return (value != nullptr && *value != '\0') ? std::string(value) : std::string(fallback);
}

// Connection strings are printed and written to JSON; passwords must not be.
std::string MaskSecrets(std::string_view connection_string) {
  std::vector<std::string> parts;
  for (std::string_view part : Split(connection_string, ';')) {
    const size_t eq = part.find('=');
    const std::string key = absl::AsciiStrToLower(std::string(Trim(part.substr(0, eq))));
    if (eq != std::string_view::npos && (key == "pwd" || key == "password")) {
      parts.push_back(absl::StrCat(std::string(part.substr(0, eq)), "=***"));
    } else {
      parts.emplace_back(part);
    }
  }
  return absl::StrJoin(parts, ";");
}

bool ParsePositive(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out > 0;
}

absl::Status ParseCaseList(std::string_view list, std::vector<int>& cases) {
  for (std::string_view token : Split(list, ',')) {
    token = Trim(token);
    if (token.empty()) continue;
    if (token == "all") {
      for (const CaseSpec& spec : kCases) cases.push_back(spec.number);
      continue;
    }
    const CaseSpec* found = nullptr;
    for (const CaseSpec& spec : kCases) {
      if (token == spec.name || token == std::to_string(spec.number)) found = &spec;
    }
    if (found == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("unknown case ", std::string(token)));
    if (std::find(cases.begin(), cases.end(), found->number) == cases.end()) {
      cases.push_back(found->number);
    }
  }
  if (cases.empty()) return absl::InvalidArgumentError("--cases names no case");
  std::sort(cases.begin(), cases.end());
  return absl::OkStatus();
}

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  Options options;
  options.qf_connection = ConnectionStringFor(EnvironmentOr("QF_DSN", "qf_test"));
  options.psql_connection = ConnectionStringFor(EnvironmentOr("QF_PSQL_DSN", "psql_test"));
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::optional<std::string_view> inline_value;
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto value = [&]() -> absl::StatusOr<std::string_view> {
      if (inline_value.has_value()) return *inline_value;
      if (i + 1 >= argc)
        return absl::InvalidArgumentError(absl::StrCat(std::string(arg), " needs a value"));
      return std::string_view(argv[++i]);
    };
    const bool takes_value = arg == "--rows" || arg == "--reps" || arg == "--cases" ||
                             arg == "--dsn" || arg == "--psql-dsn" || arg == "--json";
    std::string_view v;
    if (takes_value) {
      absl::StatusOr<std::string_view> got = value();
      if (!got.ok()) return got.status();
      v = *got;
    } else if (inline_value.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(std::string(arg), " takes no value"));
    }
    if (arg == "--rows") {
      if (!ParsePositive(v, options.rows)) return absl::InvalidArgumentError("bad --rows");
    } else if (arg == "--reps") {
      int64_t reps;
      if (!ParsePositive(v, reps) || reps > 1000) return absl::InvalidArgumentError("bad --reps");
      options.reps = static_cast<int>(reps);
    } else if (arg == "--cases") {
      if (absl::Status s = ParseCaseList(v, options.cases); !s.ok()) return s;
    } else if (arg == "--dsn") {
      options.qf_connection = ConnectionStringFor(v);
    } else if (arg == "--psql-dsn") {
      options.psql_connection = ConnectionStringFor(v);
    } else if (arg == "--json") {
      options.json_path = std::string(v);
    } else if (arg == "--memory-scaling") {
      options.memory_scaling = true;
    } else if (arg == "--no-probe") {
      options.probe = false;
    } else if (arg == "--help" || arg == "-h") {
      return absl::CancelledError();
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", std::string(arg)));
    }
  }
  if (options.cases.empty()) {
    if (options.memory_scaling) {
      options.cases = {kQfRowArrayCase, kPsqlRowArrayCase};
    } else {
      for (const CaseSpec& spec : kCases) options.cases.push_back(spec.number);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------
// Running a case.

// Wall time of one repetition, and the CPU this process spent in it. On a
// shared machine the wall time carries other people's load; the client CPU
// time shows what the client library or driver itself cost.
struct RepTiming {
  double wall_ms = 0;
  double cpu_ms = 0;
};

double ProcessCpuMs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e3 + static_cast<double>(tv.tv_usec) / 1e3;
  };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

struct TimeStats {
  double median_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
};

TimeStats Summarize(std::vector<double> times_ms) {
  TimeStats stats;
  if (times_ms.empty()) return stats;
  std::sort(times_ms.begin(), times_ms.end());
  const size_t mid = times_ms.size() / 2;
  stats.median_ms =
      times_ms.size() % 2 == 1 ? times_ms[mid] : (times_ms[mid - 1] + times_ms[mid]) / 2;
  stats.min_ms = times_ms.front();
  stats.max_ms = times_ms.back();
  return stats;
}

struct CaseResult {
  const CaseSpec* spec = nullptr;
  int64_t rows_requested = 0;
  absl::Status status;
  std::vector<double> times_ms;
  std::vector<double> cpu_times_ms;
  TimeStats stats;
  TimeStats cpu_stats;
  FetchTotals totals;
  int64_t rss_before_bytes = -1;
  int64_t peak_rss_bytes = -1;

  bool ok() const { return status.ok(); }
  double driver_mb() const {
    if (rss_before_bytes < 0 || peak_rss_bytes < 0) return -1;
    return static_cast<double>(peak_rss_bytes - rss_before_bytes) / kBytesPerMb;
  }
  double rows_per_second() const {
    return stats.median_ms > 0 ? static_cast<double>(totals.rows) / (stats.median_ms / 1000) : 0;
  }
};

std::string WithThousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return value < 0 ? absl::StrCat("-", digits) : digits;
}

absl::StatusOr<FetchTotals> ConnectAndFetch(const CaseSpec& spec, const Options& options,
                                            const PgKeywords& keywords, const FetchQuery& query,
                                            RepTiming* timing) {
  std::unique_ptr<FetchSession> session = spec.make(options, keywords);
  if (session == nullptr) return absl::UnimplementedError("fetch_bench was built without libpqxx");
  if (absl::Status s = session->Connect(); !s.ok()) return s;
  const double cpu_start = ProcessCpuMs();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<FetchTotals> totals = session->FetchAll(query);
  const auto stop = std::chrono::steady_clock::now();
  if (timing != nullptr) {
    timing->cpu_ms = ProcessCpuMs() - cpu_start;
    timing->wall_ms = std::chrono::duration<double, std::milli>(stop - start).count();
  }
  return totals;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// Runs a small fetch of the case in a forked child. A driver still being
// written may crash or hang; that must cost its own line, not the whole run.
absl::Status ProbeInChild(const CaseSpec& spec, const Options& options,
                          const PgKeywords& keywords) {
  const int64_t probe_rows = std::min(kProbeRows, options.rows);
  int fds[2];
  if (pipe(fds) != 0) return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    close(fds[0]);
    // A crashing driver is reported by signal; no need for a core file.
    const rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    alarm(kProbeTimeoutSeconds);
    absl::StatusOr<FetchTotals> totals =
        ConnectAndFetch(spec, options, keywords, MakeFetchQuery(kTable, probe_rows), nullptr);
    absl::Status status = totals.status();
    if (status.ok() && totals->rows != probe_rows) {
      status = absl::DataLossError(
          absl::StrCat("probe fetched ", totals->rows, " rows, expected ", probe_rows));
    }
    const bool wrote = status.ok() || WriteAll(fds[1], Message(status));
    _exit(status.ok() ? 0 : (wrote ? 1 : 2));
  }
  close(fds[1]);
  std::string message;
  char buffer[4096];
  for (;;) {
    const ssize_t got = read(fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    message.append(buffer, static_cast<size_t>(got));
  }
  close(fds[0]);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
  }
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    if (signal == SIGALRM) {
      return absl::DeadlineExceededError(
          absl::StrFormat("hung: a %s-row probe did not finish within %u s",
                          WithThousands(probe_rows), kProbeTimeoutSeconds));
    }
    return absl::AbortedError(absl::StrFormat("crashed with signal %d (%s) during a %s-row probe",
                                              signal, strsignal(signal),
                                              WithThousands(probe_rows)));
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return absl::UnavailableError(message.empty() ? "probe failed without a message" : message);
  }
  return absl::OkStatus();
}

CaseResult RunCase(const CaseSpec& spec, const Options& options, const PgKeywords& keywords,
                   const FetchQuery& query) {
  CaseResult result;
  result.spec = &spec;
  result.rows_requested = query.limit.value_or(options.rows);
  if (spec.probe_in_child && options.probe) {
    result.status = ProbeInChild(spec, options, keywords);
    if (!result.status.ok()) return result;
  }
  // Held open through the reps so that code loaded at connect time (the driver,
  // libpq, TLS) is part of "before", and peak−before is what fetching took.
  std::unique_ptr<FetchSession> keep_loaded = spec.make(options, keywords);
  if (keep_loaded != nullptr) {
    result.status = keep_loaded->Connect();
    if (!result.status.ok()) return result;
  }
  ReleaseFreedHeap();
  ResetPeakRss();
  result.rss_before_bytes = ReadProcessMemory().rss_bytes;
  for (int rep = 0; rep < options.reps; ++rep) {
    RepTiming timing;
    absl::StatusOr<FetchTotals> totals = ConnectAndFetch(spec, options, keywords, query, &timing);
    if (!totals.ok()) {
      result.status = totals.status();
      break;
    }
    // Without ORDER BY a LIMIT may pick different rows per scan (synchronized
    // seq scans), so only whole-table reps must agree to the checksum.
    if (rep > 0 && (totals->rows != result.totals.rows ||
                    (!query.limit.has_value() && totals->checksum != result.totals.checksum))) {
      result.status = absl::DataLossError("repetitions of this case disagree");
      break;
    }
    result.totals = *totals;
    result.times_ms.push_back(timing.wall_ms);
    result.cpu_times_ms.push_back(timing.cpu_ms);
  }
  result.peak_rss_bytes = ReadProcessMemory().peak_rss_bytes;
  result.stats = Summarize(result.times_ms);
  result.cpu_stats = Summarize(result.cpu_times_ms);
  if (result.ok() && result.totals.rows != result.rows_requested) {
    result.status = absl::DataLossError(
        absl::StrCat("fetched ", result.totals.rows, " rows, expected ", result.rows_requested));
  }
  return result;
}

// ---------------------------------------------------------------------------
// Reporting.

// Display width of UTF-8 text ("×", "–" are one column, several bytes).
size_t DisplayWidth(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string PadLeft(std::string_view text, size_t width) {
  const size_t shown = DisplayWidth(text);
  return std::string(shown < width ? width - shown : 0, ' ') + std::string(text);
}

std::string PadRight(std::string_view text, size_t width) {
  const size_t shown = DisplayWidth(text);
  return std::string(text) + std::string(shown < width ? width - shown : 0, ' ');
}

std::string FormatMb(int64_t bytes) {
  if (bytes < 0) return "n/a";
  return absl::StrFormat("%.1f MB", static_cast<double>(bytes) / kBytesPerMb);
}

std::string FormatRatio(double ratio) { return absl::StrFormat("%.2f×", ratio); }

const CaseResult* FindResult(const std::vector<CaseResult>& results, int number) {
  for (const CaseResult& r : results) {
    if (r.spec->number == number) return &r;
  }
  return nullptr;
}

std::optional<double> RatioTo(const CaseResult& result, const CaseResult* base) {
  if (!result.ok() || base == nullptr || !base->ok() || base->stats.median_ms <= 0) {
    return std::nullopt;
  }
  return result.stats.median_ms / base->stats.median_ms;
}

void PrintFetchTable(const std::vector<CaseResult>& results) {
  const CaseResult* single_row = FindResult(results, kSingleRowBinaryCase);
  const CaseResult* pqexec = FindResult(results, kPqExecCase);
  std::printf("%s\n", absl::StrCat(PadLeft("#", 2), "  ", PadRight("case", 28), PadLeft("ms", 9),
                                   "  ", PadRight("(min–max)", 17), PadLeft("cpu ms", 8),
                                   PadLeft("rows/s", 10), PadLeft("RSS before", 12),
                                   PadLeft("peak", 11), PadLeft("peak−before", 13),
                                   PadLeft("vs 1-row bin", 14), PadLeft("vs PQexec", 11))
                          .c_str());
  for (const CaseResult& r : results) {
    std::string line =
        absl::StrCat(PadLeft(std::to_string(r.spec->number), 2), "  ", PadRight(r.spec->label, 28));
    if (!r.ok()) {
      absl::StrAppend(&line, "ERROR: ", r.status.message());
      std::printf("%s\n", line.c_str());
      continue;
    }
    const std::optional<double> vs_single = RatioTo(r, single_row);
    const std::optional<double> vs_pqexec = RatioTo(r, pqexec);
    absl::StrAppend(&line, PadLeft(absl::StrFormat("%.1f", r.stats.median_ms), 9), "  ",
                    PadRight(absl::StrFormat("(%.1f–%.1f)", r.stats.min_ms, r.stats.max_ms), 17),
                    PadLeft(absl::StrFormat("%.0f", r.cpu_stats.median_ms), 8),
                    PadLeft(absl::StrFormat("%.2f M", r.rows_per_second() / 1e6), 10),
                    PadLeft(FormatMb(r.rss_before_bytes), 12),
                    PadLeft(FormatMb(r.peak_rss_bytes), 11),
                    PadLeft(absl::StrFormat("%.1f MB", r.driver_mb()), 13),
                    PadLeft(vs_single ? FormatRatio(*vs_single) : "–", 14),
                    PadLeft(vs_pqexec ? FormatRatio(*vs_pqexec) : "–", 11));
    std::printf("%s\n", line.c_str());
  }
}

// Every successful whole-result case must have read the same rows.
bool CheckAgreement(const std::vector<CaseResult>& results, bool compare_checksums) {
  const CaseResult* reference = nullptr;
  bool agree = true;
  int compared = 0;
  for (const CaseResult& r : results) {
    if (!r.ok()) continue;
    ++compared;
    if (reference == nullptr) {
      reference = &r;
      continue;
    }
    if (r.totals.rows != reference->totals.rows ||
        (compare_checksums && r.totals.checksum != reference->totals.checksum)) {
      agree = false;
      std::printf("MISMATCH: case %d read %s rows, checksum %016" PRIx64
                  "; case %d read %s rows, checksum %016" PRIx64 "\n",
                  r.spec->number, WithThousands(r.totals.rows).c_str(), r.totals.checksum,
                  reference->spec->number, WithThousands(reference->totals.rows).c_str(),
                  reference->totals.checksum);
    }
  }
  if (agree && reference != nullptr) {
    if (compare_checksums) {
      std::printf("verified: %d case%s read the same %s rows (checksum %016" PRIx64 ")\n", compared,
                  compared == 1 ? "" : "s", WithThousands(reference->totals.rows).c_str(),
                  reference->totals.checksum);
    } else {
      std::printf("verified: %d case%s read %s rows each\n", compared, compared == 1 ? "" : "s",
                  WithThousands(reference->totals.rows).c_str());
    }
  }
  return agree;
}

struct Targets {
  std::optional<double> getdata_speedup;  // psqlODBC time ÷ quietfetch time
  std::optional<double> row_array_ratio;  // quietfetch time ÷ libpq single-row binary time
};

std::string WhyMissing(const std::vector<CaseResult>& results, std::initializer_list<int> needed) {
  std::vector<std::string> reasons;
  for (int number : needed) {
    const CaseResult* r = FindResult(results, number);
    const CaseSpec* spec = FindCase(number);
    if (r == nullptr) {
      reasons.push_back(std::string(spec->label) + " not selected");
    } else if (!r->ok()) {
      reasons.push_back(std::string(spec->label) + " failed");
    }
  }
  return absl::StrJoin(reasons, ", ");
}

Targets PrintTargets(const std::vector<CaseResult>& results) {
  Targets targets;
  const CaseResult* qf_getdata = FindResult(results, kQfGetDataCase);
  const CaseResult* psql_getdata = FindResult(results, kPsqlGetDataCase);
  if (qf_getdata != nullptr && psql_getdata != nullptr && qf_getdata->ok() && psql_getdata->ok()) {
    targets.getdata_speedup = psql_getdata->stats.median_ms / qf_getdata->stats.median_ms;
    std::printf(
        "SQLGetData pattern: quietfetch is %.2f× faster than psqlODBC (target ≥ %.0f×): %s\n",
        *targets.getdata_speedup, kGetDataSpeedupTarget,
        *targets.getdata_speedup >= kGetDataSpeedupTarget ? "met" : "NOT met");
  } else {
    std::printf("SQLGetData pattern: not measured (%s)\n",
                WhyMissing(results, {kQfGetDataCase, kPsqlGetDataCase}).c_str());
  }
  const CaseResult* qf_array = FindResult(results, kQfRowArrayCase);
  const CaseResult* single_row = FindResult(results, kSingleRowBinaryCase);
  if (qf_array != nullptr && qf_array->ok())
    targets.row_array_ratio = RatioTo(*qf_array, single_row);
  if (targets.row_array_ratio.has_value()) {
    std::printf("row array: quietfetch is %.2f× raw libpq single-row binary (target ≤ %.1f×): %s\n",
                *targets.row_array_ratio, kRowArrayRatioTarget,
                *targets.row_array_ratio <= kRowArrayRatioTarget ? "met" : "NOT met");
  } else {
    std::printf("row array: not measured (%s)\n",
                WhyMissing(results, {kQfRowArrayCase, kSingleRowBinaryCase}).c_str());
  }
  return targets;
}

void PrintScalingTable(const std::vector<CaseResult>& results) {
  std::printf("%s\n", absl::StrCat(PadLeft("#", 2), "  ", PadRight("case", 28), PadLeft("rows", 11),
                                   PadLeft("ms", 9), PadLeft("RSS before", 12), PadLeft("peak", 11),
                                   PadLeft("peak−before", 13))
                          .c_str());
  for (const CaseResult& r : results) {
    std::string line =
        absl::StrCat(PadLeft(std::to_string(r.spec->number), 2), "  ", PadRight(r.spec->label, 28),
                     PadLeft(WithThousands(r.rows_requested), 11));
    if (!r.ok()) {
      absl::StrAppend(&line, "  ERROR: ", r.status.message());
    } else {
      absl::StrAppend(&line, PadLeft(absl::StrFormat("%.1f", r.stats.median_ms), 9),
                      PadLeft(FormatMb(r.rss_before_bytes), 12),
                      PadLeft(FormatMb(r.peak_rss_bytes), 11),
                      PadLeft(absl::StrFormat("%.1f MB", r.driver_mb()), 13));
    }
    std::printf("%s\n", line.c_str());
  }
  // One line per case comparing its two sizes.
  for (size_t i = 0; i + 1 < results.size(); i += 2) {
    const CaseResult& small = results[i];
    const CaseResult& full = results[i + 1];
    if (!small.ok() || !full.ok()) continue;
    std::printf(
        "%s: peak−before %.1f MB at %s rows, %.1f MB at %s rows (%+.1f MB for %.0f× the rows)\n",
        std::string(small.spec->label).c_str(), small.driver_mb(),
        WithThousands(small.rows_requested).c_str(), full.driver_mb(),
        WithThousands(full.rows_requested).c_str(), full.driver_mb() - small.driver_mb(),
        static_cast<double>(full.rows_requested) / static_cast<double>(small.rows_requested));
  }
}

// ---------------------------------------------------------------------------
// JSON.

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
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
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(std::optional<double> value) {
  return value.has_value() ? absl::StrFormat("%.6g", *value) : "null";
}

std::string JsonMb(int64_t bytes) {
  return bytes < 0 ? "null" : absl::StrFormat("%.3f", static_cast<double>(bytes) / kBytesPerMb);
}

absl::Status WriteJson(const std::string& path, const Options& options, std::string_view mode,
                       std::string_view server_version, const std::vector<CaseResult>& results,
                       const Targets& targets, bool agree) {
  const CaseResult* single_row = FindResult(results, kSingleRowBinaryCase);
  const CaseResult* pqexec = FindResult(results, kPqExecCase);
  std::string json = "{\n";
  absl::StrAppend(
      &json, "  \"benchmark\": \"fetch_bench\",\n", "  \"mode\": ", JsonString(mode), ",\n",
      "  \"rows\": ", options.rows, ",\n", "  \"reps\": ", options.reps, ",\n",
      "  \"server_version\": ", JsonString(server_version), ",\n",
      "  \"quietfetch_connection\": ", JsonString(MaskSecrets(options.qf_connection)), ",\n",
      "  \"psqlodbc_connection\": ", JsonString(MaskSecrets(options.psql_connection)), ",\n",
      "  \"results_agree\": ", agree ? "true" : "false", ",\n", "  \"results\": [\n");
  for (size_t i = 0; i < results.size(); ++i) {
    const CaseResult& r = results[i];
    std::vector<std::string> times;
    for (double t : r.times_ms) times.push_back(absl::StrFormat("%.3f", t));
    std::vector<std::string> cpu_times;
    for (double t : r.cpu_times_ms) cpu_times.push_back(absl::StrFormat("%.3f", t));
    absl::StrAppend(
        &json, "    {\"case\": ", r.spec->number, ", \"name\": ", JsonString(r.spec->name),
        ", \"label\": ", JsonString(r.spec->label), ", \"rows_requested\": ", r.rows_requested,
        ", \"ok\": ", r.ok() ? "true" : "false",
        ", \"error\": ", r.ok() ? "null" : JsonString(Message(r.status)));
    if (r.ok()) {
      absl::StrAppend(
          &json, ", \"rows_fetched\": ", r.totals.rows,
          ", \"checksum\": ", JsonString(absl::StrFormat("%016x", r.totals.checksum)),
          ", \"times_ms\": [", absl::StrJoin(times, ", "), "], \"client_cpu_ms\": [",
          absl::StrJoin(cpu_times, ", "),
          "], \"client_cpu_median_ms\": ", JsonNumber(r.cpu_stats.median_ms),
          ", \"median_ms\": ", JsonNumber(r.stats.median_ms),
          ", \"min_ms\": ", JsonNumber(r.stats.min_ms),
          ", \"max_ms\": ", JsonNumber(r.stats.max_ms),
          ", \"rows_per_second\": ", JsonNumber(r.rows_per_second()),
          ", \"rss_before_mb\": ", JsonMb(r.rss_before_bytes),
          ", \"peak_rss_mb\": ", JsonMb(r.peak_rss_bytes), ", \"peak_minus_before_mb\": ",
          JsonNumber(r.driver_mb() >= 0 ? std::optional<double>(r.driver_mb()) : std::nullopt),
          ", \"ratio_vs_single_row_binary\": ", JsonNumber(RatioTo(r, single_row)),
          ", \"ratio_vs_pqexec\": ", JsonNumber(RatioTo(r, pqexec)));
    }
    absl::StrAppend(&json, "}", i + 1 < results.size() ? "," : "", "\n");
  }
  absl::StrAppend(
      &json, "  ],\n  \"targets\": {\"getdata_speedup_vs_psqlodbc\": ",
      JsonNumber(targets.getdata_speedup),
      ", \"getdata_speedup_target\": ", JsonNumber(kGetDataSpeedupTarget),
      ", \"row_array_ratio_vs_single_row_binary\": ", JsonNumber(targets.row_array_ratio),
      ", \"row_array_ratio_target\": ", JsonNumber(kRowArrayRatioTarget), "}\n}\n");
  std::ofstream out(path);
  out << json;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------

int Main(int argc, char** argv) {
  absl::StatusOr<Options> parsed = ParseOptions(argc, argv);
  if (!parsed.ok()) {
    if (absl::IsCancelled(parsed.status())) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "fetch_bench: %s\n%s", std::string(parsed.status().message()).c_str(),
                 kUsage);
    return 2;
  }
  const Options& options = *parsed;
  const PgKeywords keywords = PgKeywordsFromEnvironment();

  const auto setup_start = std::chrono::steady_clock::now();
  bool created = false;
  if (absl::Status s = EnsureBenchTable(keywords, kTable, options.rows, created); !s.ok()) {
    std::fprintf(stderr, "fetch_bench: preparing %s: %s\n", std::string(kTable).c_str(),
                 std::string(s.message()).c_str());
    return 2;
  }
  if (created) {
    std::printf(
        "created %s with %s rows in %.1f s\n", std::string(kTable).c_str(),
        WithThousands(options.rows).c_str(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count());
  }
  absl::StatusOr<std::string> server_version = WarmUpAndDescribeServer(keywords, kTable);
  if (!server_version.ok()) {
    std::fprintf(stderr, "fetch_bench: %s\n",
                 std::string(server_version.status().message()).c_str());
    return 2;
  }

  const bool peak_per_case = ResetPeakRss();
  std::printf("fetch_bench: SELECT id, ts, n FROM %s, %s rows (id text, ts timestamp, n int)\n",
              std::string(kTable).c_str(), WithThousands(options.rows).c_str());
  std::printf(
      "PostgreSQL %s, libpq %d; %d rep%s per case, median (min–max) wall ms; cpu ms = this "
      "process's CPU (median); each rep on a fresh connection, connecting not timed\n",
      server_version->c_str(), PQlibVersion(), options.reps, options.reps == 1 ? "" : "s");
  std::printf("quietfetch: %s   psqlODBC: %s\n", MaskSecrets(options.qf_connection).c_str(),
              MaskSecrets(options.psql_connection).c_str());
  std::printf(
      "memory: RSS before the case, peak RSS during it (%s), peak−before = what the "
      "case's client/driver held\n\n",
      peak_per_case ? "VmHWM reset per case"
                    : "WARNING: VmHWM cannot be reset here, "
                      "so peak is the process lifetime peak");
  std::fflush(stdout);

  std::vector<CaseResult> results;
  bool agree = true;
  Targets targets;
  if (options.memory_scaling) {
    const int64_t small_rows = options.rows > kScalingSmallRows
                                   ? kScalingSmallRows
                                   : std::max<int64_t>(1, options.rows / 10);
    for (int number : options.cases) {
      const CaseSpec& spec = *FindCase(number);
      results.push_back(RunCase(spec, options, keywords, MakeFetchQuery(kTable, small_rows)));
      results.push_back(RunCase(spec, options, keywords, MakeFetchQuery(kTable, std::nullopt)));
    }
    PrintScalingTable(results);
    std::vector<CaseResult> full_size;
    for (const CaseResult& r : results) {
      if (r.rows_requested == options.rows) full_size.push_back(r);
    }
    std::printf("\n");
    agree = CheckAgreement(full_size, /*compare_checksums=*/true);
  } else {
    for (int number : options.cases) {
      results.push_back(
          RunCase(*FindCase(number), options, keywords, MakeFetchQuery(kTable, std::nullopt)));
    }
    PrintFetchTable(results);
    std::printf("\n");
    agree = CheckAgreement(results, /*compare_checksums=*/true);
    targets = PrintTargets(results);
  }

  if (!options.json_path.empty()) {
    if (absl::Status s = WriteJson(options.json_path, options,
                                   options.memory_scaling ? "memory_scaling" : "fetch",
                                   *server_version, results, targets, agree);
        !s.ok()) {
      std::fprintf(stderr, "fetch_bench: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  const bool all_ok =
      std::all_of(results.begin(), results.end(), [](const CaseResult& r) { return r.ok(); });
  return agree && all_ok ? 0 : 1;
}

}  // namespace
}  // namespace quietfetch::perf

int main(int argc, char** argv) { return quietfetch::perf::Main(argc, argv); }
