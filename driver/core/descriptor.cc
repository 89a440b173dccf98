#include "driver/core/descriptor.h"

#include "absl/strings/str_cat.h"
#include "driver/core/connection.h"
#include "driver/core/status.h"

namespace quietfetch::core {

std::recursive_mutex& connection_call_mutex(Connection* connection) {
  return connection->call_mutex();
}

SQLSMALLINT Descriptor::Count() const {
  for (size_t i = records_.size(); i > 0; --i) {
    if (records_[i - 1].bound) return static_cast<SQLSMALLINT>(i);
  }
  return 0;
}

void Descriptor::Unbind(SQLUSMALLINT number) {
  if (number >= 1 && number <= records_.size()) records_[number - 1] = DescRecord();
  while (!records_.empty() && !records_.back().bound) records_.pop_back();
}

namespace {

bool IsApplication(DescKind kind) { return kind == DescKind::kArd || kind == DescKind::kApd; }

// The concise type and datetime subcode for a verbose SQL_DESC_TYPE.
SQLSMALLINT ConciseType(SQLSMALLINT type, SQLSMALLINT subcode, bool application) {
  if (type != SQL_DATETIME) return type;
  switch (subcode) {
    case SQL_CODE_DATE:
      return application ? SQL_C_TYPE_DATE : SQL_TYPE_DATE;
    case SQL_CODE_TIME:
      return application ? SQL_C_TYPE_TIME : SQL_TYPE_TIME;
    default:
      return application ? SQL_C_TYPE_TIMESTAMP : SQL_TYPE_TIMESTAMP;
  }
}

SQLSMALLINT VerboseType(SQLSMALLINT concise) {
  switch (concise) {
    case SQL_TYPE_DATE:
    case SQL_TYPE_TIME:
    case SQL_TYPE_TIMESTAMP:
      return SQL_DATETIME;
    default:
      return concise;
  }
}

SQLSMALLINT SubCode(SQLSMALLINT concise) {
  switch (concise) {
    case SQL_TYPE_DATE:
      return SQL_CODE_DATE;
    case SQL_TYPE_TIME:
      return SQL_CODE_TIME;
    case SQL_TYPE_TIMESTAMP:
      return SQL_CODE_TIMESTAMP;
    default:
      return 0;
  }
}

template <typename T>
T As(SQLPOINTER value) {
  return static_cast<T>(reinterpret_cast<intptr_t>(value));
}

}  // namespace

absl::Status Descriptor::SetField(SQLSMALLINT number, SQLSMALLINT field, SQLPOINTER value) {
  if (kind_ == DescKind::kIrd) {
    return SqlError("HY016", "the implementation row descriptor cannot be modified");
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
      if (static_cast<size_t>(count) < records_.size()) records_.resize(count);
      if (count > 0) Record(static_cast<SQLUSMALLINT>(count)).bound = true;
      return absl::OkStatus();
    }
    default:
      break;
  }
  if (number <= 0) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    number == 0 ? "record 0 is the bookmark record, and bookmarks are not enabled"
                                : "descriptor records are numbered from 1");
  }
  DescRecord& record = Record(static_cast<SQLUSMALLINT>(number));
  const bool application = IsApplication(kind_);
  switch (field) {
    case SQL_DESC_TYPE:
      record.concise_type = ConciseType(As<SQLSMALLINT>(value), SQL_CODE_TIMESTAMP, application);
      record.precision = 0;
      record.scale = 0;
      break;
    case SQL_DESC_CONCISE_TYPE:
      record.concise_type = As<SQLSMALLINT>(value);
      record.precision = 0;
      record.scale = 0;
      break;
    case SQL_DESC_DATETIME_INTERVAL_CODE:
      if (VerboseType(record.concise_type) == SQL_DATETIME) {
        record.concise_type = ConciseType(SQL_DATETIME, As<SQLSMALLINT>(value), application);
      }
      break;
    case SQL_DESC_DATA_PTR:
      record.data_ptr = value;
      record.bound = value != nullptr || record.indicator_ptr != nullptr;
      return absl::OkStatus();
    case SQL_DESC_INDICATOR_PTR:
      record.indicator_ptr = static_cast<SQLLEN*>(value);
      record.bound = record.data_ptr != nullptr || value != nullptr;
      return absl::OkStatus();
    case SQL_DESC_OCTET_LENGTH_PTR:
      record.octet_length_ptr = static_cast<SQLLEN*>(value);
      return absl::OkStatus();
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
    case SQL_DESC_PARAMETER_TYPE:
      if (kind_ != DescKind::kIpd) {
        return SqlError(sqlstate::kInvalidDescriptorField,
                        "SQL_DESC_PARAMETER_TYPE belongs to the IPD");
      }
      record.parameter_type = As<SQLSMALLINT>(value);
      break;
    default:
      return SqlError(sqlstate::kInvalidDescriptorField,
                      absl::StrCat("descriptor field ", field, " cannot be set here"));
  }
  // ODBC: setting any other field of an application record unbinds its data.
  if (application) record.data_ptr = nullptr;
  record.bound = true;
  return absl::OkStatus();
}

