// A bump allocator over reusable blocks. Values larger than a quarter block get
// a block of their own. Reset() keeps the standard blocks (so a steady stream of
// batches allocates nothing after warm-up) and frees the oversized ones, so a
// single huge value does not pin memory for the rest of a result.
// Not thread-safe; one arena belongs to one RowBatch.
#ifndef QUIETFETCH_DRIVER_ROWSTORE_ARENA_H_
#define QUIETFETCH_DRIVER_ROWSTORE_ARENA_H_

#include <cstddef>
#include <memory>
#include <vector>

namespace quietfetch::rowstore {

class Arena {
 public:
  static constexpr size_t kDefaultBlockSize = 256 * 1024;

  explicit Arena(size_t block_size = kDefaultBlockSize);
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `bytes` of storage valid until the next Reset(). Alignment is 8.
  char* Allocate(size_t bytes) {
    bytes = (bytes + 7) & ~size_t{7};
    if (bytes <= remaining_) {
      char* result = cursor_;
      cursor_ += bytes;
      remaining_ -= bytes;
      return result;
    }
    return AllocateSlow(bytes);
  }

  // Copies `size` bytes into the arena and returns the copy.
  char* Copy(const char* data, size_t size);

  // Forgets every allocation. Standard blocks are kept for reuse.
  void Reset();

  // Bytes handed out since the last Reset (rounded to alignment).
  size_t BytesUsed() const { return bytes_used_ + (block_capacity_ - remaining_); }
  // Bytes held from the system, including kept blocks.
  size_t MemoryUsage() const { return memory_usage_; }

 private:
  char* AllocateSlow(size_t bytes);

  size_t block_size_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // standard-size blocks
  std::vector<std::unique_ptr<char[]>> large_;   // one value each
  size_t next_block_ = 0;                        // index of the next unused block
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t block_capacity_ = 0;
  size_t bytes_used_ = 0;  // in blocks finished before the current one
  size_t memory_usage_ = 0;
};

}  // namespace quietfetch::rowstore

#endif  // QUIETFETCH_DRIVER_ROWSTORE_ARENA_H_
