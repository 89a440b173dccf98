#include "driver/core/descriptor.h"

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "driver/core/connection.h"
#include "driver/core/info.h"
#include "driver/core/output.h"
#include "driver/core/statement.h"
#include "driver/core/status.h"

namespace quietfetch::core {

std::recursive_mutex& connection_call_mutex(Connection* connection) {
  return connection->call_mutex();
}

namespace {

// SQLSTATEs only descriptors raise.
constexpr std::string_view kStatementNotPrepared = "HY007";
constexpr std::string_view kCannotModifyIrd = "HY016";
constexpr std::string_view kInconsistentDescriptor = "HY021";

// How a field's value is passed through SQLPOINTER.
enum class Width { kSmall, kInteger, kLen, kULen, kPointer, kString };

struct FieldSpec {
  SQLSMALLINT id;
  Width width;
  bool header;
  // Access for ARD, APD, IRD, IPD (ODBC's table in SQLSetDescField).
  FieldAccess access[4];
};

constexpr FieldAccess N = FieldAccess::kUnused;
constexpr FieldAccess R = FieldAccess::kReadOnly;
constexpr FieldAccess W = FieldAccess::kReadWrite;

constexpr FieldSpec kFields[] = {
    {SQL_DESC_ALLOC_TYPE, Width::kSmall, true, {R, R, R, R}},
    {SQL_DESC_ARRAY_SIZE, Width::kULen, true, {W, W, N, N}},
    {SQL_DESC_ARRAY_STATUS_PTR, Width::kPointer, true, {W, W, W, W}},
    {SQL_DESC_BIND_OFFSET_PTR, Width::kPointer, true, {W, W, N, N}},
    {SQL_DESC_BIND_TYPE, Width::kInteger, true, {W, W, N, N}},
    {SQL_DESC_COUNT, Width::kSmall, true, {W, W, R, W}},
    {SQL_DESC_ROWS_PROCESSED_PTR, Width::kPointer, true, {N, N, W, W}},
    {SQL_DESC_AUTO_UNIQUE_VALUE, Width::kInteger, false, {N, N, R, N}},
    {SQL_DESC_BASE_COLUMN_NAME, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_BASE_TABLE_NAME, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_CASE_SENSITIVE, Width::kInteger, false, {N, N, R, R}},
    {SQL_DESC_CATALOG_NAME, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_CONCISE_TYPE, Width::kSmall, false, {W, W, R, W}},
    {SQL_DESC_DATA_PTR, Width::kPointer, false, {W, W, N, N}},
    {SQL_DESC_DATETIME_INTERVAL_CODE, Width::kSmall, false, {W, W, R, W}},
    {SQL_DESC_DATETIME_INTERVAL_PRECISION, Width::kInteger, false, {W, W, R, W}},
    {SQL_DESC_DISPLAY_SIZE, Width::kLen, false, {N, N, R, N}},
    {SQL_DESC_FIXED_PREC_SCALE, Width::kSmall, false, {N, N, R, R}},
    {SQL_DESC_INDICATOR_PTR, Width::kPointer, false, {W, W, N, N}},
    {SQL_DESC_LABEL, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_LENGTH, Width::kULen, false, {W, W, R, W}},
    {SQL_DESC_LITERAL_PREFIX, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_LITERAL_SUFFIX, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_LOCAL_TYPE_NAME, Width::kString, false, {N, N, R, R}},
    {SQL_DESC_NAME, Width::kString, false, {N, N, R, W}},
    {SQL_DESC_NULLABLE, Width::kSmall, false, {N, N, R, R}},
    {SQL_DESC_NUM_PREC_RADIX, Width::kInteger, false, {W, W, R, W}},
    {SQL_DESC_OCTET_LENGTH, Width::kLen, false, {W, W, R, W}},
    {SQL_DESC_OCTET_LENGTH_PTR, Width::kPointer, false, {W, W, N, N}},
    {SQL_DESC_PARAMETER_TYPE, Width::kSmall, false, {N, N, N, W}},
    {SQL_DESC_PRECISION, Width::kSmall, false, {W, W, R, W}},
    {SQL_DESC_ROWVER, Width::kSmall, false, {N, N, R, R}},
    {SQL_DESC_SCALE, Width::kSmall, false, {W, W, R, W}},
    {SQL_DESC_SCHEMA_NAME, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_SEARCHABLE, Width::kSmall, false, {N, N, R, N}},
    {SQL_DESC_TABLE_NAME, Width::kString, false, {N, N, R, N}},
    {SQL_DESC_TYPE, Width::kSmall, false, {W, W, R, W}},
    {SQL_DESC_TYPE_NAME, Width::kString, false, {N, N, R, R}},
    {SQL_DESC_UNNAMED, Width::kSmall, false, {N, N, R, W}},
    {SQL_DESC_UNSIGNED, Width::kSmall, false, {N, N, R, R}},
    {SQL_DESC_UPDATABLE, Width::kSmall, false, {N, N, R, N}},
};

const FieldSpec* SpecOf(SQLSMALLINT field) {
  for (const FieldSpec& spec : kFields) {
    if (spec.id == field) return &spec;
  }
  return nullptr;
}

const char* KindName(DescKind kind) {
  switch (kind) {
    case DescKind::kArd:
      return "an application descriptor";
    case DescKind::kApd:
      return "an application descriptor";
    case DescKind::kIrd:
      return "the implementation row descriptor";
    case DescKind::kIpd:
      return "the implementation parameter descriptor";
  }
  return "this descriptor";
}

template <typename T>
T As(SQLPOINTER value) {
  return static_cast<T>(reinterpret_cast<intptr_t>(value));
}

// Writes a numeric field in the width ODBC gives it.
absl::Status PutNumber(Width width, int64_t number, SQLPOINTER value, SQLINTEGER* string_length) {
  auto put = [&](auto v) {
    if (value != nullptr) std::memcpy(value, &v, sizeof(v));
    if (string_length != nullptr) *string_length = sizeof(v);
    return absl::OkStatus();
  };
  switch (width) {
    case Width::kSmall:
      return put(static_cast<SQLSMALLINT>(number));
    case Width::kInteger:
      return put(static_cast<SQLINTEGER>(number));
    case Width::kLen:
      return put(static_cast<SQLLEN>(number));
    case Width::kULen:
      return put(static_cast<SQLULEN>(number));
    case Width::kPointer:
      return put(reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(number)));
    case Width::kString:
      break;
  }
  return SqlError(sqlstate::kGeneralError, "descriptor field width mismatch");
}

absl::Status PutPointer(const void* pointer, SQLPOINTER value, SQLINTEGER* string_length) {
  auto* p = const_cast<void*>(pointer);
  if (value != nullptr) std::memcpy(value, &p, sizeof(p));
  if (string_length != nullptr) *string_length = sizeof(p);
  return absl::OkStatus();
}

bool IsCharacterType(SQLSMALLINT concise) {
  switch (concise) {
    case SQL_CHAR:
    case SQL_VARCHAR:
    case SQL_LONGVARCHAR:
    case SQL_WCHAR:
    case SQL_WVARCHAR:
    case SQL_WLONGVARCHAR:
      return true;
    default:
      return false;
  }
}

bool IsNumericType(SQLSMALLINT concise) {
  switch (concise) {
    case SQL_DECIMAL:
    case SQL_NUMERIC:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE:
    case SQL_TINYINT:
    case SQL_BIGINT:
      return true;
    default:
      return false;
  }
}

bool IsValidCType(SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_CHAR:
    case SQL_C_WCHAR:
    case SQL_C_BINARY:
    case SQL_C_DEFAULT:
      return true;
    default:
      return FixedCTypeSize(c_type) > 0 || VerboseTypeOf(c_type) == SQL_INTERVAL;
  }
}

