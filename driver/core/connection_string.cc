#include "driver/core/connection_string.h"

#include <odbcinst.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "driver/core/status.h"

namespace quietfetch::core {
namespace {

using Setter = absl::Status (*)(ConnectionConfig&, const std::string&);

struct Keyword {
  std::vector<std::string_view> names;  // first is canonical
  Setter set;
};

absl::StatusOr<int64_t> ParsePositive(std::string_view key, const std::string& value,
                                      int64_t min_value) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || ptr != value.data() + value.size() || out < min_value) {
    return SqlError(sqlstate::kInvalidAttributeValue,
                    absl::StrCat("invalid value '", value, "' for keyword ", std::string(key),
                                 ": expected an integer >= ", min_value));
  }
  return out;
}

// CPython stores thresholds in a C int.
constexpr int64_t kMaxGcThreshold = 2'000'000'000;

absl::Status GcValueError(std::string_view key, const std::string& value,
                          const absl::Status& parse) {
  return SqlError(sqlstate::kInvalidAttributeValue,
                  absl::StrCat("invalid value '", value, "' for keyword ", std::string(key), ": ",
                               std::string(parse.message())));
}

const std::vector<Keyword>& Keywords() {
  static const std::vector<Keyword> kKeywords = {
      {{"DSN"},
       [](ConnectionConfig& c, const std::string& v) {
         c.dsn = v;
         return absl::OkStatus();
       }},
      {{"Driver"},
       [](ConnectionConfig& c, const std::string& v) {
         c.driver = v;
         return absl::OkStatus();
       }},
      {{"Server", "Host", "Servername"},
       [](ConnectionConfig& c, const std::string& v) {
         c.backend.host = v;
         return absl::OkStatus();
       }},
      {{"Port"},
       [](ConnectionConfig& c, const std::string& v) {
         c.backend.port = v;
         return absl::OkStatus();
       }},
      {{"Database", "DB", "Dbname"},
       [](ConnectionConfig& c, const std::string& v) {
         c.backend.database = v;
         return absl::OkStatus();
       }},
      {{"UID", "User", "Username"},
       [](ConnectionConfig& c, const std::string& v) {
         c.backend.user = v;
         return absl::OkStatus();
       }},
      {{"PWD", "Password"},
       [](ConnectionConfig& c, const std::string& v) {
         c.backend.password = v;
         return absl::OkStatus();
       }},
      {{"SSLMode"},
       [](ConnectionConfig& c, const std::string& v) {
         static constexpr std::string_view kModes[] = {"disable", "allow",     "prefer",
                                                       "require", "verify-ca", "verify-full"};
         std::string lower = absl::AsciiStrToLower(v);
         if (std::find(std::begin(kModes), std::end(kModes), lower) == std::end(kModes)) {
           return SqlError(sqlstate::kInvalidAttributeValue,
                           absl::StrCat("invalid SSLMode '", v,
                                        "': expected disable, allow, prefer, require, "
                                        "verify-ca or verify-full"));
         }
         c.backend.sslmode = lower;
         return absl::OkStatus();
       }},
      {{"PQOpt"},
       [](ConnectionConfig& c, const std::string& v) {
         c.backend.libpq_options = v;
         return absl::OkStatus();
       }},
      {{"ApplicationName"},
       [](ConnectionConfig& c, const std::string& v) {
         c.backend.application_name = v;
         return absl::OkStatus();
       }},
      {{"ConnectTimeout"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("ConnectTimeout", v, 0));
         c.backend.connect_timeout_seconds = static_cast<int>(std::min<int64_t>(n, 86400));
         return absl::OkStatus();
       }},
      // MongoDB: the URI chooses the mongo backend (hosts, replica set, TLS
      // and credentials come from it); the sample size types its columns.
      {{"MongoUri", "MongoDBUri"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         if (v.empty()) {
           return SqlError(sqlstate::kInvalidAttributeValue,
                           "MongoUri is empty: expected mongodb://host[:port]/database");
         }
         c.backend.mongo_uri = v;
         return absl::OkStatus();
       }},
      {{"MongoSampleSize"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("MongoSampleSize", v, 1));
         c.backend.mongo_sample_size = static_cast<int>(std::min<int64_t>(n, 1'000'000));
         return absl::OkStatus();
       }},
      {{"FetchRows"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("FetchRows", v, 1));
         c.limits.max_rows = static_cast<size_t>(std::min<int64_t>(n, 1 << 24));
         return absl::OkStatus();
       }},
      {{"FetchBytes"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("FetchBytes", v, 1024));
         c.limits.max_bytes = static_cast<size_t>(n);
         return absl::OkStatus();
       }},
      {{"MaxVarcharSize"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("MaxVarcharSize", v, 1));
         c.max_varchar = static_cast<SQLULEN>(std::min<int64_t>(n, 1073741823));
         return absl::OkStatus();
       }},
      // The collector policy (gc-policy/policy.h): what a bulk fetch does to
      // the host's garbage collector, and for how long.
      {{"GcPolicy"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         auto kind = gc::ParsePolicyKind(v);
         if (!kind.ok()) return GcValueError("GcPolicy", v, kind.status());
         c.gc.kind = *kind;
         return absl::OkStatus();
       }},
      {{"GcThreshold"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         if (absl::EqualsIgnoreCase(ToAbsl(v), "auto")) {
           c.gc.threshold = 0;
           return absl::OkStatus();
         }
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("GcThreshold (or auto)", v, 1));
         c.gc.threshold = std::min<int64_t>(n, kMaxGcThreshold);
         return absl::OkStatus();
       }},
      {{"GcMaxThreshold"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("GcMaxThreshold", v, 1));
         c.gc.max_threshold = std::min<int64_t>(n, kMaxGcThreshold);
         return absl::OkStatus();
       }},
      {{"GcBulkRows"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(c.gc.bulk_rows, ParsePositive("GcBulkRows", v, 1));
         return absl::OkStatus();
       }},
      {{"GcWindow"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         auto scope = gc::ParseScope(v);
         if (!scope.ok()) return GcValueError("GcWindow", v, scope.status());
         c.gc.scope = *scope;
         return absl::OkStatus();
       }},
      {{"GcMaxRows"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(c.gc.max_rows, ParsePositive("GcMaxRows", v, 1));
         return absl::OkStatus();
       }},
      {{"GcMaxSeconds"},
       [](ConnectionConfig& c, const std::string& v) -> absl::Status {
         QF_ASSIGN_OR_RETURN(int64_t n, ParsePositive("GcMaxSeconds", v, 1));
         c.gc.max_duration = absl::Seconds(std::min<int64_t>(n, 86400 * 365));
         return absl::OkStatus();
       }},
      {{"GcTrace"},
       [](ConnectionConfig& c, const std::string& v) {
         c.gc.trace = v;
         return absl::OkStatus();
       }},
  };
  return kKeywords;
}

