// How one C++ type reads a cell of a result and becomes a parameter.
//
// FieldTraits<T> is specialized per C++ type (the idea of libpqxx's
// string_traits, but over the driver's canonical cells, so nothing is parsed
// from text unless the column really is text). A specialization provides:
//
//   static constexpr std::string_view kTypeName;  // for error messages
//   static constexpr bool kNullable;       // true only for std::optional<U>
//   static constexpr bool kBorrowsBatch;   // true when the value points into
//                                          // the current batch (string_view)
//   static bool Accepts(ColumnType type);  // checked once per result
//   static absl::Status Read(const Cell& cell, ColumnType type, T& out);
//                                          // never called with a NULL cell
//   static Param ToParam(const T& value);  // optional: parameters
//
// Supported out of the box, with the columns each accepts:
//   integers (not bool/char)  int2/int4/int8; numeric when it is an exact
//                             integer in range (else 22018/22003)
//   float, double             float4/float8; int2/int4/int8 (22003 beyond
//                             2^53); numeric, rounded to the nearest double
//                             ("NaN", "Infinity" included)
//   bool                      bool
//   std::string               text/varchar/char, json/jsonb (the JSON text),
//                             numeric (exact decimal text), bytea (raw
//                             bytes), uuid (8-4-4-4-12 text), and types
//                             without a canonical form (their server text)
//   std::string_view          as std::string except uuid; valid only until
//                             the next batch, so only streams may use it
//   std::vector<std::byte>    bytea
//   Uuid                      uuid; text holding a uuid (22018 otherwise)
//   system_clock time_point   timestamp, timestamptz (the bridge's sessions
//   (any duration), sys_days  run in UTC), date; a value the duration cannot
//                             hold exactly (a time of day into sys_days) is
//                             22008, never rounded silently
//   std::optional<T>          NULL as std::nullopt, else as T
// A column type a field does not accept is 07006, naming the column, its
// server type and the C++ type; NULL into a non-optional field is 22002.
#ifndef QUIETFETCH_ORM_FIELD_TRAITS_H_
#define QUIETFETCH_ORM_FIELD_TRAITS_H_

#include <array>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "quietfetch/orm/status.h"
#include "quietfetch/orm/types.h"

namespace quietfetch::orm {

// The canonical name of a column type ("int64", "text", "timestamp", ...).
std::string_view ColumnTypeName(ColumnType type);

// A UUID as its 16 bytes.
struct Uuid {
  std::array<unsigned char, 16> bytes{};

