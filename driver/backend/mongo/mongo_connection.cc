#include "driver/backend/mongo/mongo_connection.h"

#include <mongoc/mongoc.h>

#include <algorithm>
#include <deque>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "driver/backend/mongo/bson_util.h"
#include "driver/backend/mongo/schema.h"
#include "driver/backend/mongo/sql_translate.h"
#include "driver/core/status.h"

namespace quietfetch::mongo {
namespace {

using backend::ColumnInfo;
using backend::LogicalType;
using core::SqlError;
namespace sqlstate = core::sqlstate;

constexpr uint32_t kMaxTimeExpired = 50;
constexpr uint32_t kUnauthorized = 13;
constexpr uint32_t kAuthenticationFailed = 18;

bool IsLinkError(const bson_error_t& error) {
  return error.domain == MONGOC_ERROR_STREAM || error.domain == MONGOC_ERROR_SERVER_SELECTION ||
         error.domain == MONGOC_ERROR_CLIENT;
}

// A server or driver error as a status; `broken` is set when the link to
// the server is gone.
absl::Status FromError(const bson_error_t& error, std::string_view during, bool* broken) {
  std::string message = absl::StrCat("MongoDB ", std::string(during), ": ", error.message);
  if (IsLinkError(error)) {
    if (broken != nullptr) *broken = true;
    return core::WithNativeError(SqlError(sqlstate::kCommunicationLinkFailure, message),
                                 static_cast<int>(error.code));
  }
  std::string_view state = sqlstate::kGeneralError;
  if (error.code == kMaxTimeExpired) state = sqlstate::kTimeoutExpired;
  if (error.code == kUnauthorized || error.code == kAuthenticationFailed) {
    state = sqlstate::kInvalidAuthorization;
  }
  return core::WithNativeError(SqlError(state, message), static_cast<int>(error.code));
}

struct CursorDeleter {
  void operator()(mongoc_cursor_t* c) const { mongoc_cursor_destroy(c); }
};
struct CollectionDeleter {
  void operator()(mongoc_collection_t* c) const { mongoc_collection_destroy(c); }
};
using CursorPtr = std::unique_ptr<mongoc_cursor_t, CursorDeleter>;
using CollectionPtr = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;

class MongoConnection;

class MongoCursor : public backend::Cursor {
 public:
  MongoCursor(bool* broken, CollectionPtr collection, CursorPtr cursor,
              std::vector<ColumnInfo> columns, bool count)
      : broken_(broken),
        collection_(std::move(collection)),
        cursor_(std::move(cursor)),
        columns_(std::move(columns)),
        count_(count) {
    paths_.reserve(columns_.size());
    for (const auto& c : columns_) paths_.push_back(c.base_column_name);
  }

  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  int64_t rows_affected() const override { return -1; }

  absl::Status Close() override {
    pending_.clear();
    cursor_.reset();  // kills the server-side cursor
    collection_.reset();
    done_ = true;
    return absl::OkStatus();
  }

  // Reads ahead up to `n` documents (kept as copies) so that their shape
  // can give the columns of a native command; also surfaces the first error.
  absl::Status Peek(size_t n, SchemaBuilder* schema) {
    const bson_t* doc = nullptr;
    while (pending_.size() < n) {
      if (!mongoc_cursor_next(cursor_.get(), &doc)) {
        // libmongoc refuses to advance a finished cursor again.
        exhausted_ = true;
        break;
      }
      if (schema != nullptr) schema->Add(*doc);
      pending_.push_back(CopyBson(doc));
    }
    return CheckError();
  }

  void SetColumns(std::vector<ColumnInfo> columns) {
    columns_ = std::move(columns);
    paths_.clear();
    for (const auto& c : columns_) paths_.push_back(c.base_column_name);
  }

  absl::StatusOr<bool> Fill(rowstore::RowBatch& batch,
                            const rowstore::BatchLimits& limits) override {
    if (done_) return false;
    uint32_t want = static_cast<uint32_t>(std::clamp<size_t>(limits.max_rows, 1, 1u << 24));
    if (want != batch_size_) {
      mongoc_cursor_set_batch_size(cursor_.get(), want);
      batch_size_ = want;
    }
    size_t rows = 0;
    while (rows < limits.max_rows && (rows == 0 || batch.BytesUsed() < limits.max_bytes)) {
      const bson_t* doc = nullptr;
      BsonPtr held;
      if (!pending_.empty()) {
        held = std::move(pending_.front());
        pending_.pop_front();
        doc = held.get();
      } else if (exhausted_ || !mongoc_cursor_next(cursor_.get(), &doc)) {
        if (!exhausted_) QF_RETURN_IF_ERROR(CheckError());
        done_ = true;
        if (count_ && rows_seen_ == 0) {
          // $group yields no document when nothing matched.
          batch.AppendInt(0);
          batch.FinishRow();
        }
        return false;
      }
      QF_RETURN_IF_ERROR(AppendRow(*doc, batch));
      ++rows;
      ++rows_seen_;
    }
    return true;
  }

