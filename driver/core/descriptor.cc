#include "driver/core/descriptor.h"

#include "driver/core/connection.h"

namespace quietfetch::core {

std::recursive_mutex& Descriptor::call_mutex() { return connection_->call_mutex(); }

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
