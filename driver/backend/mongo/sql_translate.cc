#include "driver/backend/mongo/sql_translate.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "driver/core/status.h"

namespace quietfetch::mongo {
namespace {

using backend::LogicalType;
using backend::Param;
using core::SqlError;
namespace sqlstate = core::sqlstate;

// ---- Lexer ----------------------------------------------------------------

enum class Tok { kIdent, kQuotedIdent, kNumber, kString, kParam, kSymbol, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, number text, string value or symbol
  size_t offset = 0;
};

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

absl::StatusOr<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) {
        return SqlError(sqlstate::kSyntaxError, "unterminated /* comment");
      }
      i = end + 2;
      continue;
    }
    Token token;
    token.offset = i;
    if (c == '\'') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            value.push_back('\'');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value.push_back(s[i++]);
      }
      if (!closed) return SqlError(sqlstate::kSyntaxError, "unterminated string literal");
      token.kind = Tok::kString;
      token.text = std::move(value);
    } else if (c == '"' || c == '`') {
      char quote = c;
      std::string value;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == quote) {
          if (i + 1 < s.size() && s[i + 1] == quote) {
            value.push_back(quote);
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value.push_back(s[i++]);
      }
      if (!closed) return SqlError(sqlstate::kSyntaxError, "unterminated quoted name");
      token.kind = Tok::kQuotedIdent;
      token.text = std::move(value);
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      }
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t save = i++;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        } else {
          i = save;
        }
      }
      token.kind = Tok::kNumber;
      token.text = std::string(s.substr(start, i - start));
    } else if (IsIdentStart(c)) {
      size_t start = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      token.kind = Tok::kIdent;
      token.text = std::string(s.substr(start, i - start));
    } else if (c == '?') {
      token.kind = Tok::kParam;
      token.text = "?";
      ++i;
    } else {
      static constexpr std::string_view kTwo[] = {"<>", "!=", "<=", ">=", "||"};
      token.kind = Tok::kSymbol;
      bool matched = false;
      for (auto two : kTwo) {
        if (s.substr(i, 2) == two) {
          token.text = std::string(two);
          i += 2;
          matched = true;
          break;
        }
      }
      if (!matched) {
        token.text = std::string(1, c);
        ++i;
      }
    }
    out.push_back(std::move(token));
  }
  Token end;
  end.offset = s.size();
  out.push_back(end);
  return out;
}

// ---- Values ---------------------------------------------------------------

struct Decimal {
  std::string text;
};
struct DateMs {
  int64_t ms;
};
struct Binary {
  bson_subtype_t subtype;
  std::string bytes;
};
using Lit = std::variant<std::monostate, bool, int32_t, int64_t, double, std::string, Decimal,
                         DateMs, Binary>;

bool IsNull(const Lit& lit) { return std::holds_alternative<std::monostate>(lit); }