// Whether the type carries seconds (whose fraction SQL_DESC_PRECISION
// counts).
bool HasSeconds(SQLSMALLINT concise) {
  switch (concise) {
    case SQL_TYPE_TIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIME:
    case SQL_TIMESTAMP:
    case SQL_INTERVAL_SECOND:
    case SQL_INTERVAL_DAY_TO_SECOND:
    case SQL_INTERVAL_HOUR_TO_SECOND:
    case SQL_INTERVAL_MINUTE_TO_SECOND:
      return true;
    default:
      return false;
  }
}

// ODBC's defaults when SQL_DESC_TYPE or SQL_DESC_CONCISE_TYPE is set.
void ApplyTypeDefaults(DescRecord& record) {
  SQLSMALLINT concise = record.concise_type;
  switch (concise) {
    case SQL_CHAR:
    case SQL_VARCHAR:
      record.length = 1;
      record.precision = 0;
      return;
    case SQL_DECIMAL:
    case SQL_NUMERIC:
      record.scale = 0;
      record.precision = 38;
      return;
    case SQL_FLOAT:
    case SQL_C_FLOAT:
      record.precision = 15;
      return;
    default:
      break;
  }
  if (VerboseTypeOf(concise) == SQL_DATETIME) {
    record.precision =
        HasSeconds(concise) && concise != SQL_TYPE_TIME && concise != SQL_TIME ? 6 : 0;
  } else if (VerboseTypeOf(concise) == SQL_INTERVAL) {
    record.datetime_interval_precision = 2;
    if (HasSeconds(concise)) record.precision = 6;
  }
}

}  // namespace

bool IsValidSqlType(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case SQL_CHAR:
    case SQL_VARCHAR:
    case SQL_LONGVARCHAR:
    case SQL_WCHAR:
    case SQL_WVARCHAR:
    case SQL_WLONGVARCHAR:
    case SQL_DECIMAL:
    case SQL_NUMERIC:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE:
    case SQL_BIT:
    case SQL_TINYINT:
    case SQL_BIGINT:
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
    case SQL_TYPE_DATE:
    case SQL_TYPE_TIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_DATE:
    case SQL_TIME:
    case SQL_TIMESTAMP:
    case SQL_GUID:
      return true;
    default:
      return VerboseTypeOf(sql_type) == SQL_INTERVAL;
  }
}