 private:
  absl::Status CheckError() {
    bson_error_t error;
    if (cursor_ != nullptr && mongoc_cursor_error(cursor_.get(), &error)) {
      done_ = true;
      return FromError(error, "query failed", broken_);
    }
    return absl::OkStatus();
  }

  absl::Status AppendRow(const bson_t& doc, rowstore::RowBatch& batch) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      bson_iter_t it, found;
      const bson_iter_t* value = nullptr;
      if (bson_iter_init(&it, &doc)) {
        const std::string& path = paths_[i];
        if (path.find('.') == std::string::npos) {
          if (bson_iter_find(&it, path.c_str())) value = &it;
        } else if (bson_iter_find_descendant(&it, path.c_str(), &found)) {
          value = &found;
        }
      }
      absl::Status status = AppendField(value, columns_[i], batch);
      if (!status.ok()) {
        batch.AbandonRow();
        return status;
      }
    }
    batch.FinishRow();
    return absl::OkStatus();
  }

  bool* broken_;
  CollectionPtr collection_;
  CursorPtr cursor_;
  std::vector<ColumnInfo> columns_;
  std::vector<std::string> paths_;
  bool count_;
  std::deque<BsonPtr> pending_;
  uint32_t batch_size_ = 0;
  bool done_ = false;
  bool exhausted_ = false;  // mongoc_cursor_next returned false during Peek
  int64_t rows_seen_ = 0;
};

class MongoConnection : public backend::BackendConnection {
 public:
  MongoConnection(mongoc_client_t* client, std::string database, std::string server,
                  std::string user, std::string version, const backend::ConnectionSettings& s)
      : client_(client),
        database_(std::move(database)),
        server_(std::move(server)),
        user_(std::move(user)),
        version_(std::move(version)),
        sample_size_(std::max(1, s.mongo_sample_size)),
        batch_size_(std::max<uint32_t>(1, s.mongo_batch_size)) {}
  ~MongoConnection() override { mongoc_client_destroy(client_); }

  absl::StatusOr<std::unique_ptr<backend::Cursor>> Execute(
      std::string_view sql, std::span<const backend::Param> params) override {
    QF_ASSIGN_OR_RETURN(Plan plan, Translate(sql, params));
    QF_ASSIGN_OR_RETURN(auto cursor, Open(plan, /*read_first=*/true));
    return std::unique_ptr<backend::Cursor>(std::move(cursor));
  }

  absl::StatusOr<backend::StatementDescription> Describe(std::string_view sql) override {
    QF_ASSIGN_OR_RETURN(Plan plan, Translate(sql, {}, /*describe_only=*/true));
    backend::StatementDescription out;
    out.parameter_types.assign(static_cast<size_t>(CountParameters(sql)), LogicalType::kUnknown);
    if (plan.native) {
      QF_ASSIGN_OR_RETURN(auto cursor, Open(plan, /*read_first=*/true));
      out.columns = cursor->columns();
      (void)cursor->Close();
      return out;
    }
    QF_ASSIGN_OR_RETURN(out.columns, PlanColumns(plan));
    return out;
  }

  int CountParameters(std::string_view sql) const override { return mongo::CountParameters(sql); }

  absl::Status SetAutocommit(bool) override { return absl::OkStatus(); }
  absl::Status Commit() override { return absl::OkStatus(); }
  absl::Status Rollback() override { return absl::OkStatus(); }
  absl::Status SetIsolationLevel(uint32_t) override { return absl::OkStatus(); }
  bool InTransaction() const override { return false; }
  absl::Status Cancel() override { return absl::OkStatus(); }
  bool IsAlive() const override { return !broken_; }
  std::string ServerVersion() const override { return version_; }
  std::string DatabaseName() const override { return database_; }
  std::string UserName() const override { return user_; }
  std::string ServerName() const override { return server_; }
  std::string DbmsName() const override { return "MongoDB"; }

