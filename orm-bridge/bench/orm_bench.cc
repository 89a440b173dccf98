// Loads the reference rows (some_entries: id varchar uuid, created_date
// timestamp, some_random_number int) into std::vector<SomeEntry> four ways,
// each in its own process, and prints time, peak RSS and ratios side by side:
//
//   bridge   quietfetch::orm::Connection::Query<SomeEntry>
//   pqxx     libpqxx 6.4: pqxx::work::exec, then field.c_str()/.to() per cell
//   soci     SOCI 4.0 (PostgreSQL backend): bulk into std::vector columns,
//            10,000 rows per fetch, then the structs
//   libpq    hand-written libpq: single-row mode, binary results, decoded by
//            hand (what a competent engineer writes for speed)
//
//   orm_bench [--rows 20k,100k,1M] [--reps 3] [--cases bridge,pqxx,soci,libpq]
//             [--json FILE]
//   orm_bench --case NAME --rows N [--reps R] [--table T] [--json FILE]
//
// The first form runs every (rows, case) pair as `orm_bench --case ...` in a
// fresh process and prints the table; the second measures one case in this
// process and prints one JSON line (what perfsuite.py's cppstructs case runs).
// The table for N rows is some_entries for 100,000, else some_entries_N
// (QF_REF_ROWS=N QF_REF_TABLE=some_entries_N scripts/load-reference.sh).
// The connection comes from QF_PG_HOST/PORT/USER/PASSWORD/DATABASE.
//
// Time is the load alone: query sent to the last struct built (connecting is
// left out), median over the repetitions. Peak RSS is the process's high-water
// mark (VmHWM) over the whole run. Every case sums an order-independent hash
// of the structs it built, and the table says whether they agree.
#include <libpq-fe.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/perf/process_memory.h"
#include "quietfetch/orm/connection.h"

namespace {

using Micros = std::chrono::sys_time<std::chrono::microseconds>;

struct SomeEntry {
  std::string id;
  Micros created_date;
  int32_t some_random_number = 0;
};

}  // namespace

template <>
struct quietfetch::orm::Mapping<SomeEntry> {
  static constexpr auto kFields =
      Fields(Field("id", &SomeEntry::id), Field("created_date", &SomeEntry::created_date),
             Field("some_random_number", &SomeEntry::some_random_number));
};

