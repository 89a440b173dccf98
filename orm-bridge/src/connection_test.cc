// The bridge against the real PostgreSQL test server (QF_PG_* environment,
// which the project's scripts always set; missing means failure, not skip).
#include "quietfetch/orm/connection.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gc-policy/quietfetch_gc.h"
#include "orm-bridge/src/test_connection.h"

namespace {

struct Entry {
  std::string id;
  quietfetch::orm::Timestamp created_date;
  int32_t some_random_number = 0;
};

struct EntryView {
  std::string_view id;
  int64_t some_random_number = 0;
};

struct AllTypes {
  int16_t i2 = 0;
  int32_t i4 = 0;
  int64_t i8 = 0;
  double f8 = 0;
  float f4 = 0;
  bool b = false;
  std::string text;
  std::string num_text;
  double num_double = 0;
  std::vector<std::byte> bytes;
  quietfetch::orm::Uuid uuid;
  std::string uuid_text;
  std::string json;
  quietfetch::orm::Timestamp ts;
  std::chrono::system_clock::time_point tstz;
  std::chrono::sys_days day;
  std::optional<int32_t> null_int;
  std::optional<std::string> null_text;
};

struct Item {
  int64_t id = 0;
  std::string name;
  std::optional<double> price;
  quietfetch::orm::Timestamp added;
};

}  // namespace

template <>
struct quietfetch::orm::Mapping<Entry> {
  static constexpr auto kFields =
      Fields(Field("id", &Entry::id), Field("created_date", &Entry::created_date),
             Field("some_random_number", &Entry::some_random_number));
};

template <>
struct quietfetch::orm::Mapping<EntryView> {
  static constexpr auto kFields = Fields(
      Field("id", &EntryView::id), Field("some_random_number", &EntryView::some_random_number));
};

template <>
struct quietfetch::orm::Mapping<AllTypes> {
  static constexpr auto kFields =
      Fields(Field("i2", &AllTypes::i2), Field("i4", &AllTypes::i4), Field("i8", &AllTypes::i8),
             Field("f8", &AllTypes::f8), Field("f4", &AllTypes::f4), Field("b", &AllTypes::b),
             Field("text", &AllTypes::text), Field("num_text", &AllTypes::num_text),
             Field("num_double", &AllTypes::num_double), Field("bytes", &AllTypes::bytes),
             Field("uuid", &AllTypes::uuid), Field("uuid_text", &AllTypes::uuid_text),
             Field("json", &AllTypes::json), Field("ts", &AllTypes::ts),
             Field("tstz", &AllTypes::tstz), Field("day", &AllTypes::day),
             Field("null_int", &AllTypes::null_int), Field("null_text", &AllTypes::null_text));
};

template <>
struct quietfetch::orm::Mapping<Item> {
  static constexpr auto kFields =
      Fields(Field("id", &Item::id), Field("name", &Item::name), Field("price", &Item::price),
             Field("added", &Item::added));
};

namespace quietfetch::orm {
namespace {

using std::chrono::microseconds;

class OrmLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string text = ConnectionString();
    ASSERT_FALSE(text.empty()) << "live tests need the QF_PG_* environment of scripts/pg.sh";
    absl::StatusOr<Connection> conn = Connection::Open(text);
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_.emplace(*std::move(conn));
  }

  void MakeItems() {
    ASSERT_TRUE(conn_
                    ->Execute("CREATE TEMP TABLE items (id int8 PRIMARY KEY, name text NOT NULL, "
                              "price float8, added timestamptz)")
                    .ok());
  }

  int64_t CountItems() {
    absl::StatusOr<int64_t> count = conn_->QueryOne<int64_t>("SELECT count(*) FROM items");
    EXPECT_TRUE(count.ok()) << count.status();
    return count.value_or(-1);
  }

  std::optional<Connection> conn_;
};

