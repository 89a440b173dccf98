// Descriptors: the application's buffers (ARD for columns, APD for parameters)
// and the implementation's view (IRD: result columns, IPD: parameter types).
// SQLBindCol/SQLBindParameter and the statement attributes that ODBC defines
// as descriptor fields (row array size, bind type, offsets, status arrays) all
// read and write these records, so there is one source of truth.
//
// Contract:
//  - SetField/GetField/SetRecord/GetRecord/CopyFrom follow SQLSetDescField,
//    SQLGetDescField, SQLSetDescRec, SQLGetDescRec and SQLCopyDesc: a field
//    that does not apply to the descriptor's type is HY091, a read-only one
//    is HY091 when set, any change to an IRD other than its two status
//    pointers is HY016, a bad record number is 07009 and a record above
//    SQL_DESC_COUNT is SQL_NO_DATA (reported as absl::StatusCode::kNotFound).
//  - An IRD holds no records of its own: its records are the statement's
//    result columns, described by the same code as SQLColAttribute (HY007
//    when the statement is neither prepared nor executed).
//  - TYPE, CONCISE_TYPE and DATETIME_INTERVAL_CODE are kept consistent: the
//    record stores the concise type and the other two are derived from it.
//  - Setting DATA_PTR (or SQLSetDescRec) runs ODBC's consistency check
//    (HY021); a record is bound when it has a data or indicator pointer.
#ifndef QUIETFETCH_DRIVER_CORE_DESCRIPTOR_H_
#define QUIETFETCH_DRIVER_CORE_DESCRIPTOR_H_

#include <sql.h>
#include <sqlext.h>

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "driver/core/handle.h"

namespace quietfetch::core {

class Connection;
class Statement;
// The connection's mutex (defined in descriptor.cc: connection.h includes
// this header).
std::recursive_mutex& connection_call_mutex(Connection* connection);

struct DescRecord {
  // ARD/APD: the C type; IPD: the SQL type; IRD: unused (see Statement).
  // Also kPendingDatetime/kPendingInterval while SQL_DESC_TYPE says
  // SQL_DATETIME/SQL_INTERVAL and the subcode is not set yet.
  SQLSMALLINT concise_type = SQL_C_DEFAULT;
  SQLPOINTER data_ptr = nullptr;
  SQLLEN octet_length = 0;  // buffer length
  SQLLEN* octet_length_ptr = nullptr;
  SQLLEN* indicator_ptr = nullptr;
  SQLSMALLINT precision = 0;
  SQLSMALLINT scale = 0;
  SQLULEN length = 0;  // IPD: column size
  SQLSMALLINT parameter_type = SQL_PARAM_INPUT;
  SQLINTEGER datetime_interval_precision = 0;
  SQLINTEGER num_prec_radix = 0;
  std::string name;  // IPD (and records copied from an IRD)
  SQLSMALLINT unnamed = SQL_UNNAMED;
  SQLSMALLINT nullable = SQL_NULLABLE;
  // Has a data or indicator pointer: SQLFetch/SQLExecute use the record.
  bool bound = false;
};

// Values of DescRecord::concise_type between setting SQL_DESC_TYPE to
// SQL_DATETIME/SQL_INTERVAL and setting the subcode; outside every ODBC
// type range.
inline constexpr SQLSMALLINT kPendingDatetime = 0x7F09;
inline constexpr SQLSMALLINT kPendingInterval = 0x7F0A;

// ODBC's type triple. Concise types of the datetime and interval families
// map to SQL_DATETIME/SQL_INTERVAL plus a subcode; every other type is its
// own verbose type with subcode 0 (ODBC 2's SQL_DATE/TIME/TIMESTAMP, 9-11,
// count as datetime types).
SQLSMALLINT VerboseTypeOf(SQLSMALLINT concise);

// An SQL data type ODBC defines (concise form, ODBC 2 date/time codes and
// intervals included); what an IPD record may hold.
bool IsValidSqlType(SQLSMALLINT sql_type);
SQLSMALLINT SubcodeOf(SQLSMALLINT concise);
// The concise type of a verbose type and subcode; 0 when the subcode is not
// one of the family's (the same values serve C and SQL types).
SQLSMALLINT ConciseTypeOf(SQLSMALLINT verbose, SQLSMALLINT subcode);

enum class DescKind { kArd, kApd, kIrd, kIpd };

// What a descriptor field is to one kind of descriptor, from the table in
// ODBC's SQLSetDescField reference.
enum class FieldAccess { kUnknown, kUnused, kReadOnly, kReadWrite };
// Explicitly allocated descriptors count as application descriptors.
FieldAccess AccessOf(SQLSMALLINT field, DescKind kind);
bool IsHeaderField(SQLSMALLINT field);

// ODBC's consistency check for one record of an ARD/APD (C types) or IPD
// (SQL types); HY021 naming the field at fault.
absl::Status CheckConsistency(const DescRecord& record, bool application);

class Descriptor : public Handle {
 public:
  static constexpr HandleKind kKind = HandleKind::kDescriptor;