void AppendLit(bson_t* doc, const char* key, const Lit& lit) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          bson_append_null(doc, key, -1);
        } else if constexpr (std::is_same_v<T, bool>) {
          bson_append_bool(doc, key, -1, v);
        } else if constexpr (std::is_same_v<T, int32_t>) {
          bson_append_int32(doc, key, -1, v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          bson_append_int64(doc, key, -1, v);
        } else if constexpr (std::is_same_v<T, double>) {
          bson_append_double(doc, key, -1, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          bson_append_utf8(doc, key, -1, v.data(), static_cast<int>(v.size()));
        } else if constexpr (std::is_same_v<T, Decimal>) {
          bson_decimal128_t dec;
          bson_decimal128_from_string(v.text.c_str(), &dec);
          bson_append_decimal128(doc, key, -1, &dec);
        } else if constexpr (std::is_same_v<T, DateMs>) {
          bson_append_date_time(doc, key, -1, v.ms);
        } else if constexpr (std::is_same_v<T, Binary>) {
          bson_append_binary(doc, key, -1, v.subtype,
                             reinterpret_cast<const uint8_t*>(v.bytes.data()),
                             static_cast<uint32_t>(v.bytes.size()));
        }
      },
      lit);
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" (what the core sends for dates and
// timestamps) as milliseconds since the epoch, read as UTC.
absl::StatusOr<int64_t> ParseDateTimeMs(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  const char* p = text.c_str();
  int consumed = 0;
  if (std::sscanf(p, "%d-%d-%d%n", &year, &month, &day, &consumed) != 3) {
    return SqlError(sqlstate::kInvalidDatetimeFormat,
                    absl::StrCat("'", text, "' is not a date or timestamp"));
  }
  p += consumed;
  if (*p == ' ' || *p == 'T') {
    if (std::sscanf(p + 1, "%d:%d:%d%n", &hour, &minute, &second, &consumed) != 3) {
      return SqlError(sqlstate::kInvalidDatetimeFormat,
                      absl::StrCat("'", text, "' is not a timestamp"));
    }
    p += 1 + consumed;
    if (*p == '.') {
      ++p;
      int digits = 0;
      while (std::isdigit(static_cast<unsigned char>(*p))) {
        if (digits < 6)
          micros = micros * 10 + (*p - '0');
        else if (*p != '0')
          micros = -1;  // finer than microseconds
        ++digits;
        ++p;
        if (micros < 0) break;
      }
      for (; digits < 6 && micros >= 0; ++digits) micros *= 10;
    }
  }
  if (micros < 0 || micros % 1000 != 0) {
    return SqlError(sqlstate::kDatetimeOverflow,
                    absl::StrCat("the timestamp '", text,
                                 "' has sub-millisecond digits; MongoDB dates hold milliseconds"));
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60000 + static_cast<int64_t>(second) * 1000 +
         micros / 1000;
}

absl::StatusOr<Lit> ParamToLit(const Param& param, size_t number) {
  if (param.is_null) return Lit();
  const std::string& d = param.data;
  auto bad = [&](std::string_view what) {
    return SqlError(sqlstate::kInvalidCharacterValue,
                    absl::StrCat("parameter ", number, ": '", d, "' is not ", std::string(what)));
  };
  switch (param.type) {
    case LogicalType::kBool:
      return Lit(d == "t" || d == "1" || d == "true");
    case LogicalType::kInt16:
    case LogicalType::kInt32:
    case LogicalType::kInt64: {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
      if (ec != std::errc() || ptr != d.data() + d.size()) return bad("an integer");
      if (v >= INT32_MIN && v <= INT32_MAX && param.type != LogicalType::kInt64) {
        return Lit(static_cast<int32_t>(v));
      }
      return Lit(v);
    }
    case LogicalType::kFloat32:
    case LogicalType::kFloat64: {
      char* end = nullptr;
      double v = std::strtod(d.c_str(), &end);
      if (end != d.c_str() + d.size() || d.empty()) return bad("a number");
      return Lit(v);
    }
    case LogicalType::kNumeric: {
      bson_decimal128_t dec;
      if (!bson_decimal128_from_string(d.c_str(), &dec)) return bad("a decimal number");
      return Lit(Decimal{d});
    }
    case LogicalType::kDate:
    case LogicalType::kTimestamp:
    case LogicalType::kTimestampTz: {
      QF_ASSIGN_OR_RETURN(int64_t ms, ParseDateTimeMs(d));
      return Lit(DateMs{ms});
    }
    case LogicalType::kTime:
      return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                      absl::StrCat("parameter ", number,
                                   ": MongoDB has no time-of-day type; bind a timestamp"));
    case LogicalType::kBytes:
      return Lit(Binary{BSON_SUBTYPE_BINARY, d});
    case LogicalType::kUuid: {
      std::string raw;
      for (char c : d) {
        if (c == '-' || c == '{' || c == '}') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return bad("a UUID");
        raw.push_back(c);
      }
      if (raw.size() != 32) return bad("a UUID");
      std::string bytes(16, '\0');
      for (size_t i = 0; i < 16; ++i) {
        bytes[i] = static_cast<char>(std::stoi(raw.substr(i * 2, 2), nullptr, 16));
      }
      return Lit(Binary{BSON_SUBTYPE_UUID, bytes});
    }
    default:
      return Lit(d);  // character data
  }
}

// ---- Filter AST -----------------------------------------------------------

struct Expr {
  enum Kind { kAnd, kOr, kNot, kCompare, kIn, kIsNull, kLike } kind;
  std::string op;    // kCompare: = <> < <= > >=
  std::string path;  // the field
  std::vector<Lit> values;
  std::vector<Expr> kids;
};

Expr MakeExpr(Expr::Kind kind, std::string op = "", std::string path = "") {
  Expr e;
  e.kind = kind;
  e.op = std::move(op);
  e.path = std::move(path);
  return e;
}

std::string NegateOp(const std::string& op) {
  if (op == "=") return "<>";
  if (op == "<>") return "=";
  if (op == "<") return ">=";
  if (op == ">=") return "<";
  if (op == ">") return "<=";
  return ">";  // <=
}

// Appends {path: {$in: []}}: a condition no document meets (SQL's unknown).
void AppendNothing(bson_t* doc, const std::string& path) {
  bson_t cond, list;
  bson_append_document_begin(doc, path.c_str(), -1, &cond);
  bson_append_array_begin(&cond, "$in", -1, &list);
  bson_append_array_end(&cond, &list);
  bson_append_document_end(doc, &cond);
}

std::string LikeToRegex(const std::string& pattern) {
  std::string out = "^";
  bool prefix_only = true;  // 'abc%' -> ^abc, which can use an index
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      c = pattern[++i];
      if (std::string_view(".^$*+?()[]{}|\\/").find(c) != std::string_view::npos)
        out.push_back('\\');
      out.push_back(c);
      continue;
    }
    if (c == '%') {
      if (i + 1 == pattern.size() && prefix_only) return out;
      out += ".*";
      prefix_only = false;
    } else if (c == '_') {
      out.push_back('.');
      prefix_only = false;
    } else {
      if (std::string_view(".^$*+?()[]{}|\\/").find(c) != std::string_view::npos)
        out.push_back('\\');
      out.push_back(c);
    }
  }
  out.push_back('$');
  return out;
}

