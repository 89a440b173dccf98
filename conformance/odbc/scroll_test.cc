// Static (scrollable) cursors: SQLFetchScroll in every direction, with row
// arrays bound column-wise and row-wise, row status arrays, rows-fetched
// counts and partial rowsets; SQLSetPos(SQL_POSITION) with SQLGetData;
// SQLExtendedFetch; the cursor attributes; and the refusals (bookmarks,
// positioned changes, SQLBulkOperations).
//
// The scrolling scenarios are differential: one script of moves runs through
// quietfetch and psqlODBC (which holds every result and supports static
// cursors), and every step must agree: return code, rows fetched, row status
// array, the values written to the bound buffers, and the SQLSTATEs.
//
// Intended differences from psqlODBC (each is checked on quietfetch as the
// specification says, and psqlODBC's answer is reported as a quirk):
// - Keyset-driven and dynamic cursors are downgraded to static with 01S02.
//   psqlODBC does the same for dynamic, but keeps keyset-driven when its
//   UpdatableCursors option allows it.
// - SQLSetPos with SQL_REFRESH, SQL_UPDATE, SQL_DELETE or SQL_ADD, row locks
//   (SQL_LOCK_EXCLUSIVE/SQL_LOCK_UNLOCK) and SQLBulkOperations give HYC00:
//   quietfetch cursors are read-only. psqlODBC emulates positioned changes.
// - Bookmarks are not supported: SQL_ATTR_USE_BOOKMARKS other than
//   SQL_UB_OFF, a non-null SQL_ATTR_FETCH_BOOKMARK_PTR and SQL_FETCH_BOOKMARK
//   give HYC00; column 0 in SQLBindCol/SQLGetData is 07009 (bookmarks off).
//   psqlODBC supports bookmarks.
// - SQLSetPos on a forward-only cursor is HYC00 (SQL_FORWARD_ONLY_CURSOR_
//   ATTRIBUTES1 has no SQL_CA1_POS_POSITION): quietfetch streams forward-only
//   results, so rows of an earlier batch are gone.
// - SQL_ATTR_CURSOR_SENSITIVITY = SQL_INSENSITIVE does not turn a forward-only
//   cursor into a static one: a forward-only result already streams from one
//   snapshot, and holding it would cost memory nobody asked for.
// - A backward move (SQL_FETCH_PRIOR, SQL_FETCH_RELATIVE or SQL_FETCH_ABSOLUTE
//   with a negative offset) that lands more than a rowset before row 1 leaves
//   the cursor before the start with SQL_NO_DATA, as the positioning tables
//   say. psqlODBC returns the first rowset with 01S06 instead; the
//   differential run notes it and moves psqlODBC before the start too
//   (SQL_FETCH_ABSOLUTE 0) so the script goes on from the same place.
// - SQL_FETCH_LAST when the rowset is larger than the result returns the
//   whole result with SQL_SUCCESS; psqlODBC adds 01S06, which the
//   specification gives only to moves that would start before row 1.
// - SQL_ATTR_MAX_ROWS limits a static cursor (and its SQLRowCount);
//   psqlODBC ignores the attribute.
// - SQL_ATTR_CURSOR_SCROLLABLE: psqlODBC refuses it (HYC00), so the
//   differential run asks psqlODBC for SQL_CURSOR_STATIC where quietfetch is
//   asked for SQL_SCROLLABLE.
// Through unixODBC, SQL_FETCH_BOOKMARK with bookmarks off is the driver
// manager's HY106, and SQLBulkOperations (reported unsupported by
// SQLGetFunctions, and not exported) is its IM001.
#include <sql.h>
#include <sqlext.h>

#include <array>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

std::string SeriesQuery(int rows) {
  return "SELECT g, 'row ' || g FROM generate_series(1, " + std::to_string(rows) + ") g ORDER BY g";
}

// SQLSTATEs of the handle's records, as a sorted set (order of records is
// not part of the contract).
std::set<std::string> States(HandleRef handle) {
  std::set<std::string> out;
  for (const DiagRecord& record : GetDiagRecords(handle)) out.insert(record.sqlstate);
  return out;
}

std::string Join(const std::set<std::string>& states) {
  std::string out;
  for (const std::string& s : states) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "-" : out;
}

enum class Binding { kColumnWise, kRowWise };

struct Shape {
  const char* name;
  SQLULEN rowset_size;
  Binding binding;
};

const Shape kShapes[] = {
    {"single_row", 1, Binding::kColumnWise},        {"five_columnwise", 5, Binding::kColumnWise},
    {"five_rowwise", 5, Binding::kRowWise},         {"seven_rowwise", 7, Binding::kRowWise},
    {"forty_columnwise", 40, Binding::kColumnWise},
};

struct Step {
  SQLSMALLINT orientation;
  SQLLEN offset;
};

std::string StepName(const Step& step) {
  switch (step.orientation) {
    case SQL_FETCH_NEXT:
      return "NEXT";
    case SQL_FETCH_PRIOR:
      return "PRIOR";
    case SQL_FETCH_FIRST:
      return "FIRST";
    case SQL_FETCH_LAST:
      return "LAST";
    case SQL_FETCH_ABSOLUTE:
      return "ABSOLUTE " + std::to_string(step.offset);
    case SQL_FETCH_RELATIVE:
      return "RELATIVE " + std::to_string(step.offset);
  }
  return "orientation " + std::to_string(step.orientation);
}

