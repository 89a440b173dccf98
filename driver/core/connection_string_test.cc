#include "driver/core/connection_string.h"

#include "driver/core/status.h"
#include "gtest/gtest.h"

namespace quietfetch::core {
namespace {

KeyValues NoDsn(std::string_view) { return {}; }

TEST(ParseConnectionStringTest, SplitsPairsAndBracedValues) {
  auto pairs = ParseConnectionString("DRIVER={quiet fetch};Server=h1,h2; PWD={a;b}}c};Port=5432;");
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  ASSERT_EQ(pairs->size(), 4u);
  EXPECT_EQ((*pairs)[0], (std::pair<std::string, std::string>{"DRIVER", "quiet fetch"}));
  EXPECT_EQ((*pairs)[1].second, "h1,h2");
  EXPECT_EQ((*pairs)[2], (std::pair<std::string, std::string>{"PWD", "a;b}c"}));
  EXPECT_EQ((*pairs)[3].second, "5432");
}

TEST(ParseConnectionStringTest, RejectsMalformedInput) {
  EXPECT_EQ(SqlStateOf(ParseConnectionString("Server").status()), "HY000");
  EXPECT_EQ(SqlStateOf(ParseConnectionString("PWD={abc").status()), "HY000");
  EXPECT_EQ(SqlStateOf(ParseConnectionString("=x").status()), "HY000");
  EXPECT_TRUE(ParseConnectionString("").ok());
}

TEST(ResolveConfigTest, KeywordsAreCaseInsensitiveWithAliases) {
  auto pairs = ParseConnectionString(
      "host=db;PORT=5433;dbname=app;user=u;password=p;sslmode=REQUIRE;FetchRows=10;"
      "FetchBytes=65536;pqopt={target_session_attrs=read-write}");
  ASSERT_TRUE(pairs.ok());
  auto config = ResolveConfig(*pairs, NoDsn);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->backend.host, "db");
  EXPECT_EQ(config->backend.port, "5433");
  EXPECT_EQ(config->backend.database, "app");
  EXPECT_EQ(config->backend.user, "u");
  EXPECT_EQ(config->backend.password, "p");
  EXPECT_EQ(config->backend.sslmode, "require");
  EXPECT_EQ(config->backend.libpq_options, "target_session_attrs=read-write");
  EXPECT_EQ(config->limits.max_rows, 10u);
  EXPECT_EQ(config->limits.max_bytes, 65536u);
}

TEST(ResolveConfigTest, UnknownKeywordIsAnErrorNamingIt) {
  auto config = ResolveConfig({{"Server", "x"}, {"Pasword", "secret"}}, NoDsn);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("Pasword"), absl::string_view::npos);
  // The value is a secret and must not be echoed.
  EXPECT_EQ(config.status().message().find("secret"), absl::string_view::npos);
}

TEST(ResolveConfigTest, BadValuesAreRejected) {
  EXPECT_EQ(SqlStateOf(ResolveConfig({{"FetchRows", "0"}}, NoDsn).status()), "HY024");
  EXPECT_EQ(SqlStateOf(ResolveConfig({{"FetchRows", "ten"}}, NoDsn).status()), "HY024");
  EXPECT_EQ(SqlStateOf(ResolveConfig({{"SSLMode", "maybe"}}, NoDsn).status()), "HY024");
}

TEST(ResolveConfigTest, CollectorPolicyKeywords) {
  auto defaults = ResolveConfig({}, NoDsn);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->gc.kind, gc::PolicyKind::kRaise);
  EXPECT_EQ(defaults->gc.threshold, 0);  // auto
  EXPECT_EQ(defaults->gc.scope, gc::Scope::kUnitOfWork);

  auto config = ResolveConfig({{"gcpolicy", "SUSPEND"},
                               {"GcThreshold", "50000"},
                               {"GcMaxThreshold", "900000"},
                               {"GcBulkRows", "10"},
                               {"GcWindow", "statement"},
                               {"GcMaxRows", "2000"},
                               {"GcMaxSeconds", "5"},
                               {"GcTrace", "/tmp/trace.jsonl"}},
                              NoDsn);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->gc.kind, gc::PolicyKind::kSuspend);
  EXPECT_EQ(config->gc.threshold, 50000);
  EXPECT_EQ(config->gc.max_threshold, 900000);
  EXPECT_EQ(config->gc.bulk_rows, 10);
  EXPECT_EQ(config->gc.scope, gc::Scope::kStatement);
  EXPECT_EQ(config->gc.max_rows, 2000);
  EXPECT_EQ(config->gc.max_duration, absl::Seconds(5));
  EXPECT_EQ(config->gc.trace, "/tmp/trace.jsonl");

  auto automatic = ResolveConfig({{"GcThreshold", "Auto"}, {"GcPolicy", "off"}}, NoDsn);
  ASSERT_TRUE(automatic.ok());
  EXPECT_EQ(automatic->gc.threshold, 0);
  EXPECT_EQ(automatic->gc.kind, gc::PolicyKind::kOff);
}

TEST(ResolveConfigTest, BadCollectorPolicyValuesNameTheKeyword) {
  for (const auto& [key, value] : KeyValues{{"GcPolicy", "sometimes"},
                                            {"GcThreshold", "-1"},
                                            {"GcBulkRows", "0"},
                                            {"GcWindow", "forever"},
                                            {"GcMaxSeconds", "soon"}}) {
    auto config = ResolveConfig({{key, value}}, NoDsn);
    ASSERT_FALSE(config.ok()) << key;
    EXPECT_EQ(SqlStateOf(config.status()), "HY024") << key;
    EXPECT_NE(config.status().message().find(key), absl::string_view::npos)
        << config.status().message();
  }
}

TEST(ResolveConfigTest, ConnectionStringOverridesDsn) {
  auto read_dsn = [](std::string_view dsn) -> KeyValues {
    EXPECT_EQ(dsn, "mydsn");
    return {{"Driver", "quietfetch"},
            {"Description", "ignored"},
            {"Server", "from-dsn"},
            {"Port", "1"}};
  };
  auto config = ResolveConfig({{"DSN", "mydsn"}, {"Port", "2"}}, read_dsn);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->dsn, "mydsn");
  EXPECT_EQ(config->backend.host, "from-dsn");
  EXPECT_EQ(config->backend.port, "2");
}

TEST(ResolveConfigTest, UnknownKeyInDsnNamesTheDsn) {
  auto read_dsn = [](std::string_view) -> KeyValues { return {{"Servr", "x"}}; };
  auto config = ResolveConfig({{"DSN", "d"}}, read_dsn);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("DSN 'd'"), absl::string_view::npos);
}

TEST(CompletedConnectionStringTest, BracesValuesThatNeedThem) {
  ConnectionConfig config;
  config.given = {{"DSN", "x"}, {"PWD", "a;b}"}};
  EXPECT_EQ(CompletedConnectionString(config), "DSN=x;PWD={a;b}}}");
}

}  // namespace
}  // namespace quietfetch::core