void EmitExpr(const Expr& e, bool negate, bson_t* doc);

void EmitList(const std::vector<Expr>& kids, bool negate, const char* op, bson_t* doc) {
  bson_t array;
  bson_append_array_begin(doc, op, -1, &array);
  for (size_t i = 0; i < kids.size(); ++i) {
    std::string key = std::to_string(i);
    bson_t item;
    bson_append_document_begin(&array, key.c_str(), -1, &item);
    EmitExpr(kids[i], negate, &item);
    bson_append_document_end(&array, &item);
  }
  bson_append_array_end(doc, &array);
}

void EmitExpr(const Expr& e, bool negate, bson_t* doc) {
  const char* path = e.path.c_str();
  switch (e.kind) {
    case Expr::kAnd:
      EmitList(e.kids, negate, negate ? "$or" : "$and", doc);
      return;
    case Expr::kOr:
      EmitList(e.kids, negate, negate ? "$and" : "$or", doc);
      return;
    case Expr::kNot:
      EmitExpr(e.kids[0], !negate, doc);
      return;
    case Expr::kCompare: {
      if (IsNull(e.values[0])) return AppendNothing(doc, e.path);
      std::string op = negate ? NegateOp(e.op) : e.op;
      bson_t cond;
      bson_append_document_begin(doc, path, -1, &cond);
      if (op == "<>") {
        // SQL: a null or missing field is neither equal nor unequal.
        bson_t list;
        bson_append_array_begin(&cond, "$nin", -1, &list);
        AppendLit(&list, "0", e.values[0]);
        bson_append_null(&list, "1", -1);
        bson_append_array_end(&cond, &list);
      } else {
        const char* mongo_op = op == "="    ? "$eq"
                               : op == "<"  ? "$lt"
                               : op == "<=" ? "$lte"
                               : op == ">"  ? "$gt"
                                            : "$gte";
        AppendLit(&cond, mongo_op, e.values[0]);
      }
      bson_append_document_end(doc, &cond);
      return;
    }
    case Expr::kIn: {
      bool has_null = false;
      std::vector<const Lit*> values;
      for (const Lit& v : e.values) {
        if (IsNull(v)) {
          has_null = true;
        } else {
          values.push_back(&v);
        }
      }
      if (negate && has_null) return AppendNothing(doc, e.path);
      bson_t cond, list;
      bson_append_document_begin(doc, path, -1, &cond);
      bson_append_array_begin(&cond, negate ? "$nin" : "$in", -1, &list);
      size_t i = 0;
      for (; i < values.size(); ++i) AppendLit(&list, std::to_string(i).c_str(), *values[i]);
      if (negate) bson_append_null(&list, std::to_string(i).c_str(), -1);
      bson_append_array_end(&cond, &list);
      bson_append_document_end(doc, &cond);
      return;
    }
    case Expr::kIsNull: {
      bson_t cond;
      bson_append_document_begin(doc, path, -1, &cond);
      bson_append_null(&cond, negate ? "$ne" : "$eq", -1);
      bson_append_document_end(doc, &cond);
      return;
    }
    case Expr::kLike: {
      const Lit& pattern = e.values[0];
      if (IsNull(pattern)) return AppendNothing(doc, e.path);
      std::string regex = LikeToRegex(std::get<std::string>(pattern));
      bson_t cond;
      bson_append_document_begin(doc, path, -1, &cond);
      if (negate) {
        bson_append_regex(&cond, "$not", -1, regex.c_str(), "s");
        bson_append_null(&cond, "$ne", -1);
      } else {
        bson_append_utf8(&cond, "$regex", -1, regex.c_str(), -1);
        bson_append_utf8(&cond, "$options", -1, "s", -1);
      }
      bson_append_document_end(doc, &cond);
      return;
    }
  }
}

// ---- Parser ---------------------------------------------------------------

