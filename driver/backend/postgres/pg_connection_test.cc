// Integration tests against the dev server: connecting, types through
// parameters and results, statements and transactions.
#include "driver/backend/postgres/pg_connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "driver/backend/postgres/pg_connection_internal.h"
#include "driver/backend/postgres/pg_test_util.h"
#include "driver/backend/postgres/value_decoder.h"
#include "driver/core/status.h"

namespace quietfetch::pg {
namespace {

using backend::LogicalType;
using testing::Double;
using testing::FillUntilError;
using testing::Int;
using testing::Null;
using testing::NullValue;
using testing::P;
using testing::PgServerTest;
using testing::Query;
using testing::QueryResult;
using testing::Str;
using testing::Value;

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// One value back from "SELECT <expression>".
Value One(backend::BackendConnection& connection, std::string_view sql,
          std::vector<backend::Param> params = {}, LogicalType* type = nullptr) {
  absl::StatusOr<QueryResult> result = Query(connection, sql, std::move(params));
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status();
  if (!result.ok() || result->rows.size() != 1 || result->rows[0].size() != 1) {
    ADD_FAILURE() << sql << ": expected one value";
    return NullValue();
  }
  if (type != nullptr) *type = result->columns[0].type;
  return result->rows[0][0];
}

class ConnectTest : public PgServerTest {};

TEST_F(ConnectTest, ReportsServerAndSession) {
  EXPECT_TRUE(connection_->IsAlive());
  EXPECT_EQ(connection_->ServerVersion().substr(0, 3), "15.");
  EXPECT_EQ(connection_->DatabaseName(), settings_.database);
  EXPECT_EQ(connection_->UserName(), settings_.user);
  EXPECT_EQ(connection_->ServerName(), settings_.host);
  EXPECT_EQ(One(*connection_, "SHOW client_encoding"), Str("UTF8"));
  EXPECT_EQ(One(*connection_, "SHOW DateStyle").bytes.substr(0, 3), "ISO");
  EXPECT_EQ(One(*connection_, "SELECT current_setting('application_name')"),
            Str("quietfetch-pg-test"));
}

TEST_F(ConnectTest, MultiHostListFallsThroughToALiveServer) {
  backend::ConnectionSettings settings = settings_;
  settings.host = settings_.host + "," + settings_.host;
  settings.port = std::to_string(testing::FreePort()) + "," + settings_.port;
  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> connection = Connect(settings);
  ASSERT_TRUE(connection.ok()) << connection.status();
  EXPECT_EQ(One(**connection, "SELECT 1"), Int(1));
  EXPECT_EQ((*connection)->ServerName(), settings_.host);
}

TEST_F(ConnectTest, WrongPasswordIs28000WithoutThePassword) {
  backend::ConnectionSettings settings = settings_;
  settings.password = "not-the-Secret-9f3k";
  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> connection = Connect(settings);
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(core::SqlStateOf(connection.status()), "28000") << connection.status();
  EXPECT_NE(connection.status().message().find("password authentication failed"), std::string::npos)
      << connection.status();
  EXPECT_EQ(connection.status().message().find("not-the-Secret-9f3k"), std::string::npos);
  EXPECT_EQ(connection.status().message().find('\n'), std::string::npos);
}

TEST_F(ConnectTest, NoServerListeningIs08001) {
  backend::ConnectionSettings settings = settings_;
  settings.port = std::to_string(testing::FreePort());
  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> connection = Connect(settings);
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(core::SqlStateOf(connection.status()), "08001") << connection.status();
  EXPECT_NE(connection.status().message().find("Connection refused"), std::string::npos)
      << connection.status();
  EXPECT_EQ(connection.status().message().find(settings.password), std::string::npos);
}

TEST_F(ConnectTest, UnknownHostIs08001) {
  backend::ConnectionSettings settings = settings_;
  settings.host = "no-such-host.invalid";
  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> connection = Connect(settings);
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(core::SqlStateOf(connection.status()), "08001") << connection.status();
}

TEST_F(ConnectTest, LibpqOptionsArePassedThrough) {
  backend::ConnectionSettings settings = settings_;
  settings.libpq_options = "options='-c work_mem=7MB' application_name = 'quoted name'";
  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> connection = Connect(settings);
  ASSERT_TRUE(connection.ok()) << connection.status();
  EXPECT_EQ(One(**connection, "SHOW work_mem"), Str("7MB"));
  EXPECT_EQ(One(**connection, "SHOW application_name"), Str("quoted name"));
}

TEST_F(ConnectTest, BadLibpqOptionsDoNotEchoPasswords) {
  backend::ConnectionSettings settings = settings_;
  settings.libpq_options = "password=abc secretword";
  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> connection = Connect(settings);
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(core::SqlStateOf(connection.status()), "08001");
  EXPECT_EQ(connection.status().message().find("secretword"), std::string::npos)
      << connection.status();
}

class TypesTest : public PgServerTest {};

TEST_F(TypesTest, ParametersRoundTrip) {
  struct Case {
    LogicalType type;
    std::string data;
    Value expected;
    LogicalType result_type;
  };
  const Case cases[] = {
      {LogicalType::kInt16, "-12", Int(-12), LogicalType::kInt16},
      {LogicalType::kInt32, "2147483647", Int(2147483647), LogicalType::kInt32},
      {LogicalType::kInt64, "-9000000000", Int(-9000000000), LogicalType::kInt64},
      {LogicalType::kFloat32, "1.5", Double(1.5), LogicalType::kFloat32},
      {LogicalType::kFloat32, "0.1", Double(static_cast<double>(0.1f)), LogicalType::kFloat32},
      {LogicalType::kFloat64, "0.1", Double(0.1), LogicalType::kFloat64},
      {LogicalType::kBool, "1", Int(1), LogicalType::kBool},
      {LogicalType::kBool, "f", Int(0), LogicalType::kBool},
      {LogicalType::kNumeric, "-12.340", Str("-12.340"), LogicalType::kNumeric},
      {LogicalType::kNumeric, "NaN", Str("NaN"), LogicalType::kNumeric},
      {LogicalType::kNumeric, "123456789012345678901234567890.000000000000000000001",
       Str("123456789012345678901234567890.000000000000000000001"), LogicalType::kNumeric},
      {LogicalType::kDate, "2024-01-31", Int(19753), LogicalType::kDate},
      {LogicalType::kDate, "infinity", Int(kMaxDateDays), LogicalType::kDate},
      {LogicalType::kTime, "13:45:30.123456", Int(49530123456), LogicalType::kTime},
      {LogicalType::kTimestamp, "2024-01-31 12:00:00.5", Int(1706702400500000),
       LogicalType::kTimestamp},
      {LogicalType::kTimestampTz, "2024-07-01 14:00:00+02", Int(1719835200000000),
       LogicalType::kTimestampTz},
      {LogicalType::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
       Str(Unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11")), LogicalType::kUuid},
      {LogicalType::kJson, R"({"a": [1, 2]})", Str(R"({"a": [1, 2]})"), LogicalType::kJson},
      {LogicalType::kText, "h\xc3\xa9llo", Str("h\xc3\xa9llo"), LogicalType::kText},
      {LogicalType::kBytes, std::string("\x00\xff\x01", 3), Str(std::string("\x00\xff\x01", 3)),
       LogicalType::kBytes},
      {LogicalType::kUnknown, "inferred", Str("inferred"), LogicalType::kText},
  };
  for (const Case& c : cases) {
    LogicalType type;
    EXPECT_EQ(One(*connection_, "SELECT ?", {P(c.type, c.data)}, &type), c.expected) << c.data;
    EXPECT_EQ(type, c.result_type) << c.data;
    EXPECT_EQ(One(*connection_, "SELECT ?", {Null(c.type)}), NullValue()) << c.data;
  }
}

TEST_F(TypesTest, ParametersIntoATable) {
  ASSERT_TRUE(Query(*connection_,
                    "CREATE TEMP TABLE typed (i2 int2, i8 int8, n numeric(10,3), d date, "
                    "ts timestamp, j jsonb, b bytea, v varchar(20), c char(5), u uuid)")
                  .ok());
  absl::StatusOr<QueryResult> insert =
      Query(*connection_,
            "INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?,?,?,?,?,?,?,?,?,?)",
            {P(LogicalType::kInt16, "7"),
             P(LogicalType::kInt64, "8"),
             P(LogicalType::kNumeric, "1.5"),
             P(LogicalType::kDate, "2000-02-29"),
             P(LogicalType::kTimestamp, "1999-12-31 23:59:59"),
             P(LogicalType::kUnknown, R"({"k":true})"),
             P(LogicalType::kBytes, "raw"),
             P(LogicalType::kUnknown, "abc"),
             P(LogicalType::kUnknown, "ab"),
             P(LogicalType::kUnknown, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
             Null(LogicalType::kInt16),
             Null(LogicalType::kInt64),
             Null(LogicalType::kNumeric),
             Null(LogicalType::kDate),
             Null(LogicalType::kTimestamp),
             Null(LogicalType::kUnknown),
             Null(LogicalType::kBytes),
             Null(LogicalType::kUnknown),
             Null(LogicalType::kUnknown),
             Null(LogicalType::kUnknown)});
  ASSERT_TRUE(insert.ok()) << insert.status();
  EXPECT_EQ(insert->rows_affected, 2);

  absl::StatusOr<QueryResult> result =
      Query(*connection_, "SELECT * FROM typed ORDER BY i2 NULLS LAST");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->rows.size(), 2u);
  const std::vector<Value> expected = {Int(7),
                                       Int(8),
                                       Str("1.500"),
                                       Int(11016),
                                       Int(946684799000000),
                                       Str(R"({"k": true})"),
                                       Str("raw"),
                                       Str("abc"),
                                       Str("ab   "),
                                       Str(Unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11"))};
  EXPECT_EQ(result->rows[0], expected);
  for (const Value& value : result->rows[1]) EXPECT_EQ(value, NullValue());
  EXPECT_EQ(result->rows_affected, 2);

  const std::vector<backend::ColumnInfo>& columns = result->columns;
  EXPECT_EQ(columns[2].type_name, "numeric");
  EXPECT_EQ(columns[2].precision, 10);
  EXPECT_EQ(columns[2].scale, 3);
  EXPECT_EQ(columns[7].type_name, "varchar");
  EXPECT_EQ(columns[7].size, 20);
  EXPECT_EQ(columns[8].type_name, "bpchar");
  EXPECT_EQ(columns[8].size, 5);
  EXPECT_EQ(columns[5].type, LogicalType::kJson);
  EXPECT_EQ(columns[9].type_oid, 2950u);
  EXPECT_EQ(columns[0].name, "i2");
}

// The same values through binary results and through text results (an
// interval column forces the whole result into text) must agree.
TEST_F(TypesTest, BinaryAndTextResultsAgree) {
  const std::string columns =
      "true, 's'::\"char\", 'n'::name, 42::int2, 42::int4, -42::int8, 4000000000::oid, "
      "1.5::float4, 0.1::float8, 'NaN'::float8, '-Infinity'::float4, 12.340::numeric, "
      "'-0.00012'::numeric, 'Infinity'::numeric, 0.00::numeric, 'x'::text, 'ab'::char(4), "
      "'\\x00ff'::bytea, '2024-01-31'::date, '0044-03-15 BC'::date, '-infinity'::date, "
      "'13:45:30.123456'::time, '2024-01-31 12:00:00.5'::timestamp, 'infinity'::timestamp, "
      "'1900-01-01 00:00:00'::timestamp, '2024-07-01 12:00:00+00'::timestamptz, "
      "'1800-01-01 00:00:00+00'::timestamptz, '2024-01-15 12:00:00+00'::timestamptz, "
      "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{\"a\":1}'::json, "
      "'{\"b\": [1, 2]}'::jsonb, '<a>b</a>'::xml, NULL::int4";
  for (const char* zone : {"UTC", "Europe/Berlin", "America/New_York", "+05:30",
                           "EST5EDT4,M3.2.0,M11.1.0", "Australia/Sydney"}) {
    ASSERT_TRUE(Query(*connection_, std::string("SET TIME ZONE '") + zone + "'").ok());
    absl::StatusOr<QueryResult> binary = Query(*connection_, "SELECT " + columns);
    absl::StatusOr<QueryResult> text =
        Query(*connection_, "SELECT " + columns + ", '1 day'::interval");
    ASSERT_TRUE(binary.ok()) << binary.status();
    ASSERT_TRUE(text.ok()) << text.status();
    ASSERT_EQ(binary->rows.size(), 1u);
    ASSERT_EQ(text->rows.size(), 1u);
    ASSERT_EQ(text->rows[0].size(), binary->rows[0].size() + 1);
    for (size_t i = 0; i < binary->rows[0].size(); ++i) {
      EXPECT_EQ(binary->rows[0][i], text->rows[0][i])
          << zone << ": column " << i + 1 << " " << binary->columns[i].type_name;
      EXPECT_EQ(binary->columns[i].type, text->columns[i].type);
    }
    EXPECT_EQ(text->rows[0].back(), Str("1 day"));
  }
}

TEST_F(TypesTest, SessionTimeZoneShiftsTimestampTz) {
  const char* sql = "SELECT '2024-07-01 12:00:00+00'::timestamptz";
  EXPECT_EQ(One(*connection_, sql), Int(1719835200000000));
  ASSERT_TRUE(Query(*connection_, "SET TIME ZONE 'Europe/Berlin'").ok());
  EXPECT_EQ(One(*connection_, sql), Int(1719835200000000 + 7200000000));
  ASSERT_TRUE(Query(*connection_, "SET TIME ZONE 5").ok());
  EXPECT_EQ(One(*connection_, sql), Int(1719835200000000 + 5 * 3600000000LL));
  ASSERT_TRUE(Query(*connection_, "SET TIME ZONE 'UTC+3'").ok());
  EXPECT_EQ(One(*connection_, sql), Int(1719835200000000 - 3 * 3600000000LL));
}

TEST_F(TypesTest, TypesWithoutCanonicalFormAreServerText) {
  ASSERT_TRUE(Query(*connection_, "CREATE TYPE pg_temp.mood AS ENUM ('sad', 'happy')").ok());
  absl::StatusOr<QueryResult> result = Query(
      *connection_,
      "SELECT '1 day 02:00'::interval, '10.0.0.1/8'::inet, ARRAY[1,2], '12:00:00+02'::timetz, "
      "12.5::money, int4range(1, 5), 'happy'::pg_temp.mood, '08:00:2b:01:02:03'::macaddr");
  ASSERT_TRUE(result.ok()) << result.status();
  const std::vector<Value> expected = {Str("1 day 02:00:00"), Str("10.0.0.1/8"),       Str("{1,2}"),
                                       Str("12:00:00+02"),    Str("$12.50"),           Str("[1,5)"),
                                       Str("happy"),          Str("08:00:2b:01:02:03")};
  EXPECT_EQ(result->rows.at(0), expected);
  EXPECT_EQ(result->columns[0].type, LogicalType::kUnknown);
  EXPECT_EQ(result->columns[0].type_name, "interval");
  EXPECT_EQ(result->columns[2].type_name, "_int4");
  EXPECT_EQ(result->columns[6].type, LogicalType::kText);
  EXPECT_EQ(result->columns[6].type_name, "mood");

  // An enum alone has a binary decoder (its label).
  EXPECT_EQ(One(*connection_, "SELECT 'sad'::pg_temp.mood"), Str("sad"));
}

class StatementTest : public PgServerTest {};

TEST_F(StatementTest, DescribeWithoutRunning) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE described (id int8, name varchar(30))").ok());
  absl::StatusOr<backend::StatementDescription> description = connection_->Describe(
      "INSERT INTO described VALUES (?, ?) RETURNING id, name, 'x'::text AS extra");
  ASSERT_TRUE(description.ok()) << description.status();
  ASSERT_EQ(description->columns.size(), 3u);
  EXPECT_EQ(description->columns[0].name, "id");
  EXPECT_EQ(description->columns[0].type, LogicalType::kInt64);
  EXPECT_EQ(description->columns[1].size, 30);
  EXPECT_EQ(description->parameter_types,
            (std::vector<LogicalType>{LogicalType::kInt64, LogicalType::kText}));
  EXPECT_EQ(One(*connection_, "SELECT count(*) FROM described"), Int(0));

  absl::StatusOr<backend::StatementDescription> bad = connection_->Describe("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(core::SqlStateOf(bad.status()), "42601");
}

TEST_F(StatementTest, CountsParameters) {
  EXPECT_EQ(connection_->CountParameters("SELECT ?, '?', \"?\", $$?$$ -- ?\n, ?"), 2);
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = connection_->Execute("SELECT ?", {});
  ASSERT_FALSE(cursor.ok());
  EXPECT_EQ(core::SqlStateOf(cursor.status()), "07002");
}

TEST_F(StatementTest, OdbcEscapes) {
  EXPECT_EQ(One(*connection_, "SELECT {d '2024-01-31'}"), Int(19753));
  EXPECT_EQ(One(*connection_, "SELECT {fn ucase(?)}", {P(LogicalType::kUnknown, "abc")}),
            Str("ABC"));
  EXPECT_EQ(One(*connection_, "SELECT {ts '2024-01-31 12:00:00.5'}"), Int(1706702400500000));
  EXPECT_EQ(One(*connection_, "SELECT 'a_c' LIKE 'a!_c' {escape '!'}"), Int(1));
}

// Every result of a multi-statement text, in turn (Cursor::NextResult).
absl::StatusOr<std::vector<QueryResult>> AllResults(backend::BackendConnection& connection,
                                                    std::string_view sql) {
  QF_ASSIGN_OR_RETURN(std::unique_ptr<backend::Cursor> cursor, connection.Execute(sql, {}));
  std::vector<QueryResult> results;
  while (true) {
    QF_ASSIGN_OR_RETURN(QueryResult result, testing::ReadAll(*cursor));
    results.push_back(std::move(result));
    QF_ASSIGN_OR_RETURN(bool more, cursor->NextResult());
    if (!more) return results;
  }
}

TEST_F(StatementTest, SeveralStatementsGiveEachResultInTurn) {
  absl::StatusOr<std::vector<QueryResult>> results =
      AllResults(*connection_,
                 "CREATE TEMP TABLE multi (a int); INSERT INTO multi VALUES (1), (2); SELECT "
                 "'second', 2; SELECT a FROM multi WHERE a < 0; SELECT a FROM multi ORDER BY a;");
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 5u);
  EXPECT_TRUE((*results)[0].columns.empty());
  EXPECT_TRUE((*results)[1].columns.empty());
  EXPECT_EQ((*results)[1].rows_affected, 2);
  ASSERT_EQ((*results)[2].columns.size(), 2u);
  ASSERT_EQ((*results)[2].rows.size(), 1u);
  EXPECT_EQ((*results)[2].rows[0][0], Str("second"));
  ASSERT_EQ((*results)[3].columns.size(), 1u);  // no rows, but columns
  EXPECT_TRUE((*results)[3].rows.empty());
  const QueryResult& last = (*results)[4];
  ASSERT_EQ(last.columns.size(), 1u);
  EXPECT_EQ(last.columns[0].type, LogicalType::kInt32);
  ASSERT_EQ(last.rows.size(), 2u);
  EXPECT_EQ(last.rows[1][0], Int(2));
  EXPECT_EQ(last.rows_affected, 2);

  // An error ends the text where it happens and comes with that result.
  absl::StatusOr<std::unique_ptr<backend::Cursor>> failing =
      connection_->Execute("SELECT 1; SELECT 1/0; SELECT 2", {});
  ASSERT_TRUE(failing.ok()) << failing.status();
  absl::StatusOr<QueryResult> first = testing::ReadAll(**failing);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->rows.size(), 1u);
  absl::StatusOr<bool> next = (*failing)->NextResult();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(core::SqlStateOf(next.status()), "22012") << next.status();
  next = (*failing)->NextResult();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next);
  EXPECT_EQ(One(*connection_, "SELECT 3"), Int(3));

  absl::StatusOr<std::unique_ptr<backend::Cursor>> with_params =
      connection_->Execute("SELECT ?; SELECT 2", std::vector{P(LogicalType::kInt32, "1")});
  EXPECT_FALSE(with_params.ok());
}

TEST_F(StatementTest, LaterResultsSurviveAnotherStatement) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT g FROM generate_series(1, 100) g; SELECT 'b'", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  // Another statement on the connection makes the cursor buffer the rest.
  EXPECT_EQ(One(*connection_, "SELECT 9"), Int(9));
  absl::StatusOr<QueryResult> first = testing::ReadAll(**cursor);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->rows.size(), 100u);
  absl::StatusOr<bool> next = (*cursor)->NextResult();
  ASSERT_TRUE(next.ok() && *next) << next.status();
  absl::StatusOr<QueryResult> second = testing::ReadAll(**cursor);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->rows.size(), 1u);
  EXPECT_EQ(second->rows[0][0], Str("b"));
  next = (*cursor)->NextResult();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next);
}