namespace {

constexpr const char* kCases[] = {"bridge", "pqxx", "soci", "libpq"};

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// libpq keyword/value conninfo (values quoted).
std::string PqConninfo() {
  auto quote = [](const std::string& v) {
    std::string out = "'";
    for (char c : v) {
      if (c == '\'' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out + "'";
  };
  return "host=" + quote(Env("QF_PG_HOST")) + " port=" + quote(Env("QF_PG_PORT")) +
         " user=" + quote(Env("QF_PG_USER")) + " password=" + quote(Env("QF_PG_PASSWORD")) +
         " dbname=" + quote(Env("QF_PG_DATABASE"));
}

std::string BridgeConninfo() {
  return "Server={" + Env("QF_PG_HOST") + "};Port={" + Env("QF_PG_PORT") + "};UID={" +
         Env("QF_PG_USER") + "};PWD={" + Env("QF_PG_PASSWORD") + "};Database={" +
         Env("QF_PG_DATABASE") + "};";
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" (PostgreSQL's ISO output of a timestamp in
// the AD range) to microseconds since 1970; what libpqxx and SOCI users must
// write themselves, since neither maps timestamps to std::chrono.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Micros ParseTimestamp(std::string_view s) {
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + (s[at + i] - '0');
    return v;
  };
  if (s.size() < 19) throw std::runtime_error("bad timestamp: " + std::string(s));
  const int64_t days =
      DaysFromCivil(num(0, 4), static_cast<unsigned>(num(5, 2)), static_cast<unsigned>(num(8, 2)));
  int64_t micros = ((days * 24 + num(11, 2)) * 60 + num(14, 2)) * 60 + num(17, 2);
  micros *= 1'000'000;
  if (s.size() > 20 && s[19] == '.') {
    int64_t frac = 0;
    size_t digits = 0;
    for (size_t i = 20; i < s.size() && digits < 6; ++i, ++digits) frac = frac * 10 + (s[i] - '0');
    for (; digits < 6; ++digits) frac *= 10;
    micros += frac;
  }
  return Micros(std::chrono::microseconds(micros));
}

// Order-independent: rows may come back in another order (synchronized scans).
uint64_t Checksum(const std::vector<SomeEntry>& rows) {
  uint64_t sum = 0;
  for (const SomeEntry& e : rows) {
    uint64_t h = 1469598103934665603ull;
    for (char c : e.id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h ^= static_cast<uint64_t>(e.created_date.time_since_epoch().count()) * 0x9E3779B97F4A7C15ull;
    h ^= static_cast<uint64_t>(e.some_random_number) << 17;
    sum += h * 0xff51afd7ed558ccdull;
  }
  return sum;
}

std::string Query(const std::string& table) {
  return "SELECT id, created_date, some_random_number FROM " + table;
}

// ---- the four ways --------------------------------------------------------

std::vector<SomeEntry> LoadBridge(quietfetch::orm::Connection& conn, const std::string& table) {
  absl::StatusOr<std::vector<SomeEntry>> rows = conn.Query<SomeEntry>(Query(table));
  if (!rows.ok()) throw std::runtime_error(std::string(rows.status().message()));
  return *std::move(rows);
}

std::vector<SomeEntry> LoadPqxx(pqxx::connection& conn, const std::string& table) {
  pqxx::work tx(conn);
  const pqxx::result result = tx.exec(Query(table));
  std::vector<SomeEntry> rows;
  rows.reserve(result.size());
  for (const pqxx::row& row : result) {
    SomeEntry& e = rows.emplace_back();
    e.id.assign(row[0].c_str(), row[0].size());
    e.created_date = ParseTimestamp(std::string_view(row[1].c_str(), row[1].size()));
    row[2].to(e.some_random_number);
  }
  tx.commit();
  return rows;
}

std::vector<SomeEntry> LoadSoci(soci::session& sql, const std::string& table) {
  constexpr size_t kChunk = 10'000;
  std::vector<std::string> ids(kChunk), dates(kChunk);
  std::vector<int> numbers(kChunk);
  // SOCI 4.0 reads timestamps only into std::tm (whole seconds): the text
  // keeps the microseconds, parsed like libpqxx's.
  soci::statement st =
      (sql.prepare << "SELECT id, created_date::text, some_random_number FROM " + table,
       soci::into(ids), soci::into(dates), soci::into(numbers));
  std::vector<SomeEntry> rows;
  st.execute();
  while (st.fetch()) {
    for (size_t i = 0; i < ids.size(); ++i) {
      SomeEntry& e = rows.emplace_back();
      e.id = std::move(ids[i]);
      e.created_date = ParseTimestamp(dates[i]);
      e.some_random_number = numbers[i];
    }
    ids.resize(kChunk);
    dates.resize(kChunk);
    numbers.resize(kChunk);
  }
  return rows;
}

// Binary wire formats: int4 big-endian; timestamp int8 big-endian
// microseconds since 2000-01-01.
constexpr int64_t kPgEpochMicros = 946'684'800'000'000;

int64_t ReadBe64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return static_cast<int64_t>(__builtin_bswap64(v));
}

std::vector<SomeEntry> LoadLibpq(PGconn* conn, const std::string& table) {
  const std::string sql = Query(table);
  if (!PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1) ||
      !PQsetSingleRowMode(conn)) {
    throw std::runtime_error(PQerrorMessage(conn));
  }
  std::vector<SomeEntry> rows;
  std::string error;
  while (PGresult* res = PQgetResult(conn)) {
    const ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_SINGLE_TUPLE) {
      SomeEntry& e = rows.emplace_back();
      e.id.assign(PQgetvalue(res, 0, 0), static_cast<size_t>(PQgetlength(res, 0, 0)));
      e.created_date =
          Micros(std::chrono::microseconds(ReadBe64(PQgetvalue(res, 0, 1)) + kPgEpochMicros));
      uint32_t n;
      std::memcpy(&n, PQgetvalue(res, 0, 2), 4);
      e.some_random_number = static_cast<int32_t>(ntohl(n));
    } else if (status != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(res);
    }
    PQclear(res);
  }
  if (!error.empty()) throw std::runtime_error(error);
  return rows;
}