// Every rule of the positioning tables is reached by some step for some
// shape and result size: before start, after end, partial rowsets, clamping
// to the first rowset (01S06), negative and zero absolute positions.
const Step kScript[] = {
    {SQL_FETCH_NEXT, 0},       {SQL_FETCH_NEXT, 0},        {SQL_FETCH_PRIOR, 0},
    {SQL_FETCH_PRIOR, 0},      {SQL_FETCH_PRIOR, 0},       {SQL_FETCH_NEXT, 0},
    {SQL_FETCH_LAST, 0},       {SQL_FETCH_NEXT, 0},        {SQL_FETCH_NEXT, 0},
    {SQL_FETCH_PRIOR, 0},      {SQL_FETCH_PRIOR, 0},       {SQL_FETCH_FIRST, 0},
    {SQL_FETCH_ABSOLUTE, 0},   {SQL_FETCH_ABSOLUTE, 1},    {SQL_FETCH_ABSOLUTE, -1},
    {SQL_FETCH_ABSOLUTE, 3},   {SQL_FETCH_PRIOR, 0},       {SQL_FETCH_ABSOLUTE, -23},
    {SQL_FETCH_ABSOLUTE, -25}, {SQL_FETCH_ABSOLUTE, -100}, {SQL_FETCH_ABSOLUTE, 23},
    {SQL_FETCH_ABSOLUTE, 24},  {SQL_FETCH_RELATIVE, -1},   {SQL_FETCH_RELATIVE, 0},
    {SQL_FETCH_RELATIVE, -4},  {SQL_FETCH_RELATIVE, 2},    {SQL_FETCH_ABSOLUTE, 4},
    {SQL_FETCH_RELATIVE, -5},  {SQL_FETCH_ABSOLUTE, 10},   {SQL_FETCH_RELATIVE, -12},
    {SQL_FETCH_RELATIVE, 6},   {SQL_FETCH_RELATIVE, 1000}, {SQL_FETCH_RELATIVE, -2},
    {SQL_FETCH_ABSOLUTE, 20},  {SQL_FETCH_NEXT, 0},        {SQL_FETCH_NEXT, 0},
    {SQL_FETCH_RELATIVE, 0},   {SQL_FETCH_LAST, 0},        {SQL_FETCH_RELATIVE, 1},
    {SQL_FETCH_FIRST, 0},      {SQL_FETCH_RELATIVE, 3},    {SQL_FETCH_PRIOR, 0},
};

bool IsBackward(const Step& step) {
  return step.orientation == SQL_FETCH_PRIOR ||
         ((step.orientation == SQL_FETCH_RELATIVE || step.orientation == SQL_FETCH_ABSOLUTE) &&
          step.offset < 0);
}

// What one SQLFetchScroll did.
struct Observation {
  SQLRETURN rc = 0;
  SQLULEN fetched = 0;
  std::vector<SQLUSMALLINT> status;  // only when rc succeeded
  std::vector<std::string> rows;     // the bound buffers of the fetched rows
  std::set<std::string> states;

  std::string ToString() const {
    std::string out = ReturnCodeName(rc) + " fetched=" + std::to_string(fetched) + " status=[";
    for (SQLUSMALLINT s : status) out += std::to_string(s) + " ";
    out += "] rows=[";
    for (const std::string& r : rows) out += r + " ";
    return out + "] states=" + Join(states);
  }
};

struct RowWise {
  SQLINTEGER id;
  SQLLEN id_indicator;
  char text[24];
  SQLLEN text_indicator;
};

// One statement with a scrollable cursor over a result, bound as `shape`.
class ScrollingStatement {
 public:
  ::testing::AssertionResult Open(const Dbc& dbc, const Shape& shape, const std::string& sql,
                                  SQLINTEGER attribute = SQL_ATTR_CURSOR_TYPE,
                                  SQLULEN value = SQL_CURSOR_STATIC) {
    shape_ = shape;
    stmt_ = AllocStmt(dbc);
    const size_t n = shape.rowset_size;
    ids_.assign(n, 0);
    id_indicators_.assign(n, 0);
    texts_.assign(n, std::array<char, 24>{});
    text_indicators_.assign(n, 0);
    structs_.assign(n, RowWise{});
    status_.assign(n + 1, 0);
    SQLHSTMT s = stmt_.get();
    auto check = [&](const char* what, SQLRETURN rc) { return SqlSucceeded(what, rc, stmt_); };
    ::testing::AssertionResult ok = check(
        "cursor attribute", SQLSetStmtAttr(s, attribute, reinterpret_cast<SQLPOINTER>(value), 0));
    if (!ok) return ok;
    ok = check("SQL_ATTR_ROW_ARRAY_SIZE",
               SQLSetStmtAttr(s, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(n), 0));
    if (!ok) return ok;
    ok = check("SQL_ATTR_ROW_STATUS_PTR",
               SQLSetStmtAttr(s, SQL_ATTR_ROW_STATUS_PTR, status_.data(), 0));
    if (!ok) return ok;
    ok = check("SQL_ATTR_ROWS_FETCHED_PTR",
               SQLSetStmtAttr(s, SQL_ATTR_ROWS_FETCHED_PTR, &fetched_, 0));
    if (!ok) return ok;
    if (shape.binding == Binding::kRowWise) {
      ok = check("SQL_ATTR_ROW_BIND_TYPE",
                 SQLSetStmtAttr(s, SQL_ATTR_ROW_BIND_TYPE,
                                reinterpret_cast<SQLPOINTER>(sizeof(RowWise)), 0));
      if (!ok) return ok;
      ok = check("SQLBindCol 1",
                 SQLBindCol(s, 1, SQL_C_SLONG, &structs_[0].id, 0, &structs_[0].id_indicator));
      if (!ok) return ok;
      ok = check("SQLBindCol 2", SQLBindCol(s, 2, SQL_C_CHAR, structs_[0].text,
                                            sizeof(structs_[0].text), &structs_[0].text_indicator));
      if (!ok) return ok;
    } else {
      ok = check("SQLBindCol 1",
                 SQLBindCol(s, 1, SQL_C_SLONG, ids_.data(), 0, id_indicators_.data()));
      if (!ok) return ok;
      ok = check("SQLBindCol 2",
                 SQLBindCol(s, 2, SQL_C_CHAR, texts_[0].data(), 24, text_indicators_.data()));
      if (!ok) return ok;
    }
    return ExecDirect(stmt_, sql);
  }