SQLSMALLINT VerboseTypeOf(SQLSMALLINT concise) {
  switch (concise) {
    case SQL_TYPE_DATE:
    case SQL_TYPE_TIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_DATE:
    case SQL_TIME:
    case SQL_TIMESTAMP:
    case kPendingDatetime:
      return SQL_DATETIME;
    case kPendingInterval:
      return SQL_INTERVAL;
    default:
      break;
  }
  if (concise >= SQL_INTERVAL_YEAR && concise <= SQL_INTERVAL_MINUTE_TO_SECOND) {
    return SQL_INTERVAL;
  }
  return concise;
}

SQLSMALLINT SubcodeOf(SQLSMALLINT concise) {
  switch (concise) {
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return SQL_CODE_DATE;
    case SQL_TYPE_TIME:
    case SQL_TIME:
      return SQL_CODE_TIME;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      return SQL_CODE_TIMESTAMP;
    default:
      break;
  }
  if (concise >= SQL_INTERVAL_YEAR && concise <= SQL_INTERVAL_MINUTE_TO_SECOND) {
    return static_cast<SQLSMALLINT>(concise - SQL_INTERVAL_YEAR + SQL_CODE_YEAR);
  }
  return 0;
}

SQLSMALLINT ConciseTypeOf(SQLSMALLINT verbose, SQLSMALLINT subcode) {
  if (verbose == SQL_DATETIME) {
    switch (subcode) {
      case SQL_CODE_DATE:
        return SQL_TYPE_DATE;
      case SQL_CODE_TIME:
        return SQL_TYPE_TIME;
      case SQL_CODE_TIMESTAMP:
        return SQL_TYPE_TIMESTAMP;
      default:
        return 0;
    }
  }
  if (verbose == SQL_INTERVAL) {
    if (subcode >= SQL_CODE_YEAR && subcode <= SQL_CODE_MINUTE_TO_SECOND) {
      return static_cast<SQLSMALLINT>(subcode - SQL_CODE_YEAR + SQL_INTERVAL_YEAR);
    }
    return 0;
  }
  return verbose;
}

FieldAccess AccessOf(SQLSMALLINT field, DescKind kind) {
  const FieldSpec* spec = SpecOf(field);
  if (spec == nullptr) return FieldAccess::kUnknown;
  return spec->access[static_cast<int>(kind)];
}

bool IsHeaderField(SQLSMALLINT field) {
  const FieldSpec* spec = SpecOf(field);
  return spec != nullptr && spec->header;
}

absl::Status CheckConsistency(const DescRecord& record, bool application) {
  SQLSMALLINT concise = record.concise_type;
  auto inconsistent = [](const std::string& why) {
    return SqlError(kInconsistentDescriptor, absl::StrCat("inconsistent descriptor record: ", why));
  };
  if (concise == kPendingDatetime || concise == kPendingInterval) {
    return inconsistent(
        "SQL_DESC_TYPE is SQL_DATETIME or SQL_INTERVAL but SQL_DESC_DATETIME_INTERVAL_CODE is not "
        "a valid subcode");
  }
  if (application ? !IsValidCType(concise) : !IsValidSqlType(concise)) {
    return inconsistent(absl::StrCat("SQL_DESC_CONCISE_TYPE ", concise, " is not a valid ",
                                     application ? "C" : "SQL", " type"));
  }
  if (concise == SQL_C_NUMERIC || concise == SQL_DECIMAL) {
    // SQL_C_NUMERIC == SQL_NUMERIC.
    // An application's precision 0 is the default (38), as SQLBindCol
    // leaves it.
    int max_precision = application ? 38 : 1000;
    int min_precision = application ? 0 : 1;
    int precision = record.precision == 0 && application ? 38 : record.precision;
    if (record.precision < min_precision || record.precision > max_precision) {
      return inconsistent(absl::StrCat("SQL_DESC_PRECISION ", record.precision,
                                       " is not between 1 and ", max_precision));
    }
    if (record.scale < 0 || record.scale > precision) {
      return inconsistent(
          absl::StrCat("SQL_DESC_SCALE ", record.scale, " is not between 0 and the precision"));
    }
  }
  if (HasSeconds(concise) && (record.precision < 0 || record.precision > 9)) {
    return inconsistent(absl::StrCat("SQL_DESC_PRECISION ", record.precision,
                                     " is not a valid number of fractional second digits (0-9)"));
  }
  if (VerboseTypeOf(concise) == SQL_INTERVAL &&
      (record.datetime_interval_precision < 1 || record.datetime_interval_precision > 9)) {
    return inconsistent(absl::StrCat("SQL_DESC_DATETIME_INTERVAL_PRECISION ",
                                     record.datetime_interval_precision,
                                     " is not a valid interval leading precision (1-9)"));
  }
  return absl::OkStatus();
}

