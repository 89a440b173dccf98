// The MongoDB backend (libmongoc): the entry point the core calls when the
// connection string carries MongoUri.
//
// Connect() takes hosts, replica set, TLS and authentication from the URI;
// UID/PWD fill in a URI without credentials, ConnectTimeout sets
// serverSelectionTimeoutMS/connectTimeoutMS when the URI does not. The
// database is the URI's path (mongodb://h/db), else Database=. The server is
// asked for buildInfo before Connect returns, so a bad URI, an unreachable
// server or refused credentials fail here: 08001 (28000 for authentication),
// never with the password in the message.
//
// Execute() translates the SQL subset or takes a native command
// (sql_translate.h) and opens a find/aggregate cursor with batchSize equal to
// the driver's row limit. Columns come from the projection typed by a sample
// of the collection (MongoSampleSize documents), from the sample for
// SELECT *, or, for a native command, from its first results. The first
// document is read before Execute returns, so server errors surface there.
// Fill copies each document into the batch's arena before the next
// mongoc_cursor_next: memory is bounded by the batch limits. A lost server
// is 08S01; maxTimeMS expiry (SQL_ATTR_QUERY_TIMEOUT) is HYT00.
//
// MongoDB reads need no transaction: autocommit, commit, rollback and the
// isolation level are accepted and do nothing. SQLCancel does nothing
// (libmongoc cannot interrupt a call from another thread).
#ifndef QUIETFETCH_DRIVER_BACKEND_MONGO_MONGO_CONNECTION_H_
#define QUIETFETCH_DRIVER_BACKEND_MONGO_MONGO_CONNECTION_H_

#include <memory>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"

namespace quietfetch::mongo {

absl::StatusOr<std::unique_ptr<backend::BackendConnection>> Connect(
    const backend::ConnectionSettings& settings);

}  // namespace quietfetch::mongo

#endif  // QUIETFETCH_DRIVER_BACKEND_MONGO_MONGO_CONNECTION_H_