absl::Status Unsupported(std::string_view what) {
  return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                  absl::StrCat(std::string(what), " is not supported by the MongoDB backend"));
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::span<const Param> params, bool describe_only)
      : tokens_(std::move(tokens)), params_(params), describe_only_(describe_only) {}

  absl::StatusOr<Plan> ParseStatement();

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  bool IsKeyword(const Token& t, std::string_view word) const {
    return t.kind == Tok::kIdent && absl::EqualsIgnoreCase(t.text, core::ToAbsl(word));
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(Peek(), word)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(std::string_view symbol) {
    if (Peek().kind != Tok::kSymbol || Peek().text != symbol) return false;
    ++pos_;
    return true;
  }
  absl::Status Expected(std::string_view what) const {
    const Token& t = Peek();
    std::string found = t.kind == Tok::kEnd ? "the end of the statement" : "'" + t.text + "'";
    return SqlError(sqlstate::kSyntaxError,
                    absl::StrCat("expected ", std::string(what), " but found ", found,
                                 " at offset ", t.offset));
  }
  absl::Status ExpectKeyword(std::string_view word) {
    if (AcceptKeyword(word)) return absl::OkStatus();
    return Expected(word);
  }
  absl::Status ExpectSymbol(std::string_view symbol) {
    if (AcceptSymbol(symbol)) return absl::OkStatus();
    return Expected(absl::StrCat("'", std::string(symbol), "'"));
  }

  // Constructs outside the subset, recognized to name them in the error.
  absl::Status CheckUnsupportedAt() const;
  absl::StatusOr<std::string> ParsePath();
  absl::StatusOr<Lit> ParseValue();
  absl::StatusOr<Expr> ParseOr();
  absl::StatusOr<Expr> ParseAnd();
  absl::StatusOr<Expr> ParseNot();
  absl::StatusOr<Expr> ParsePredicate();
  absl::StatusOr<int64_t> ParseCount(std::string_view clause);

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::span<const Param> params_;
  bool describe_only_;
  size_t next_param_ = 0;
};

bool IsReserved(const std::string& word) {
  static constexpr std::string_view kWords[] = {
      "select", "from",      "where",   "order",    "by",      "limit",  "offset",
      "and",    "or",        "not",     "in",       "is",      "null",   "like",
      "as",     "asc",       "desc",    "join",     "inner",   "left",   "right",
      "full",   "cross",     "outer",   "on",       "group",   "having", "union",
      "except", "intersect", "between", "distinct", "natural", "fetch"};
  for (auto w : kWords) {
    if (absl::EqualsIgnoreCase(word, core::ToAbsl(w))) return true;
  }
  return false;
}

absl::Status Parser::CheckUnsupportedAt() const {
  const Token& t = Peek();
  if (t.kind == Tok::kSymbol && t.text == ",")
    return Unsupported("selecting from several collections (JOIN)");
  if (t.kind != Tok::kIdent) return absl::OkStatus();
  static constexpr std::string_view kJoin[] = {"join", "inner", "left",   "right",
                                               "full", "cross", "natural"};
  for (auto w : kJoin) {
    if (IsKeyword(t, w)) return Unsupported("JOIN");
  }
  if (IsKeyword(t, "group")) return Unsupported("GROUP BY");
  if (IsKeyword(t, "having")) return Unsupported("HAVING");
  if (IsKeyword(t, "union") || IsKeyword(t, "except") || IsKeyword(t, "intersect")) {
    return Unsupported(absl::AsciiStrToUpper(t.text));
  }
  if (IsKeyword(t, "for")) return Unsupported("SELECT ... FOR UPDATE");
  if (IsKeyword(t, "fetch")) return Unsupported("FETCH FIRST (use LIMIT)");
  return absl::OkStatus();
}

absl::StatusOr<std::string> Parser::ParsePath() {
  std::string path;
  while (true) {
    const Token& t = Peek();
    if (t.kind == Tok::kQuotedIdent || (t.kind == Tok::kIdent && !IsReserved(t.text))) {
      if (t.text.empty()) return SqlError(sqlstate::kSyntaxError, "an empty quoted name");
      path += t.text;
      ++pos_;
    } else {
      return Expected("a field name");
    }
    if (Peek().kind == Tok::kSymbol && Peek().text == "(") {
      if (absl::EqualsIgnoreCase(path, "count")) {
        return Unsupported("COUNT(*) together with other columns (GROUP BY)");
      }
      return Unsupported(absl::StrCat("the function ", absl::AsciiStrToUpper(path), "()"));
    }
    if (!AcceptSymbol(".")) break;
    path.push_back('.');
  }
  return path;
}

absl::StatusOr<Lit> Parser::ParseValue() {
  const Token& t = Peek();
  if (t.kind == Tok::kParam) {
    ++pos_;
    size_t index = next_param_++;
    if (index >= params_.size()) {
      if (describe_only_) return Lit();
      return SqlError(sqlstate::kWrongNumberOfParameters,
                      absl::StrCat("parameter ", index + 1, " is not bound"));
    }
    return ParamToLit(params_[index], index + 1);
  }
  if (t.kind == Tok::kString) {
    ++pos_;
    return Lit(t.text);
  }
  bool negative = false;
  if (t.kind == Tok::kSymbol && (t.text == "-" || t.text == "+")) {
    negative = t.text == "-";
    ++pos_;
  }
  const Token& n = Peek();
  if (n.kind == Tok::kNumber) {
    ++pos_;
    std::string text = (negative ? "-" : "") + n.text;
    if (text.find_first_of(".eE") == std::string::npos) {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && ptr == text.data() + text.size()) {
        if (v >= INT32_MIN && v <= INT32_MAX) return Lit(static_cast<int32_t>(v));
        return Lit(v);
      }
      return SqlError(sqlstate::kNumericOutOfRange,
                      absl::StrCat("the integer ", text, " does not fit in 64 bits"));
    }
    return Lit(std::strtod(text.c_str(), nullptr));
  }
  if (negative) return Expected("a number after '-'");
  if (IsKeyword(t, "null")) {
    ++pos_;
    return Lit();
  }
  if (IsKeyword(t, "true") || IsKeyword(t, "false")) {
    ++pos_;
    return Lit(IsKeyword(t, "true"));
  }
  if (t.kind == Tok::kSymbol && t.text == "(" && IsKeyword(Peek(1), "select")) {
    return Unsupported("a subquery");
  }
  if (t.kind == Tok::kIdent || t.kind == Tok::kQuotedIdent) {
    return Unsupported("comparing a field with another field or an expression");
  }
  return Expected("a value (number, 'string', TRUE, FALSE, NULL or ?)");
}