void Descriptor::Unbind(SQLUSMALLINT number) {
  if (number >= 1 && number <= records_.size()) records_[number - 1] = DescRecord();
  while (!records_.empty() && !records_.back().bound) records_.pop_back();
}

absl::Status Descriptor::CheckRecordNumber(SQLSMALLINT number) const {
  if (number < 0) {
    return SqlError(sqlstate::kInvalidDescriptorIndex, "descriptor records are numbered from 1");
  }
  if (number == 0) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    "record 0 is the bookmark record, and bookmarks are not supported");
  }
  return absl::OkStatus();
}

absl::Status Descriptor::PutString(const std::string& text, SQLPOINTER value,
                                   SQLINTEGER buffer_length, SQLINTEGER* string_length, bool wide) {
  if (value == nullptr) buffer_length = 0;
  QF_ASSIGN_OR_RETURN(SQLLEN length,
                      WriteString(text, {value, buffer_length, wide, true}, &diag()));
  if (string_length != nullptr) *string_length = static_cast<SQLINTEGER>(length);
  return absl::OkStatus();
}

absl::Status Descriptor::SetField(SQLSMALLINT number, SQLSMALLINT field, SQLPOINTER value,
                                  SQLINTEGER buffer_length, bool wide) {
  const FieldAccess access = AccessOf(field, kind_);
  if (kind_ == DescKind::kIrd && field != SQL_DESC_ARRAY_STATUS_PTR &&
      field != SQL_DESC_ROWS_PROCESSED_PTR && access != FieldAccess::kUnknown) {
    return SqlError(kCannotModifyIrd, "the implementation row descriptor cannot be modified");
  }
  // ODBC lets an application set an IPD's SQL_DESC_DATA_PTR (unused there)
  // to run the consistency check.
  const bool ipd_check = kind_ == DescKind::kIpd && field == SQL_DESC_DATA_PTR;
  switch (access) {
    case FieldAccess::kUnknown:
      return SqlError(sqlstate::kInvalidDescriptorField,
                      absl::StrCat("unknown descriptor field ", field));
    case FieldAccess::kReadOnly:
      return SqlError(
          sqlstate::kInvalidDescriptorField,
          absl::StrCat("descriptor field ", field, " is read-only for ", KindName(kind_)));
    case FieldAccess::kUnused:
      if (ipd_check) break;
      return SqlError(
          sqlstate::kInvalidDescriptorField,
          absl::StrCat("descriptor field ", field, " does not apply to ", KindName(kind_)));
    case FieldAccess::kReadWrite:
      break;
  }
  switch (field) {
    case SQL_DESC_ARRAY_SIZE:
      if (As<SQLULEN>(value) == 0) {
        return SqlError(sqlstate::kInvalidAttributeValue, "SQL_DESC_ARRAY_SIZE must be at least 1");
      }
      array_size = As<SQLULEN>(value);
      return absl::OkStatus();
    case SQL_DESC_ARRAY_STATUS_PTR:
      array_status_ptr = static_cast<SQLUSMALLINT*>(value);
      return absl::OkStatus();
    case SQL_DESC_BIND_OFFSET_PTR:
      bind_offset_ptr = static_cast<SQLLEN*>(value);
      return absl::OkStatus();
    case SQL_DESC_BIND_TYPE:
      bind_type = As<SQLULEN>(value);
      return absl::OkStatus();
    case SQL_DESC_ROWS_PROCESSED_PTR:
      rows_processed_ptr = static_cast<SQLULEN*>(value);
      return absl::OkStatus();
    case SQL_DESC_COUNT: {
      auto count = As<SQLSMALLINT>(value);
      if (count < 0) {
        return SqlError(sqlstate::kInvalidDescriptorIndex, "SQL_DESC_COUNT must not be negative");
      }
      records_.resize(static_cast<size_t>(count));
      return absl::OkStatus();
    }
    default:
      break;
  }
  QF_RETURN_IF_ERROR(CheckRecordNumber(number));
  if (ipd_check) {
    const DescRecord* record = Find(static_cast<SQLUSMALLINT>(number));
    if (record == nullptr) {
      return SqlError(kInconsistentDescriptor,
                      absl::StrCat("inconsistent descriptor record: record ", number,
                                   " has no type (SQL_DESC_TYPE)"));
    }
    return CheckConsistency(*record, false);
  }
  DescRecord& record = Record(static_cast<SQLUSMALLINT>(number));
  const bool application = is_application();
  switch (field) {
    case SQL_DESC_DATA_PTR: {
      if (value != nullptr) {
        DescRecord candidate = record;
        candidate.data_ptr = value;
        QF_RETURN_IF_ERROR(CheckConsistency(candidate, true));
      }
      record.data_ptr = value;
      record.bound = value != nullptr || record.indicator_ptr != nullptr;
      return absl::OkStatus();
    }
    case SQL_DESC_INDICATOR_PTR:
      record.indicator_ptr = static_cast<SQLLEN*>(value);
      record.bound = record.data_ptr != nullptr || value != nullptr;
      return absl::OkStatus();
    case SQL_DESC_OCTET_LENGTH_PTR:
      record.octet_length_ptr = static_cast<SQLLEN*>(value);
      return absl::OkStatus();
    case SQL_DESC_TYPE: {
      auto type = As<SQLSMALLINT>(value);
      if (type == SQL_DATETIME || type == SQL_INTERVAL) {
        // The subcode comes next; keep the current one if it fits.
        SQLSMALLINT concise = VerboseTypeOf(record.concise_type) == type
                                  ? ConciseTypeOf(type, SubcodeOf(record.concise_type))
                                  : 0;
        record.concise_type =
            concise != 0 ? concise : (type == SQL_DATETIME ? kPendingDatetime : kPendingInterval);
      } else {
        record.concise_type = type;
      }
      ApplyTypeDefaults(record);
      break;
    }
    case SQL_DESC_CONCISE_TYPE: {
      auto type = As<SQLSMALLINT>(value);
      if (type == SQL_INTERVAL) {
        return SqlError(sqlstate::kInvalidAttributeIdentifier,
                        "SQL_INTERVAL is a verbose type: set SQL_DESC_TYPE, or a concise interval "
                        "type");
      }
      record.concise_type = type;
      ApplyTypeDefaults(record);
      break;
    }
    case SQL_DESC_DATETIME_INTERVAL_CODE: {
      SQLSMALLINT verbose = VerboseTypeOf(record.concise_type);
      if (verbose != SQL_DATETIME && verbose != SQL_INTERVAL) {
        return SqlError(kInconsistentDescriptor,
                        "SQL_DESC_DATETIME_INTERVAL_CODE applies only when SQL_DESC_TYPE is "
                        "SQL_DATETIME or SQL_INTERVAL");
      }
      SQLSMALLINT concise = ConciseTypeOf(verbose, As<SQLSMALLINT>(value));
      if (concise == 0) {
        return SqlError(
            sqlstate::kInvalidAttributeIdentifier,
            absl::StrCat("invalid SQL_DESC_DATETIME_INTERVAL_CODE ", As<SQLSMALLINT>(value)));
      }
      record.concise_type = concise;
      ApplyTypeDefaults(record);
      break;
    }
    case SQL_DESC_DATETIME_INTERVAL_PRECISION:
      record.datetime_interval_precision = As<SQLINTEGER>(value);
      break;
    case SQL_DESC_NUM_PREC_RADIX:
      record.num_prec_radix = As<SQLINTEGER>(value);
      break;
    case SQL_DESC_OCTET_LENGTH:
      record.octet_length = As<SQLLEN>(value);
      break;
    case SQL_DESC_PRECISION:
      record.precision = As<SQLSMALLINT>(value);
      break;
    case SQL_DESC_SCALE:
      record.scale = As<SQLSMALLINT>(value);
      break;
    case SQL_DESC_LENGTH:
      record.length = As<SQLULEN>(value);
      break;
    case SQL_DESC_PARAMETER_TYPE: {
      auto type = As<SQLSMALLINT>(value);
      if (type == SQL_PARAM_OUTPUT || type == SQL_PARAM_INPUT_OUTPUT) {
        // As SQLBindParameter: parameters are sent, never returned.
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "output parameters are not supported");
      }
      if (type != SQL_PARAM_INPUT) {
        return SqlError(sqlstate::kInvalidParameterType,
                        absl::StrCat("invalid SQL_DESC_PARAMETER_TYPE ", type));
      }
      record.parameter_type = type;
      break;
    }
    case SQL_DESC_NAME: {
      if (value == nullptr) {
        record.name.clear();
      } else {
        SQLLEN chars = buffer_length;
        if (chars != SQL_NTS) {
          if (chars < 0) {
            return SqlError(sqlstate::kInvalidBufferLength,
                            "SQL_DESC_NAME length must be SQL_NTS or at least 0");
          }
          if (wide) chars /= static_cast<SQLLEN>(sizeof(SQLWCHAR));
        }
        QF_ASSIGN_OR_RETURN(record.name, ReadString(value, chars, wide));
      }
      record.unnamed = record.name.empty() ? SQL_UNNAMED : SQL_NAMED;
      break;
    }
    case SQL_DESC_UNNAMED:
      if (As<SQLSMALLINT>(value) != SQL_UNNAMED) {
        return SqlError(sqlstate::kInvalidDescriptorField,
                        "SQL_DESC_UNNAMED can only be set to SQL_UNNAMED");
      }
      record.name.clear();
      record.unnamed = SQL_UNNAMED;
      break;
    default:
      return SqlError(sqlstate::kInvalidDescriptorField,
                      absl::StrCat("descriptor field ", field, " cannot be set here"));
  }
  // ODBC: setting any field but the deferred pointers unbinds the record's
  // data buffer.
  if (application) {
    record.data_ptr = nullptr;
    record.bound = record.indicator_ptr != nullptr;
  }
  return absl::OkStatus();
}

