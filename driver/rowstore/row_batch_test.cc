#include "driver/rowstore/row_batch.h"

#include <string>

#include "gtest/gtest.h"

namespace quietfetch::rowstore {
namespace {

TEST(ArenaTest, AllocationsAreAlignedAndDistinct) {
  Arena arena(1024);
  char* a = arena.Allocate(3);
  char* b = arena.Allocate(5);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 8, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 8, 0u);
  EXPECT_GE(b - a, 8);
  EXPECT_EQ(arena.BytesUsed(), 16u);
}

TEST(ArenaTest, ResetKeepsStandardBlocksAndDropsLargeOnes) {
  Arena arena(1024);
  for (int i = 0; i < 100; ++i) arena.Allocate(100);
  arena.Allocate(100000);  // a value of its own
  size_t before = arena.MemoryUsage();
  EXPECT_GE(before, 100000u);
  arena.Reset();
  EXPECT_EQ(arena.BytesUsed(), 0u);
  EXPECT_LT(arena.MemoryUsage(), 100000u);
  size_t kept = arena.MemoryUsage();
  // Refilling the same amount reuses the kept blocks.
  for (int i = 0; i < 100; ++i) arena.Allocate(100);
  EXPECT_EQ(arena.MemoryUsage(), kept);
}

TEST(ArenaTest, CopyCopiesBytes) {
  Arena arena;
  std::string text = "hello, arena";
  char* copy = arena.Copy(text.data(), text.size());
  EXPECT_EQ(std::string(copy, text.size()), text);
  EXPECT_NE(copy, text.data());
}

TEST(RowBatchTest, StoresNullsFixedAndBytes) {
  RowBatch batch;
  batch.Clear(3);
  batch.AppendInt(42);
  batch.AppendNull();
  batch.AppendBytes("abc", 3);
  batch.FinishRow();
  batch.AppendDouble(2.5);
  batch.AppendBytes("", 0);
  char* out = batch.AppendUninitialized(10);
  std::memcpy(out, "12.5", 4);
  batch.TrimLast(4);
  batch.FinishRow();

  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_TRUE(batch.at(0, 0).is_fixed());
  EXPECT_EQ(batch.at(0, 0).i64, 42);
  EXPECT_TRUE(batch.at(0, 1).is_null());
  EXPECT_EQ(batch.at(0, 2).bytes(), "abc");
  EXPECT_DOUBLE_EQ(batch.at(1, 0).f64, 2.5);
  EXPECT_FALSE(batch.at(1, 1).is_null());
  EXPECT_EQ(batch.at(1, 1).bytes(), "");
  EXPECT_EQ(batch.at(1, 2).bytes(), "12.5");
}

TEST(RowBatchTest, AbandonRowDropsPartialCells) {
  RowBatch batch;
  batch.Clear(2);
  batch.AppendInt(1);
  batch.AppendInt(2);
  batch.FinishRow();
  batch.AppendInt(3);  // the decoder failed before the second cell
  batch.AbandonRow();
  batch.AppendInt(4);
  batch.AppendInt(5);
  batch.FinishRow();
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.at(1, 0).i64, 4);
  EXPECT_EQ(batch.at(1, 1).i64, 5);
}

TEST(RowBatchTest, MemoryStaysFlatAcrossRefills) {
  RowBatch batch;
  std::string value(100, 'x');
  size_t after_first = 0;
  for (int round = 0; round < 50; ++round) {
    batch.Clear(2);
    for (int row = 0; row < 1000; ++row) {
      batch.AppendInt(row);
      batch.AppendBytes(value.data(), value.size());
      batch.FinishRow();
    }
    if (round == 0) after_first = batch.MemoryUsage();
  }
  EXPECT_EQ(batch.MemoryUsage(), after_first);
}

}  // namespace
}  // namespace quietfetch::rowstore
