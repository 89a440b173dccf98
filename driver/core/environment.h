// The ODBC environment: owns its connections and the ODBC version the
// application asked for.
#ifndef QUIETFETCH_DRIVER_CORE_ENVIRONMENT_H_
#define QUIETFETCH_DRIVER_CORE_ENVIRONMENT_H_

#include <sql.h>
#include <sqlext.h>

#include <list>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "driver/core/handle.h"

namespace quietfetch::core {

class Connection;

class Environment : public Handle {
 public:
  static constexpr HandleKind kKind = HandleKind::kEnvironment;
  Environment();
  ~Environment() override;

  absl::StatusOr<Connection*> AllocConnection();
  // Fails with HY010 while the connection is still connected.
  absl::Status FreeConnection(Connection* connection);
  bool HasConnections() const { return !connections_.empty(); }

  absl::Status SetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER length);
  absl::Status GetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER buffer_length,
                            SQLINTEGER* string_length);

  SQLINTEGER odbc_version() const { return odbc_version_; }
  // Commits or rolls back every connection of the environment.
  absl::Status EndTransaction(SQLSMALLINT completion_type);

 private:
  std::recursive_mutex mutex_;
  std::list<std::unique_ptr<Connection>> connections_;
  SQLINTEGER odbc_version_ = 0;  // unset until SQL_ATTR_ODBC_VERSION
  SQLUINTEGER connection_pooling_ = SQL_CP_OFF;
  SQLUINTEGER cp_match_ = SQL_CP_STRICT_MATCH;
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_ENVIRONMENT_H_