  // Accepts the 8-4-4-4-12 form (any case, optionally braced); 22018 otherwise.
  static absl::StatusOr<Uuid> Parse(std::string_view text);
  std::string ToString() const;  // lowercase 8-4-4-4-12
  friend bool operator==(const Uuid&, const Uuid&) = default;
};

// Timestamps as PostgreSQL stores them: microseconds.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

template <class T>
struct FieldTraits;  // not defined: a type without a specialization is a compile error

namespace detail {

absl::Status OutOfRange(std::string_view what, std::string_view target);
absl::StatusOr<int64_t> NumericToInteger(std::string_view text);
absl::StatusOr<double> NumericToDouble(std::string_view text);
std::string FormatDouble(double value);
std::string FormatTimestamp(int64_t micros);
std::string FormatDate(int64_t days);
void FormatUuid(const unsigned char* bytes, char* out36);
absl::Status NotExactTime(std::string_view target);

inline bool IsInteger(ColumnType type) {
  return type == ColumnType::kInt16 || type == ColumnType::kInt32 || type == ColumnType::kInt64;
}

inline Param TextParam(ColumnType type, std::string text) {
  Param param;
  param.type = type;
  param.data = std::move(text);
  return param;
}

template <class T>
constexpr std::string_view IntegerName() {
  if constexpr (std::is_signed_v<T>) {
    if constexpr (sizeof(T) == 1) return "int8_t";
    if constexpr (sizeof(T) == 2) return "int16_t";
    if constexpr (sizeof(T) == 4) return "int32_t";
    return "int64_t";
  } else {
    if constexpr (sizeof(T) == 1) return "uint8_t";
    if constexpr (sizeof(T) == 2) return "uint16_t";
    if constexpr (sizeof(T) == 4) return "uint32_t";
    return "uint64_t";
  }
}

template <class T>
concept PlainInteger = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                       !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> &&
                       !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

}  // namespace detail

// A type the bridge can read from a cell.
template <class T>
concept Readable = requires(const Cell& cell, ColumnType type, T& out) {
  { FieldTraits<T>::kTypeName } -> std::convertible_to<std::string_view>;
  { FieldTraits<T>::Accepts(type) } -> std::same_as<bool>;
  { FieldTraits<T>::Read(cell, type, out) } -> std::same_as<absl::Status>;
};

// A type the bridge can send as a parameter.
template <class T>
concept Bindable = requires(const T& value) {
  { FieldTraits<T>::ToParam(value) } -> std::same_as<Param>;
};

// Defaults every specialization may inherit.
struct FieldTraitsBase {
  static constexpr bool kNullable = false;
  static constexpr bool kBorrowsBatch = false;
};

template <detail::PlainInteger T>
struct FieldTraits<T> : FieldTraitsBase {
  static constexpr std::string_view kTypeName = detail::IntegerName<T>();
  static bool Accepts(ColumnType type) {
    return detail::IsInteger(type) || type == ColumnType::kNumeric;
  }
  static absl::Status Read(const Cell& cell, ColumnType type, T& out) {
    int64_t value = cell.i64;
    if (type == ColumnType::kNumeric) {
      absl::StatusOr<int64_t> parsed = detail::NumericToInteger(cell.bytes());
      if (!parsed.ok()) return parsed.status();
      value = *parsed;
    }
    if constexpr (std::is_signed_v<T> && sizeof(T) == sizeof(int64_t)) {
      out = value;
    } else if constexpr (std::is_signed_v<T>) {
      if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
        return detail::OutOfRange(std::to_string(value), kTypeName);
      }
      out = static_cast<T>(value);
    } else {
      if (value < 0 || static_cast<uint64_t>(value) > std::numeric_limits<T>::max()) {
        return detail::OutOfRange(std::to_string(value), kTypeName);
      }
      out = static_cast<T>(value);
    }
    return absl::OkStatus();
  }
  static Param ToParam(const T& value) {
    // The narrowest server type that holds every value of T, so that
    // comparisons with indexed columns stay index-friendly.
    constexpr ColumnType kType =
        sizeof(T) <= 1 || (sizeof(T) == 2 && std::is_signed_v<T>)   ? ColumnType::kInt16
        : sizeof(T) <= 2 || (sizeof(T) == 4 && std::is_signed_v<T>) ? ColumnType::kInt32
        : sizeof(T) <= 4 || std::is_signed_v<T>                     ? ColumnType::kInt64
                                                                    : ColumnType::kNumeric;
    return detail::TextParam(kType, std::to_string(value));
  }
};

template <std::floating_point T>
requires(sizeof(T) <= sizeof(double)) struct FieldTraits<T> : FieldTraitsBase {
  static constexpr std::string_view kTypeName = sizeof(T) == sizeof(float) ? "float" : "double";
  static bool Accepts(ColumnType type) {
    return type == ColumnType::kFloat32 || type == ColumnType::kFloat64 ||
           type == ColumnType::kNumeric || detail::IsInteger(type);
  }
  static absl::Status Read(const Cell& cell, ColumnType type, T& out) {
    double value = cell.f64;
    if (type == ColumnType::kNumeric) {
      absl::StatusOr<double> parsed = detail::NumericToDouble(cell.bytes());
      if (!parsed.ok()) return parsed.status();
      value = *parsed;
    } else if (detail::IsInteger(type)) {
      constexpr int64_t kExact = int64_t{1} << std::numeric_limits<T>::digits;
      if (cell.i64 > kExact || cell.i64 < -kExact) {
        return detail::OutOfRange(std::to_string(cell.i64), kTypeName);
      }
      value = static_cast<double>(cell.i64);
    }
    if constexpr (sizeof(T) < sizeof(double)) {
      if (type != ColumnType::kFloat32 && std::isfinite(value) &&
          std::fabs(value) > std::numeric_limits<T>::max()) {
        return detail::OutOfRange(detail::FormatDouble(value), kTypeName);
      }
    }
    out = static_cast<T>(value);
    return absl::OkStatus();
  }
  static Param ToParam(const T& value) {
    return detail::TextParam(ColumnType::kFloat64, detail::FormatDouble(value));
  }
};

