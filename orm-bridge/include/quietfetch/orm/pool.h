// A pool of Connections shared by many threads.
//
//   auto pool = Pool::Create("Server=db;...", {.max_size = 8});
//   absl::StatusOr<PooledConnection> conn = (*pool)->Acquire();
//   auto rows = (*conn)->Query<Entry>("SELECT ...");
//   // the connection goes back to the pool when `conn` is destroyed
//
// Acquire() hands out an idle connection, opens a new one while fewer than
// max_size exist, and otherwise waits up to acquire_timeout (then HYT00).
// Connections are opened outside the pool's lock, so a slow server does not
// block threads returning connections. A connection comes back only if it is
// healthy and idle: one still inside a transaction (a Transaction leaked or
// moved out) or whose server connection died is closed instead. Each
// PooledConnection is used by one thread at a time, like a Connection; the
// pool itself is thread-safe and lives while any PooledConnection does.
#ifndef QUIETFETCH_ORM_POOL_H_
#define QUIETFETCH_ORM_POOL_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "quietfetch/orm/connection.h"

namespace quietfetch::orm {

struct PoolOptions {
  size_t max_size = 8;
  std::chrono::milliseconds acquire_timeout{30'000};
};

namespace detail {
class PoolState;
}

class PooledConnection {
 public:
  PooledConnection(PooledConnection&&) noexcept;
  PooledConnection& operator=(PooledConnection&&) noexcept;
  ~PooledConnection();  // returns the connection to its pool

  Connection& operator*() { return *connection_; }
  Connection* operator->() { return connection_.get(); }

 private:
  friend class Pool;
  PooledConnection(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<Connection> connection);
  void Release();

  std::shared_ptr<detail::PoolState> pool_;
  std::unique_ptr<Connection> connection_;
};

class Pool {
 public:
  // Validates the options and opens no connection yet (InvalidArgument for
  // max_size 0); connection errors show at the first Acquire().
  static absl::StatusOr<std::unique_ptr<Pool>> Create(std::string connection_string,
                                                      PoolOptions options = {});
  ~Pool();

  absl::StatusOr<PooledConnection> Acquire();

  size_t open_connections() const;  // idle + handed out
  size_t idle_connections() const;

 private:
  explicit Pool(std::shared_ptr<detail::PoolState> state);
  std::shared_ptr<detail::PoolState> state_;
};

}  // namespace quietfetch::orm

#endif  // QUIETFETCH_ORM_POOL_H_
