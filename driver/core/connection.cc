#include "driver/core/connection.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "driver/backend/mongo/mongo_connection.h"
#include "driver/backend/postgres/pg_connection.h"
#include "driver/core/descriptor.h"
#include "driver/core/environment.h"
#include "driver/core/output.h"
#include "driver/core/statement.h"
#include "driver/core/status.h"
#include "driver/core/unicode.h"

namespace quietfetch::core {
namespace {

SQLUINTEGER AsUInt(SQLPOINTER value) {
  return static_cast<SQLUINTEGER>(reinterpret_cast<uintptr_t>(value));
}

absl::Status NotConnected() {
  return SqlError(sqlstate::kConnectionNotOpen, "the connection is not open");
}

}  // namespace

Connection::Connection(Environment* environment) : Handle(kKind), environment_(environment) {
  set_call_mutex(&mutex_);
}

Connection::~Connection() {
  statements_.clear();
  descriptors_.clear();
}

absl::StatusOr<std::unique_ptr<backend::BackendConnection>> ConnectBackend(
    const ConnectionConfig& config) {
  // MongoUri chooses the MongoDB backend; everything else is PostgreSQL.
  if (config.backend.mongo_uri.empty()) return pg::Connect(config.backend);
  backend::ConnectionSettings settings = config.backend;
  // The cursor's batchSize follows the batch limit.
  settings.mongo_batch_size =
      static_cast<uint32_t>(std::min<size_t>(config.limits.max_rows, 1u << 24));
  return mongo::Connect(settings);
}

absl::Status Connection::Open(ConnectionConfig config) {
  if (backend_ != nullptr) {
    return SqlError(sqlstate::kConnectionInUse, "the connection is already open");
  }
  if (config.backend.connect_timeout_seconds == 0 && login_timeout_ > 0) {
    config.backend.connect_timeout_seconds = static_cast<int>(login_timeout_);
  }
  QF_ASSIGN_OR_RETURN(auto backend, ConnectBackend(config));
  if (!autocommit_) QF_RETURN_IF_ERROR(backend->SetAutocommit(false));
  if (txn_isolation_set_) QF_RETURN_IF_ERROR(backend->SetIsolationLevel(txn_isolation_));
  backend_ = std::move(backend);
  config_ = std::move(config);
  if (config_.gc.kind != gc::PolicyKind::kOff) {
    gc_policy_ = gc::MakePolicy(config_.gc);
    if (config_.gc.scope == gc::Scope::kUnitOfWork) {
      unit_window_ = std::make_unique<gc::Window>(gc_policy_);
    }
  }
  return absl::OkStatus();
}

absl::Status Connection::ConnectDsn(const std::string& dsn, const std::string* user,
                                    const std::string* password) {
  KeyValues pairs = {{"DSN", dsn}};
  if (user != nullptr && !user->empty()) pairs.emplace_back("UID", *user);
  if (password != nullptr && !password->empty()) pairs.emplace_back("PWD", *password);
  QF_ASSIGN_OR_RETURN(ConnectionConfig config, ResolveConfig(pairs, ReadDsn));
  return Open(std::move(config));
}

absl::StatusOr<std::string> Connection::ConnectString(const std::string& connection_string) {
  QF_ASSIGN_OR_RETURN(KeyValues pairs, ParseConnectionString(connection_string));
  QF_ASSIGN_OR_RETURN(ConnectionConfig config, ResolveConfig(pairs, ReadDsn));
  std::string completed = CompletedConnectionString(config);
  QF_RETURN_IF_ERROR(Open(std::move(config)));
  return completed;
}

absl::Status Connection::Disconnect() {
  if (backend_ == nullptr) return NotConnected();
  // Statements die with the connection (ODBC frees them implicitly); an open
  // transaction in manual-commit mode is rolled back by the server when the
  // session ends.
  for (auto& statement : statements_) {
    statement->EndStatementWindow(gc::EndReason::kStatementClosed);
  }
  statements_.clear();
  descriptors_.clear();
  backend_.reset();
  EndUnitWindow(gc::EndReason::kDisconnect);
  unit_window_.reset();
  gc_policy_.reset();
  return absl::OkStatus();
}

absl::StatusOr<Statement*> Connection::AllocStatement() {
  if (backend_ == nullptr) return NotConnected();
  statements_.push_back(std::make_unique<Statement>(this));
  return statements_.back().get();
}

void Connection::FreeStatement(Statement* statement) {
  statement->EndStatementWindow(gc::EndReason::kStatementClosed);
  statements_.remove_if([&](const auto& owned) { return owned.get() == statement; });
}

absl::StatusOr<Descriptor*> Connection::AllocDescriptor() {
  if (backend_ == nullptr) return NotConnected();
  descriptors_.push_back(std::make_unique<Descriptor>(this, DescKind::kArd, true));
  return descriptors_.back().get();
}

void Connection::FreeDescriptor(Descriptor* descriptor) {
  // Statements using it fall back to their implicit descriptors.
  for (auto& statement : statements_) {
    if (&statement->ard() == descriptor) {
      (void)statement->SetAttribute(SQL_ATTR_APP_ROW_DESC, nullptr, 0);
    }
    if (&statement->apd() == descriptor) {
      (void)statement->SetAttribute(SQL_ATTR_APP_PARAM_DESC, nullptr, 0);
    }
  }
  descriptors_.remove_if([&](const auto& owned) { return owned.get() == descriptor; });
}

bool Connection::odbc2() const { return environment_->odbc_version() == SQL_OV_ODBC2; }

bool Connection::CursorNameInUse(std::string_view name, const Statement* except) const {
  for (const auto& statement : statements_) {
    if (statement.get() != except && statement->HasCursorName(name)) return true;
  }
  return false;
}

absl::StatusOr<backend::BackendConnection*> Connection::Backend() {
  if (backend_ == nullptr) return NotConnected();
  return backend_.get();
}

absl::Status Connection::EndTransaction(SQLSMALLINT completion_type) {
  if (completion_type != SQL_COMMIT && completion_type != SQL_ROLLBACK) {
    return SqlError(sqlstate::kInvalidTransactionOperation,
                    "SQLEndTran completion type must be SQL_COMMIT or SQL_ROLLBACK");
  }
  if (backend_ == nullptr) return NotConnected();
  // Cursors do not survive a commit or rollback (SQL_CB_DELETE semantics on the
  // server side; we close them so the connection is idle for COMMIT).
  for (auto& statement : statements_) {
    if (statement->has_cursor()) QF_RETURN_IF_ERROR(statement->CloseCursor(false));
  }
  // A rollback undoes a SET made inside the transaction.
  if (completion_type == SQL_ROLLBACK) applied_timeout_ = -1;
  absl::Status ended = completion_type == SQL_COMMIT ? backend_->Commit() : backend_->Rollback();
  // The unit of work is over whether or not the server accepted its end.
  EndUnitWindow(gc::EndReason::kEndTransaction);
  return ended;
}

absl::Status Connection::ApplyStatementTimeout(SQLULEN seconds) {
  if (static_cast<int64_t>(seconds) == applied_timeout_) return absl::OkStatus();
  QF_ASSIGN_OR_RETURN(backend::BackendConnection * backend, Backend());
  // A backend with its own time limit (MongoDB's maxTimeMS) takes it directly.
  if (backend->SetQueryTimeout(seconds)) {
    applied_timeout_ = static_cast<int64_t>(seconds);
    return absl::OkStatus();
  }
  std::string sql = absl::StrCat("SET statement_timeout = ", seconds * 1000);
  QF_ASSIGN_OR_RETURN(auto cursor, backend->Execute(sql, {}));
  QF_RETURN_IF_ERROR(backend::DrainCursor(*cursor, config_.limits));
  applied_timeout_ = static_cast<int64_t>(seconds);
  return absl::OkStatus();
}

absl::Status Connection::SetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER length,
                                      bool wide) {
  switch (attribute) {
    case SQL_ATTR_AUTOCOMMIT: {
      bool on = AsUInt(value) == SQL_AUTOCOMMIT_ON;
      if (AsUInt(value) != SQL_AUTOCOMMIT_ON && AsUInt(value) != SQL_AUTOCOMMIT_OFF) {
        return SqlError(sqlstate::kInvalidAttributeValue,
                        "SQL_ATTR_AUTOCOMMIT must be SQL_AUTOCOMMIT_ON or SQL_AUTOCOMMIT_OFF");
      }
      if (backend_ != nullptr && on != autocommit_) {
        if (on) {
          for (auto& statement : statements_) {
            if (statement->has_cursor()) QF_RETURN_IF_ERROR(statement->CloseCursor(false));
          }
        }
        QF_RETURN_IF_ERROR(backend_->SetAutocommit(on));
        // Switching autocommit on commits: the unit of work ends.
        if (on) EndUnitWindow(gc::EndReason::kEndTransaction);
      }
      autocommit_ = on;
      return absl::OkStatus();
    }
    case SQL_ATTR_TXN_ISOLATION: {
      SQLUINTEGER level = AsUInt(value);
      if (level != SQL_TXN_READ_UNCOMMITTED && level != SQL_TXN_READ_COMMITTED &&
          level != SQL_TXN_REPEATABLE_READ && level != SQL_TXN_SERIALIZABLE) {
        return SqlError(sqlstate::kInvalidAttributeValue, "unknown SQL_ATTR_TXN_ISOLATION value");
      }
      if (backend_ != nullptr) {
        if (backend_->InTransaction()) {
          return SqlError(sqlstate::kAttributeCannotBeSetNow,
                          "the isolation level cannot change inside an open transaction");
        }
        QF_RETURN_IF_ERROR(backend_->SetIsolationLevel(level));
      }
      txn_isolation_ = level;
      txn_isolation_set_ = true;
      return absl::OkStatus();
    }
    case SQL_ATTR_LOGIN_TIMEOUT:
      login_timeout_ = AsUInt(value);
      return absl::OkStatus();
    case SQL_ATTR_CONNECTION_TIMEOUT:
      connection_timeout_ = AsUInt(value);
      return absl::OkStatus();
    case SQL_ATTR_ACCESS_MODE:
      access_mode_ = AsUInt(value);
      return absl::OkStatus();
    case SQL_ATTR_QUIET_MODE:
      quiet_mode_ = reinterpret_cast<SQLULEN>(value);
      return absl::OkStatus();
    case SQL_ATTR_PACKET_SIZE:
      packet_size_ = AsUInt(value);
      return absl::OkStatus();
    case SQL_ATTR_METADATA_ID:
      metadata_id_ = AsUInt(value);
      return absl::OkStatus();
    case SQL_ATTR_ASYNC_ENABLE:
      if (AsUInt(value) != SQL_ASYNC_ENABLE_OFF) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "asynchronous execution is not supported");
      }
      return absl::OkStatus();
    case SQL_ATTR_CURRENT_CATALOG: {
      std::string name;
      if (value != nullptr) {
        if (wide) {
          const auto* w = static_cast<const char16_t*>(value);
          size_t units = length == SQL_NTS ? Utf16Length(w) : static_cast<size_t>(length) / 2;
          name = Utf16ToUtf8(w, units);
        } else {
          const auto* s = static_cast<const char*>(value);
          name = length == SQL_NTS ? std::string(s) : std::string(s, static_cast<size_t>(length));
        }
      }
      if (backend_ != nullptr && name != backend_->DatabaseName()) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        backend_->DbmsName() +
                            " cannot switch databases on an open connection; connect "
                            "with Database=" +
                            name);
      }
      return absl::OkStatus();
    }
    case SQL_ATTR_TRACE:
    case SQL_ATTR_TRACEFILE:
    case SQL_ATTR_TRANSLATE_LIB:
    case SQL_ATTR_TRANSLATE_OPTION:
    case SQL_ATTR_ODBC_CURSORS:
    case SQL_ATTR_ANSI_APP:
      return absl::OkStatus();  // the driver manager's business
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      absl::StrCat("unknown or unsupported connection attribute ", attribute));
  }
}