absl::Status Descriptor::GetField(SQLSMALLINT number, SQLSMALLINT field, SQLPOINTER value,
                                  SQLINTEGER buffer_length, SQLINTEGER* string_length, bool wide) {
  const FieldSpec* spec = SpecOf(field);
  if (spec == nullptr) {
    return SqlError(sqlstate::kInvalidDescriptorField,
                    absl::StrCat("unknown descriptor field ", field));
  }
  if (spec->access[static_cast<int>(kind_)] == FieldAccess::kUnused) {
    return SqlError(
        sqlstate::kInvalidDescriptorField,
        absl::StrCat("descriptor field ", field, " does not apply to ", KindName(kind_)));
  }
  switch (field) {
    case SQL_DESC_ALLOC_TYPE:
      return PutNumber(spec->width, explicit_ ? SQL_DESC_ALLOC_USER : SQL_DESC_ALLOC_AUTO, value,
                       string_length);
    case SQL_DESC_ARRAY_SIZE:
      return PutNumber(spec->width, static_cast<int64_t>(array_size), value, string_length);
    case SQL_DESC_ARRAY_STATUS_PTR:
      return PutPointer(array_status_ptr, value, string_length);
    case SQL_DESC_BIND_OFFSET_PTR:
      return PutPointer(bind_offset_ptr, value, string_length);
    case SQL_DESC_BIND_TYPE:
      return PutNumber(spec->width, static_cast<int64_t>(bind_type), value, string_length);
    case SQL_DESC_ROWS_PROCESSED_PTR:
      return PutPointer(rows_processed_ptr, value, string_length);
    case SQL_DESC_COUNT: {
      SQLSMALLINT count = Count();
      if (kind_ == DescKind::kIrd) QF_RETURN_IF_ERROR(IrdCount(&count));
      return PutNumber(spec->width, count, value, string_length);
    }
    default:
      break;
  }
  if (kind_ == DescKind::kIrd) {
    return GetIrdField(number, field, value, buffer_length, string_length, wide);
  }
  QF_RETURN_IF_ERROR(CheckRecordNumber(number));
  const DescRecord* record = Find(static_cast<SQLUSMALLINT>(number));
  if (record == nullptr) {
    return absl::Status(absl::StatusCode::kNotFound, "no such record");  // SQL_NO_DATA
  }
  const SQLSMALLINT concise = record->concise_type;
  auto put = [&](int64_t n) { return PutNumber(spec->width, n, value, string_length); };
  switch (field) {
    case SQL_DESC_TYPE:
      return put(VerboseTypeOf(concise));
    case SQL_DESC_CONCISE_TYPE:
      return put(concise == kPendingDatetime || concise == kPendingInterval ? VerboseTypeOf(concise)
                                                                            : concise);
    case SQL_DESC_DATETIME_INTERVAL_CODE:
      return put(SubcodeOf(concise));
    case SQL_DESC_DATETIME_INTERVAL_PRECISION:
      return put(record->datetime_interval_precision);
    case SQL_DESC_DATA_PTR:
      return PutPointer(record->data_ptr, value, string_length);
    case SQL_DESC_INDICATOR_PTR:
      return PutPointer(record->indicator_ptr, value, string_length);
    case SQL_DESC_OCTET_LENGTH_PTR:
      return PutPointer(record->octet_length_ptr, value, string_length);
    case SQL_DESC_OCTET_LENGTH:
      return put(record->octet_length);
    case SQL_DESC_PRECISION:
      return put(record->precision);
    case SQL_DESC_SCALE:
      return put(record->scale);
    case SQL_DESC_LENGTH:
      return put(static_cast<int64_t>(record->length));
    case SQL_DESC_NUM_PREC_RADIX:
      return put(record->num_prec_radix);
    case SQL_DESC_PARAMETER_TYPE:
      return put(record->parameter_type);
    case SQL_DESC_NAME:
      return PutString(record->name, value, buffer_length, string_length, wide);
    case SQL_DESC_UNNAMED:
      return put(record->unnamed);
    // The IPD's read-only fields follow from the parameter's SQL type.
    case SQL_DESC_NULLABLE:
      return put(record->nullable);
    case SQL_DESC_CASE_SENSITIVE:
      return put(IsCharacterType(concise) ? SQL_TRUE : SQL_FALSE);
    case SQL_DESC_FIXED_PREC_SCALE:
    case SQL_DESC_ROWVER:
      return put(SQL_FALSE);
    case SQL_DESC_UNSIGNED:
      return put(IsNumericType(concise) ? SQL_FALSE : SQL_TRUE);
    case SQL_DESC_LOCAL_TYPE_NAME:
    case SQL_DESC_TYPE_NAME:
      return PutString("", value, buffer_length, string_length, wide);
    default:
      return SqlError(sqlstate::kInvalidDescriptorField,
                      absl::StrCat("descriptor field ", field, " is not available"));
  }
}