TEST_F(StatementTest, ClosingDiscardsLaterResults) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT 1; SELECT 2; SELECT 3", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  ASSERT_TRUE((*cursor)->Close().ok());
  absl::StatusOr<bool> next = (*cursor)->NextResult();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next);
  EXPECT_EQ(One(*connection_, "SELECT 4"), Int(4));
}

TEST_F(StatementTest, BatchRunsEverySetInOnePipeline) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE batch (id int PRIMARY KEY, v text)").ok());
  std::vector<std::vector<backend::Param>> sets;
  for (int i = 1; i <= 1500; ++i) {
    sets.push_back({P(LogicalType::kInt32, std::to_string(i)),
                    i % 5 == 0 ? Null(LogicalType::kText) : P(LogicalType::kText, "v")});
  }
  sets[9][0] = P(LogicalType::kInt32, "1");  // a duplicate key: set 10 fails
  auto results = connection_->ExecuteBatch("INSERT INTO batch VALUES (?, ?)", sets);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), sets.size());
  // Autocommit: each set is its own transaction, the others still run.
  EXPECT_EQ(core::SqlStateOf((*results)[9].status), "23505");
  int ran = 0;
  for (const auto& result : *results) {
    if (result.ran && result.status.ok()) {
      ++ran;
      EXPECT_EQ(result.rows_affected, 1);
    }
  }
  EXPECT_EQ(ran, 1499);
  EXPECT_EQ(One(*connection_, "SELECT count(*) FROM batch"), Int(1499));

  // In a transaction the first failure ends the batch.
  ASSERT_TRUE(connection_->SetAutocommit(false).ok());
  std::vector<std::vector<backend::Param>> more = {
      {P(LogicalType::kInt32, "5000"), P(LogicalType::kText, "a")},
      {P(LogicalType::kInt32, "1"), P(LogicalType::kText, "b")},
      {P(LogicalType::kInt32, "5001"), P(LogicalType::kText, "c")}};
  results = connection_->ExecuteBatch("INSERT INTO batch VALUES (?, ?)", more);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_TRUE((*results)[0].ran && (*results)[0].status.ok());
  EXPECT_EQ(core::SqlStateOf((*results)[1].status), "23505");
  EXPECT_FALSE((*results)[2].ran);
  EXPECT_TRUE((*results)[2].status.ok());
  ASSERT_TRUE(connection_->Rollback().ok());
  ASSERT_TRUE(connection_->SetAutocommit(true).ok());

  // A cached statement the server has forgotten is prepared again.
  ASSERT_TRUE(Query(*connection_, "DEALLOCATE ALL").ok());
  const std::vector<std::vector<backend::Param>> after_deallocate = {
      {P(LogicalType::kInt32, "6000"), P(LogicalType::kText, "d")}};
  results = connection_->ExecuteBatch("INSERT INTO batch VALUES (?, ?)", after_deallocate);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_TRUE((*results)[0].ran && (*results)[0].status.ok()) << (*results)[0].status;

  // Not batchable: the caller runs the sets itself.
  auto query = connection_->ExecuteBatch("SELECT ?::int", {{{P(LogicalType::kInt32, "1")}}});
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.status().code(), absl::StatusCode::kUnimplemented);
  auto returning = connection_->ExecuteBatch("INSERT INTO batch VALUES (?, 'r') RETURNING id",
                                             {{{P(LogicalType::kInt32, "7000")}}});
  ASSERT_FALSE(returning.ok());
  EXPECT_EQ(returning.status().code(), absl::StatusCode::kUnimplemented);
  // A statement the server rejects fails as a whole.
  auto bad = connection_->ExecuteBatch("INSERT INTO no_such_table VALUES (?)",
                                       {{{P(LogicalType::kInt32, "1")}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(core::SqlStateOf(bad.status()), "42P01");
  EXPECT_EQ(One(*connection_, "SELECT 6"), Int(6));
}

TEST_F(StatementTest, NativeSqlKeepsMarkers) {
  EXPECT_EQ(connection_->NativeSql("SELECT {fn ucase(?)} WHERE x = ?"),
            "SELECT upper(?) WHERE x = ?");
}

TEST_F(StatementTest, ServerErrorsKeepTheirState) {
  absl::StatusOr<QueryResult> syntax = Query(*connection_, "SELEC 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(core::SqlStateOf(syntax.status()), "42601");
  EXPECT_NE(syntax.status().message().find("syntax error"), std::string::npos);

  absl::StatusOr<QueryResult> missing = Query(*connection_, "SELECT * FROM no_such_table_qf");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(core::SqlStateOf(missing.status()), "42P01");

  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE uniq (k int PRIMARY KEY)").ok());
  ASSERT_TRUE(Query(*connection_, "INSERT INTO uniq VALUES (1)").ok());
  absl::StatusOr<QueryResult> duplicate = Query(*connection_, "INSERT INTO uniq VALUES (1)");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(core::SqlStateOf(duplicate.status()), "23505");
  EXPECT_NE(duplicate.status().message().find("detail: Key (k)=(1) already exists"),
            std::string::npos)
      << duplicate.status();

  absl::StatusOr<std::unique_ptr<backend::Cursor>> nul = connection_->Execute(
      "SELECT ?", std::vector{P(LogicalType::kUnknown, std::string("a\0b", 3))});
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(core::SqlStateOf(nul.status()), "22018");
}

TEST_F(StatementTest, ErrorAfterSomeRowsComesAfterThoseRows) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT 10 / (5000 - i) FROM generate_series(1, 10000) i", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  size_t rows = 0;
  absl::Status error = FillUntilError(**cursor, 1, 700, &rows);
  EXPECT_EQ(core::SqlStateOf(error), "22012") << error;
  EXPECT_EQ(rows, 4999u);
  EXPECT_EQ(One(*connection_, "SELECT 1"), Int(1));
}

TEST_F(StatementTest, StaleCachedStatementsArePreparedAgain) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE evolving (a int)").ok());
  ASSERT_TRUE(Query(*connection_, "INSERT INTO evolving VALUES (1)").ok());
  absl::StatusOr<QueryResult> before = Query(*connection_, "SELECT * FROM evolving");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->columns.size(), 1u);
  ASSERT_TRUE(Query(*connection_, "ALTER TABLE evolving ADD COLUMN b text DEFAULT 'x'").ok());
  absl::StatusOr<QueryResult> after = Query(*connection_, "SELECT * FROM evolving");
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->columns.size(), 2u);
  EXPECT_EQ(after->rows.at(0)[1], Str("x"));

  ASSERT_TRUE(Query(*connection_, "DEALLOCATE ALL").ok());
  absl::StatusOr<QueryResult> again = Query(*connection_, "SELECT * FROM evolving");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->rows.size(), 1u);
}