// ---- one case in this process -------------------------------------------

struct CaseResult {
  std::string name;
  int64_t rows = 0;
  bool ok = false;
  std::string error;
  std::vector<double> times_ms;
  std::vector<double> cpu_ms;  // this process's user + system time per load
  double median_ms = 0, min_ms = 0, max_ms = 0, cpu_median_ms = 0;
  double peak_rss_mib = 0, rss_before_mib = 0;
  uint64_t checksum = 0;
};

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string ToJson(const CaseResult& r) {
  std::string times;
  for (double t : r.times_ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.3f", times.empty() ? "" : ", ", t);
    times += buf;
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"name\": \"%s\", \"ok\": %s, \"rows\": %" PRId64
                ", \"times_ms\": [%s], \"median_ms\": %.3f, \"min_ms\": %.3f, \"max_ms\": %.3f, "
                "\"cpu_median_ms\": %.3f, \"peak_rss_mib\": %.1f, \"rss_before_mib\": %.1f, "
                "\"checksum\": \"%016" PRIx64 "\", \"error\": \"",
                r.name.c_str(), r.ok ? "true" : "false", r.rows, times.c_str(), r.median_ms,
                r.min_ms, r.max_ms, r.cpu_median_ms, r.peak_rss_mib, r.rss_before_mib, r.checksum);
  return buf + JsonEscape(r.error) + "\"}";
}

double ProcessCpuMs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double Mib(int64_t bytes) { return bytes < 0 ? -1 : static_cast<double>(bytes) / 1048576.0; }

