#include "driver/backend/postgres/sql_lexer.h"

#include <array>
#include <cstddef>
#include <vector>

namespace quietfetch::pg {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string Upper(std::string_view word) {
  std::string result(word);
  for (char& c : result) c = ToUpper(c);
  return result;
}

// ODBC scalar functions whose PostgreSQL spelling differs. Functions without
// arguments that PostgreSQL spells as keywords drop their "()".
struct FunctionRename {
  std::string_view odbc;  // upper case
  std::string_view pg;
  bool keyword;  // written without parentheses
};
constexpr std::array<FunctionRename, 15> kFunctionRenames = {{
    {"UCASE", "upper", false},
    {"LCASE", "lower", false},
    {"IFNULL", "coalesce", false},
    {"RAND", "random", false},
    {"TRUNCATE", "trunc", false},
    {"LOG", "ln", false},  // ODBC LOG is the natural logarithm
    {"LOG10", "log", false},
    {"CURDATE", "current_date", true},
    {"CURTIME", "current_time", true},
    {"DATABASE", "current_database", false},
    {"USER", "current_user", true},
    {"CHAR", "chr", false},
    // SQL keywords: "{fn CURRENT_DATE()}" must lose its "()", while
    // current_timestamp(3) keeps its precision.
    {"CURRENT_DATE", "current_date", true},
    {"CURRENT_TIME", "current_time", true},
    {"CURRENT_TIMESTAMP", "current_timestamp", true},
}};

// ODBC time/date functions that are a field of their argument.
struct DatePart {
  std::string_view odbc;  // upper case
  std::string_view field;
};
constexpr std::array<DatePart, 9> kDateParts = {{
    {"YEAR", "year"},
    {"MONTH", "month"},
    {"DAYOFMONTH", "day"},
    {"DAYOFYEAR", "doy"},
    {"HOUR", "hour"},
    {"MINUTE", "minute"},
    {"SECOND", "second"},
    {"QUARTER", "quarter"},
    {"WEEK", "week"},
}};

class Lexer {
 public:
  Lexer(std::string_view sql, const LexOptions& options) : sql_(sql), options_(options) {
    out_.reserve(sql.size() + 16);
  }

  RewrittenSql Run() {
    while (pos_ < sql_.size()) {
      step_has_content_ = false;
      Step();
      if (step_has_content_) result_.content_end = out_.size();
    }
    if (has_content_) ++result_.statement_count;
    result_.text = std::move(out_);
    return std::move(result_);
  }

 private:
  void Step() {
    const char c = sql_[pos_];
    switch (c) {
      case '\'':
        MarkContent();
        CopyQuoted('\'', !options_.standard_conforming_strings);
        return;
      case '"':
        MarkContent();
        CopyQuoted('"', false);
        return;
      case '-':
        if (Peek(1) == '-') {
          CopyLineComment();
          return;
        }
        break;
      case '/':
        if (Peek(1) == '*') {
          CopyBlockComment();
          return;
        }
        break;
      case '$':
        MarkContent();
        if (TryCopyDollarQuote()) return;
        break;
      case '?':
        MarkContent();
        ++result_.parameter_count;
        if (options_.keep_markers) {
          out_ += '?';
        } else {
          out_ += '$';
          out_ += std::to_string(result_.parameter_count);
        }
        ++pos_;
        return;
      case ';':
        if (begin_depth_ == 0) {
          if (has_content_) ++result_.statement_count;
          has_content_ = false;
          statement_keyword_.clear();
          saw_keyword_ = false;
        }
        out_ += c;
        ++pos_;
        return;
      case '{':
        MarkContent();
        StartEscape();
        return;
      case '}':
        MarkContent();
        if (!escapes_.empty()) {
          const Escape escape = std::move(escapes_.back());
          escapes_.pop_back();
          if (escape.keep) out_ += c;
          out_ += escape.suffix;
          ++pos_;
          return;
        }
        break;
      default:
        if (IsIdentStart(c)) {
          MarkContent();
          CopyIdentifier();
          return;
        }
        break;
    }
    if (!IsSpace(c)) {
      MarkContent();
      if (c != '(') EndKeywordSearch();
    }
    out_ += c;
    ++pos_;
  }

