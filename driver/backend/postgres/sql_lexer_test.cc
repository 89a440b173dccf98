#include "driver/backend/postgres/sql_lexer.h"

#include <gtest/gtest.h>

namespace quietfetch::pg {
namespace {

std::string Rewrite(std::string_view sql) { return RewriteSql(sql).text; }

TEST(SqlLexerTest, NumbersMarkers) {
  const RewrittenSql r = RewriteSql("SELECT * FROM t WHERE a = ? AND b IN (?, ?)");
  EXPECT_EQ(r.text, "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
  EXPECT_EQ(r.parameter_count, 3);
  EXPECT_EQ(r.statement_count, 1);
  EXPECT_EQ(r.first_keyword, "SELECT");
}

TEST(SqlLexerTest, SkipsStringLiterals) {
  EXPECT_EQ(Rewrite("SELECT '?', 'it''s ?', ?"), "SELECT '?', 'it''s ?', $1");
  EXPECT_EQ(CountParameters("SELECT 'a?b'"), 0);
}

TEST(SqlLexerTest, EscapeStringsUseBackslashes) {
  EXPECT_EQ(Rewrite(R"(SELECT E'\'?', ?)"), R"(SELECT E'\'?', $1)");
  EXPECT_EQ(Rewrite(R"(SELECT e'a\\', ?)"), R"(SELECT e'a\\', $1)");
  // In a standard literal a backslash is just a character.
  EXPECT_EQ(Rewrite(R"(SELECT 'a\', ?)"), R"(SELECT 'a\', $1)");
}

TEST(SqlLexerTest, IdentifierEndingInEIsNotAnEscapeString) {
  EXPECT_EQ(Rewrite("SELECT some'x', ?"), "SELECT some'x', $1");
}

TEST(SqlLexerTest, NonStandardStringsHonourBackslashes) {
  LexOptions options;
  options.standard_conforming_strings = false;
  EXPECT_EQ(RewriteSql(R"(SELECT 'a\'?', ?)", options).text, R"(SELECT 'a\'?', $1)");
}

TEST(SqlLexerTest, SkipsQuotedIdentifiers) {
  EXPECT_EQ(Rewrite(R"(SELECT "wh?""at" FROM t WHERE x = ?)"),
            R"(SELECT "wh?""at" FROM t WHERE x = $1)");
}

TEST(SqlLexerTest, SkipsDollarQuotes) {
  EXPECT_EQ(Rewrite("SELECT $$ ? $$, $tag$ ?'$$ $tag$, ?"), "SELECT $$ ? $$, $tag$ ?'$$ $tag$, $1");
  // Positional parameters and identifiers with '$' are not quotes.
  EXPECT_EQ(Rewrite("SELECT a$b, $1, ?"), "SELECT a$b, $1, $1");
}

TEST(SqlLexerTest, SkipsComments) {
  EXPECT_EQ(Rewrite("SELECT ? -- what?\n, ?"), "SELECT $1 -- what?\n, $2");
  EXPECT_EQ(Rewrite("SELECT /* a /* nested ? */ still ? */ ?"),
            "SELECT /* a /* nested ? */ still ? */ $1");
}

TEST(SqlLexerTest, UnterminatedTokensPassThrough) {
  EXPECT_EQ(Rewrite("SELECT 'abc ?"), "SELECT 'abc ?");
  EXPECT_EQ(Rewrite("SELECT /* ?"), "SELECT /* ?");
  EXPECT_EQ(Rewrite("SELECT $x$ ?"), "SELECT $x$ ?");
  EXPECT_EQ(Rewrite("SELECT E'\\"), "SELECT E'\\");
}

TEST(SqlLexerTest, CountsStatements) {
  EXPECT_EQ(RewriteSql("SELECT 1").statement_count, 1);
  EXPECT_EQ(RewriteSql("SELECT 1;").statement_count, 1);
  EXPECT_EQ(RewriteSql("SELECT 1; -- trailing comment\n").statement_count, 1);
  EXPECT_EQ(RewriteSql("SELECT 1;; ;SELECT 2").statement_count, 2);
  EXPECT_EQ(RewriteSql("SELECT ';'; SELECT \";\"").statement_count, 2);
  EXPECT_EQ(RewriteSql("").statement_count, 0);
  EXPECT_EQ(RewriteSql("  /* only */ ").statement_count, 0);
}

TEST(SqlLexerTest, BeginAtomicBodiesDoNotSplit) {
  const RewrittenSql r = RewriteSql(
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true "
      "THEN 2 END; END; SELECT f()");
  EXPECT_EQ(r.statement_count, 2);
  // A column named "begin" is not a body.
  EXPECT_EQ(RewriteSql("CREATE TABLE t (begin int); SELECT 1").statement_count, 2);
}

TEST(SqlLexerTest, FirstKeyword) {
  EXPECT_EQ(RewriteSql("  select 1").first_keyword, "SELECT");
  EXPECT_EQ(RewriteSql("((SELECT 1))").first_keyword, "SELECT");
  EXPECT_EQ(RewriteSql("/* c */ with x as (select 1) select * from x").first_keyword, "WITH");
  EXPECT_EQ(RewriteSql("; insert into t values (1)").first_keyword, "INSERT");
  EXPECT_EQ(RewriteSql("DEALLOCATE ALL").first_keyword, "DEALLOCATE");
  EXPECT_EQ(RewriteSql("'x'").first_keyword, "");
}

TEST(SqlLexerTest, ContentEndDropsTrailingSemicolonsAndComments) {
  auto body = [](std::string_view sql) {
    const RewrittenSql r = RewriteSql(sql);
    return r.text.substr(0, r.content_end);
  };
  EXPECT_EQ(body("SELECT 1"), "SELECT 1");
  EXPECT_EQ(body("SELECT 1 ;  ; -- done\n"), "SELECT 1");
  EXPECT_EQ(body("-- lead\nSELECT a -- trailing"), "-- lead\nSELECT a");
  EXPECT_EQ(body("SELECT 'x;' /* c */"), "SELECT 'x;'");
  EXPECT_EQ(body("SELECT $$a -- b$$\n"), "SELECT $$a -- b$$");
  EXPECT_EQ(body("SELECT {d '2024-01-31'} ;"), "SELECT DATE '2024-01-31'");
  EXPECT_EQ(body("SELECT {fn ucase('a')}"), "SELECT upper('a')");
  EXPECT_EQ(body("  -- only a comment"), "");
}

TEST(SqlLexerTest, DateTimeEscapes) {
  EXPECT_EQ(Rewrite("SELECT {d '2024-01-31'}, {t '12:00:00'}, {ts '2024-01-31 12:00:00'}"),
            "SELECT DATE '2024-01-31', TIME '12:00:00', TIMESTAMP '2024-01-31 12:00:00'");
  EXPECT_EQ(Rewrite("SELECT { D '2024-01-31' }"), "SELECT DATE '2024-01-31' ");
}

TEST(SqlLexerTest, FunctionEscapes) {
  EXPECT_EQ(Rewrite("SELECT {fn abs(?)}"), "SELECT abs($1)");
  EXPECT_EQ(Rewrite("SELECT {fn UCASE({fn concat(a, 'b}')})}"), "SELECT upper(concat(a, 'b}'))");
  EXPECT_EQ(Rewrite("SELECT {fn CURDATE()}, {fn curtime( )}, {fn user()}"),
            "SELECT current_date, current_time, current_user");
  EXPECT_EQ(Rewrite("SELECT {fn ifnull(a, 0)}, {fn log(x)}"), "SELECT coalesce(a, 0), ln(x)");
}

TEST(SqlLexerTest, OuterJoinAndLikeEscapes) {
  EXPECT_EQ(Rewrite("SELECT * FROM {oj a LEFT OUTER JOIN b ON a.id = b.id} WHERE a.x = ?"),
            "SELECT * FROM  a LEFT OUTER JOIN b ON a.id = b.id WHERE a.x = $1");
  EXPECT_EQ(Rewrite("SELECT 1 WHERE x LIKE 'a\\%' {escape '\\'}"),
            "SELECT 1 WHERE x LIKE 'a\\%' ESCAPE '\\'");
}

TEST(SqlLexerTest, UnknownBracesAreKept) {
  EXPECT_EQ(Rewrite("SELECT {call f(?)}"), "SELECT {call f($1)}");
  EXPECT_EQ(Rewrite("SELECT {x}"), "SELECT {x}");
  EXPECT_EQ(Rewrite("SELECT }"), "SELECT }");
  EXPECT_EQ(Rewrite("SELECT {date '2024-01-01'}"), "SELECT {date '2024-01-01'}");
}

TEST(SqlLexerTest, KeywordFunctionsLoseEmptyParentheses) {
  EXPECT_EQ(Rewrite("SELECT {fn CURRENT_DATE()}, {fn current_time()}, {fn CURRENT_TIMESTAMP( )}"),
            "SELECT current_date, current_time, current_timestamp");
  EXPECT_EQ(Rewrite("SELECT {fn CURRENT_TIMESTAMP(3)}"), "SELECT current_timestamp(3)");
  EXPECT_EQ(Rewrite("SELECT {fn now()}, {fn database()}"), "SELECT now(), current_database()");
}

TEST(SqlLexerTest, DatePartFunctions) {
  EXPECT_EQ(Rewrite("SELECT {fn YEAR(d)}, {fn dayofmonth ( {d '2024-01-31'} )}"),
            "SELECT CAST(date_part('year', d) AS integer), CAST(date_part('day',  DATE "
            "'2024-01-31' ) AS integer)");
  // A column or function of that name without "(" is left alone.
  EXPECT_EQ(Rewrite("SELECT {fn year}"), "SELECT year");
}

TEST(SqlLexerTest, CallEscapes) {
  const RewrittenSql call = RewriteSql("{call f(?, ?)}");
  EXPECT_EQ(call.text, "SELECT * FROM f($1, $2)");
  EXPECT_EQ(call.parameter_count, 2);
  EXPECT_EQ(call.first_keyword, "SELECT");
  EXPECT_EQ(Rewrite("{ call s.\"My Proc\" }"), "SELECT * FROM s.\"My Proc\"() ");
  EXPECT_EQ(Rewrite("{CALL f}"), "SELECT * FROM f()");
  // The return value's marker is not a parameter: the value is the result.
  const RewrittenSql returns = RewriteSql("{? = call f(?)}");
  EXPECT_EQ(returns.text, "SELECT * FROM f($1)");
  EXPECT_EQ(returns.parameter_count, 1);
  EXPECT_EQ(returns.first_keyword, "SELECT");
  EXPECT_EQ(Rewrite("{?=call f}; {call g(1)}"), "SELECT * FROM f(); SELECT * FROM g(1)");
  // "{?= x}" is not an escape ODBC knows: kept for the server to reject.
  EXPECT_EQ(Rewrite("SELECT {?= x}"), "SELECT {$1= x}");
}

TEST(SqlLexerTest, GuidAndIntervalEscapes) {
  EXPECT_EQ(Rewrite("SELECT {guid '0e984725-c51c-4bf4-9960-e1c80e27aba0'}"),
            "SELECT uuid '0e984725-c51c-4bf4-9960-e1c80e27aba0'");
  EXPECT_EQ(Rewrite("SELECT {INTERVAL '3' DAY}, {interval '1:30' HOUR TO MINUTE}"),
            "SELECT INTERVAL '3' DAY, INTERVAL '1:30' HOUR TO MINUTE");
}

TEST(SqlLexerTest, KeepMarkersForNativeSql) {
  LexOptions options;
  options.keep_markers = true;
  const RewrittenSql r =
      RewriteSql("SELECT {fn ucase(?)}, '?' WHERE {d '2024-01-31'} < ?", options);
  EXPECT_EQ(r.text, "SELECT upper(?), '?' WHERE DATE '2024-01-31' < ?");
  EXPECT_EQ(r.parameter_count, 2);
}

TEST(SqlLexerTest, EscapesInsideLiteralsAreText) {
  EXPECT_EQ(Rewrite("SELECT '{d ''x''}', \"{fn\""), "SELECT '{d ''x''}', \"{fn\"");
}

}  // namespace
}  // namespace quietfetch::pg