  Observation Fetch(const Step& step) {
    // Poison the outputs so that stale values cannot pass for fresh ones.
    std::fill(status_.begin(), status_.end(), 0xEEEE);
    fetched_ = 9999;
    for (size_t i = 0; i < shape_.rowset_size; ++i) {
      ids_[i] = -1;
      structs_[i].id = -1;
      texts_[i][0] = '\0';
      structs_[i].text[0] = '\0';
    }
    Observation o;
    o.rc = SQLFetchScroll(stmt_.get(), step.orientation, step.offset);
    o.states = States(stmt_);
    o.fetched = fetched_;
    if (SQL_SUCCEEDED(o.rc)) {
      o.status.assign(status_.begin(), status_.begin() + shape_.rowset_size);
      EXPECT_EQ(status_[shape_.rowset_size], 0xEEEE) << "row status array overrun";
      for (size_t i = 0; i < fetched_ && i < shape_.rowset_size; ++i) o.rows.push_back(Row(i));
    }
    return o;
  }

  std::string Row(size_t i) const {
    if (shape_.binding == Binding::kRowWise) {
      return std::to_string(structs_[i].id) + ":" + structs_[i].text;
    }
    return std::to_string(ids_[i]) + ":" + texts_[i].data();
  }

  HandleRef handle() const { return stmt_; }
  SQLHSTMT get() const { return stmt_.get(); }

 private:
  Shape shape_{};
  Stmt stmt_;
  std::vector<SQLINTEGER> ids_;
  std::vector<SQLLEN> id_indicators_;
  std::vector<std::array<char, 24>> texts_;
  std::vector<SQLLEN> text_indicators_;
  std::vector<RowWise> structs_;
  std::vector<SQLUSMALLINT> status_;
  SQLULEN fetched_ = 0;
};

// Connects both drivers once per test.
class ScrollFixture {
 protected:
  void ConnectBoth() {
    ASSERT_TRUE(CheckEnvironmentFor(QuietfetchBackend(), &test_env_));
    ASSERT_TRUE(CheckEnvironmentFor(PsqlodbcBackend(), &test_env_));
    env_ = MakeEnv();
    ASSERT_TRUE(env_);
    ASSERT_TRUE(ConnectDsn(env_, QuietfetchBackend(), &quietfetch_));
    ASSERT_TRUE(ConnectDsn(env_, PsqlodbcBackend(), &psqlodbc_));
  }

  TestEnvironment test_env_;
  Env env_;
  Dbc quietfetch_;
  Dbc psqlodbc_;
};

struct ScrollCase {
  Shape shape;
  int rows;
};

void PrintTo(const ScrollCase& c, std::ostream* os) {
  *os << c.shape.name << " over " << c.rows << " rows";
}

class ScrollDifferentialTest : public ::testing::TestWithParam<ScrollCase>, public ScrollFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(ConnectBoth()); }

  void RunScript(SQLINTEGER attribute, SQLULEN value) {
    const ScrollCase& c = GetParam();
    ScrollingStatement qf, ps;
    ASSERT_TRUE(qf.Open(quietfetch_, c.shape, SeriesQuery(c.rows), attribute, value));
    ASSERT_TRUE(ps.Open(psqlodbc_, c.shape, SeriesQuery(c.rows)));
    SQLLEN qf_count = -2, ps_count = -2;
    QF_EXPECT_OK(qf.handle(), SQLRowCount(qf.get(), &qf_count));
    QF_EXPECT_OK(ps.handle(), SQLRowCount(ps.get(), &ps_count));
    EXPECT_EQ(qf_count, c.rows) << "SQLRowCount of a static cursor";
    EXPECT_EQ(qf_count, ps_count);
    for (const Step& step : kScript) {
      SCOPED_TRACE(StepName(step));
      Observation a = qf.Fetch(step);
      Observation b = ps.Fetch(step);
      if (IsBackward(step) && a.rc == SQL_NO_DATA && b.rc == SQL_SUCCESS_WITH_INFO &&
          b.states.count("01S06") != 0 && !b.rows.empty() && b.rows[0].rfind("1:", 0) == 0) {
        NoteQuirk(PsqlodbcBackend(), StepName(step) +
                                         " past the start returns the first rowset with 01S06, "
                                         "not SQL_NO_DATA before the start");
        EXPECT_EQ(a.fetched, 0u);
        Observation resync = ps.Fetch({SQL_FETCH_ABSOLUTE, 0});
        EXPECT_EQ(resync.rc, SQL_NO_DATA);
        continue;
      }
      if (step.orientation == SQL_FETCH_LAST && a.rc == SQL_SUCCESS &&
          b.rc == SQL_SUCCESS_WITH_INFO && b.states == std::set<std::string>{"01S06"} &&
          a.rows == b.rows && a.status == b.status && a.fetched == b.fetched) {
        NoteQuirk(PsqlodbcBackend(),
                  "SQL_FETCH_LAST with a rowset larger than the result adds "
                  "01S06");
        continue;
      }
      EXPECT_EQ(a.ToString(), b.ToString()) << "quietfetch differs from psqlODBC";
    }
  }
};