TEST_F(OrmLiveTest, AllTypes) {
  absl::StatusOr<std::vector<AllTypes>> rows = conn_->Query<AllTypes>(
      "SELECT 1::int2 AS i2, -2::int4 AS i4, 9000000000::int8 AS i8, 2.5::float8 AS f8, "
      "0.5::float4 AS f4, true AS b, 'h\u00e9llo'::text AS text, 12.340::numeric AS num_text, "
      "'1.25'::numeric AS num_double, '\\x00ff'::bytea AS bytes, "
      "'12345678-9abc-def0-0123-456789abcdef'::uuid AS uuid, "
      "'12345678-9abc-def0-0123-456789abcdef'::uuid AS uuid_text, "
      "'{\"a\": [1, 2]}'::jsonb AS json, '2024-01-31 12:00:00.5'::timestamp AS ts, "
      "'2024-01-31 12:00:00+02'::timestamptz AS tstz, '2024-01-31'::date AS day, "
      "NULL::int4 AS null_int, NULL::text AS null_text");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  const AllTypes& row = rows->front();
  EXPECT_EQ(row.i2, 1);
  EXPECT_EQ(row.i4, -2);
  EXPECT_EQ(row.i8, 9'000'000'000);
  EXPECT_EQ(row.f8, 2.5);
  EXPECT_EQ(row.f4, 0.5f);
  EXPECT_TRUE(row.b);
  EXPECT_EQ(row.text, "h\xC3\xA9llo");
  EXPECT_EQ(row.num_text, "12.340");
  EXPECT_EQ(row.num_double, 1.25);
  ASSERT_EQ(row.bytes.size(), 2u);
  EXPECT_EQ(row.bytes[1], std::byte{0xff});
  EXPECT_EQ(row.uuid.ToString(), "12345678-9abc-def0-0123-456789abcdef");
  EXPECT_EQ(row.uuid_text, "12345678-9abc-def0-0123-456789abcdef");
  EXPECT_EQ(row.json, "{\"a\": [1, 2]}");
  const auto day = std::chrono::sys_days(std::chrono::year(2024) / 1 / 31);
  EXPECT_EQ(row.ts, Timestamp(day) + std::chrono::hours(12) + std::chrono::milliseconds(500));
  // The session runs in UTC, so timestamptz is the instant.
  EXPECT_EQ(row.tstz, day + std::chrono::hours(10));
  EXPECT_EQ(row.day, day);
  EXPECT_EQ(row.null_int, std::nullopt);
  EXPECT_EQ(row.null_text, std::nullopt);
}

TEST_F(OrmLiveTest, ParametersAreRealParameters) {
  // A string that would break a spliced statement comes back intact.
  const std::string tricky = "it's; DROP TABLE x; --";
  absl::StatusOr<std::string> echoed = conn_->QueryOne<std::string>("SELECT ?::text", tricky);
  ASSERT_TRUE(echoed.ok()) << echoed.status();
  EXPECT_EQ(*echoed, tricky);

  const Timestamp ts =
      Timestamp(std::chrono::sys_days(std::chrono::year(2023) / 6 / 1)) + microseconds(123'456);
  absl::StatusOr<std::vector<Item>> items = conn_->Query<Item>(
      "SELECT ?::int8 AS id, ? AS name, ?::float8 AS price, ?::timestamptz AS added", int64_t{5},
      "five", std::optional<double>(), ts);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].id, 5);
  EXPECT_EQ((*items)[0].name, "five");
  EXPECT_EQ((*items)[0].price, std::nullopt);
  EXPECT_EQ((*items)[0].added, ts);

  absl::StatusOr<std::vector<Entry>> entries = conn_->Query<Entry>(
      "SELECT * FROM some_entries WHERE some_random_number = ? ORDER BY id", 42);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_GT(entries->size(), 0u);
  for (const Entry& entry : *entries) {
    EXPECT_EQ(entry.some_random_number, 42);
    EXPECT_TRUE(Uuid::Parse(entry.id).ok()) << entry.id;
  }
}