absl::StatusOr<Expr> Parser::ParseOr() {
  QF_ASSIGN_OR_RETURN(Expr first, ParseAnd());
  if (!IsKeyword(Peek(), "or")) return first;
  Expr out = MakeExpr(Expr::kOr);
  out.kids.push_back(std::move(first));
  while (AcceptKeyword("or")) {
    QF_ASSIGN_OR_RETURN(Expr next, ParseAnd());
    out.kids.push_back(std::move(next));
  }
  return out;
}

absl::StatusOr<Expr> Parser::ParseAnd() {
  QF_ASSIGN_OR_RETURN(Expr first, ParseNot());
  if (!IsKeyword(Peek(), "and")) return first;
  Expr out = MakeExpr(Expr::kAnd);
  out.kids.push_back(std::move(first));
  while (AcceptKeyword("and")) {
    QF_ASSIGN_OR_RETURN(Expr next, ParseNot());
    out.kids.push_back(std::move(next));
  }
  return out;
}

absl::StatusOr<Expr> Parser::ParseNot() {
  if (AcceptKeyword("not")) {
    QF_ASSIGN_OR_RETURN(Expr inner, ParseNot());
    Expr out = MakeExpr(Expr::kNot);
    out.kids.push_back(std::move(inner));
    return out;
  }
  if (Peek().kind == Tok::kSymbol && Peek().text == "(") {
    if (IsKeyword(Peek(1), "select")) return Unsupported("a subquery");
    ++pos_;
    QF_ASSIGN_OR_RETURN(Expr inner, ParseOr());
    QF_RETURN_IF_ERROR(ExpectSymbol(")"));
    return inner;
  }
  return ParsePredicate();
}

