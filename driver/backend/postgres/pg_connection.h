// The PostgreSQL backend (libpq): the entry point the core calls to open a
// backend::BackendConnection.
//
// Connect() passes host/port lists through to libpq (multi-host), adds
// sslmode, application_name, connect_timeout and the raw libpq_options
// conninfo text (which may override the others, except client_encoding,
// which is always UTF8). Failures are 28000 for authentication problems and
// 08001 otherwise, with libpq's message and never the password.
//
// Queries and DML (SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, WITH,
// TABLE) run with the extended protocol through an LRU cache of named
// prepared statements; rows stream in single-row mode, as binary results
// whenever every column has a binary decoder, else as text. A SELECT, VALUES
// or TABLE statement without parameters whose columns all have binary
// decoders streams through COPY (...) TO STDOUT (FORMAT binary) instead,
// which costs the client far less per row. Other statements
// without parameters (DDL, SET, ...) and parameterless text holding several
// statements use the simple protocol (text results; each statement's result
// in turn through Cursor::NextResult; parameters in such text are HYC00).
// Parameter arrays of INSERT/UPDATE/DELETE/MERGE without RETURNING run
// through ExecuteBatch: one pipeline (libpq pipeline mode) per array, a Sync
// after each set outside a transaction block (each set commits on its own)
// or one per chunk inside one (the first failure skips the rest). Server
// notices are dropped.
// See pg_connection_internal.h for the behaviour of cursors.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_H_

#include <memory>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"

namespace quietfetch::pg {

absl::StatusOr<std::unique_ptr<backend::BackendConnection>> Connect(
    const backend::ConnectionSettings& settings);

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_H_