absl::Status Descriptor::IrdCount(SQLSMALLINT* count) {
  if (statement_ == nullptr || !statement_->HasResultDescription()) {
    return SqlError(kStatementNotPrepared,
                    "the implementation row descriptor describes a prepared or executed "
                    "statement; this one is neither");
  }
  QF_ASSIGN_OR_RETURN(*count, statement_->NumResultCols());
  return absl::OkStatus();
}

absl::Status Descriptor::GetIrdField(SQLSMALLINT number, SQLSMALLINT field, SQLPOINTER value,
                                     SQLINTEGER buffer_length, SQLINTEGER* string_length,
                                     bool wide) {
  SQLSMALLINT count = 0;
  QF_RETURN_IF_ERROR(IrdCount(&count));
  QF_RETURN_IF_ERROR(CheckRecordNumber(number));
  if (number > count) return absl::Status(absl::StatusCode::kNotFound, "no such record");
  const Width width = SpecOf(field)->width;
  // Not SQLColAttribute fields: no intervals, no row versioning columns.
  if (field == SQL_DESC_DATETIME_INTERVAL_PRECISION) {
    return PutNumber(width, 0, value, string_length);
  }
  if (field == SQL_DESC_ROWVER) return PutNumber(width, SQL_FALSE, value, string_length);
  QF_ASSIGN_OR_RETURN(const backend::ColumnInfo* info,
                      statement_->Column(static_cast<SQLUSMALLINT>(number)));
  QF_ASSIGN_OR_RETURN(InfoValue attribute,
                      ColumnAttribute(*info, static_cast<SQLUSMALLINT>(number),
                                      static_cast<SQLUSMALLINT>(field), statement_->max_varchar()));
  if (attribute.is_string) {
    return PutString(attribute.text, value, buffer_length, string_length, wide);
  }
  return PutNumber(width, static_cast<int64_t>(attribute.number), value, string_length);
}

