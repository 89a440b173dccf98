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
