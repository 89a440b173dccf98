// Mapping structs to columns over hand-built batches: binding by name, type
// checks before the first row, NULL handling and error texts.
#include "quietfetch/orm/mapping.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "orm-bridge/src/bridge_internal.h"

namespace {

struct Entry {
  std::string id;
  quietfetch::orm::Timestamp created_date;
  std::optional<int> some_random_number;
};

struct Borrowing {
  std::string_view id;
};

}  // namespace

template <>
struct quietfetch::orm::Mapping<Entry> {
  static constexpr auto kFields =
      Fields(Field("id", &Entry::id), Field("created_date", &Entry::created_date),
             Field("some_random_number", &Entry::some_random_number));
};

template <>
struct quietfetch::orm::Mapping<Borrowing> {
  static constexpr auto kFields = Fields(Field("id", &Borrowing::id));
};

namespace quietfetch::orm {
namespace {

ColumnInfo Column(std::string name, ColumnType type, std::string type_name) {
  ColumnInfo column;
  column.name = std::move(name);
  column.type = type;
  column.type_name = std::move(type_name);
  return column;
}

std::vector<ColumnInfo> EntryColumns() {
  // Order differs from the struct's, and an extra column is ignored.
  return {Column("some_random_number", ColumnType::kInt32, "int4"),
          Column("extra", ColumnType::kText, "text"), Column("ID", ColumnType::kText, "varchar"),
          Column("created_date", ColumnType::kTimestamp, "timestamp")};
}

TEST(MappingTest, Declared) {
  static_assert(Mapped<Entry>);
  static_assert(!Mapped<int>);
  static_assert(RowType<int>);
  static_assert(!detail::BorrowsBatch<Entry>());
  static_assert(detail::BorrowsBatch<Borrowing>());
  EXPECT_EQ(ColumnNames<Entry>(),
            (std::vector<std::string_view>{"id", "created_date", "some_random_number"}));
}

TEST(MappingTest, ReadsRowsByName) {
  const auto columns = EntryColumns();
  absl::StatusOr<RowReader<Entry>> reader = RowReader<Entry>::Bind(columns);
  ASSERT_TRUE(reader.ok()) << reader.status();
  rowstore::RowBatch batch;
  batch.Clear(4);
  batch.AppendInt(7);
  batch.AppendBytes("x", 1);
  batch.AppendBytes("abc", 3);
  batch.AppendInt(1'000'000);
  batch.FinishRow();
  batch.AppendNull();
  batch.AppendNull();
  batch.AppendBytes("def", 3);
  batch.AppendInt(2'000'000);
  batch.FinishRow();

  Entry entry;
  ASSERT_TRUE(reader->Read(detail::ViewOf(batch), 0, entry).ok());
  EXPECT_EQ(entry.id, "abc");
  EXPECT_EQ(entry.created_date.time_since_epoch().count(), 1'000'000);
  EXPECT_EQ(entry.some_random_number, 7);
  // Reusing the struct: NULL resets the optional.
  ASSERT_TRUE(reader->Read(detail::ViewOf(batch), 1, entry).ok());
  EXPECT_EQ(entry.id, "def");
  EXPECT_EQ(entry.some_random_number, std::nullopt);
}

TEST(MappingTest, TypeMismatchNamesColumnAndTypes) {
  auto columns = EntryColumns();
  columns[3] = Column("created_date", ColumnType::kText, "text");
  absl::StatusOr<RowReader<Entry>> reader = RowReader<Entry>::Bind(columns);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(SqlState(reader.status()), "07006");
  const std::string message(reader.status().message());
  EXPECT_NE(message.find("'created_date'"), std::string::npos) << message;
  EXPECT_NE(message.find("text"), std::string::npos) << message;
  EXPECT_NE(message.find("std::chrono::system_clock::time_point"), std::string::npos) << message;
}

TEST(MappingTest, MissingColumn) {
  auto columns = EntryColumns();
  columns.erase(columns.begin());
  absl::StatusOr<RowReader<Entry>> reader = RowReader<Entry>::Bind(columns);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(SqlState(reader.status()), "07009");
  EXPECT_NE(reader.status().message().find("some_random_number"), absl::string_view::npos);
}

TEST(MappingTest, NullIntoNonOptionalIs22002) {
  const auto columns = EntryColumns();
  RowReader<Entry> reader = *RowReader<Entry>::Bind(columns);
  rowstore::RowBatch batch;
  batch.Clear(4);
  batch.AppendInt(1);
  batch.AppendNull();
  batch.AppendNull();  // id
  batch.AppendInt(0);
  batch.FinishRow();
  Entry entry;
  absl::Status status = reader.Read(detail::ViewOf(batch), 0, entry);
  EXPECT_EQ(SqlState(status), "22002");
  EXPECT_NE(status.message().find("'ID'"), absl::string_view::npos) << status;
}

TEST(MappingTest, ConversionErrorNamesColumn) {
  std::vector<ColumnInfo> columns = {Column("n", ColumnType::kInt64, "int8")};
  RowReader<int16_t> reader = *RowReader<int16_t>::Bind(columns);
  rowstore::RowBatch batch;
  batch.Clear(1);
  batch.AppendInt(100'000);
  batch.FinishRow();
  int16_t out = 0;
  absl::Status status = reader.Read(detail::ViewOf(batch), 0, out);
  EXPECT_EQ(SqlState(status), "22003");
  EXPECT_NE(status.message().find("'n'"), absl::string_view::npos) << status;
}

TEST(MappingTest, ScalarNeedsOneColumn) {
  const auto columns = EntryColumns();
  absl::StatusOr<RowReader<int>> reader = RowReader<int>::Bind(columns);
  EXPECT_EQ(SqlState(reader.status()), "07009");
}

}  // namespace
}  // namespace quietfetch::orm