absl::Status Descriptor::IrdRecord(SQLSMALLINT number, DescRecord* record) {
  auto number_of = [&](SQLSMALLINT field, auto* out) -> absl::Status {
    int64_t n = 0;
    QF_RETURN_IF_ERROR(GetIrdField(number, field, &n, 0, nullptr, false));
    // PutNumber wrote the field's own width into the start of `n`.
    using T = std::remove_pointer_t<decltype(out)>;
    T v;
    std::memcpy(&v, &n, sizeof(v));
    *out = v;
    return absl::OkStatus();
  };
  *record = DescRecord();
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_CONCISE_TYPE, &record->concise_type));
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_OCTET_LENGTH, &record->octet_length));
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_PRECISION, &record->precision));
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_SCALE, &record->scale));
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_LENGTH, &record->length));
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_NUM_PREC_RADIX, &record->num_prec_radix));
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_NULLABLE, &record->nullable));
  QF_RETURN_IF_ERROR(number_of(SQL_DESC_UNNAMED, &record->unnamed));
  QF_ASSIGN_OR_RETURN(const backend::ColumnInfo* info,
                      statement_->Column(static_cast<SQLUSMALLINT>(number)));
  record->name = info->name;
  return absl::OkStatus();
}

absl::Status Descriptor::GetRecord(SQLSMALLINT number, RecordView* view) {
  DescRecord ird_record;
  const DescRecord* record = nullptr;
  if (kind_ == DescKind::kIrd) {
    SQLSMALLINT count = 0;
    QF_RETURN_IF_ERROR(IrdCount(&count));
    QF_RETURN_IF_ERROR(CheckRecordNumber(number));
    if (number > count) return absl::Status(absl::StatusCode::kNotFound, "no such record");
    QF_RETURN_IF_ERROR(IrdRecord(number, &ird_record));
    record = &ird_record;
  } else {
    QF_RETURN_IF_ERROR(CheckRecordNumber(number));
    record = Find(static_cast<SQLUSMALLINT>(number));
    if (record == nullptr) return absl::Status(absl::StatusCode::kNotFound, "no such record");
  }
  const SQLSMALLINT concise = record->concise_type;
  // NAME and NULLABLE do not apply to application descriptors: "" and
  // unknown.
  const bool application = is_application();
  view->name = application ? std::string() : record->name;
  view->type = VerboseTypeOf(concise);
  view->subcode = SubcodeOf(concise);
  view->octet_length = record->octet_length;
  view->precision = record->precision;
  view->scale = record->scale;
  view->nullable = application ? SQL_NULLABLE_UNKNOWN : record->nullable;
  return absl::OkStatus();
}

