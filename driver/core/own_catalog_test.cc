#include "driver/core/own_catalog.h"

#include "driver/core/connection_string.h"
#include "driver/core/status.h"
#include "gtest/gtest.h"

namespace quietfetch::core {
namespace {

TEST(OwnCatalogTest, PatternsFollowOdbcRules) {
  EXPECT_TRUE(CatalogNameMatches(std::nullopt, "anything", false));
  EXPECT_TRUE(CatalogNameMatches(std::string("%"), "anything", false));
  EXPECT_TRUE(CatalogNameMatches(std::string("some_entries"), "some_entries", false));
  EXPECT_TRUE(CatalogNameMatches(std::string("some_entries"), "someXentries", false));
  EXPECT_FALSE(CatalogNameMatches(std::string("some\\_entries"), "someXentries", false));
  EXPECT_TRUE(CatalogNameMatches(std::string("some\\_entries"), "some_entries", false));
  EXPECT_TRUE(CatalogNameMatches(std::string("s%s"), "some_entries", false));
  EXPECT_TRUE(CatalogNameMatches(std::string("%ent%"), "some_entries", false));
  EXPECT_FALSE(CatalogNameMatches(std::string("%x%"), "some_entries", false));
  EXPECT_FALSE(CatalogNameMatches(std::string(""), "some_entries", false));
  EXPECT_FALSE(CatalogNameMatches(std::string("Some_entries"), "some_entries", false));
  // SQL_ATTR_METADATA_ID: identifiers, compared exactly.
  EXPECT_FALSE(CatalogNameMatches(std::string("some%"), "some_entries", true));
  EXPECT_TRUE(CatalogNameMatches(std::string("some_entries"), "some_entries", true));
  EXPECT_TRUE(CatalogNameMatches(std::string("\"some_entries\""), "some_entries", true));
  EXPECT_FALSE(CatalogNameMatches(std::string("someXentries"), "some_entries", true));
}

KeyValues NoDsn(std::string_view) { return {}; }

TEST(MongoKeywordsTest, MongoUriAndSampleSize) {
  auto pairs = ParseConnectionString(
      "Driver=quietfetch;MongoUri={mongodb://u:p@h1:27017,h2/db?replicaSet=rs;tls=true};"
      "mongosamplesize=500");
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  auto config = ResolveConfig(*pairs, NoDsn);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->backend.mongo_uri, "mongodb://u:p@h1:27017,h2/db?replicaSet=rs;tls=true");
  EXPECT_EQ(config->backend.mongo_sample_size, 500);

  auto defaults = ResolveConfig({{"MongoUri", "mongodb://h/db"}}, NoDsn);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->backend.mongo_sample_size, 100);
  EXPECT_TRUE(ResolveConfig({}, NoDsn)->backend.mongo_uri.empty());  // PostgreSQL

  EXPECT_EQ(SqlStateOf(ResolveConfig({{"MongoUri", ""}}, NoDsn).status()), "HY024");
  EXPECT_EQ(SqlStateOf(ResolveConfig({{"MongoSampleSize", "0"}}, NoDsn).status()), "HY024");
  EXPECT_EQ(SqlStateOf(ResolveConfig({{"MongoSampleSize", "ten"}}, NoDsn).status()), "HY024");
}

}  // namespace
}  // namespace quietfetch::core