absl::Status Connection::GetAttribute(SQLINTEGER attribute, SQLPOINTER value,
                                      SQLINTEGER buffer_length, SQLINTEGER* string_length,
                                      bool wide) {
  SQLUINTEGER out = 0;
  switch (attribute) {
    case SQL_ATTR_AUTOCOMMIT:
      out = autocommit_ ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF;
      break;
    case SQL_ATTR_TXN_ISOLATION:
      out = txn_isolation_;
      break;
    case SQL_ATTR_LOGIN_TIMEOUT:
      out = login_timeout_;
      break;
    case SQL_ATTR_CONNECTION_TIMEOUT:
      out = connection_timeout_;
      break;
    case SQL_ATTR_ACCESS_MODE:
      out = access_mode_;
      break;
    case SQL_ATTR_PACKET_SIZE:
      out = packet_size_;
      break;
    case SQL_ATTR_METADATA_ID:
      out = metadata_id_;
      break;
    case SQL_ATTR_ASYNC_ENABLE:
      out = SQL_ASYNC_ENABLE_OFF;
      break;
    case SQL_ATTR_AUTO_IPD:
      out = SQL_FALSE;
      break;
    case SQL_ATTR_CONNECTION_DEAD:
      out = (backend_ != nullptr && backend_->IsAlive()) ? SQL_CD_FALSE : SQL_CD_TRUE;
      break;
    case SQL_ATTR_QUIET_MODE:
      if (value != nullptr) *static_cast<SQLULEN*>(value) = quiet_mode_;
      if (string_length != nullptr) *string_length = sizeof(SQLULEN);
      return absl::OkStatus();
    case SQL_ATTR_CURRENT_CATALOG: {
      if (backend_ == nullptr) return NotConnected();
      OutputTarget target{value, buffer_length, wide, /*length_in_bytes=*/true};
      QF_ASSIGN_OR_RETURN(SQLLEN written, WriteString(backend_->DatabaseName(), target, &diag()));
      if (string_length != nullptr) *string_length = static_cast<SQLINTEGER>(written);
      return absl::OkStatus();
    }
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      absl::StrCat("unknown or unsupported connection attribute ", attribute));
  }
  if (value != nullptr) *static_cast<SQLUINTEGER*>(value) = out;
  if (string_length != nullptr) *string_length = sizeof(SQLUINTEGER);
  return absl::OkStatus();
}

}  // namespace quietfetch::core