  bool SetQueryTimeout(uint64_t seconds) override {
    timeout_ms_ = static_cast<int64_t>(std::min<uint64_t>(seconds, 86400ULL * 365) * 1000);
    return true;
  }

  bool HasOwnCatalog() const override { return true; }

  absl::StatusOr<std::vector<CatalogTable>> ListTables() override {
    mongoc_database_t* db = mongoc_client_get_database(client_, database_.c_str());
    mongoc_cursor_t* raw = mongoc_database_find_collections_with_opts(db, nullptr);
    CursorPtr cursor(raw);
    std::vector<CatalogTable> out;
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor.get(), &doc)) {
      bson_iter_t it;
      CatalogTable table;
      if (bson_iter_init_find(&it, doc, "name") && BSON_ITER_HOLDS_UTF8(&it)) {
        table.name = bson_iter_utf8(&it, nullptr);
      }
      table.type = "TABLE";
      if (bson_iter_init_find(&it, doc, "type") && BSON_ITER_HOLDS_UTF8(&it) &&
          std::string_view(bson_iter_utf8(&it, nullptr)) == "view") {
        table.type = "VIEW";
      }
      if (table.name.empty() || table.name.rfind("system.", 0) == 0) continue;
      out.push_back(std::move(table));
    }
    bson_error_t error;
    bool failed = mongoc_cursor_error(cursor.get(), &error);
    cursor.reset();
    mongoc_database_destroy(db);
    if (failed) return FromError(error, "listCollections failed", &broken_);
    std::sort(out.begin(), out.end(),
              [](const CatalogTable& a, const CatalogTable& b) { return a.name < b.name; });
    return out;
  }

  absl::StatusOr<std::vector<ColumnInfo>> ListColumns(const std::string& table) override {
    CollectionPtr collection(
        mongoc_client_get_collection(client_, database_.c_str(), table.c_str()));
    SchemaBuilder schema;
    bool empty = false;
    QF_RETURN_IF_ERROR(SampleExisting(table, collection.get(), &schema, &empty));
    return schema.Columns(table);
  }

 private:
  // 42S02 when `name` is neither a collection nor a view of the database
  // (MongoDB reads a missing collection as an empty one; SQL does not).
  absl::Status RequireCollection(const std::string& name) {
    mongoc_database_t* db = mongoc_client_get_database(client_, database_.c_str());
    BsonPtr opts = NewBson();
    bson_t filter;
    bson_append_document_begin(opts.get(), "filter", -1, &filter);
    bson_append_utf8(&filter, "name", -1, name.c_str(), -1);
    bson_append_document_end(opts.get(), &filter);
    CursorPtr cursor(mongoc_database_find_collections_with_opts(db, opts.get()));
    const bson_t* doc = nullptr;
    bool found = false;
    while (mongoc_cursor_next(cursor.get(), &doc)) {
      bson_iter_t it;
      if (bson_iter_init_find(&it, doc, "name") && BSON_ITER_HOLDS_UTF8(&it) &&
          name == bson_iter_utf8(&it, nullptr)) {
        found = true;
      }
    }
    bson_error_t error;
    bool failed = mongoc_cursor_error(cursor.get(), &error);
    cursor.reset();
    mongoc_database_destroy(db);
    if (failed) return FromError(error, "listCollections failed", &broken_);
    if (!found) {
      return SqlError("42S02", absl::StrCat("the collection '", name,
                                            "' does not exist in database '", database_, "'"));
    }
    return absl::OkStatus();
  }

  // Samples the collection; an empty sample means an empty or missing
  // collection, told apart with RequireCollection.
  absl::Status SampleExisting(const std::string& name, mongoc_collection_t* collection,
                              SchemaBuilder* schema, bool* empty) {
    int64_t before = samples_;
    QF_RETURN_IF_ERROR(Sample(collection, schema));
    *empty = samples_ == before;
    if (*empty) QF_RETURN_IF_ERROR(RequireCollection(name));
    return absl::OkStatus();
  }

  absl::Status Sample(mongoc_collection_t* collection, SchemaBuilder* schema) {
    BsonPtr filter = NewBson();
    BsonPtr opts = NewBson();
    bson_append_int64(opts.get(), "limit", -1, sample_size_);
    bson_append_int32(opts.get(), "batchSize", -1, sample_size_);
    if (timeout_ms_ > 0) bson_append_int64(opts.get(), "maxTimeMS", -1, timeout_ms_);
    CursorPtr cursor(
        mongoc_collection_find_with_opts(collection, filter.get(), opts.get(), nullptr));
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor.get(), &doc)) {
      schema->Add(*doc);
      ++samples_;
    }
    bson_error_t error;
    if (mongoc_cursor_error(cursor.get(), &error)) {
      return FromError(error, "sampling the collection failed", &broken_);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<ColumnInfo>> PlanColumns(const Plan& plan) {
    std::vector<ColumnInfo> columns;
    if (plan.count) {
      ColumnInfo c;
      c.name = plan.columns.front().name;
      c.base_column_name = "count";
      c.type = LogicalType::kInt64;
      c.type_name = "long";
      c.nullable_known = true;
      c.nullable = false;
      columns.push_back(std::move(c));
      return columns;
    }
    CollectionPtr collection(
        mongoc_client_get_collection(client_, database_.c_str(), plan.collection.c_str()));
    SchemaBuilder schema;
    bool empty = false;
    QF_RETURN_IF_ERROR(SampleExisting(plan.collection, collection.get(), &schema, &empty));
    if (plan.star) {
      // An empty collection still has the one field every document has.
      if (empty) return std::vector<ColumnInfo>{schema.Column("_id", "_id", plan.collection)};
      return schema.Columns(plan.collection);
    }
    for (const auto& column : plan.columns) {
      columns.push_back(schema.Column(column.path, column.name, plan.collection));
    }
    return columns;
  }

  // Opens the cursor for `plan`: find or aggregate with our batch size and
  // time limit unless the command sets its own.
  absl::StatusOr<std::unique_ptr<MongoCursor>> Open(const Plan& plan, bool read_first) {
    std::vector<ColumnInfo> columns;
    if (!plan.native) {
      QF_ASSIGN_OR_RETURN(columns, PlanColumns(plan));
    }
    CollectionPtr collection(
        mongoc_client_get_collection(client_, database_.c_str(), plan.collection.c_str()));
    const bson_t* command = plan.command.get();
    bson_iter_t first;
    bson_iter_init(&first, command);
    bson_iter_next(&first);
    bool is_find = std::string_view(bson_iter_key(&first)) == "find";
    BsonPtr opts = NewBson();
    BsonPtr filter = NewBson();
    BsonPtr pipeline = NewBson();
    bool has_batch = false, has_time = false;
    bson_iter_t it;
    bson_iter_init(&it, command);
    while (bson_iter_next(&it)) {
      std::string_view key = bson_iter_key(&it);
      if (key == "find" || key == "aggregate" || key == "$db") continue;
      if (is_find && key == "filter") {
        if (!BSON_ITER_HOLDS_DOCUMENT(&it)) {
          return SqlError(sqlstate::kSyntaxError, "\"filter\" must be a document");
        }
        filter.reset();
        uint32_t length = 0;
        const uint8_t* data = nullptr;
        bson_iter_document(&it, &length, &data);
        filter.reset(bson_new_from_data(data, length));
        continue;
      }
      if (!is_find && key == "pipeline") {
        bson_append_iter(pipeline.get(), "pipeline", -1, &it);
        continue;
      }
      if (!is_find && key == "cursor") {
        bson_iter_t sub;
        if (BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &sub) &&
            bson_iter_find(&sub, "batchSize")) {
          bson_append_iter(opts.get(), "batchSize", -1, &sub);
          has_batch = true;
        }
        continue;
      }
      if (key == "batchSize") has_batch = true;
      if (key == "maxTimeMS") has_time = true;
      bson_append_iter(opts.get(), bson_iter_key(&it), -1, &it);
    }
    if (!has_batch)
      bson_append_int32(opts.get(), "batchSize", -1, static_cast<int32_t>(batch_size_));
    if (!has_time && timeout_ms_ > 0) bson_append_int64(opts.get(), "maxTimeMS", -1, timeout_ms_);
    mongoc_cursor_t* raw =
        is_find
            ? mongoc_collection_find_with_opts(collection.get(), filter.get(), opts.get(), nullptr)
            : mongoc_collection_aggregate(collection.get(), MONGOC_QUERY_NONE, pipeline.get(),
                                          opts.get(), nullptr);
    auto cursor = std::make_unique<MongoCursor>(&broken_, std::move(collection), CursorPtr(raw),
                                                std::move(columns), plan.count);
    if (plan.native) {
      SchemaBuilder schema;
      QF_RETURN_IF_ERROR(cursor->Peek(static_cast<size_t>(sample_size_), &schema));
      cursor->SetColumns(schema.Columns(plan.collection));
    } else if (read_first) {
      QF_RETURN_IF_ERROR(cursor->Peek(1, nullptr));
    }
    return cursor;
  }

  mongoc_client_t* client_;
  std::string database_;
  std::string server_;
  std::string user_;
  std::string version_;
  int32_t sample_size_;
  uint32_t batch_size_;
  int64_t timeout_ms_ = 0;
  int64_t samples_ = 0;  // documents sampled so far
  bool broken_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<backend::BackendConnection>> Connect(
    const backend::ConnectionSettings& settings) {
  static std::once_flag init;
  std::call_once(init, [] {
    mongoc_init();
    // A driver inside someone's process must not write to its stderr; what
    // matters comes back as diagnostics.
    mongoc_log_set_handler(nullptr, nullptr);
  });
  bson_error_t error;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(settings.mongo_uri.c_str(), &error);
  if (uri == nullptr) {
    // libmongoc's message may quote the URI, which can hold a password.
    std::string message = error.message;
    if (!settings.mongo_uri.empty() && message.find(settings.mongo_uri) != std::string::npos) {
      message = "the URI could not be parsed";
    }
    return SqlError(sqlstate::kUnableToConnect,
                    absl::StrCat("invalid MongoUri (expected mongodb://[user:password@]host[:port]"
                                 "[,host...]/database[?options] or mongodb+srv://...): ",
                                 message));
  }
  std::unique_ptr<mongoc_uri_t, void (*)(mongoc_uri_t*)> uri_owner(uri, mongoc_uri_destroy);
  if (settings.connect_timeout_seconds > 0) {
    int32_t ms = settings.connect_timeout_seconds * 1000;
    if (!mongoc_uri_has_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS)) {
      mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, ms);
    }
    if (!mongoc_uri_has_option(uri, MONGOC_URI_CONNECTTIMEOUTMS)) {
      mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, ms);
    }
  }
  if (mongoc_uri_get_username(uri) == nullptr && !settings.user.empty()) {
    mongoc_uri_set_username(uri, settings.user.c_str());
    if (!settings.password.empty()) mongoc_uri_set_password(uri, settings.password.c_str());
  }
  if (mongoc_uri_get_appname(uri) == nullptr && !settings.application_name.empty()) {
    mongoc_uri_set_appname(uri, settings.application_name.c_str());
  }
  std::string database;
  if (const char* db = mongoc_uri_get_database(uri); db != nullptr && *db != '\0') {
    database = db;
  } else {
    database = settings.database;
  }
  if (database.empty()) {
    return SqlError(sqlstate::kUnableToConnect,
                    "MongoUri names no database: put it in the URI's path "
                    "(mongodb://host:27017/mydb) or set Database=");
  }
  mongoc_client_t* client = mongoc_client_new_from_uri_with_error(uri, &error);
  if (client == nullptr) {
    return SqlError(sqlstate::kUnableToConnect,
                    absl::StrCat("cannot create a MongoDB client: ", error.message));
  }
  mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
  BsonPtr command = NewBson();
  bson_append_int32(command.get(), "buildInfo", -1, 1);
  bson_t reply;
  if (!mongoc_client_command_simple(client, "admin", command.get(), nullptr, &reply, &error)) {
    bson_destroy(&reply);
    mongoc_client_destroy(client);
    absl::Status status = FromError(error, "connection failed", nullptr);
    std::string_view state = core::SqlStateOf(status) == sqlstate::kInvalidAuthorization
                                 ? sqlstate::kInvalidAuthorization
                                 : sqlstate::kUnableToConnect;
    return core::WithNativeError(SqlError(state, core::FromAbsl(status.message())),
                                 static_cast<int>(error.code));
  }
  std::string version;
  bson_iter_t it;
  if (bson_iter_init_find(&it, &reply, "version") && BSON_ITER_HOLDS_UTF8(&it)) {
    version = bson_iter_utf8(&it, nullptr);
  }
  bson_destroy(&reply);
  std::string server;
  if (const mongoc_host_list_t* hosts = mongoc_uri_get_hosts(uri); hosts != nullptr) {
    server = hosts->host_and_port;
  }
  std::string user = mongoc_uri_get_username(uri) != nullptr ? mongoc_uri_get_username(uri) : "";
  return std::unique_ptr<backend::BackendConnection>(
      std::make_unique<MongoConnection>(client, std::move(database), std::move(server),
                                        std::move(user), std::move(version), settings));
}

}  // namespace quietfetch::mongo
