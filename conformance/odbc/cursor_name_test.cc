// Cursor names (SQLSetCursorName, SQLGetCursorName and their W forms) against
// quietfetch and psqlODBC: generated names, names set by the application,
// uniqueness within a connection, the reserved prefixes, the open-cursor
// rule and truncation.
//
// Intended differences from psqlODBC (checked for quietfetch, noted as a
// quirk for psqlODBC):
//  - Setting a name while a cursor is open is 24000, as ODBC says; psqlODBC
//    accepts it.
//  - A name longer than SQL_MAX_CURSOR_NAME_LEN (63) is 34000.
//  - psqlODBC returns an empty name until one is set, and accepts duplicate
//    names and the reserved SQL_CUR/SQLCUR prefixes; ODBC asks for
//    generated SQL_CUR names, 3C000 and 34000.
// Positioned UPDATE/DELETE (WHERE CURRENT OF) is not supported by quietfetch,
// so names are only kept and returned.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <string>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

class CursorNameTest : public BackendTest {
 protected:
  static std::string Name(const Stmt& stmt) {
    SQLCHAR buffer[128] = {};
    SQLSMALLINT length = -1;
    EXPECT_TRUE(SQL_SUCCEEDED(SQLGetCursorName(stmt.get(), buffer, sizeof(buffer), &length)))
        << FormatDiag(stmt);
    std::string name(reinterpret_cast<char*>(buffer));
    EXPECT_EQ(length, static_cast<SQLSMALLINT>(name.size()));
    return name;
  }
  static SQLRETURN SetName(const Stmt& stmt, const std::string& name) {
    return SQLSetCursorName(stmt.get(), SqlText(name), SQL_NTS);
  }
};

TEST_P(CursorNameTest, GeneratedNamesAreUniqueAndStable) {
  Stmt first = AllocStmt(dbc_);
  Stmt second = AllocStmt(dbc_);
  const std::string a = Name(first);
  const std::string b = Name(second);
  if (!backend().is_quietfetch() && a.empty()) {
    NoteQuirk(backend(), "generates no cursor names (empty until set)");
    return;
  }
  EXPECT_TRUE(a.starts_with("SQL_CUR")) << a;
  EXPECT_TRUE(b.starts_with("SQL_CUR")) << b;
  EXPECT_NE(a, b);
  EXPECT_EQ(Name(first), a);  // asking again gives the same name
}

TEST_P(CursorNameTest, SetThenGetAndWideForms) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SetName(stmt, "orders_cursor"));
  EXPECT_EQ(Name(stmt), "orders_cursor");
  // The name survives execution and closing.
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 1"));
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
  EXPECT_EQ(Name(stmt), "orders_cursor");

  std::u16string wide = Utf8ToUtf16("n\u00e4me");
  QF_ASSERT_OK(stmt, SQLSetCursorNameW(stmt.get(), AsSqlWchar(wide), SQL_NTS));
  SQLWCHAR buffer[32] = {};
  SQLSMALLINT length = -1;
  QF_ASSERT_OK(stmt, SQLGetCursorNameW(stmt.get(), buffer, 32, &length));
  EXPECT_EQ(length, 4);
  EXPECT_EQ(Utf16ToUtf8(std::u16string(reinterpret_cast<char16_t*>(buffer), 4)), "n\u00e4me");
}

TEST_P(CursorNameTest, DuplicateAndReservedNamesAreRefused) {
  Stmt first = AllocStmt(dbc_);
  Stmt second = AllocStmt(dbc_);
  QF_ASSERT_OK(first, SetName(first, "shared_name"));
  if (!backend().is_quietfetch()) {
    if (SQL_SUCCEEDED(SetName(second, "shared_name"))) {
      NoteQuirk(backend(), "accepts a cursor name another statement carries");
    }
    return;
  }
  QF_EXPECT_DIAG(second, SetName(second, "shared_name"), SQL_ERROR, "3C000");
  QF_EXPECT_DIAG(second, SetName(second, "SQL_CUR42"), SQL_ERROR, "34000");
  QF_EXPECT_DIAG(second, SetName(second, "SQLCUR42"), SQL_ERROR, "34000");
  // The refused names left the statement's own name alone.
  EXPECT_TRUE(Name(second).starts_with("SQL_CUR"));
  // Renaming a statement to its own name is fine.
  QF_EXPECT_OK(first, SetName(first, "shared_name"));
}

TEST_P(CursorNameTest, BadArguments) {
  Stmt stmt = AllocStmt(dbc_);
  const std::string too_long(64, 'c');
  if (backend().is_quietfetch()) {
    QF_EXPECT_DIAG(stmt, SetName(stmt, too_long), SQL_ERROR, "34000");
  } else if (SQL_SUCCEEDED(SetName(stmt, too_long))) {
    NoteQuirk(backend(), "accepts a 64-character cursor name");
  }
  // Truncation: 01004 and the full length.
  QF_ASSERT_OK(stmt, SetName(stmt, "abcdefgh"));
  SQLCHAR small[4] = {};
  SQLSMALLINT length = -1;
  QF_EXPECT_DIAG(stmt, SQLGetCursorName(stmt.get(), small, sizeof(small), &length),
                 SQL_SUCCESS_WITH_INFO, "01004");
  EXPECT_EQ(length, 8);
  EXPECT_STREQ(reinterpret_cast<char*>(small), "abc");
}

TEST_P(CursorNameTest, NotWhileACursorIsOpen) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 1"));
  SQLRETURN rc = SetName(stmt, "late_name");
  if (backend().is_quietfetch()) {
    EXPECT_EQ(rc, SQL_ERROR);
    EXPECT_TRUE(HasSqlState(stmt, "24000")) << FormatDiag(stmt);
  } else if (SQL_SUCCEEDED(rc)) {
    NoteQuirk(backend(), "accepts SQLSetCursorName with an open cursor");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CursorNameTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName);

}  // namespace
}  // namespace quietfetch::conformance
