// A connection handle: its configuration, attributes, the backend connection
// once connected, and the statements and explicit descriptors it owns.
// Every call on the connection or its statements holds call_mutex(), except
// SQLCancel, which must be able to interrupt a call in progress.
#ifndef QUIETFETCH_DRIVER_CORE_CONNECTION_H_
#define QUIETFETCH_DRIVER_CORE_CONNECTION_H_

#include <sql.h>
#include <sqlext.h>

#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/core/connection_string.h"
#include "driver/core/handle.h"
#include "gc-policy/window.h"

namespace quietfetch::core {

class Environment;
class Statement;
class Descriptor;

// Opens the backend `config` names: MongoDB when it has a MongoUri,
// PostgreSQL otherwise. Shared by ODBC connections and the ORM bridge.
absl::StatusOr<std::unique_ptr<backend::BackendConnection>> ConnectBackend(
    const ConnectionConfig& config);

class Connection : public Handle {
 public:
  static constexpr HandleKind kKind = HandleKind::kConnection;
  explicit Connection(Environment* environment);
  ~Connection() override;

  Environment* environment() const { return environment_; }
  // The application declared SQL_OV_ODBC2 (result sets then use ODBC 2 type codes).
  bool odbc2() const;
  // Another statement of this connection already carries cursor name `name`.
  bool CursorNameInUse(std::string_view name, const Statement* except) const;

  // SQLConnect: DSN plus optional user/password overriding the DSN's.
  absl::Status ConnectDsn(const std::string& dsn, const std::string* user,
                          const std::string* password);
  // SQLDriverConnect: returns the completed connection string.
  absl::StatusOr<std::string> ConnectString(const std::string& connection_string);
  absl::Status Disconnect();
  bool connected() const { return backend_ != nullptr; }

  absl::StatusOr<Statement*> AllocStatement();
  void FreeStatement(Statement* statement);
  absl::StatusOr<Descriptor*> AllocDescriptor();
  void FreeDescriptor(Descriptor* descriptor);

  absl::Status SetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER length, bool wide);
  absl::Status GetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER buffer_length,
                            SQLINTEGER* string_length, bool wide);

  absl::Status EndTransaction(SQLSMALLINT completion_type);

  // The backend; HY010/08003 status when not connected.
  absl::StatusOr<backend::BackendConnection*> Backend();
  backend::BackendConnection* backend_or_null() { return backend_.get(); }
  const ConnectionConfig& config() const { return config_; }

  // Called before a statement runs (the single-active-statement rule of the
  // backend is handled by the backend itself).
  bool autocommit() const { return autocommit_; }

  // Makes the server's statement_timeout match a statement's
  // SQL_ATTR_QUERY_TIMEOUT (seconds; 0 = none). Costs a round trip only when
  // the value changes.
  absl::Status ApplyStatementTimeout(SQLULEN seconds);

  // The collector policy (gc-policy): null when GcPolicy=off. With
  // GcWindow=unit the connection owns the window of its unit of work, which
  // outlives the cursors (ORMs build their objects after closing them) and
  // ends at SQLEndTran, disconnect, or the next statement in autocommit mode.
  const std::shared_ptr<const gc::Policy>& gc_policy() const { return gc_policy_; }
  gc::Window* unit_window() { return unit_window_.get(); }
  void EndUnitWindow(gc::EndReason reason) {
    if (unit_window_ != nullptr) unit_window_->End(reason);
  }

 private:
  absl::Status Open(ConnectionConfig config);

  Environment* environment_;
  std::recursive_mutex mutex_;
  std::unique_ptr<backend::BackendConnection> backend_;
  ConnectionConfig config_;
  std::list<std::unique_ptr<Statement>> statements_;
  std::list<std::unique_ptr<Descriptor>> descriptors_;

  bool autocommit_ = true;
  SQLUINTEGER txn_isolation_ = SQL_TXN_READ_COMMITTED;
  bool txn_isolation_set_ = false;
  SQLUINTEGER login_timeout_ = 0;
  SQLUINTEGER connection_timeout_ = 0;
  SQLUINTEGER access_mode_ = SQL_MODE_READ_WRITE;
  SQLULEN quiet_mode_ = 0;
  SQLUINTEGER packet_size_ = 0;
  SQLUINTEGER metadata_id_ = SQL_FALSE;
  // statement_timeout in effect on the server, in seconds; -1 when unknown
  // (a rollback may have undone our SET).
  int64_t applied_timeout_ = 0;

  std::shared_ptr<const gc::Policy> gc_policy_;
  std::unique_ptr<gc::Window> unit_window_;
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_CONNECTION_H_