template <>
struct FieldTraits<bool> : FieldTraitsBase {
  static constexpr std::string_view kTypeName = "bool";
  static bool Accepts(ColumnType type) { return type == ColumnType::kBool; }
  static absl::Status Read(const Cell& cell, ColumnType, bool& out) {
    out = cell.i64 != 0;
    return absl::OkStatus();
  }
  static Param ToParam(const bool& value) {
    return detail::TextParam(ColumnType::kBool, value ? "true" : "false");
  }
};

template <>
struct FieldTraits<std::string_view> : FieldTraitsBase {
  static constexpr std::string_view kTypeName = "std::string_view";
  static constexpr bool kBorrowsBatch = true;
  static bool Accepts(ColumnType type) {
    return type == ColumnType::kText || type == ColumnType::kJson || type == ColumnType::kNumeric ||
           type == ColumnType::kBytes || type == ColumnType::kUnknown;
  }
  static absl::Status Read(const Cell& cell, ColumnType, std::string_view& out) {
    out = cell.bytes();
    return absl::OkStatus();
  }
  // Text goes untyped: the server infers the type from context, as it does
  // for a literal (so the same string fills text, json, numeric, uuid, ...).
  static Param ToParam(const std::string_view& value) {
    return detail::TextParam(ColumnType::kUnknown, std::string(value));
  }
};

template <>
struct FieldTraits<std::string> : FieldTraitsBase {
  static constexpr std::string_view kTypeName = "std::string";
  static bool Accepts(ColumnType type) {
    return FieldTraits<std::string_view>::Accepts(type) || type == ColumnType::kUuid;
  }
  static absl::Status Read(const Cell& cell, ColumnType type, std::string& out) {
    if (type == ColumnType::kUuid) {
      if (cell.length != 16) return SqlError("22018", "a uuid cell does not hold 16 bytes");
      out.resize(36);
      detail::FormatUuid(reinterpret_cast<const unsigned char*>(cell.data), out.data());
      return absl::OkStatus();
    }
    out.assign(cell.bytes());
    return absl::OkStatus();
  }
  static Param ToParam(const std::string& value) {
    return detail::TextParam(ColumnType::kUnknown, value);
  }
};

template <>
struct FieldTraits<std::vector<std::byte>> : FieldTraitsBase {
  static constexpr std::string_view kTypeName = "std::vector<std::byte>";
  static bool Accepts(ColumnType type) { return type == ColumnType::kBytes; }
  static absl::Status Read(const Cell& cell, ColumnType, std::vector<std::byte>& out) {
    const std::string_view bytes = cell.bytes();
    out.resize(bytes.size());
    if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return absl::OkStatus();
  }
  static Param ToParam(const std::vector<std::byte>& value) {
    Param param;
    param.type = ColumnType::kBytes;
    param.data.assign(reinterpret_cast<const char*>(value.data()), value.size());
    return param;
  }
};

template <>
struct FieldTraits<Uuid> : FieldTraitsBase {
  static constexpr std::string_view kTypeName = "quietfetch::orm::Uuid";
  static bool Accepts(ColumnType type) {
    return type == ColumnType::kUuid || type == ColumnType::kText || type == ColumnType::kUnknown;
  }
  static absl::Status Read(const Cell& cell, ColumnType type, Uuid& out) {
    if (type == ColumnType::kUuid) {
      if (cell.length != 16) return SqlError("22018", "a uuid cell does not hold 16 bytes");
      std::memcpy(out.bytes.data(), cell.data, 16);
      return absl::OkStatus();
    }
    absl::StatusOr<Uuid> parsed = Uuid::Parse(cell.bytes());
    if (!parsed.ok()) return parsed.status();
    out = *parsed;
    return absl::OkStatus();
  }
  static Param ToParam(const Uuid& value) {
    return detail::TextParam(ColumnType::kUuid, value.ToString());
  }
};