absl::StatusOr<Expr> Parser::ParsePredicate() {
  if (Peek().kind == Tok::kNumber || Peek().kind == Tok::kString || Peek().kind == Tok::kParam) {
    return Unsupported("a value on the left of a comparison (write the field first)");
  }
  if (IsKeyword(Peek(), "exists")) return Unsupported("EXISTS");
  QF_ASSIGN_OR_RETURN(std::string path, ParsePath());
  auto wrap_not = [](Expr e, bool negated) {
    if (!negated) return e;
    Expr out = MakeExpr(Expr::kNot);
    out.kids.push_back(std::move(e));
    return out;
  };
  if (AcceptKeyword("is")) {
    bool negated = AcceptKeyword("not");
    QF_RETURN_IF_ERROR(ExpectKeyword("NULL"));
    Expr e = MakeExpr(Expr::kIsNull);
    e.path = path;
    return wrap_not(std::move(e), negated);
  }
  bool negated = AcceptKeyword("not");
  if (AcceptKeyword("in")) {
    QF_RETURN_IF_ERROR(ExpectSymbol("("));
    if (IsKeyword(Peek(), "select")) return Unsupported("a subquery");
    Expr e = MakeExpr(Expr::kIn);
    e.path = path;
    do {
      QF_ASSIGN_OR_RETURN(Lit v, ParseValue());
      e.values.push_back(std::move(v));
    } while (AcceptSymbol(","));
    QF_RETURN_IF_ERROR(ExpectSymbol(")"));
    return wrap_not(std::move(e), negated);
  }
  if (AcceptKeyword("like")) {
    Expr e = MakeExpr(Expr::kLike);
    e.path = path;
    QF_ASSIGN_OR_RETURN(Lit v, ParseValue());
    if (!IsNull(v) && !std::holds_alternative<std::string>(v)) {
      return SqlError(sqlstate::kInvalidCharacterValue, "a LIKE pattern must be a string");
    }
    if (IsKeyword(Peek(), "escape")) return Unsupported("LIKE ... ESCAPE (use '\\')");
    e.values.push_back(std::move(v));
    return wrap_not(std::move(e), negated);
  }
  if (IsKeyword(Peek(), "ilike")) return Unsupported("ILIKE");
  if (AcceptKeyword("between")) {
    Expr low = MakeExpr(Expr::kCompare, ">=", path);
    QF_ASSIGN_OR_RETURN(Lit a, ParseValue());
    low.values.push_back(std::move(a));
    QF_RETURN_IF_ERROR(ExpectKeyword("AND"));
    Expr high = MakeExpr(Expr::kCompare, "<=", path);
    QF_ASSIGN_OR_RETURN(Lit b, ParseValue());
    high.values.push_back(std::move(b));
    Expr both = MakeExpr(Expr::kAnd);
    both.kids.push_back(std::move(low));
    both.kids.push_back(std::move(high));
    return wrap_not(std::move(both), negated);
  }
  if (negated) return Expected("IN, LIKE or BETWEEN after NOT");
  const Token& op = Peek();
  static constexpr std::string_view kOps[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
  if (op.kind == Tok::kSymbol) {
    for (auto candidate : kOps) {
      if (op.text == candidate) {
        ++pos_;
        Expr e = MakeExpr(Expr::kCompare, candidate == "!=" ? "<>" : std::string(candidate), path);
        QF_ASSIGN_OR_RETURN(Lit v, ParseValue());
        e.values.push_back(std::move(v));
        return e;
      }
    }
    if (op.text == "+" || op.text == "-" || op.text == "*" || op.text == "/" || op.text == "||") {
      return Unsupported(absl::StrCat("arithmetic ('", op.text, "') in a condition"));
    }
  }
  return Expected("a comparison (=, <>, <, <=, >, >=, IN, IS NULL, LIKE, BETWEEN)");
}

absl::StatusOr<int64_t> Parser::ParseCount(std::string_view clause) {
  const Token& t = Peek();
  if (t.kind == Tok::kParam)
    return Unsupported(absl::StrCat("a parameter in ", std::string(clause)));
  if (t.kind != Tok::kNumber || t.text.find_first_of(".eE") != std::string::npos) {
    return Expected(absl::StrCat("a non-negative integer after ", std::string(clause)));
  }
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
  if (ec != std::errc()) return Expected("a smaller number");
  ++pos_;
  return v;
}

absl::StatusOr<Plan> Parser::ParseStatement() {
  const Token& first = Peek();
  if (!IsKeyword(first, "select")) {
    static constexpr std::string_view kWrites[] = {"insert", "update",  "delete", "merge",
                                                   "create", "drop",    "alter",  "truncate",
                                                   "upsert", "replace", "grant",  "revoke"};
    for (auto w : kWrites) {
      if (IsKeyword(first, w)) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        absl::StrCat(absl::AsciiStrToUpper(first.text),
                                     " is not supported by the MongoDB backend: it reads "
                                     "collections with SELECT or a native find/aggregate command"));
      }
    }
    if (IsKeyword(first, "with")) return Unsupported("WITH (common table expressions)");
    if (first.kind == Tok::kIdent && !first.text.empty()) {
      return Unsupported(absl::StrCat("the statement ", absl::AsciiStrToUpper(first.text)));
    }
    return Expected("SELECT");
  }
  ++pos_;
  if (IsKeyword(Peek(), "distinct")) return Unsupported("SELECT DISTINCT");
  if (IsKeyword(Peek(), "top")) return Unsupported("SELECT TOP (use LIMIT)");
  Plan plan;
  if (AcceptSymbol("*")) {
    plan.star = true;
  } else if (IsKeyword(Peek(), "count") && Peek(1).kind == Tok::kSymbol && Peek(1).text == "(") {
    pos_ += 2;
    if (!AcceptSymbol("*")) return Unsupported("COUNT of an expression (only COUNT(*))");
    QF_RETURN_IF_ERROR(ExpectSymbol(")"));
    plan.count = true;
    std::string name = "count";
    if (AcceptKeyword("as") || Peek().kind == Tok::kQuotedIdent ||
        (Peek().kind == Tok::kIdent && !IsReserved(Peek().text))) {
      if (Peek().kind != Tok::kIdent && Peek().kind != Tok::kQuotedIdent) return Expected("a name");
      name = Peek().text;
      ++pos_;
    }
    plan.columns.push_back({name, "count"});
    if (AcceptSymbol(",")) return Unsupported("COUNT(*) together with other columns");
  } else {
    do {
      if (Peek().kind == Tok::kSymbol && Peek().text == "*") {
        return Unsupported("'*' together with named columns");
      }
      if (Peek().kind != Tok::kIdent && Peek().kind != Tok::kQuotedIdent) {
        if (Peek().kind == Tok::kEnd) return Expected("a column");
        return Unsupported("an expression in the select list (only field names)");
      }
      QF_ASSIGN_OR_RETURN(std::string path, ParsePath());
      if (Peek().kind == Tok::kSymbol && Peek().text != ",") {
        return Unsupported("an expression in the select list (only field names)");
      }
      std::string name = path;
      if (AcceptKeyword("as") || Peek().kind == Tok::kQuotedIdent ||
          (Peek().kind == Tok::kIdent && !IsReserved(Peek().text))) {
        if (Peek().kind != Tok::kIdent && Peek().kind != Tok::kQuotedIdent)
          return Expected("a name");
        name = Peek().text;
        ++pos_;
      }
      plan.columns.push_back({name, path});
    } while (AcceptSymbol(","));
  }
  QF_RETURN_IF_ERROR(ExpectKeyword("FROM"));
  if (Peek().kind == Tok::kSymbol && Peek().text == "(") return Unsupported("a subquery in FROM");
  if (Peek().kind == Tok::kQuotedIdent ||
      (Peek().kind == Tok::kIdent && !IsReserved(Peek().text))) {
    plan.collection = Peek().text;
    ++pos_;
    // A schema-qualified name: the database is the connection's, so only
    // the last part names the collection when the text quotes it whole.
    while (AcceptSymbol(".")) {
      if (Peek().kind != Tok::kIdent && Peek().kind != Tok::kQuotedIdent) {
        return Expected("a collection name");
      }
      plan.collection += "." + Peek().text;
      ++pos_;
    }
  } else {
    return Expected("a collection name");
  }
  if (plan.collection.empty()) return SqlError(sqlstate::kSyntaxError, "empty collection name");
  // An alias for the collection (FROM c AS x / FROM c x) is accepted when no
  // column uses it as a prefix; dotted names are field paths here.
  if (AcceptKeyword("as")) {
    if (Peek().kind != Tok::kIdent && Peek().kind != Tok::kQuotedIdent) return Expected("an alias");
    ++pos_;
  } else if (Peek().kind == Tok::kQuotedIdent ||
             (Peek().kind == Tok::kIdent && !IsReserved(Peek().text) &&
              !IsKeyword(Peek(), "for"))) {
    ++pos_;
  }
  QF_RETURN_IF_ERROR(CheckUnsupportedAt());

  std::optional<Expr> where;
  std::vector<std::pair<std::string, int>> sort;
  std::optional<int64_t> limit, offset;
  if (AcceptKeyword("where")) {
    QF_ASSIGN_OR_RETURN(Expr e, ParseOr());
    where = std::move(e);
  }
  QF_RETURN_IF_ERROR(CheckUnsupportedAt());
  if (AcceptKeyword("order")) {
    QF_RETURN_IF_ERROR(ExpectKeyword("BY"));
    do {
      if (Peek().kind == Tok::kNumber) return Unsupported("ORDER BY a column number");
      QF_ASSIGN_OR_RETURN(std::string path, ParsePath());
      // ORDER BY may name a select-list alias.
      for (const auto& column : plan.columns) {
        if (column.name == path && !plan.count) path = column.path;
      }
      int direction = 1;
      if (AcceptKeyword("desc")) {
        direction = -1;
      } else {
        AcceptKeyword("asc");
      }
      if (IsKeyword(Peek(), "nulls")) {
        return Unsupported("NULLS FIRST/LAST (MongoDB sorts nulls and missing fields first)");
      }
      sort.emplace_back(path, direction);
    } while (AcceptSymbol(","));
  }
  while (true) {
    if (AcceptKeyword("limit")) {
      if (limit) return Expected("one LIMIT");
      if (AcceptKeyword("all")) continue;
      QF_ASSIGN_OR_RETURN(int64_t n, ParseCount("LIMIT"));
      limit = n;
      if (AcceptSymbol(",")) {  // LIMIT offset, count (MySQL)
        QF_ASSIGN_OR_RETURN(int64_t m, ParseCount("LIMIT"));
        offset = n;
        limit = m;
      }
      continue;
    }
    if (AcceptKeyword("offset")) {
      if (offset) return Expected("one OFFSET");
      QF_ASSIGN_OR_RETURN(int64_t n, ParseCount("OFFSET"));
      offset = n;
      if (!AcceptKeyword("rows")) AcceptKeyword("row");
      continue;
    }
    break;
  }
  QF_RETURN_IF_ERROR(CheckUnsupportedAt());
  if (AcceptSymbol(";") && Peek().kind != Tok::kEnd) {
    return Unsupported("several statements in one call");
  }
  if (Peek().kind != Tok::kEnd) {
    if (IsKeyword(Peek(), "where") || IsKeyword(Peek(), "order") || IsKeyword(Peek(), "limit")) {
      return SqlError(sqlstate::kSyntaxError,
                      absl::StrCat("clause out of order at offset ", Peek().offset,
                                   ": write WHERE, ORDER BY, LIMIT, OFFSET in this order"));
    }
    return Expected("the end of the statement");
  }
  if (!describe_only_ && next_param_ < params_.size()) {
    return SqlError(sqlstate::kWrongNumberOfParameters,
                    absl::StrCat(params_.size(), " parameters were bound but the statement has ",
                                 next_param_, " marker(s)"));
  }

  BsonPtr filter = NewBson();
  if (limit && *limit == 0) {
    // MongoDB reads limit 0 as "no limit"; SQL's LIMIT 0 returns nothing.
    AppendNothing(filter.get(), "_id");
  } else if (where) {
    EmitExpr(*where, false, filter.get());
  }
  plan.command = NewBson();
  bson_t* cmd = plan.command.get();
  if (plan.count) {
    if (!sort.empty() || limit || offset) {
      return Unsupported("ORDER BY, LIMIT or OFFSET with COUNT(*)");
    }
    bson_append_utf8(cmd, "aggregate", -1, plan.collection.c_str(), -1);
    bson_t pipeline, stage, inner, group, sum;
    bson_append_array_begin(cmd, "pipeline", -1, &pipeline);
    bson_append_document_begin(&pipeline, "0", -1, &stage);
    bson_append_document(&stage, "$match", -1, filter.get());
    bson_append_document_end(&pipeline, &stage);
    bson_append_document_begin(&pipeline, "1", -1, &inner);
    bson_append_document_begin(&inner, "$group", -1, &group);
    bson_append_null(&group, "_id", -1);
    bson_append_document_begin(&group, "count", -1, &sum);
    bson_append_int32(&sum, "$sum", -1, 1);
    bson_append_document_end(&group, &sum);
    bson_append_document_end(&inner, &group);
    bson_append_document_end(&pipeline, &inner);
    bson_append_array_end(cmd, &pipeline);
    return plan;
  }
  bson_append_utf8(cmd, "find", -1, plan.collection.c_str(), -1);
  bson_append_document(cmd, "filter", -1, filter.get());
  if (!plan.star) {
    bson_t projection;
    bson_append_document_begin(cmd, "projection", -1, &projection);
    bool wants_id = false;
    std::vector<std::string> projected;
    for (const auto& column : plan.columns) {
      if (column.path == "_id" || column.path.rfind("_id.", 0) == 0) wants_id = true;
      // MongoDB rejects a projection naming both "b" and "b.c".
      bool covered = false;
      for (const auto& other : plan.columns) {
        if (other.path.size() < column.path.size() &&
            column.path.compare(0, other.path.size() + 1, other.path + ".") == 0) {
          covered = true;
        }
      }
      bool seen = false;
      for (const auto& p : projected) seen = seen || p == column.path;
      if (covered || seen) continue;
      projected.push_back(column.path);
      bson_append_int32(&projection, column.path.c_str(), -1, 1);
    }
    if (!wants_id) bson_append_int32(&projection, "_id", -1, 0);
    bson_append_document_end(cmd, &projection);
  }
  if (!sort.empty()) {
    bson_t sort_doc;
    bson_append_document_begin(cmd, "sort", -1, &sort_doc);
    for (const auto& [path, direction] : sort) {
      bson_append_int32(&sort_doc, path.c_str(), -1, direction);
    }
    bson_append_document_end(cmd, &sort_doc);
  }
  if (offset && *offset > 0) bson_append_int64(cmd, "skip", -1, *offset);
  if (limit && *limit > 0) bson_append_int64(cmd, "limit", -1, *limit);
  return plan;
}