absl::Status Descriptor::GetField(SQLSMALLINT number, SQLSMALLINT field, SQLPOINTER value,
                                  SQLINTEGER, SQLINTEGER* string_length) {
  auto put = [&](auto v) {
    if (value != nullptr) *static_cast<decltype(v)*>(value) = v;
    if (string_length != nullptr) *string_length = sizeof(v);
    return absl::OkStatus();
  };
  switch (field) {
    case SQL_DESC_ALLOC_TYPE:
      return put(static_cast<SQLSMALLINT>(explicit_ ? SQL_DESC_ALLOC_USER : SQL_DESC_ALLOC_AUTO));
    case SQL_DESC_ARRAY_SIZE:
      return put(array_size);
    case SQL_DESC_ARRAY_STATUS_PTR:
      return put(static_cast<SQLPOINTER>(array_status_ptr));
    case SQL_DESC_BIND_OFFSET_PTR:
      return put(static_cast<SQLPOINTER>(bind_offset_ptr));
    case SQL_DESC_BIND_TYPE:
      return put(static_cast<SQLINTEGER>(bind_type));
    case SQL_DESC_ROWS_PROCESSED_PTR:
      return put(static_cast<SQLPOINTER>(rows_processed_ptr));
    case SQL_DESC_COUNT:
      return put(Count());
    default:
      break;
  }
  if (kind_ == DescKind::kIrd) {
    return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                    "IRD fields are read with SQLColAttribute/SQLDescribeCol");
  }
  const DescRecord* record = number > 0 ? Find(static_cast<SQLUSMALLINT>(number)) : nullptr;
  if (record == nullptr) {
    if (number <= 0) {
      return SqlError(sqlstate::kInvalidDescriptorIndex, "descriptor records are numbered from 1");
    }
    return absl::Status(absl::StatusCode::kNotFound, "no such record");  // SQL_NO_DATA
  }
  switch (field) {
    case SQL_DESC_TYPE:
      return put(VerboseType(record->concise_type));
    case SQL_DESC_CONCISE_TYPE:
      return put(record->concise_type);
    case SQL_DESC_DATETIME_INTERVAL_CODE:
      return put(SubCode(record->concise_type));
    case SQL_DESC_DATA_PTR:
      return put(record->data_ptr);
    case SQL_DESC_INDICATOR_PTR:
      return put(static_cast<SQLPOINTER>(record->indicator_ptr));
    case SQL_DESC_OCTET_LENGTH_PTR:
      return put(static_cast<SQLPOINTER>(record->octet_length_ptr));
    case SQL_DESC_OCTET_LENGTH:
      return put(record->octet_length);
    case SQL_DESC_PRECISION:
      return put(record->precision);
    case SQL_DESC_SCALE:
      return put(record->scale);
    case SQL_DESC_LENGTH:
      return put(record->length);
    case SQL_DESC_PARAMETER_TYPE:
      return put(record->parameter_type);
    default:
      return SqlError(sqlstate::kInvalidDescriptorField,
                      absl::StrCat("descriptor field ", field, " is not available"));
  }
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
