#include "driver/core/environment.h"

#include "driver/core/connection.h"
#include "driver/core/status.h"

namespace quietfetch::core {

Environment::Environment() : Handle(kKind) { set_call_mutex(&mutex_); }
Environment::~Environment() = default;

absl::StatusOr<Connection*> Environment::AllocConnection() {
  if (odbc_version_ == 0) {
    return SqlError(sqlstate::kFunctionSequenceError,
                    "set SQL_ATTR_ODBC_VERSION on the environment before allocating a connection");
  }
  connections_.push_back(std::make_unique<Connection>(this));
  return connections_.back().get();
}

absl::Status Environment::FreeConnection(Connection* connection) {
  if (connection->connected()) {
    return SqlError(sqlstate::kFunctionSequenceError,
                    "the connection is still open: call SQLDisconnect before freeing it");
  }
  connections_.remove_if([&](const auto& owned) { return owned.get() == connection; });
  return absl::OkStatus();
}

absl::Status Environment::SetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER) {
  auto number = static_cast<SQLUINTEGER>(reinterpret_cast<uintptr_t>(value));
  switch (attribute) {
    case SQL_ATTR_ODBC_VERSION:
      if (number != SQL_OV_ODBC2 && number != SQL_OV_ODBC3 && number != SQL_OV_ODBC3_80) {
        return SqlError(sqlstate::kInvalidAttributeValue,
                        "SQL_ATTR_ODBC_VERSION must be SQL_OV_ODBC2, SQL_OV_ODBC3 or "
                        "SQL_OV_ODBC3_80");
      }
      if (!connections_.empty()) {
        return SqlError(sqlstate::kFunctionSequenceError,
                        "SQL_ATTR_ODBC_VERSION cannot change while connections are allocated");
      }
      odbc_version_ = static_cast<SQLINTEGER>(number);
      return absl::OkStatus();
    case SQL_ATTR_CONNECTION_POOLING:
      connection_pooling_ = number;
      return absl::OkStatus();
    case SQL_ATTR_CP_MATCH:
      cp_match_ = number;
      return absl::OkStatus();
    case SQL_ATTR_OUTPUT_NTS:
      if (number != SQL_TRUE) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "SQL_ATTR_OUTPUT_NTS can only be SQL_TRUE");
      }
      return absl::OkStatus();
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      "unknown environment attribute " + std::to_string(attribute));
  }
}

absl::Status Environment::GetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER,
                                       SQLINTEGER* string_length) {
  SQLUINTEGER out = 0;
  switch (attribute) {
    case SQL_ATTR_ODBC_VERSION:
      out = static_cast<SQLUINTEGER>(odbc_version_);
      break;
    case SQL_ATTR_CONNECTION_POOLING:
      out = connection_pooling_;
      break;
    case SQL_ATTR_CP_MATCH:
      out = cp_match_;
      break;
    case SQL_ATTR_OUTPUT_NTS:
      out = SQL_TRUE;
      break;
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      "unknown environment attribute " + std::to_string(attribute));
  }
  if (value != nullptr) *static_cast<SQLUINTEGER*>(value) = out;
  if (string_length != nullptr) *string_length = sizeof(SQLUINTEGER);
  return absl::OkStatus();
}

absl::Status Environment::EndTransaction(SQLSMALLINT completion_type) {
  absl::Status first_error;
  for (auto& connection : connections_) {
    if (!connection->connected()) continue;
    std::lock_guard lock(connection->call_mutex());
    absl::Status status = connection->EndTransaction(completion_type);
    if (!status.ok() && first_error.ok()) first_error = status;
  }
  return first_error;
}

}  // namespace quietfetch::core