// Keys the driver manager or setup tools keep in odbc.ini sections; they
// describe the DSN rather than the connection.
bool IsManagerKey(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "Description", "Trace",     "TraceFile", "Threading",   "Setup",    "FileUsage",
      "UsageCount",  "CPTimeout", "CPReuse",   "DontDLClose", "SaveFile", "FileDSN"};
  for (auto k : kKeys) {
    if (absl::EqualsIgnoreCase(ToAbsl(k), ToAbsl(key))) return true;
  }
  return false;
}

const Keyword* FindKeyword(std::string_view key) {
  for (const auto& keyword : Keywords()) {
    for (auto name : keyword.names) {
      if (absl::EqualsIgnoreCase(ToAbsl(name), ToAbsl(key))) return &keyword;
    }
  }
  return nullptr;
}

absl::Status Apply(ConnectionConfig& config, const KeyValues& pairs, std::string_view source) {
  for (const auto& [key, value] : pairs) {
    if (IsManagerKey(key)) continue;
    const Keyword* keyword = FindKeyword(key);
    if (keyword == nullptr) {
      return SqlError(sqlstate::kGeneralError,
                      absl::StrCat("unknown keyword '", key, "' in ", std::string(source),
                                   ". Known keywords: ", KnownKeywords(),
                                   ". Pass other libpq options with PQOpt={key=value ...}."));
    }
    QF_RETURN_IF_ERROR(keyword->set(config, value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KeyValues> ParseConnectionString(std::string_view text) {
  KeyValues out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ';' || text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size()) break;
    size_t eq = text.find('=', i);
    size_t semi = text.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      std::string_view bad = text.substr(i, semi == std::string_view::npos ? semi : semi - i);
      return SqlError(sqlstate::kGeneralError,
                      absl::StrCat("malformed connection string: '", std::string(bad),
                                   "' is not of the form KEY=value"));
    }
    std::string key(absl::StripAsciiWhitespace(ToAbsl(text.substr(i, eq - i))));
    i = eq + 1;
    std::string value;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '{') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '}') {
          if (i + 1 < text.size() && text[i + 1] == '}') {
            value.push_back('}');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value.push_back(text[i++]);
      }
      if (!closed) {
        return SqlError(sqlstate::kGeneralError,
                        absl::StrCat("malformed connection string: the value of ", key,
                                     " opens '{' without a closing '}'"));
      }
      while (i < text.size() && text[i] != ';') ++i;
    } else {
      size_t end = text.find(';', i);
      if (end == std::string_view::npos) end = text.size();
      value = std::string(absl::StripTrailingAsciiWhitespace(ToAbsl(text.substr(i, end - i))));
      i = end;
    }
    if (key.empty()) {
      return SqlError(sqlstate::kGeneralError, "malformed connection string: empty keyword");
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

KeyValues ReadDsn(std::string_view dsn) {
  KeyValues out;
  std::string name(dsn);
  std::vector<char> keys(8192);
  int n = SQLGetPrivateProfileString(name.c_str(), nullptr, "", keys.data(),
                                     static_cast<int>(keys.size()), "odbc.ini");
  if (n <= 0) return out;
  // The list is NUL-separated and ends with an empty string.
  for (const char* key = keys.data(); *key != '\0' && key < keys.data() + n;
       key += std::strlen(key) + 1) {
    std::vector<char> value(4096);
    SQLGetPrivateProfileString(name.c_str(), key, "", value.data(), static_cast<int>(value.size()),
                               "odbc.ini");
    out.emplace_back(key, value.data());
  }
  return out;
}

absl::StatusOr<ConnectionConfig> ResolveConfig(const KeyValues& pairs, const DsnReader& read_dsn) {
  ConnectionConfig config;
  config.given = pairs;
  std::string dsn;
  for (const auto& [key, value] : pairs) {
    if (absl::EqualsIgnoreCase(key, "DSN")) dsn = value;
  }
  if (!dsn.empty()) {
    KeyValues from_dsn = read_dsn(dsn);
    bool has_driver_key = false;
    for (const auto& [key, value] : from_dsn) {
      if (absl::EqualsIgnoreCase(key, "Driver")) has_driver_key = true;
    }
    if (from_dsn.empty() && !has_driver_key) {
      // The driver manager found the DSN to load us, so an empty section is
      // unusual but not fatal: keep going with the connection string alone.
    }
    QF_RETURN_IF_ERROR(Apply(config, from_dsn, absl::StrCat("DSN '", dsn, "' (odbc.ini)")));
  }
  QF_RETURN_IF_ERROR(Apply(config, pairs, "the connection string"));
  if (config.backend.host.empty()) config.backend.host = "localhost";
  return config;
}

std::string CompletedConnectionString(const ConnectionConfig& config) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : config.given) {
    bool needs_braces = value.find_first_of(";{}= ") != std::string::npos;
    if (needs_braces) {
      std::string escaped;
      for (char ch : value) {
        escaped.push_back(ch);
        if (ch == '}') escaped.push_back('}');
      }
      parts.push_back(absl::StrCat(key, "={", escaped, "}"));
    } else {
      parts.push_back(absl::StrCat(key, "=", value));
    }
  }
  return absl::StrJoin(parts, ";");
}

std::string KnownKeywords() {
  std::vector<std::string> names;
  for (const auto& keyword : Keywords()) names.emplace_back(keyword.names.front());
  return absl::StrJoin(names, ", ");
}

}  // namespace quietfetch::core