TEST_P(ScrollDifferentialTest, StaticCursorMovesLikePsqlodbc) {
  RunScript(SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_STATIC);
}

TEST_P(ScrollDifferentialTest, ScrollableAttributeMovesLikePsqlodbc) {
  RunScript(SQL_ATTR_CURSOR_SCROLLABLE, SQL_SCROLLABLE);
}

std::vector<ScrollCase> AllCases() {
  std::vector<ScrollCase> out;
  for (const Shape& shape : kShapes) {
    for (int rows : {23, 3, 0}) out.push_back({shape, rows});
  }
  return out;
}

std::string CaseName(const ::testing::TestParamInfo<ScrollCase>& info) {
  return std::string(info.param.shape.name) + "_" + std::to_string(info.param.rows) + "_rows";
}

INSTANTIATE_TEST_SUITE_P(Shapes, ScrollDifferentialTest, ::testing::ValuesIn(AllCases()), CaseName);

// Rowset size changes between fetches: SQL_FETCH_NEXT steps by the previous
// size, the others use the new one.
class ScrollResizeTest : public ::testing::Test, public ScrollFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(ConnectBoth()); }
};

TEST_F(ScrollResizeTest, RowsetSizeChangesLikePsqlodbc) {
  std::vector<std::string> logs[2];
  const Dbc* dbcs[2] = {&quietfetch_, &psqlodbc_};
  for (int d = 0; d < 2; ++d) {
    Stmt stmt = AllocStmt(*dbcs[d]);
    QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_TYPE,
                                      reinterpret_cast<SQLPOINTER>(SQL_CURSOR_STATIC), 0));
    SQLINTEGER ids[10] = {};
    SQLLEN indicators[10] = {};
    SQLULEN fetched = 0;
    QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0));
    QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, ids, 0, indicators));
    ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(30)));
    const std::pair<SQLULEN, Step> script[] = {
        {3, {SQL_FETCH_NEXT, 0}},  {10, {SQL_FETCH_NEXT, 0}},  {10, {SQL_FETCH_NEXT, 0}},
        {2, {SQL_FETCH_PRIOR, 0}}, {6, {SQL_FETCH_NEXT, 0}},   {4, {SQL_FETCH_LAST, 0}},
        {9, {SQL_FETCH_NEXT, 0}},  {9, {SQL_FETCH_PRIOR, 0}},  {5, {SQL_FETCH_RELATIVE, -2}},
        {1, {SQL_FETCH_NEXT, 0}},  {10, {SQL_FETCH_PRIOR, 0}}, {10, {SQL_FETCH_ABSOLUTE, -30}},
    };
    for (const auto& [size, step] : script) {
      QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                                        reinterpret_cast<SQLPOINTER>(size), 0));
      std::fill(std::begin(ids), std::end(ids), -1);
      SQLRETURN rc = SQLFetchScroll(stmt.get(), step.orientation, step.offset);
      std::string line = "size " + std::to_string(size) + " " + StepName(step) + ": " +
                         ReturnCodeName(rc) + " " + Join(States(stmt));
      if (SQL_SUCCEEDED(rc)) {
        for (SQLULEN i = 0; i < fetched; ++i) line += " " + std::to_string(ids[i]);
      }
      logs[d].push_back(line);
    }
  }
  EXPECT_EQ(logs[0], logs[1]);
}

// SQLSetPos(SQL_POSITION) then SQLGetData, compared with psqlODBC.
TEST_F(ScrollResizeTest, SetPosThenGetDataLikePsqlodbc) {
  std::vector<std::string> logs[2];
  const Dbc* dbcs[2] = {&quietfetch_, &psqlodbc_};
  for (int d = 0; d < 2; ++d) {
    Stmt stmt = AllocStmt(*dbcs[d]);
    QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_TYPE,
                                      reinterpret_cast<SQLPOINTER>(SQL_CURSOR_STATIC), 0));
    QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                                      reinterpret_cast<SQLPOINTER>(5), 0));
    SQLINTEGER ids[5] = {};
    SQLLEN indicators[5] = {};
    QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, ids, 0, indicators));
    ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(23)));
    auto read = [&](const char* what) {
      Cell text;
      EXPECT_TRUE(GetDataAll(stmt, 2, SQL_C_CHAR, &text)) << what;
      SQLINTEGER number = 0;
      SQLLEN indicator = 0;
      SQLRETURN rc = SQLGetData(stmt.get(), 1, SQL_C_SLONG, &number, 0, &indicator);
      logs[d].push_back(std::string(what) + ": " + text.value_or("NULL") + " / " +
                        ReturnCodeName(rc) + " " + std::to_string(number));
    };
    QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_ABSOLUTE, 6));
    read("after fetching rows 6-10");
    for (SQLSETPOSIROW row : {3, 5, 1}) {
      QF_ASSERT_OK(stmt, SQLSetPos(stmt.get(), row, SQL_POSITION, SQL_LOCK_NO_CHANGE));
      read(("row " + std::to_string(row) + " of the rowset").c_str());
    }
    QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_ABSOLUTE, 21));
    QF_ASSERT_OK(stmt, SQLSetPos(stmt.get(), 3, SQL_POSITION, SQL_LOCK_NO_CHANGE));
    read("last row of the partial rowset 21-23");
    SQLRETURN rc = SQLSetPos(stmt.get(), 6, SQL_POSITION, SQL_LOCK_NO_CHANGE);
    logs[d].push_back("row 6 of a rowset of 5: " + ReturnCodeName(rc) + " " + Join(States(stmt)));
    QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_PRIOR, 0));
    QF_ASSERT_OK(stmt, SQLSetPos(stmt.get(), 2, SQL_POSITION, SQL_LOCK_NO_CHANGE));
    read("row 2 after PRIOR");
    logs[d].push_back("bound ids after PRIOR: " + std::to_string(ids[0]) + ".." +
                      std::to_string(ids[4]));
  }
  EXPECT_EQ(logs[0], logs[1]);
}