absl::StatusOr<Plan> TranslateNative(std::string_view text) {
  QF_ASSIGN_OR_RETURN(BsonPtr command, ParseJson(text));
  bson_iter_t it;
  if (!bson_iter_init(&it, command.get()) || !bson_iter_next(&it)) {
    return SqlError(sqlstate::kSyntaxError, "the MongoDB command is an empty document");
  }
  std::string key = bson_iter_key(&it);
  if (key != "find" && key != "aggregate") {
    return Unsupported(
        absl::StrCat("the command \"", key, "\" (native commands are find and aggregate)"));
  }
  if (!BSON_ITER_HOLDS_UTF8(&it)) {
    return Unsupported(absl::StrCat("\"", key, "\" without a collection name"));
  }
  Plan plan;
  plan.native = true;
  plan.collection = bson_iter_utf8(&it, nullptr);
  plan.command = std::move(command);
  if (key == "aggregate") {
    bson_iter_t pipeline;
    if (!bson_iter_init_find(&pipeline, plan.command.get(), "pipeline") ||
        !BSON_ITER_HOLDS_ARRAY(&pipeline)) {
      return SqlError(sqlstate::kSyntaxError, "an aggregate command needs a \"pipeline\" array");
    }
  }
  return plan;
}

}  // namespace

int CountParameters(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && text[i] == '{') return 0;
  auto tokens = Lex(text);
  if (!tokens.ok()) return 0;
  int count = 0;
  for (const auto& t : *tokens) count += t.kind == Tok::kParam;
  return count;
}

absl::StatusOr<Plan> Translate(std::string_view text, std::span<const Param> params,
                               bool describe_only) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && text[i] == '{') {
    if (!params.empty() && !describe_only) {
      return SqlError(sqlstate::kWrongNumberOfParameters,
                      "a native MongoDB command takes no parameters");
    }
    return TranslateNative(text.substr(i));
  }
  QF_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  if (tokens.size() == 1) return SqlError(sqlstate::kSyntaxError, "the statement is empty");
  Parser parser(std::move(tokens), params, describe_only);
  return parser.ParseStatement();
}

std::string PlanToJson(const Plan& plan) {
  return plan.command ? ToJson(*plan.command) : std::string("{}");
}

}  // namespace quietfetch::mongo