CaseResult RunCase(const std::string& name, const std::string& table, int reps) {
  CaseResult result;
  result.name = name;
  try {
    std::function<std::vector<SomeEntry>()> load;
    std::optional<quietfetch::orm::Connection> bridge;
    std::unique_ptr<pqxx::connection> pqxx_conn;
    std::unique_ptr<soci::session> soci_session;
    std::unique_ptr<PGconn, void (*)(PGconn*)> pq(nullptr, PQfinish);
    if (name == "bridge") {
      absl::StatusOr<quietfetch::orm::Connection> conn =
          quietfetch::orm::Connection::Open(BridgeConninfo());
      if (!conn.ok()) throw std::runtime_error(std::string(conn.status().message()));
      bridge.emplace(*std::move(conn));
      load = [&] { return LoadBridge(*bridge, table); };
    } else if (name == "pqxx") {
      pqxx_conn = std::make_unique<pqxx::connection>(PqConninfo());
      load = [&] { return LoadPqxx(*pqxx_conn, table); };
    } else if (name == "soci") {
      soci_session = std::make_unique<soci::session>(soci::postgresql, PqConninfo());
      load = [&] { return LoadSoci(*soci_session, table); };
    } else if (name == "libpq") {
      pq.reset(PQconnectdb(PqConninfo().c_str()));
      if (PQstatus(pq.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(pq.get()));
      load = [&] { return LoadLibpq(pq.get(), table); };
    } else {
      throw std::runtime_error("unknown case " + name);
    }
    result.rss_before_mib = Mib(quietfetch::perf::ReadProcessMemory().rss_bytes);
    for (int rep = 0; rep < reps; ++rep) {
      const double cpu_start = ProcessCpuMs();
      const auto start = std::chrono::steady_clock::now();
      std::vector<SomeEntry> rows = load();
      const auto stop = std::chrono::steady_clock::now();
      result.cpu_ms.push_back(ProcessCpuMs() - cpu_start);
      result.times_ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
      const uint64_t sum = Checksum(rows);
      if (rep > 0 && (sum != result.checksum || static_cast<int64_t>(rows.size()) != result.rows))
        throw std::runtime_error("repetitions read different rows");
      result.checksum = sum;
      result.rows = static_cast<int64_t>(rows.size());
    }
    result.median_ms = Median(result.times_ms);
    result.cpu_median_ms = Median(result.cpu_ms);
    result.min_ms = *std::min_element(result.times_ms.begin(), result.times_ms.end());
    result.max_ms = *std::max_element(result.times_ms.begin(), result.times_ms.end());
    result.peak_rss_mib = Mib(quietfetch::perf::ReadProcessMemory().peak_rss_bytes);
    result.ok = true;
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

// ---- the side-by-side table (one child process per case) ----------------

std::string TableFor(int64_t rows) {
  return rows == 100'000 ? "some_entries" : "some_entries_" + std::to_string(rows);
}

int64_t ParseCount(std::string text) {
  int64_t factor = 1;
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  if (!text.empty() && (text.back() == 'k' || text.back() == 'K')) factor = 1'000;
  if (!text.empty() && (text.back() == 'm' || text.back() == 'M')) factor = 1'000'000;
  if (factor != 1) text.pop_back();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("not a row count: " + text);
  return std::stoll(text) * factor;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// Runs `self --case name --rows n --reps r` and parses the JSON line it prints.
std::optional<std::string> RunChild(const char* self, const std::string& name, int64_t rows,
                                    int reps) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    const std::string rows_text = std::to_string(rows), reps_text = std::to_string(reps);
    execl(self, self, "--case", name.c_str(), "--rows", rows_text.c_str(), "--reps",
          reps_text.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  // The last line that is a JSON object (libraries may print before it).
  std::string line;
  size_t start = 0;
  while (start < out.size()) {
    const size_t end = std::min(out.find('\n', start), out.size());
    if (out[start] == '{') line = out.substr(start, end - start);
    start = end + 1;
  }
  if (line.empty()) return std::nullopt;
  return line;
}

// Tiny field readers for the JSON this program writes itself.
double JsonNumber(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\": ");
  return at == std::string::npos ? -1 : std::atof(json.c_str() + at + key.size() + 4);
}
std::string JsonText(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\": \"");
  if (at == std::string::npos) return "";
  const size_t from = at + key.size() + 5;
  return json.substr(from, json.find('"', from) - from);
}

int RunTable(const char* self, const std::vector<int64_t>& row_counts,
             const std::vector<std::string>& cases, int reps, const std::string& json_path) {
  std::string json =
      "{\"benchmark\": \"orm_bench\", \"reps\": " + std::to_string(reps) + ", \"results\": [\n";
  bool first = true, all_ok = true;
  std::printf(
      "orm_bench: reference rows into std::vector<SomeEntry>; median of %d reps, one "
      "process per case\n\n",
      reps);
  std::printf("%9s  %-7s  %10s  %19s  %7s  %9s  %12s  %12s  %s\n", "rows", "case", "median ms",
              "(min-max)", "cpu ms", "peak RSS", "bridge speed", "vs libpq", "checksum");
  for (int64_t rows : row_counts) {
    std::map<std::string, std::string> got;
    for (const std::string& name : cases) {
      std::optional<std::string> line = RunChild(self, name, rows, reps);
      got[name] = line.value_or("{\"name\": \"" + name + "\", \"ok\": false}");
      json += std::string(first ? "" : ",\n") + got[name];
      first = false;
    }
    const double bridge = got.count("bridge") ? JsonNumber(got["bridge"], "median_ms") : -1;
    const double libpq = got.count("libpq") ? JsonNumber(got["libpq"], "median_ms") : -1;
    std::string checksum;
    for (const std::string& name : cases) {
      const std::string& r = got[name];
      if (r.find("\"ok\": true") == std::string::npos) {
        all_ok = false;
        std::printf("%9" PRId64 "  %-7s  FAILED: %s\n", rows, name.c_str(),
                    JsonText(r, "error").c_str());
        continue;
      }
      const double ms = JsonNumber(r, "median_ms");
      char range[64], speed[32] = "-", vs[32] = "-";
      std::snprintf(range, sizeof range, "(%.0f-%.0f)", JsonNumber(r, "min_ms"),
                    JsonNumber(r, "max_ms"));
      if (bridge > 0 && name != "bridge") std::snprintf(speed, sizeof speed, "%.2fx", ms / bridge);
      if (libpq > 0) std::snprintf(vs, sizeof vs, "%.2fx", ms / libpq);
      const std::string sum = JsonText(r, "checksum");
      const bool agree = checksum.empty() || checksum == sum;
      if (checksum.empty()) checksum = sum;
      if (!agree) all_ok = false;
      std::printf("%9" PRId64 "  %-7s  %10.0f  %19s  %7.0f  %5.0f MiB  %12s  %12s  %s\n", rows,
                  name.c_str(), ms, range, JsonNumber(r, "cpu_median_ms"),
                  JsonNumber(r, "peak_rss_mib"), speed, vs, agree ? "same" : "DIFFERS");
    }
  }
  std::printf(
      "\nbridge speed: that case's time / the bridge's (2.00x: the bridge is twice as "
      "fast); vs libpq: time / hand-written libpq's;\ncpu ms: the client process's user+system "
      "time per load (the server's share of the work is not in it)\n");
  json += "\n]}\n";
  if (!json_path.empty()) {
    if (FILE* f = std::fopen(json_path.c_str(), "w")) {
      std::fputs(json.c_str(), f);
      std::fclose(f);
    }
  }
  return all_ok ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: orm_bench [--rows 20k,100k,1M] [--reps N] [--cases bridge,pqxx,soci,libpq] "
               "[--json FILE]\n       orm_bench --case NAME --rows N [--reps N] [--table T] "
               "[--json FILE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string one_case, table, json_path, rows_text = "20k,100k,1M";
  std::vector<std::string> cases(std::begin(kCases), std::end(kCases));
  int reps = 3;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (i + 1 >= argc) return Usage();
      const std::string value = argv[++i];
      if (arg == "--case") {
        one_case = value;
      } else if (arg == "--cases") {
        cases = Split(value);
      } else if (arg == "--rows") {
        rows_text = value;
      } else if (arg == "--reps") {
        reps = std::max(1, std::atoi(value.c_str()));
      } else if (arg == "--table") {
        table = value;
      } else if (arg == "--json") {
        json_path = value;
      } else {
        return Usage();
      }
    }
    std::vector<int64_t> row_counts;
    for (const std::string& part : Split(rows_text)) row_counts.push_back(ParseCount(part));
    if (row_counts.empty()) return Usage();
    if (Env("QF_PG_PORT").empty()) {
      std::fprintf(stderr, "orm_bench: QF_PG_* not set: . <build>/test-env/env.sh first\n");
      return 3;
    }
    if (!one_case.empty()) {
      CaseResult r = RunCase(one_case, table.empty() ? TableFor(row_counts[0]) : table, reps);
      if (r.ok && r.rows != row_counts[0] && table.empty()) {
        r.ok = false;
        r.error =
            "read " + std::to_string(r.rows) + " rows, wanted " + std::to_string(row_counts[0]);
      }
      const std::string json = ToJson(r);
      std::printf("%s\n", json.c_str());
      if (!json_path.empty()) {
        if (FILE* f = std::fopen(json_path.c_str(), "w")) {
          std::fprintf(f, "%s\n", json.c_str());
          std::fclose(f);
        }
      }
      return r.ok ? 0 : 1;
    }
    for (const std::string& name : cases) {
      if (std::find(std::begin(kCases), std::end(kCases), name) == std::end(kCases)) return Usage();
    }
    return RunTable("/proc/self/exe", row_counts, cases, reps, json_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orm_bench: %s\n", e.what());
    return 2;
  }
}
