// Descriptors: the application's buffers (ARD for columns, APD for parameters)
// and the implementation's view (IRD: result columns, IPD: parameter types).
// SQLBindCol/SQLBindParameter and the statement attributes that ODBC defines
// as descriptor fields (row array size, bind type, offsets, status arrays) all
// read and write these records, so there is one source of truth.
#ifndef QUIETFETCH_DRIVER_CORE_DESCRIPTOR_H_
#define QUIETFETCH_DRIVER_CORE_DESCRIPTOR_H_

#include <sql.h>
#include <sqlext.h>

#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "driver/core/handle.h"

namespace quietfetch::core {

class Connection;
// The connection's mutex (defined in descriptor.cc: connection.h includes
// this header).
std::recursive_mutex& connection_call_mutex(Connection* connection);

struct DescRecord {
  // ARD/APD: the C type; IPD: the SQL type; IRD: unused (see Statement).
  SQLSMALLINT concise_type = SQL_C_DEFAULT;
  SQLPOINTER data_ptr = nullptr;
  SQLLEN octet_length = 0;  // buffer length
  SQLLEN* octet_length_ptr = nullptr;
  SQLLEN* indicator_ptr = nullptr;
  SQLSMALLINT precision = 0;
  SQLSMALLINT scale = 0;
  SQLULEN length = 0;  // IPD: column size
  SQLSMALLINT parameter_type = SQL_PARAM_INPUT;
  bool bound = false;
};

enum class DescKind { kArd, kApd, kIrd, kIpd };

class Descriptor : public Handle {
 public:
  static constexpr HandleKind kKind = HandleKind::kDescriptor;

  Descriptor(Connection* connection, DescKind kind, bool explicitly_allocated)
      : Handle(kKind), connection_(connection), kind_(kind), explicit_(explicitly_allocated) {
    set_call_mutex(&connection_call_mutex(connection));
  }

  DescKind desc_kind() const { return kind_; }
  bool is_explicit() const { return explicit_; }
  Connection* connection() const { return connection_; }

  // 1-based; grows the record list when needed.
  DescRecord& Record(SQLUSMALLINT number) {
    if (number > records_.size()) records_.resize(number);
    return records_[number - 1];
  }
  const DescRecord* Find(SQLUSMALLINT number) const {
    return number >= 1 && number <= records_.size() ? &records_[number - 1] : nullptr;
  }
  // Highest bound record number (SQL_DESC_COUNT).
  SQLSMALLINT Count() const;
  void Unbind(SQLUSMALLINT number);
  void Clear() { records_.clear(); }

  // SQLSetDescField / SQLGetDescField for header and record fields.
  // Integer values arrive in `value` itself, as ODBC passes them.
  absl::Status SetField(SQLSMALLINT record, SQLSMALLINT field, SQLPOINTER value);
  absl::Status GetField(SQLSMALLINT record, SQLSMALLINT field, SQLPOINTER value,
                        SQLINTEGER buffer_length, SQLINTEGER* string_length);

  // Header fields.
  SQLULEN array_size = 1;
  SQLULEN bind_type = SQL_BIND_BY_COLUMN;
  SQLLEN* bind_offset_ptr = nullptr;
  SQLUSMALLINT* array_status_ptr = nullptr;
  SQLULEN* rows_processed_ptr = nullptr;

 private:
  Connection* connection_;
  DescKind kind_;
  bool explicit_;
  std::vector<DescRecord> records_;
};

// Size in bytes of a fixed-size C type; 0 for character/binary types (whose
// size is the bound buffer length).
SQLLEN FixedCTypeSize(SQLSMALLINT c_type);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_DESCRIPTOR_H_
