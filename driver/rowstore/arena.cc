#include "driver/rowstore/arena.h"

#include <cstring>

namespace quietfetch::rowstore {

Arena::Arena(size_t block_size) : block_size_(block_size < 64 ? 64 : block_size) {}

char* Arena::Copy(const char* data, size_t size) {
  // Empty values still get a real address: callers may memcpy from it.
  char* out = Allocate(size == 0 ? 1 : size);
  if (size > 0) std::memcpy(out, data, size);
  return out;
}

char* Arena::AllocateSlow(size_t bytes) {
  if (bytes > block_size_ / 4) {
    large_.push_back(std::make_unique<char[]>(bytes));
    memory_usage_ += bytes;
    bytes_used_ += bytes;
    return large_.back().get();
  }
  bytes_used_ += block_capacity_ - remaining_;
  if (next_block_ == blocks_.size()) {
    blocks_.push_back(std::make_unique<char[]>(block_size_));
    memory_usage_ += block_size_;
  }
  cursor_ = blocks_[next_block_++].get();
  block_capacity_ = block_size_;
  remaining_ = block_size_ - bytes;
  char* result = cursor_;
  cursor_ += bytes;
  return result;
}

void Arena::Reset() {
  // Oversized blocks were sized for one value; keeping them would pin memory.
  large_.clear();
  memory_usage_ = blocks_.size() * block_size_;
  next_block_ = 0;
  cursor_ = nullptr;
  remaining_ = 0;
  block_capacity_ = 0;
  bytes_used_ = 0;
}

}  // namespace quietfetch::rowstore