absl::Status Descriptor::SetRecord(SQLSMALLINT number, SQLSMALLINT type, SQLSMALLINT subcode,
                                   SQLLEN octet_length, SQLSMALLINT precision, SQLSMALLINT scale,
                                   SQLPOINTER data, SQLLEN* octet_length_ptr, SQLLEN* indicator) {
  if (kind_ == DescKind::kIrd) {
    return SqlError(kCannotModifyIrd, "the implementation row descriptor cannot be modified");
  }
  QF_RETURN_IF_ERROR(CheckRecordNumber(number));
  DescRecord candidate = Find(static_cast<SQLUSMALLINT>(number)) != nullptr
                             ? *Find(static_cast<SQLUSMALLINT>(number))
                             : DescRecord();
  if (type == SQL_DATETIME || type == SQL_INTERVAL) {
    SQLSMALLINT concise = ConciseTypeOf(type, subcode);
    candidate.concise_type =
        concise != 0 ? concise : (type == SQL_DATETIME ? kPendingDatetime : kPendingInterval);
  } else {
    candidate.concise_type = type;
  }
  ApplyTypeDefaults(candidate);
  candidate.octet_length = octet_length;
  candidate.precision = precision;
  candidate.scale = scale;
  // The check runs before anything changes, so a refused record is left as
  // it was.
  QF_RETURN_IF_ERROR(CheckConsistency(candidate, is_application()));
  if (is_application()) {
    candidate.data_ptr = data;
    candidate.octet_length_ptr = octet_length_ptr;
    candidate.indicator_ptr = indicator;
    candidate.bound = data != nullptr || indicator != nullptr;
  }
  Record(static_cast<SQLUSMALLINT>(number)) = std::move(candidate);
  return absl::OkStatus();
}

absl::Status Descriptor::CopyFrom(Descriptor& source) {
  if (kind_ == DescKind::kIrd) {
    return SqlError(kCannotModifyIrd, "the implementation row descriptor cannot be a copy target");
  }
  if (&source == this) return absl::OkStatus();
  std::vector<DescRecord> records;
  if (source.kind_ == DescKind::kIrd) {
    SQLSMALLINT count = 0;
    QF_RETURN_IF_ERROR(source.IrdCount(&count));
    records.resize(static_cast<size_t>(count));
    for (SQLSMALLINT i = 1; i <= count; ++i) {
      QF_RETURN_IF_ERROR(source.IrdRecord(i, &records[static_cast<size_t>(i - 1)]));
    }
  } else {
    records = source.records_;
  }
  // Header fields are copied where both descriptor types have them.
  auto both = [&](SQLSMALLINT field) {
    return AccessOf(field, source.kind_) != FieldAccess::kUnused &&
           AccessOf(field, kind_) != FieldAccess::kUnused;
  };
  if (both(SQL_DESC_ARRAY_SIZE)) array_size = source.array_size;
  if (both(SQL_DESC_BIND_TYPE)) bind_type = source.bind_type;
  if (both(SQL_DESC_BIND_OFFSET_PTR)) bind_offset_ptr = source.bind_offset_ptr;
  if (both(SQL_DESC_ARRAY_STATUS_PTR)) array_status_ptr = source.array_status_ptr;
  if (both(SQL_DESC_ROWS_PROCESSED_PTR)) rows_processed_ptr = source.rows_processed_ptr;
  // Pointers a target of another kind does not use are left out.
  if (!is_application()) {
    for (DescRecord& record : records) {
      record.data_ptr = nullptr;
      record.octet_length_ptr = nullptr;
      record.indicator_ptr = nullptr;
      record.bound = false;
    }
  }
  records_ = std::move(records);
  return absl::OkStatus();
}

SQLLEN FixedCTypeSize(SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_BIT:
    case SQL_C_TINYINT:
    case SQL_C_STINYINT:
    case SQL_C_UTINYINT:
      return 1;
    case SQL_C_SHORT:
    case SQL_C_SSHORT:
    case SQL_C_USHORT:
      return sizeof(SQLSMALLINT);
    case SQL_C_LONG:
    case SQL_C_SLONG:
    case SQL_C_ULONG:
      return sizeof(SQLINTEGER);
    case SQL_C_SBIGINT:
    case SQL_C_UBIGINT:
      return sizeof(SQLBIGINT);
    case SQL_C_FLOAT:
      return sizeof(SQLREAL);
    case SQL_C_DOUBLE:
      return sizeof(SQLDOUBLE);
    case SQL_C_NUMERIC:
      return sizeof(SQL_NUMERIC_STRUCT);
    case SQL_C_DATE:
    case SQL_C_TYPE_DATE:
      return sizeof(SQL_DATE_STRUCT);
    case SQL_C_TIME:
    case SQL_C_TYPE_TIME:
      return sizeof(SQL_TIME_STRUCT);
    case SQL_C_TIMESTAMP:
    case SQL_C_TYPE_TIMESTAMP:
      return sizeof(SQL_TIMESTAMP_STRUCT);
    case SQL_C_GUID:
      return sizeof(SQLGUID);
    default:
      return 0;
  }
}

}  // namespace quietfetch::core