// SQLExtendedFetch as an ODBC 2 application uses it, compared with psqlODBC.
TEST_F(ScrollResizeTest, ExtendedFetchLikePsqlodbc) {
  SQLHENV raw_env = nullptr;
  ASSERT_EQ(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &raw_env), SQL_SUCCESS);
  Env env2(raw_env);
  QF_ASSERT_OK(env2, SQLSetEnvAttr(env2.get(), SQL_ATTR_ODBC_VERSION,
                                   reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC2), 0));
  std::vector<std::string> logs[2];
  const Backend* backends[2] = {&QuietfetchBackend(), &PsqlodbcBackend()};
  for (int d = 0; d < 2; ++d) {
    Dbc dbc;
    ASSERT_TRUE(ConnectDsn(env2, *backends[d], &dbc));
    Stmt stmt = AllocStmt(dbc);
    QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_CURSOR_TYPE,
                                      reinterpret_cast<SQLPOINTER>(SQL_CURSOR_STATIC), 0));
    QF_ASSERT_OK(stmt,
                 SQLSetStmtAttr(stmt.get(), SQL_ROWSET_SIZE, reinterpret_cast<SQLPOINTER>(4), 0));
    SQLINTEGER ids[4] = {};
    SQLLEN indicators[4] = {};
    QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, ids, 0, indicators));
    ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(10)));
    const Step script[] = {{SQL_FETCH_NEXT, 0},     {SQL_FETCH_NEXT, 0},  {SQL_FETCH_NEXT, 0},
                           {SQL_FETCH_NEXT, 0},     {SQL_FETCH_PRIOR, 0}, {SQL_FETCH_FIRST, 0},
                           {SQL_FETCH_ABSOLUTE, 9}, {SQL_FETCH_LAST, 0},  {SQL_FETCH_RELATIVE, -3}};
    for (const Step& step : script) {
      SQLULEN count = 999;
      SQLUSMALLINT status[5] = {0xEEEE, 0xEEEE, 0xEEEE, 0xEEEE, 0xEEEE};
      std::fill(std::begin(ids), std::end(ids), -1);
      SQLRETURN rc = SQLExtendedFetch(stmt.get(), static_cast<SQLUSMALLINT>(step.orientation),
                                      step.offset, &count, status);
      std::string line = StepName(step) + ": " + ReturnCodeName(rc);
      if (SQL_SUCCEEDED(rc)) {
        line += " count " + std::to_string(count) + " status";
        for (SQLUSMALLINT s : status) line += " " + std::to_string(s);
        for (SQLULEN i = 0; i < count; ++i) line += " " + std::to_string(ids[i]);
      }
      logs[d].push_back(line);
    }
  }
  EXPECT_EQ(logs[0], logs[1]);
}

// Scenarios run on each driver where both should behave as the spec says.
class ScrollApiTest : public BackendTest {
 protected:
  SQLULEN GetAttr(const Stmt& stmt, SQLINTEGER attribute) {
    SQLULEN value = 12345;
    EXPECT_TRUE(SqlSucceeded("SQLGetStmtAttr",
                             SQLGetStmtAttr(stmt.get(), attribute, &value, 0, nullptr), stmt))
        << "attribute " << attribute;
    return value;
  }
  SQLRETURN SetAttr(const Stmt& stmt, SQLINTEGER attribute, SQLULEN value) {
    return SQLSetStmtAttr(stmt.get(), attribute, reinterpret_cast<SQLPOINTER>(value), 0);
  }
};

TEST_P(ScrollApiTest, CursorTypeAndScrollabilityStayConsistent) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_STATIC));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_TYPE), static_cast<SQLULEN>(SQL_CURSOR_STATIC));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_SENSITIVITY), static_cast<SQLULEN>(SQL_INSENSITIVE));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CONCURRENCY), static_cast<SQLULEN>(SQL_CONCUR_READ_ONLY));
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_FORWARD_ONLY));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_TYPE), static_cast<SQLULEN>(SQL_CURSOR_FORWARD_ONLY));
  if (!backend().is_quietfetch()) {
    SQLRETURN rc = SetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE, SQL_SCROLLABLE);
    NoteQuirk(backend(), "SQL_ATTR_CURSOR_SCROLLABLE is refused (" + ReturnCodeName(rc) + " " +
                             Join(States(stmt)) + ")");
    return;
  }
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE), static_cast<SQLULEN>(SQL_NONSCROLLABLE));
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_STATIC));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE), static_cast<SQLULEN>(SQL_SCROLLABLE));
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE, SQL_NONSCROLLABLE));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_TYPE), static_cast<SQLULEN>(SQL_CURSOR_FORWARD_ONLY));
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE, SQL_SCROLLABLE));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_TYPE), static_cast<SQLULEN>(SQL_CURSOR_STATIC));
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_FORWARD_ONLY));
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE), static_cast<SQLULEN>(SQL_NONSCROLLABLE));
  QF_EXPECT_DIAG(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE, 5), SQL_ERROR, "HY024");
}