TEST_F(OrmLiveTest, NullIntoNonOptionalFails) {
  absl::StatusOr<std::vector<int32_t>> rows = conn_->Query<int32_t>("SELECT NULL::int4 AS n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(SqlState(rows.status()), "22002");
  absl::StatusOr<std::vector<std::optional<int32_t>>> optional =
      conn_->Query<std::optional<int32_t>>("SELECT NULL::int4 AS n UNION ALL SELECT 3");
  ASSERT_TRUE(optional.ok()) << optional.status();
  EXPECT_EQ(*optional, (std::vector<std::optional<int32_t>>{std::nullopt, 3}));
}

TEST_F(OrmLiveTest, Errors) {
  absl::Status status = conn_->Query<int>("SELEC 1").status();
  EXPECT_EQ(SqlState(status), "42601") << status;
  status = conn_->Query<int>("SELECT * FROM no_such_table").status();
  EXPECT_EQ(SqlState(status), "42P01") << status;
  // The column type is checked before any row: named, with both types.
  status = conn_
               ->Query<Entry>(
                   "SELECT id, created_date, 'x'::text AS some_random_number "
                   "FROM some_entries LIMIT 1")
               .status();
  EXPECT_EQ(SqlState(status), "07006") << status;
  EXPECT_NE(status.message().find("some_random_number"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("int32_t"), absl::string_view::npos) << status;
  status = conn_->Query<int>("SELECT ?::int4", 1, 2).status();
  EXPECT_EQ(SqlState(status), "07002") << status;
  status = conn_->QueryOne<int>("SELECT 1 WHERE false").status();
  EXPECT_EQ(SqlState(status), "02000") << status;
  // The connection is still usable after errors.
  EXPECT_EQ(*conn_->QueryOne<int>("SELECT 7"), 7);

  absl::StatusOr<Connection> bad = Connection::Open(ConnectionString("Pasword=x"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Pasword"), absl::string_view::npos) << bad.status();
  bad = Connection::Open(ConnectionString("PWD=wrong"));
  EXPECT_EQ(SqlState(bad.status()), "28000") << bad.status();
}

TEST_F(OrmLiveTest, StreamingErrorShowsInStatus) {
  auto stream = conn_->Stream<int32_t>("SELECT 1/(3 - g)::int4 FROM generate_series(1, 5) g");
  int rows = 0;
  for (int32_t value : stream) {
    (void)value;
    ++rows;
  }
  EXPECT_EQ(rows, 2);
  EXPECT_EQ(SqlState(stream.status()), "22012") << stream.status();
  auto bad = conn_->Stream<int32_t>("SELECT nonsense");
  EXPECT_EQ(bad.begin(), bad.end());
  EXPECT_EQ(SqlState(bad.status()), "42703") << bad.status();
}

TEST_F(OrmLiveTest, StreamsReferenceTableWithViews) {
  auto stream = conn_->Stream<EntryView>("SELECT id, some_random_number FROM some_entries");
  int64_t rows = 0;
  int64_t sum = 0;
  size_t id_bytes = 0;
  for (const EntryView& entry : stream) {
    ++rows;
    sum += entry.some_random_number;
    id_bytes += entry.id.size();
  }
  ASSERT_TRUE(stream.status().ok()) << stream.status();
  EXPECT_EQ(rows, 100'000);
  EXPECT_EQ(id_bytes, 100'000u * 36);
  EXPECT_EQ(sum,
            *conn_->QueryOne<int64_t>("SELECT sum(some_random_number)::int8 FROM some_entries"));
}

TEST_F(OrmLiveTest, StreamingMemoryIsBounded) {
  // A million rows with a 100-byte text each: about 100 MB of values, read
  // through one batch whose memory must not grow with the result.
  auto stream = conn_->Stream<Item>(
      "SELECT g::int8 AS id, repeat('x', 100) AS name, g * 0.5 AS price, "
      "'2024-01-01'::timestamp AS added FROM generate_series(1, 1000000) g");
  int64_t rows = 0;
  size_t after_first_batch = 0;
  size_t peak = 0;
  for (const Item& item : stream) {
    ++rows;
    if (rows == 2000) after_first_batch = stream.batch_memory();
    peak = std::max(peak, stream.batch_memory());
    if (item.id != rows) {
      ADD_FAILURE() << "row " << rows << " has id " << item.id;
      break;
    }
  }
  ASSERT_TRUE(stream.status().ok()) << stream.status();
  EXPECT_EQ(rows, 1'000'000);
  EXPECT_GT(after_first_batch, 0u);
  EXPECT_EQ(peak, after_first_batch) << "the batch grew with the result";
  EXPECT_LT(peak, size_t{4} << 20);
}

TEST_F(OrmLiveTest, TransactionsCommitAndRollBack) {
  MakeItems();
  const Timestamp now = std::chrono::floor<microseconds>(std::chrono::system_clock::now());
  {
    absl::StatusOr<Transaction> tx = conn_->Begin();
    ASSERT_TRUE(tx.ok()) << tx.status();
    EXPECT_TRUE(conn_->InTransaction());
    EXPECT_EQ(SqlState(conn_->Begin().status()), "25000");
    ASSERT_TRUE(
        conn_->Execute("INSERT INTO items VALUES (?, ?, ?, ?)", int64_t{1}, "one", 1.5, now).ok());
    ASSERT_TRUE(tx->Rollback().ok());
    EXPECT_EQ(SqlState(tx->Commit()), "25000");
  }
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(CountItems(), 0);
  {
    absl::StatusOr<Transaction> tx = conn_->Begin();
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_TRUE(
        conn_->Execute("INSERT INTO items VALUES (?, ?, ?, ?)", int64_t{1}, "one", 1.5, now).ok());
    // Destroyed without Commit: rolled back.
  }
  EXPECT_EQ(CountItems(), 0);
  {
    absl::StatusOr<Transaction> tx = conn_->Begin();
    ASSERT_TRUE(tx.ok()) << tx.status();
    absl::StatusOr<int64_t> affected =
        conn_->Execute("INSERT INTO items VALUES (?, ?, ?, ?)", int64_t{1}, "one", 1.5, now);
    ASSERT_TRUE(affected.ok()) << affected.status();
    EXPECT_EQ(*affected, 1);
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(CountItems(), 1);
  absl::StatusOr<Item> item = conn_->QueryOne<Item>("SELECT * FROM items");
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(item->added, now);
  EXPECT_EQ(item->price, 1.5);

  // A failed statement: the commit reports the aborted transaction.
  absl::StatusOr<Transaction> tx = conn_->Begin();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(SqlState(conn_->Execute("INSERT INTO items VALUES (1, 'dup', NULL, NULL)").status()),
            "23505");
  absl::Status commit = tx->Commit();
  EXPECT_EQ(SqlState(commit), "40000") << commit;
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(CountItems(), 1);
}

TEST_F(OrmLiveTest, BatchedInsertAndUpdate) {
  MakeItems();
  std::vector<Item> items(2'500);
  const Timestamp base = Timestamp(std::chrono::sys_days(std::chrono::year(2024) / 3 / 1));
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].id = static_cast<int64_t>(i + 1);
    items[i].name = absl::StrCat("item ", i + 1);
    if (i % 3 != 0) items[i].price = static_cast<double>(i) / 4;
    items[i].added = base + std::chrono::seconds(i);
  }
  absl::StatusOr<int64_t> inserted = conn_->Insert("items", items);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_EQ(*inserted, 2'500);
  absl::StatusOr<std::vector<Item>> back = conn_->Query<Item>("SELECT * FROM items ORDER BY id");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ((*back)[i].name, items[i].name);
    EXPECT_EQ((*back)[i].price, items[i].price);
    EXPECT_EQ((*back)[i].added, items[i].added);
  }

  // Atomic: a duplicate key in the last chunk leaves nothing behind.
  std::vector<Item> more(1'500);
  for (size_t i = 0; i < more.size(); ++i) {
    more[i].id = static_cast<int64_t>(10'000 + i);
    more[i].name = "more";
  }
  more.back().id = 1;
  EXPECT_EQ(SqlState(conn_->Insert("items", more).status()), "23505");
  EXPECT_EQ(CountItems(), 2'500);

  for (Item& item : items) {
    item.name += " (updated)";
    item.price = std::nullopt;
  }
  items.push_back(Item{.id = 99'999, .name = "absent", .price = std::nullopt, .added = base});
  absl::StatusOr<int64_t> updated = conn_->Update("items", items, "id");
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(*updated, 2'500);
  EXPECT_EQ(*conn_->QueryOne<int64_t>(
                "SELECT count(*) FROM items WHERE name LIKE '%(updated)' AND price IS NULL"),
            2'500);

  EXPECT_EQ(SqlState(conn_->Update("items", items, "nope").status()), "07009");
  EXPECT_EQ(SqlState(conn_->Insert("items; DROP TABLE items", items).status()), "42602");
  EXPECT_EQ(CountItems(), 2'500);
}

// The library's process-wide collector state, through the C API it exports
// (its gc-policy copy is inside libquietfetch_orm.so).
quietfetch_gc_process_stats GcStats() {
  quietfetch_gc_process_stats stats{};
  EXPECT_EQ(quietfetch_gc_process_stats_get(&stats), 0);
  return stats;
}

TEST_F(OrmLiveTest, BulkResultsOpenCollectorWindow) {
  const quietfetch_gc_process_stats before = GcStats();
  // Below GcBulkRows (1000): no window.
  ASSERT_TRUE(conn_->Query<int64_t>("SELECT generate_series(1, 10)::int8").ok());
  EXPECT_EQ(GcStats().windows_opened, before.windows_opened);
  // A bulk result opens the unit-of-work window, kept after the result ends
  // (the application builds its objects then) ...
  ASSERT_TRUE(conn_->Query<int64_t>("SELECT generate_series(1, 5000)::int8").ok());
  EXPECT_EQ(GcStats().windows_opened, before.windows_opened + 1);
  EXPECT_EQ(GcStats().windows_open, 1);
  // ... until the next statement in autocommit mode.
  ASSERT_TRUE(conn_->Query<int64_t>("SELECT 1::int8").ok());
  EXPECT_EQ(GcStats().windows_open, 0);

  // In a transaction the window lasts until commit.
  absl::StatusOr<Transaction> tx = conn_->Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(conn_->Query<int64_t>("SELECT generate_series(1, 5000)::int8").ok());
  ASSERT_TRUE(conn_->Query<int64_t>("SELECT 1::int8").ok());
  EXPECT_EQ(GcStats().windows_open, 1);
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_EQ(GcStats().windows_open, 0);

  // GcPolicy=off: never a window.
  absl::StatusOr<Connection> off = Connection::Open(ConnectionString("GcPolicy=off"));
  ASSERT_TRUE(off.ok()) << off.status();
  const int64_t opened = GcStats().windows_opened;
  ASSERT_TRUE(off->Query<int64_t>("SELECT generate_series(1, 5000)::int8").ok());
  EXPECT_EQ(GcStats().windows_opened, opened);

  // GcWindow=statement: the window ends with the stream.
  absl::StatusOr<Connection> statement = Connection::Open(ConnectionString("GcWindow=statement"));
  ASSERT_TRUE(statement.ok()) << statement.status();
  {
    auto stream = statement->Stream<int64_t>("SELECT generate_series(1, 5000)::int8");
    int64_t rows = 0;
    for (int64_t value : stream) rows += value > 0;
    EXPECT_EQ(rows, 5000);
  }
  EXPECT_EQ(GcStats().windows_opened, opened + 1);
  EXPECT_EQ(GcStats().windows_open, 0);
}

TEST_F(OrmLiveTest, ConnectionMovesAndStreamsKeepSession) {
  auto stream = conn_->Stream<int64_t>("SELECT generate_series(1, 3000)::int8");
  Connection moved = *std::move(conn_);
  conn_.reset();
  int64_t sum = 0;
  for (int64_t value : stream) sum += value;
  ASSERT_TRUE(stream.status().ok()) << stream.status();
  EXPECT_EQ(sum, int64_t{3000} * 3001 / 2);
  EXPECT_EQ(*moved.QueryOne<int>("SELECT 5"), 5);
}

}  // namespace
}  // namespace quietfetch::orm

// The bridge on the MongoDB backend: the same mapping and calls, with a
// MongoUri connection string (MONGODB_URI, which the project's test script
// sets beside the PostgreSQL server, with the reference collection loaded).
TEST(OrmMongoTest, QueriesAndStreamsTheReferenceCollection) {
  const char* uri = std::getenv("MONGODB_URI");
  if (uri == nullptr || *uri == '\0') {
    GTEST_SKIP() << "MONGODB_URI is not set (scripts/mongo.sh start writes it)";
  }
  auto conn =
      quietfetch::orm::Connection::Open(absl::StrCat("MongoUri={", uri, "};ConnectTimeout=10"));
  ASSERT_TRUE(conn.ok()) << conn.status();

  auto count = conn->QueryOne<int64_t>("SELECT COUNT(*) FROM some_entries");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 100'000);

  auto small = conn->Query<Entry>(
      "SELECT id, created_date, some_random_number FROM some_entries "
      "WHERE some_random_number <= ? ORDER BY some_random_number, id LIMIT 50",
      10);
  ASSERT_TRUE(small.ok()) << small.status();
  ASSERT_FALSE(small->empty());
  for (size_t i = 0; i < small->size(); ++i) {
    const Entry& entry = (*small)[i];
    EXPECT_EQ(entry.id.size(), 36u) << entry.id;
    EXPECT_GE(entry.some_random_number, 1);
    EXPECT_LE(entry.some_random_number, 10);
    if (i > 0) {
      EXPECT_LE((*small)[i - 1].some_random_number, entry.some_random_number);
    }
    EXPECT_GT(entry.created_date.time_since_epoch().count(), 0);
  }

  auto stream = conn->Stream<EntryView>("SELECT id, some_random_number FROM some_entries");
  int64_t rows = 0;
  for (const EntryView& entry : stream) {
    ++rows;
    EXPECT_EQ(entry.id.size(), 36u);
  }
  ASSERT_TRUE(stream.status().ok()) << stream.status();
  EXPECT_EQ(rows, 100'000);

  // What the MongoDB backend does not do is an error naming it.
  auto join = conn->Query<Entry>("SELECT a.id FROM some_entries a JOIN other b ON a.id = b.id");
  ASSERT_FALSE(join.ok());
  EXPECT_EQ(join.status().code(), absl::StatusCode::kUnimplemented) << join.status();
}