// Any system_clock time point. Dates read as midnight UTC; timestamps must
// fit the duration exactly (Duration coarser than microseconds refuses a
// value with a remainder rather than truncating it).
template <class Duration>
struct FieldTraits<std::chrono::time_point<std::chrono::system_clock, Duration>> : FieldTraitsBase {
  using Value = std::chrono::time_point<std::chrono::system_clock, Duration>;
  static constexpr bool kIsDays = std::is_same_v<Duration, std::chrono::days>;
  static constexpr std::string_view kTypeName =
      kIsDays ? "std::chrono::sys_days" : "std::chrono::system_clock::time_point";
  static bool Accepts(ColumnType type) {
    return type == ColumnType::kTimestamp || type == ColumnType::kTimestampTz ||
           type == ColumnType::kDate;
  }
  static absl::Status Read(const Cell& cell, ColumnType type, Value& out) {
    using std::chrono::microseconds;
    if (type == ColumnType::kDate) {
      const std::chrono::sys_days days{std::chrono::days(cell.i64)};
      if constexpr (std::is_convertible_v<std::chrono::days, Duration>) {
        // Nanosecond clocks span only +-292 years around 1970.
        if (cell.i64 > Duration::max().count() / Duration(std::chrono::days(1)).count() ||
            cell.i64 < Duration::min().count() / Duration(std::chrono::days(1)).count()) {
          return detail::OutOfRange(detail::FormatDate(cell.i64), kTypeName);
        }
        out = Value(std::chrono::duration_cast<Duration>(days.time_since_epoch()));
        return absl::OkStatus();
      } else {
        return detail::NotExactTime(kTypeName);
      }
    }
    const microseconds micros(cell.i64);
    if constexpr (std::is_convertible_v<microseconds, Duration>) {
      using Rep = typename Duration::rep;
      constexpr Rep kPerMicro = Duration(microseconds(1)).count();
      if (cell.i64 > std::numeric_limits<Rep>::max() / kPerMicro ||
          cell.i64 < std::numeric_limits<Rep>::min() / kPerMicro) {
        return detail::OutOfRange(detail::FormatTimestamp(cell.i64), kTypeName);
      }
      out = Value(Duration(micros));
    } else {
      const Duration coarse = std::chrono::floor<Duration>(micros);
      if (std::chrono::duration_cast<microseconds>(coarse) != micros) {
        return detail::NotExactTime(kTypeName);
      }
      out = Value(coarse);
    }
    return absl::OkStatus();
  }
  static Param ToParam(const Value& value) {
    if constexpr (kIsDays) {
      return detail::TextParam(ColumnType::kDate,
                               detail::FormatDate(value.time_since_epoch().count()));
    } else {
      const auto micros =
          std::chrono::floor<std::chrono::microseconds>(value.time_since_epoch()).count();
      return detail::TextParam(ColumnType::kTimestamp, detail::FormatTimestamp(micros));
    }
  }
};

template <class T>
struct FieldTraits<std::optional<T>> : FieldTraitsBase {
  static_assert(!detail::IsOptional<T>::value, "std::optional<std::optional<T>> is ambiguous");
  static constexpr std::string_view kTypeName = FieldTraits<T>::kTypeName;
  static constexpr bool kNullable = true;
  static constexpr bool kBorrowsBatch = FieldTraits<T>::kBorrowsBatch;
  static bool Accepts(ColumnType type) { return FieldTraits<T>::Accepts(type); }
  static absl::Status Read(const Cell& cell, ColumnType type, std::optional<T>& out) {
    if (!out.has_value()) out.emplace();
    absl::Status status = FieldTraits<T>::Read(cell, type, *out);
    if (!status.ok()) out.reset();
    return status;
  }
  static Param ToParam(const std::optional<T>& value) requires Bindable<T> {
    if (value.has_value()) return FieldTraits<T>::ToParam(*value);
    Param param = FieldTraits<T>::ToParam(T{});
    param.is_null = true;
    param.data.clear();
    return param;
  }
};

// Parameters: anything with FieldTraits<T>::ToParam, plus string literals,
// const char* (nullptr is NULL) and std::nullopt (an untyped NULL).
template <class P>
Param ToParam(const P& value) {
  using D = std::decay_t<P>;
  if constexpr (std::is_same_v<D, std::nullopt_t>) {
    Param param;
    param.is_null = true;
    return param;
  } else if constexpr (std::is_array_v<P> &&
                       std::is_same_v<std::remove_cv_t<std::remove_extent_t<P>>, char>) {
    return FieldTraits<std::string_view>::ToParam(std::string_view(value));
  } else if constexpr (std::is_same_v<D, const char*> || std::is_same_v<D, char*>) {
    if (value == nullptr) return ToParam(std::nullopt);
    return FieldTraits<std::string_view>::ToParam(std::string_view(value));
  } else {
    static_assert(Bindable<D>, "no FieldTraits<T>::ToParam for this parameter type");
    return FieldTraits<D>::ToParam(value);
  }
}

}  // namespace quietfetch::orm

#endif  // QUIETFETCH_ORM_FIELD_TRAITS_H_