TEST_P(ScrollApiTest, DynamicCursorIsDowngradedWith01S02) {
  Stmt stmt = AllocStmt(dbc_);
  QF_EXPECT_DIAG(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_DYNAMIC),
                 SQL_SUCCESS_WITH_INFO, "01S02");
  SQLULEN type = GetAttr(stmt, SQL_ATTR_CURSOR_TYPE);
  EXPECT_NE(type, static_cast<SQLULEN>(SQL_CURSOR_DYNAMIC));
  EXPECT_NE(type, static_cast<SQLULEN>(SQL_CURSOR_FORWARD_ONLY));
  if (backend().is_quietfetch()) {
    EXPECT_EQ(type, static_cast<SQLULEN>(SQL_CURSOR_STATIC));
    EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_SCROLLABLE), static_cast<SQLULEN>(SQL_SCROLLABLE));
  }
}

TEST_P(ScrollApiTest, KeysetCursorIsStaticInQuietfetch) {
  Stmt stmt = AllocStmt(dbc_);
  SQLRETURN rc = SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_KEYSET_DRIVEN);
  ASSERT_TRUE(SQL_SUCCEEDED(rc)) << FormatDiag(stmt);
  const bool warned = HasSqlState(stmt, "01S02");
  SQLULEN type = GetAttr(stmt, SQL_ATTR_CURSOR_TYPE);
  if (!backend().is_quietfetch()) {
    NoteQuirk(backend(), "SQL_CURSOR_KEYSET_DRIVEN is " +
                             std::string(rc == SQL_SUCCESS ? "kept" : "changed") +
                             " (cursor type " + std::to_string(type) + ")");
    return;
  }
  EXPECT_EQ(rc, SQL_SUCCESS_WITH_INFO);
  EXPECT_TRUE(warned);
  EXPECT_EQ(type, static_cast<SQLULEN>(SQL_CURSOR_STATIC));
}

TEST_P(ScrollApiTest, ForwardOnlyCursorRefusesOtherDirections) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(5)));
  QF_EXPECT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  for (SQLSMALLINT orientation :
       {SQL_FETCH_PRIOR, SQL_FETCH_FIRST, SQL_FETCH_LAST, SQL_FETCH_ABSOLUTE, SQL_FETCH_RELATIVE}) {
    QF_EXPECT_DIAG(stmt, SQLFetchScroll(stmt.get(), orientation, 1), SQL_ERROR, "HY106")
        << "orientation " << orientation;
  }
  // The cursor is where it was.
  SQLINTEGER id = 0;
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
  EXPECT_EQ(id, 2);
}

TEST_P(ScrollApiTest, CursorTypeCannotChangeWhileOpen) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_STATIC));
  ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(5)));
  QF_EXPECT_DIAG(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_FORWARD_ONLY), SQL_ERROR,
                 "24000");
  EXPECT_EQ(GetAttr(stmt, SQL_ATTR_CURSOR_TYPE), static_cast<SQLULEN>(SQL_CURSOR_STATIC));
  // Closed, the statement runs again, still scrollable.
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
  ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(5)));
  SQLINTEGER id = 0;
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_LAST, 0));
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
  EXPECT_EQ(id, 5);
}

TEST_P(ScrollApiTest, MaxRowsLimitsTheStaticCursor) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_STATIC));
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_MAX_ROWS, 7));
  ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(50)));
  SQLLEN count = -2;
  QF_ASSERT_OK(stmt, SQLRowCount(stmt.get(), &count));
  SQLINTEGER id = 0;
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_LAST, 0));
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
  if (!backend().is_quietfetch() && count == 50 && id == 50) {
    NoteQuirk(backend(), "SQL_ATTR_MAX_ROWS is ignored");
    return;
  }
  EXPECT_EQ(count, 7);
  EXPECT_EQ(id, 7);
  QF_EXPECT_DIAG(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_ABSOLUTE, 8), SQL_NO_DATA, "");
}

TEST_P(ScrollApiTest, SetPosRowNumberOutOfRange) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_STATIC));
  QF_ASSERT_OK(stmt, SetAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, 4));
  SQLINTEGER ids[4] = {};
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, ids, 0, nullptr));
  ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(10)));
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  QF_EXPECT_DIAG(stmt, SQLSetPos(stmt.get(), 5, SQL_POSITION, SQL_LOCK_NO_CHANGE), SQL_ERROR,
                 "HY107");
  QF_EXPECT_OK(stmt, SQLSetPos(stmt.get(), 4, SQL_POSITION, SQL_LOCK_NO_CHANGE));
  SQLINTEGER id = 0;
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
  EXPECT_EQ(id, 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScrollApiTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName);

// quietfetch's own answers where psqlODBC supports more (see the list of
// intended differences at the top).
class ScrollQuietfetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CheckEnvironmentFor(QuietfetchBackend(), &test_env_));
    env_ = MakeEnv();
    ASSERT_TRUE(env_);
    ASSERT_TRUE(ConnectDsn(env_, QuietfetchBackend(), &dbc_));
  }

  Stmt OpenStatic(int rows, SQLULEN rowset_size = 1) {
    Stmt stmt = AllocStmt(dbc_);
    EXPECT_TRUE(SqlSucceeded("SQL_ATTR_CURSOR_SCROLLABLE",
                             SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_SCROLLABLE,
                                            reinterpret_cast<SQLPOINTER>(SQL_SCROLLABLE), 0),
                             stmt));
    EXPECT_TRUE(SqlSucceeded("SQL_ATTR_ROW_ARRAY_SIZE",
                             SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                                            reinterpret_cast<SQLPOINTER>(rowset_size), 0),
                             stmt));
    EXPECT_TRUE(ExecDirect(stmt, SeriesQuery(rows)));
    return stmt;
  }

  SQLUINTEGER InfoUInt(SQLUSMALLINT info) {
    SQLUINTEGER value = 0;
    EXPECT_TRUE(SqlSucceeded("SQLGetInfo",
                             SQLGetInfo(dbc_.get(), info, &value, sizeof(value), nullptr), dbc_))
        << "info " << info;
    return value;
  }

  TestEnvironment test_env_;
  Env env_;
  Dbc dbc_;
};