TEST_F(StatementTest, StatementCacheIsBounded) {
  auto* pg = static_cast<PgConnection*>(connection_.get());
  for (int i = 0; i < 150; ++i) {
    ASSERT_EQ(One(*connection_, "SELECT " + std::to_string(i)), Int(i));
  }
  EXPECT_LE(pg->cached_statement_count(), StatementCache::kDefaultCapacity);
  // Evicted statements are deallocated on the server as well.
  const Value prepared = One(*connection_, "SELECT count(*) FROM pg_prepared_statements");
  EXPECT_LE(prepared.i64, static_cast<int64_t>(StatementCache::kDefaultCapacity) + 2);
}

TEST_F(StatementTest, UtilityStatementsBypassTheCache) {
  auto* pg = static_cast<PgConnection*>(connection_.get());
  const size_t before = pg->cached_statement_count();
  ASSERT_TRUE(Query(*connection_, "SET work_mem = '5MB'").ok());
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE utility (a int)").ok());
  EXPECT_EQ(One(*connection_, "SHOW work_mem"), Str("5MB"));
  EXPECT_EQ(pg->cached_statement_count(), before);
  ASSERT_TRUE(Query(*connection_, "SELECT 1").ok());
  EXPECT_EQ(pg->cached_statement_count(), before + 1);
}

