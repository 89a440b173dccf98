// Rewrites ODBC-flavoured SQL into what PostgreSQL's extended protocol takes.
//
// A small lexer walks the text once, skipping string literals ('...' with ''
// doubling, E'...' with backslash escapes), "quoted identifiers", $tag$
// dollar quotes, -- line comments and nested /* */ comments. Outside those it
//  - numbers '?' parameter markers as $1..$n (every '?' counts: PostgreSQL
//    operators spelled with '?' must be written as functions, e.g.
//    jsonb_exists(), as with any ODBC driver);
//  - translates the ODBC escape clauses {d '...'}, {t '...'}, {ts '...'},
//    {fn name(args)}, {oj ...}, {escape 'c'}, {guid '...'} (uuid '...'),
//    {INTERVAL ...}, and {call f(args)} / {?= call f(args)}, which become
//    SELECT * FROM f(args) (a function's result is the result set; the
//    return value's marker is dropped). Unknown escapes are left alone, so
//    the server reports them;
//  - counts the statements separated by ';' (empty ones and comments do not
//    count; semicolons inside CREATE ... BEGIN ATOMIC ... END bodies do not
//    split, as in psql).
// Malformed input (an unterminated literal, say) is never an error here: the
// text is passed through and the server reports the problem.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_SQL_LEXER_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_SQL_LEXER_H_

#include <string>
#include <string_view>

namespace quietfetch::pg {

struct LexOptions {
  // The server's standard_conforming_strings. When off, backslashes also
  // escape inside plain '...' literals.
  bool standard_conforming_strings = true;
  // Leave '?' markers as they are (SQLNativeSql: the text stays preparable
  // through ODBC); they are still counted.
  bool keep_markers = false;
};

struct RewrittenSql {
  std::string text;         // $n markers, escapes translated
  int parameter_count = 0;  // '?' markers found
  int statement_count = 0;  // non-empty statements
  // Length of the prefix of `text` that ends with the last statement's last
  // token: without trailing whitespace, comments and semicolons, so that a
  // single statement can be embedded in other text (COPY (...) TO STDOUT).
  size_t content_end = 0;
  // Upper-cased first keyword of the first statement ("SELECT", "WITH", ...),
  // skipping leading parentheses; empty when the text starts otherwise.
  std::string first_keyword;
};

RewrittenSql RewriteSql(std::string_view sql, const LexOptions& options = {});

// The number of '?' markers RewriteSql would number.
int CountParameters(std::string_view sql, const LexOptions& options = {});

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_SQL_LEXER_H_