  // `statement` is the owner of an implicit descriptor (the IRD reads its
  // columns from it); null for explicitly allocated ones.
  Descriptor(Connection* connection, DescKind kind, bool explicitly_allocated,
             Statement* statement = nullptr)
      : Handle(kKind),
        connection_(connection),
        statement_(statement),
        kind_(kind),
        explicit_(explicitly_allocated) {
    set_call_mutex(&connection_call_mutex(connection));
  }

  DescKind desc_kind() const { return kind_; }
  bool is_explicit() const { return explicit_; }
  Connection* connection() const { return connection_; }

  // 1-based; grows the record list (and so SQL_DESC_COUNT) when needed.
  DescRecord& Record(SQLUSMALLINT number) {
    if (number > records_.size()) records_.resize(number);
    return records_[number - 1];
  }
  const DescRecord* Find(SQLUSMALLINT number) const {
    return number >= 1 && number <= records_.size() ? &records_[number - 1] : nullptr;
  }
  // SQL_DESC_COUNT of an ARD/APD/IPD: the number of records.
  SQLSMALLINT Count() const { return static_cast<SQLSMALLINT>(records_.size()); }
  // Unbinds one record (SQLBindCol with null pointers); trailing records that
  // are no longer bound are dropped, so SQL_DESC_COUNT is the highest bound
  // record.
  void Unbind(SQLUSMALLINT number);
  void Clear() { records_.clear(); }

  // SQLSetDescField: integer values arrive in `value` itself, as ODBC passes
  // them; strings (SQL_DESC_NAME) are UTF-8, or UTF-16 when `wide`, with
  // `buffer_length` in bytes or SQL_NTS.
  absl::Status SetField(SQLSMALLINT record, SQLSMALLINT field, SQLPOINTER value,
                        SQLINTEGER buffer_length = 0, bool wide = false);
  // SQLGetDescField: `buffer_length` (bytes) bounds string values only;
  // truncation is warning 01004 on this handle's diagnostics.
  absl::Status GetField(SQLSMALLINT record, SQLSMALLINT field, SQLPOINTER value,
                        SQLINTEGER buffer_length, SQLINTEGER* string_length, bool wide = false);

  // SQLGetDescRec's values of one record.
  struct RecordView {
    std::string name;
    SQLSMALLINT type = 0;
    SQLSMALLINT subcode = 0;
    SQLLEN octet_length = 0;
    SQLSMALLINT precision = 0;
    SQLSMALLINT scale = 0;
    SQLSMALLINT nullable = SQL_NULLABLE_UNKNOWN;
  };
  absl::Status GetRecord(SQLSMALLINT record, RecordView* view);
  // SQLSetDescRec.
  absl::Status SetRecord(SQLSMALLINT record, SQLSMALLINT type, SQLSMALLINT subcode,
                         SQLLEN octet_length, SQLSMALLINT precision, SQLSMALLINT scale,
                         SQLPOINTER data, SQLLEN* octet_length_ptr, SQLLEN* indicator);
  // SQLCopyDesc with this descriptor as the target.
  absl::Status CopyFrom(Descriptor& source);

  // Header fields.
  SQLULEN array_size = 1;
  SQLULEN bind_type = SQL_BIND_BY_COLUMN;
  SQLLEN* bind_offset_ptr = nullptr;
  SQLUSMALLINT* array_status_ptr = nullptr;
  SQLULEN* rows_processed_ptr = nullptr;

 private:
  bool is_application() const { return kind_ == DescKind::kArd || kind_ == DescKind::kApd; }
  absl::Status CheckRecordNumber(SQLSMALLINT number) const;
  // An IRD's record as the statement's column metadata describes it.
  absl::Status IrdCount(SQLSMALLINT* count);
  absl::Status IrdRecord(SQLSMALLINT number, DescRecord* record);
  absl::Status GetIrdField(SQLSMALLINT number, SQLSMALLINT field, SQLPOINTER value,
                           SQLINTEGER buffer_length, SQLINTEGER* string_length, bool wide);
  absl::Status PutString(const std::string& text, SQLPOINTER value, SQLINTEGER buffer_length,
                         SQLINTEGER* string_length, bool wide);

  Connection* connection_;
  Statement* statement_;
  DescKind kind_;
  bool explicit_;
  std::vector<DescRecord> records_;
};

// Size in bytes of a fixed-size C type; 0 for character/binary types (whose
// size is the bound buffer length).
SQLLEN FixedCTypeSize(SQLSMALLINT c_type);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_DESCRIPTOR_H_