TEST_F(StatementTest, CopyIsRefusedCleanly) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE copied (a int)").ok());
  for (const char* sql : {"COPY copied FROM STDIN", "COPY (SELECT 1) TO STDOUT",
                          "SELECT 1; COPY copied FROM STDIN; SELECT 2"}) {
    absl::StatusOr<std::vector<QueryResult>> result = AllResults(*connection_, sql);
    ASSERT_FALSE(result.ok()) << sql;
    EXPECT_EQ(core::SqlStateOf(result.status()), "HYC00") << sql << ": " << result.status();
    EXPECT_EQ(One(*connection_, "SELECT 5"), Int(5)) << sql;
  }
}

class TransactionTest : public PgServerTest {};

TEST_F(TransactionTest, ManualCommitAndRollback) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE ledger (v int)").ok());
  EXPECT_FALSE(connection_->InTransaction());
  ASSERT_TRUE(connection_->SetAutocommit(false).ok());
  EXPECT_FALSE(connection_->InTransaction());  // begins with the next statement
  ASSERT_TRUE(Query(*connection_, "INSERT INTO ledger VALUES (1)").ok());
  EXPECT_TRUE(connection_->InTransaction());
  ASSERT_TRUE(connection_->Rollback().ok());
  EXPECT_FALSE(connection_->InTransaction());
  EXPECT_EQ(One(*connection_, "SELECT count(*) FROM ledger"), Int(0));
  ASSERT_TRUE(Query(*connection_, "INSERT INTO ledger VALUES (2)").ok());
  ASSERT_TRUE(connection_->Commit().ok());
  ASSERT_TRUE(connection_->Rollback().ok());  // nothing open: no-op
  EXPECT_EQ(One(*connection_, "SELECT sum(v) FROM ledger"), Int(2));

  // Switching autocommit on commits the open transaction.
  ASSERT_TRUE(Query(*connection_, "INSERT INTO ledger VALUES (3)").ok());
  ASSERT_TRUE(connection_->SetAutocommit(true).ok());
  EXPECT_FALSE(connection_->InTransaction());
  ASSERT_TRUE(connection_->Rollback().ok());
  EXPECT_EQ(One(*connection_, "SELECT sum(v) FROM ledger"), Int(5));
}