  char Peek(size_t ahead) const { return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0'; }

  void MarkContent() {
    has_content_ = true;
    step_has_content_ = true;
  }
  // Anything but '(' before the first word means the statement does not start
  // with a keyword.
  void EndKeywordSearch() { saw_keyword_ = true; }

  // Copies a '...' or "..." token. Doubled quotes stay inside; with
  // `backslash` a backslash escapes the next character.
  void CopyQuoted(char quote, bool backslash) {
    EndKeywordSearch();
    size_t i = pos_ + 1;
    while (i < sql_.size()) {
      const char c = sql_[i];
      if (backslash && c == '\\') {
        i += 2;
        continue;
      }
      if (c == quote) {
        if (i + 1 < sql_.size() && sql_[i + 1] == quote) {
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      ++i;
    }
    if (i > sql_.size()) i = sql_.size();
    out_.append(sql_.substr(pos_, i - pos_));
    pos_ = i;
  }

  void CopyLineComment() {
    size_t end = sql_.find('\n', pos_);
    end = end == std::string_view::npos ? sql_.size() : end;
    out_.append(sql_.substr(pos_, end - pos_));
    pos_ = end;
  }

  void CopyBlockComment() {
    size_t i = pos_ + 2;
    int depth = 1;
    while (i < sql_.size() && depth > 0) {
      if (sql_[i] == '/' && i + 1 < sql_.size() && sql_[i + 1] == '*') {
        ++depth;
        i += 2;
      } else if (sql_[i] == '*' && i + 1 < sql_.size() && sql_[i + 1] == '/') {
        --depth;
        i += 2;
      } else {
        ++i;
      }
    }
    out_.append(sql_.substr(pos_, i - pos_));
    pos_ = i;
  }

  // $tag$ ... $tag$ (the tag may be empty). A '$' that does not open a quote
  // (e.g. "$1") is left to the caller.
  bool TryCopyDollarQuote() {
    size_t i = pos_ + 1;
    if (i < sql_.size() && sql_[i] >= '0' && sql_[i] <= '9') return false;
    while (i < sql_.size() && sql_[i] != '$' && IsIdentChar(sql_[i])) ++i;
    if (i >= sql_.size() || sql_[i] != '$') return false;
    EndKeywordSearch();
    const std::string_view tag = sql_.substr(pos_, i - pos_ + 1);
    const size_t close = sql_.find(tag, i + 1);
    const size_t end = close == std::string_view::npos ? sql_.size() : close + tag.size();
    out_.append(sql_.substr(pos_, end - pos_));
    pos_ = end;
    return true;
  }

  void CopyIdentifier() {
    size_t i = pos_;
    while (i < sql_.size() && IsIdentChar(sql_[i])) ++i;
    const std::string_view word = sql_.substr(pos_, i - pos_);
    out_.append(word);
    pos_ = i;
    if (word.size() == 1 && (word[0] == 'E' || word[0] == 'e') && pos_ < sql_.size() &&
        sql_[pos_] == '\'') {
      CopyQuoted('\'', true);
      return;
    }
    NoteKeyword(word);
  }

  // Tracks the statement's first keyword and CREATE ... BEGIN ATOMIC nesting.
  void NoteKeyword(std::string_view word) {
    if (!saw_keyword_) {
      saw_keyword_ = true;
      statement_keyword_ = Upper(word);
      if (result_.statement_count == 0 && result_.first_keyword.empty()) {
        result_.first_keyword = statement_keyword_;
      }
      return;
    }
    if (statement_keyword_ != "CREATE" || word.size() > 5) return;
    const std::string upper = Upper(word);
    if (upper == "BEGIN") {
      if (NextWordIs("ATOMIC")) ++begin_depth_;
    } else if (upper == "CASE" && begin_depth_ > 0) {
      ++begin_depth_;
    } else if (upper == "END" && begin_depth_ > 0) {
      --begin_depth_;
    }
  }

  bool NextWordIs(std::string_view upper_word) const {
    size_t i = pos_;
    while (i < sql_.size() && IsSpace(sql_[i])) ++i;
    size_t end = i;
    while (end < sql_.size() && IsIdentChar(sql_[end])) ++end;
    return Upper(sql_.substr(i, end - i)) == upper_word;
  }

  // At '{': an ODBC escape clause, or a brace to keep.
  void StartEscape() {
    size_t i = SkipSpaces(pos_ + 1);
    // {?= call f(...)}: the return value comes back as the result set (there
    // are no output parameters), so its marker is dropped.
    bool returns_value = false;
    if (i < sql_.size() && sql_[i] == '?') {
      const size_t equals = SkipSpaces(i + 1);
      if (equals < sql_.size() && sql_[equals] == '=') {
        const size_t word = SkipSpaces(equals + 1);
        if (Upper(sql_.substr(word, 4)) == "CALL") {
          returns_value = true;
          i = word;
        }
      }
    }
    size_t word_end = i;
    while (word_end < sql_.size() && IsIdentStart(sql_[word_end])) ++word_end;
    const std::string keyword = Upper(sql_.substr(i, word_end - i));
    const bool separated = word_end >= sql_.size() || !IsIdentChar(sql_[word_end]);
    std::string_view replacement;
    bool known = separated;
    if (keyword == "D") {
      replacement = "DATE";
    } else if (keyword == "T") {
      replacement = "TIME";
    } else if (keyword == "TS") {
      replacement = "TIMESTAMP";
    } else if (keyword == "ESCAPE") {
      replacement = "ESCAPE";
    } else if (keyword == "OJ") {
      replacement = "";
    } else if (keyword == "FN") {
      replacement = "";
    } else if (keyword == "GUID") {
      replacement = "uuid";
    } else if (keyword == "INTERVAL") {
      replacement = "INTERVAL";
    } else if (keyword == "CALL") {
      replacement = "SELECT * FROM ";
    } else {
      known = false;
    }
    if (returns_value && keyword != "CALL") known = false;
    // A procedure call is a statement of its own, never part of one.
    if (keyword == "CALL" && saw_keyword_) known = false;
    if (!known) {
      out_ += '{';
      escapes_.push_back({true, ""});
      ++pos_;
      return;
    }
    if (keyword == "CALL") {
      // What the server runs is a query: cacheable, described, streamed.
      statement_keyword_ = "SELECT";
      if (result_.statement_count == 0 && result_.first_keyword.empty()) {
        result_.first_keyword = statement_keyword_;
      }
    }
    saw_keyword_ = true;
    escapes_.push_back({false, ""});
    out_.append(replacement);
    pos_ = word_end;
    if (keyword == "FN") RenameFunction();
    if (keyword == "CALL") CopyProcedureName();
  }

  size_t SkipSpaces(size_t i) const {
    while (i < sql_.size() && IsSpace(sql_[i])) ++i;
    return i;
  }

  // After "{call": the (possibly qualified, possibly quoted) procedure name;
  // a call without an argument list gets "()", which PostgreSQL requires.
  void CopyProcedureName() {
    size_t i = SkipSpaces(pos_);
    while (i < sql_.size()) {
      if (sql_[i] == '"') {
        size_t close = i + 1;
        while (close < sql_.size()) {
          if (sql_[close] == '"' && (close + 1 >= sql_.size() || sql_[close + 1] != '"')) break;
          close += sql_[close] == '"' ? 2 : 1;
        }
        i = close < sql_.size() ? close + 1 : sql_.size();
      } else if (IsIdentStart(sql_[i])) {
        while (i < sql_.size() && IsIdentChar(sql_[i])) ++i;
      } else {
        break;
      }
      if (i < sql_.size() && sql_[i] == '.') {
        ++i;
      } else {
        break;
      }
    }
    const size_t name_start = SkipSpaces(pos_);
    out_.append(sql_.substr(name_start, i - name_start));
    pos_ = i;
    const size_t next = SkipSpaces(i);
    if (next >= sql_.size() || sql_[next] != '(') out_.append("()");
  }

  // After "{fn": the function name, renamed when PostgreSQL spells it
  // differently.
  void RenameFunction() {
    size_t i = pos_;
    while (i < sql_.size() && IsSpace(sql_[i])) ++i;
    size_t end = i;
    while (end < sql_.size() && IsIdentChar(sql_[end])) ++end;
    const std::string name = Upper(sql_.substr(i, end - i));
    const size_t paren = SkipSpaces(end);
    for (const DatePart& part : kDateParts) {
      if (name != part.odbc || paren >= sql_.size() || sql_[paren] != '(') continue;
      // {fn YEAR(x)} -> CAST(date_part('year', x) AS integer): ODBC's
      // integer, where date_part gives double precision.
      out_.append("CAST(date_part('");
      out_.append(part.field);
      out_.append("', ");
      escapes_.back().suffix = " AS integer)";
      pos_ = paren + 1;
      return;
    }
    for (const FunctionRename& rename : kFunctionRenames) {
      if (name != rename.odbc) continue;
      out_.append(rename.pg);
      pos_ = end;
      if (rename.keyword) {
        // Drop an empty argument list: current_date() is not PostgreSQL.
        size_t j = end;
        while (j < sql_.size() && IsSpace(sql_[j])) ++j;
        if (j < sql_.size() && sql_[j] == '(') {
          size_t k = j + 1;
          while (k < sql_.size() && IsSpace(sql_[k])) ++k;
          if (k < sql_.size() && sql_[k] == ')') pos_ = k + 1;
        }
      }
      return;
    }
    // Unchanged name: skip the whitespace after "fn" so "{fn f(x)}" -> "f(x)".
    pos_ = i;
  }

  std::string_view sql_;
  LexOptions options_;
  size_t pos_ = 0;
  std::string out_;
  RewrittenSql result_;
  bool has_content_ = false;
  bool step_has_content_ = false;  // the current Step() copied part of a statement
  bool saw_keyword_ = false;       // the current statement's first token was seen
  std::string statement_keyword_;
  int begin_depth_ = 0;
  struct Escape {
    bool keep;           // the '}' is part of the text, not an escape
    std::string suffix;  // written at the '}'
  };
  std::vector<Escape> escapes_;  // open '{'s
};

}  // namespace

RewrittenSql RewriteSql(std::string_view sql, const LexOptions& options) {
  return Lexer(sql, options).Run();
}

int CountParameters(std::string_view sql, const LexOptions& options) {
  return RewriteSql(sql, options).parameter_count;
}

}  // namespace quietfetch::pg