TEST_F(ScrollQuietfetchTest, SetPosChangesAndLocksAreHYC00) {
  Stmt stmt = OpenStatic(10, 2);
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  for (SQLUSMALLINT operation : {SQL_REFRESH, SQL_UPDATE, SQL_DELETE, SQL_ADD}) {
    QF_EXPECT_DIAG(stmt, SQLSetPos(stmt.get(), 1, operation, SQL_LOCK_NO_CHANGE), SQL_ERROR,
                   "HYC00")
        << "operation " << operation;
  }
  for (SQLUSMALLINT lock : {SQL_LOCK_EXCLUSIVE, SQL_LOCK_UNLOCK}) {
    QF_EXPECT_DIAG(stmt, SQLSetPos(stmt.get(), 1, SQL_POSITION, lock), SQL_ERROR, "HYC00")
        << "lock " << lock;
  }
  QF_EXPECT_DIAG(stmt, SQLSetPos(stmt.get(), 0, SQL_POSITION, SQL_LOCK_NO_CHANGE), SQL_ERROR,
                 "HY109");
  QF_EXPECT_DIAG(stmt, SQLBulkOperations(stmt.get(), SQL_ADD), SQL_ERROR, "IM001");
  // None of that moved the cursor.
  SQLINTEGER id = 0;
  QF_ASSERT_OK(stmt, SQLSetPos(stmt.get(), 2, SQL_POSITION, SQL_LOCK_NO_CHANGE));
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
  EXPECT_EQ(id, 2);
}

TEST_F(ScrollQuietfetchTest, SetPosNeedsARowset) {
  Stmt stmt = OpenStatic(3, 2);
  QF_EXPECT_DIAG(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_PRIOR, 0), SQL_NO_DATA, "");
  QF_EXPECT_DIAG(stmt, SQLSetPos(stmt.get(), 1, SQL_POSITION, SQL_LOCK_NO_CHANGE), SQL_ERROR,
                 "24000");
  SQLINTEGER id = 0;
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr), SQL_ERROR, "24000");
}

TEST_F(ScrollQuietfetchTest, SetPosOnForwardOnlyCursorIsHYC00) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(3)));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  QF_EXPECT_DIAG(stmt, SQLSetPos(stmt.get(), 1, SQL_POSITION, SQL_LOCK_NO_CHANGE), SQL_ERROR,
                 "HYC00");
}

TEST_F(ScrollQuietfetchTest, BookmarksAreRefused) {
  Stmt stmt = AllocStmt(dbc_);
  QF_EXPECT_DIAG(stmt,
                 SQLSetStmtAttr(stmt.get(), SQL_ATTR_USE_BOOKMARKS,
                                reinterpret_cast<SQLPOINTER>(SQL_UB_VARIABLE), 0),
                 SQL_ERROR, "HYC00");
  SQLLEN bookmark = 0;
  QF_EXPECT_DIAG(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_FETCH_BOOKMARK_PTR, &bookmark, 0),
                 SQL_ERROR, "HYC00");
  SQLULEN use = 99;
  QF_ASSERT_OK(stmt, SQLGetStmtAttr(stmt.get(), SQL_ATTR_USE_BOOKMARKS, &use, 0, nullptr));
  EXPECT_EQ(use, static_cast<SQLULEN>(SQL_UB_OFF));
  QF_EXPECT_DIAG(stmt,
                 SQLBindCol(stmt.get(), 0, SQL_C_VARBOOKMARK, &bookmark, sizeof(bookmark), nullptr),
                 SQL_ERROR, "07009");
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_TYPE,
                                    reinterpret_cast<SQLPOINTER>(SQL_CURSOR_STATIC), 0));
  ASSERT_TRUE(ExecDirect(stmt, SeriesQuery(3)));
  QF_EXPECT_DIAG(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_BOOKMARK, 0), SQL_ERROR, "HY106");
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  QF_EXPECT_DIAG(stmt,
                 SQLGetData(stmt.get(), 0, SQL_C_VARBOOKMARK, &bookmark, sizeof(bookmark), nullptr),
                 SQL_ERROR, "07009");
}

TEST_F(ScrollQuietfetchTest, InsensitiveAloneKeepsForwardOnlyAndSensitiveIsRefused) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_SENSITIVITY,
                                    reinterpret_cast<SQLPOINTER>(SQL_INSENSITIVE), 0));
  SQLULEN type = 99;
  QF_ASSERT_OK(stmt, SQLGetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_TYPE, &type, 0, nullptr));
  EXPECT_EQ(type, static_cast<SQLULEN>(SQL_CURSOR_FORWARD_ONLY));
  QF_EXPECT_DIAG(stmt,
                 SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_SENSITIVITY,
                                reinterpret_cast<SQLPOINTER>(SQL_SENSITIVE), 0),
                 SQL_ERROR, "HYC00");
  QF_EXPECT_DIAG(
      stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_TYPE, reinterpret_cast<SQLPOINTER>(77), 0),
      SQL_ERROR, "HY024");
}