TEST_F(TransactionTest, CommitOfAFailedTransactionReportsTheRollback) {
  ASSERT_TRUE(connection_->SetAutocommit(false).ok());
  EXPECT_FALSE(Query(*connection_, "SELECT 1/0").ok());
  EXPECT_TRUE(connection_->InTransaction());
  absl::Status commit = connection_->Commit();
  EXPECT_EQ(core::SqlStateOf(commit), "40000") << commit;
  EXPECT_FALSE(connection_->InTransaction());
  EXPECT_EQ(One(*connection_, "SELECT 1"), Int(1));
}

TEST_F(TransactionTest, IsolationLevel) {
  ASSERT_TRUE(connection_->SetIsolationLevel(8).ok());
  EXPECT_EQ(One(*connection_, "SHOW transaction_isolation"), Str("serializable"));
  ASSERT_TRUE(connection_->SetIsolationLevel(4).ok());
  EXPECT_EQ(One(*connection_, "SHOW transaction_isolation"), Str("repeatable read"));
  ASSERT_TRUE(connection_->SetIsolationLevel(2).ok());
  EXPECT_EQ(One(*connection_, "SHOW transaction_isolation"), Str("read committed"));
  EXPECT_EQ(core::SqlStateOf(connection_->SetIsolationLevel(3)), "HY024");
}

TEST_F(TransactionTest, CancelFromAnotherThread) {
  std::thread canceller([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(connection_->Cancel().ok());
  });
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT pg_sleep(30)", {});
  canceller.join();
  ASSERT_FALSE(cursor.ok());
  EXPECT_EQ(core::SqlStateOf(cursor.status()), "57014") << cursor.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(One(*connection_, "SELECT 1"), Int(1));
}

}  // namespace
}  // namespace quietfetch::pg
