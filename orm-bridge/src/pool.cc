#include "quietfetch/orm/pool.h"

#include <condition_variable>
#include <mutex>
#include <vector>

namespace quietfetch::orm {
namespace detail {

class PoolState {
 public:
  PoolState(std::string connection_string, PoolOptions options)
      : connection_string_(std::move(connection_string)), options_(options) {}

  absl::StatusOr<std::unique_ptr<Connection>> Acquire() {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      const bool ready = available_.wait_for(lock, options_.acquire_timeout, [&] {
        return !idle_.empty() || open_ < options_.max_size;
      });
      if (!ready) {
        return SqlError("HYT00", "timed out waiting for a free connection in the pool");
      }
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
      ++open_;  // reserve the slot; connect without the lock
    }
    absl::StatusOr<Connection> opened = Connection::Open(connection_string_);
    if (!opened.ok()) {
      Forget();
      return opened.status();
    }
    return std::make_unique<Connection>(*std::move(opened));
  }

  void Return(std::unique_ptr<Connection> connection) {
    if (connection->InTransaction() || !connection->IsAlive()) {
      connection.reset();  // closed outside the lock
      Forget();
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      idle_.push_back(std::move(connection));
    }
    available_.notify_one();
  }

  size_t open() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return open_;
  }
  size_t idle() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return idle_.size();
  }

 private:
  void Forget() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --open_;
    }
    available_.notify_one();
  }

  const std::string connection_string_;
  const PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_ = 0;  // idle + handed out + being opened
};

}  // namespace detail

PooledConnection::PooledConnection(std::shared_ptr<detail::PoolState> pool,
                                   std::unique_ptr<Connection> connection)
    : pool_(std::move(pool)), connection_(std::move(connection)) {}
PooledConnection::PooledConnection(PooledConnection&&) noexcept = default;
PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::move(other.pool_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}
PooledConnection::~PooledConnection() { Release(); }

void PooledConnection::Release() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->Return(std::move(connection_));
  pool_.reset();
}

absl::StatusOr<std::unique_ptr<Pool>> Pool::Create(std::string connection_string,
                                                   PoolOptions options) {
  if (options.max_size == 0) return absl::InvalidArgumentError("max_size must be at least 1");
  return std::unique_ptr<Pool>(
      new Pool(std::make_shared<detail::PoolState>(std::move(connection_string), options)));
}

Pool::Pool(std::shared_ptr<detail::PoolState> state) : state_(std::move(state)) {}
Pool::~Pool() = default;

absl::StatusOr<PooledConnection> Pool::Acquire() {
  absl::StatusOr<std::unique_ptr<Connection>> connection = state_->Acquire();
  if (!connection.ok()) return connection.status();
  return PooledConnection(state_, *std::move(connection));
}

size_t Pool::open_connections() const { return state_->open(); }
size_t Pool::idle_connections() const { return state_->idle(); }

}  // namespace quietfetch::orm