TEST_F(ScrollQuietfetchTest, GetDataReadsTheFirstRowOfARowsetUntilSetPos) {
  Stmt stmt = OpenStatic(10, 3);
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_ABSOLUTE, 4));
  SQLINTEGER id = 0;
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
  EXPECT_EQ(id, 4);
  SQLULEN number = 0;
  QF_ASSERT_OK(stmt, SQLGetStmtAttr(stmt.get(), SQL_ATTR_ROW_NUMBER, &number, 0, nullptr));
  EXPECT_EQ(number, 4u);
  QF_ASSERT_OK(stmt, SQLSetPos(stmt.get(), 3, SQL_POSITION, SQL_LOCK_NO_CHANGE));
  QF_ASSERT_OK(stmt, SQLGetStmtAttr(stmt.get(), SQL_ATTR_ROW_NUMBER, &number, 0, nullptr));
  EXPECT_EQ(number, 6u);
  // A long value read in pieces, then positioning again restarts the pieces.
  char piece[3] = {};
  SQLLEN length = 0;
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 2, SQL_C_CHAR, piece, sizeof(piece), &length),
                 SQL_SUCCESS_WITH_INFO, "01004");
  EXPECT_STREQ(piece, "ro");
  QF_ASSERT_OK(stmt, SQLSetPos(stmt.get(), 1, SQL_POSITION, SQL_LOCK_NO_CHANGE));
  Cell text;
  ASSERT_TRUE(GetDataAll(stmt, 2, SQL_C_CHAR, &text));
  EXPECT_EQ(text, "row 4");
}

TEST_F(ScrollQuietfetchTest, InfoDescribesStaticCursors) {
  EXPECT_EQ(InfoUInt(SQL_SCROLL_OPTIONS),
            static_cast<SQLUINTEGER>(SQL_SO_FORWARD_ONLY | SQL_SO_STATIC));
  const SQLUINTEGER static1 = InfoUInt(SQL_STATIC_CURSOR_ATTRIBUTES1);
  for (SQLUINTEGER bit : {SQL_CA1_NEXT, SQL_CA1_ABSOLUTE, SQL_CA1_RELATIVE, SQL_CA1_POS_POSITION,
                          SQL_CA1_LOCK_NO_CHANGE}) {
    EXPECT_TRUE(static1 & bit) << "missing bit " << bit;
  }
  for (SQLUINTEGER bit : {SQL_CA1_BOOKMARK, SQL_CA1_POS_UPDATE, SQL_CA1_POS_DELETE,
                          SQL_CA1_POS_REFRESH, SQL_CA1_BULK_ADD, SQL_CA1_LOCK_EXCLUSIVE}) {
    EXPECT_FALSE(static1 & bit) << "claims bit " << bit;
  }
  EXPECT_TRUE(InfoUInt(SQL_STATIC_CURSOR_ATTRIBUTES2) & SQL_CA2_READ_ONLY_CONCURRENCY);
  EXPECT_EQ(InfoUInt(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1), static_cast<SQLUINTEGER>(SQL_CA1_NEXT));
  EXPECT_EQ(InfoUInt(SQL_KEYSET_CURSOR_ATTRIBUTES1), 0u);
  EXPECT_EQ(InfoUInt(SQL_DYNAMIC_CURSOR_ATTRIBUTES1), 0u);
  EXPECT_EQ(InfoUInt(SQL_POS_OPERATIONS), static_cast<SQLUINTEGER>(SQL_POS_POSITION));
  EXPECT_EQ(InfoUInt(SQL_BOOKMARK_PERSISTENCE), 0u);
  EXPECT_EQ(InfoUInt(SQL_STATIC_SENSITIVITY), 0u);
  EXPECT_EQ(InfoUInt(SQL_CURSOR_SENSITIVITY), static_cast<SQLUINTEGER>(SQL_INSENSITIVE));
  EXPECT_TRUE(InfoUInt(SQL_GETDATA_EXTENSIONS) & SQL_GD_BLOCK);
  const SQLUINTEGER directions = InfoUInt(SQL_FETCH_DIRECTION);
  EXPECT_TRUE(directions & SQL_FD_FETCH_PRIOR);
  EXPECT_TRUE(directions & SQL_FD_FETCH_ABSOLUTE);
  EXPECT_FALSE(directions & SQL_FD_FETCH_BOOKMARK);
  SQLUSMALLINT supported = 0;
  QF_ASSERT_OK(dbc_, SQLGetFunctions(dbc_.get(), SQL_API_SQLSETPOS, &supported));
  EXPECT_EQ(supported, SQL_TRUE);
  QF_ASSERT_OK(dbc_, SQLGetFunctions(dbc_.get(), SQL_API_SQLFETCHSCROLL, &supported));
  EXPECT_EQ(supported, SQL_TRUE);
  QF_ASSERT_OK(dbc_, SQLGetFunctions(dbc_.get(), SQL_API_SQLBULKOPERATIONS, &supported));
  EXPECT_EQ(supported, SQL_FALSE);
}

TEST_F(ScrollQuietfetchTest, StaticCursorOverManyRowsAcrossBatches) {
  // More rows than one batch holds, so rows are found across batches.
  Stmt stmt = OpenStatic(5000, 1);
  SQLLEN count = 0;
  QF_ASSERT_OK(stmt, SQLRowCount(stmt.get(), &count));
  EXPECT_EQ(count, 5000);
  for (SQLLEN at : {5000, 1, 1025, 1024, 4097, 2500}) {
    SQLINTEGER id = 0;
    QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_ABSOLUTE, at));
    QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
    EXPECT_EQ(id, at);
  }
  // Backwards through the whole result.
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_LAST, 0));
  int64_t seen = 1;
  SQLINTEGER expected = 4999;
  while (SQLFetchScroll(stmt.get(), SQL_FETCH_PRIOR, 0) == SQL_SUCCESS) {
    SQLINTEGER id = 0;
    QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &id, 0, nullptr));
    ASSERT_EQ(id, expected--);
    ++seen;
  }
  EXPECT_EQ(seen, 5000);
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
}

}  // namespace
}  // namespace quietfetch::conformance
