// A thread ended by its host while the driver enters the collector.
//
// CPython ends a daemon thread with pthread_exit() when the thread asks for
// the GIL (PyGILState_Ensure, the CPython collector's Enter) after the
// interpreter began finalizing. That is a forced unwind through the driver's
// frames: every catch (...) on the way must let it pass (rethrow
// abi::__forced_unwind), or glibc aborts the process ("FATAL: exception not
// rethrown"). With Python that happens only in a race at exit
// (test_process_exit.py, daemon threads); here a registered collector whose
// enter() calls pthread_exit() makes it deterministic.
//
// Two cases, each in a forked child so a crash is reported, not suffered:
//   open: the first bulk batch opens a window (SQLFetch) and enter() ends the thread;
//   end:  the window opened normally, enter() ends the thread in SQLEndTran.
// Each child must see its thread end (pthread_join returns) and exit 0.
// Needs QF_DSN and QF_DRIVER_PATH (and the ODBC ini variables).
#include <dlfcn.h>
#include <pthread.h>
#include <sql.h>
#include <sqlext.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "gc-policy/quietfetch_gc.h"

namespace {

std::atomic<bool> exit_on_enter{false};
std::atomic<int> enters{0};
std::atomic<bool> reached_after_fetch{false};
std::atomic<bool> reached_after_commit{false};
quietfetch_gc_settings held{1, 700, 10, 10};

int Enter(void*) {
  ++enters;
  if (exit_on_enter.load()) pthread_exit(nullptr);
  return 0;
}
int Read(void*, quietfetch_gc_settings* settings) {
  *settings = held;
  return 0;
}
int Write(void*, const quietfetch_gc_settings* settings) {
  held = *settings;
  return 0;
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "FAIL: %s\n", what);
  std::_Exit(2);
}

struct Case {
  bool exit_in_fetch;  // else in SQLEndTran
};

void* Work(void* arg) {
  const Case* c = static_cast<const Case*>(arg);
  SQLHENV env = SQL_NULL_HENV;
  SQLHDBC dbc = SQL_NULL_HDBC;
  SQLHSTMT stmt = SQL_NULL_HSTMT;
  std::string connect = std::string("DSN=") + std::getenv("QF_DSN");
  SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
  SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
  if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(connect.data()),
                                      SQL_NTS, nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT))) {
    Die("SQLDriverConnect failed");
  }
  // The driver is loaded now: register the collector in its gc-policy state.
  void* library = dlopen(std::getenv("QF_DRIVER_PATH"), RTLD_NOW | RTLD_NOLOAD);
  if (library == nullptr) Die("QF_DRIVER_PATH is not the library the driver manager loaded");
  auto register_collector = reinterpret_cast<int (*)(const quietfetch_gc_collector*)>(
      dlsym(library, "quietfetch_gc_register_collector"));
  static const quietfetch_gc_collector collector = {"exits-thread", nullptr, Enter,  nullptr,
                                                    Read,           Write,   nullptr};
  if (register_collector == nullptr || register_collector(&collector) != 0) {
    Die("quietfetch_gc_register_collector failed");
  }
  SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT,
                    reinterpret_cast<SQLPOINTER>(static_cast<uintptr_t>(SQL_AUTOCOMMIT_OFF)), 0);
  exit_on_enter = c->exit_in_fetch;
  SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt);
  const char* sql = "SELECT g FROM generate_series(1, 5000) AS g";
  if (!SQL_SUCCEEDED(
          SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql)), SQL_NTS))) {
    Die("SQLExecDirect failed");
  }
  while (SQL_SUCCEEDED(SQLFetch(stmt))) {
  }
  reached_after_fetch = true;
  if (enters.load() == 0) Die("the bulk result did not enter the registered collector");
  exit_on_enter = true;
  SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT);
  reached_after_commit = true;
  return nullptr;
}

// Runs one case in this (child) process; returns the exit status.
int RunCase(const Case& c) {
  pthread_t thread;
  if (pthread_create(&thread, nullptr, Work, const_cast<Case*>(&c)) != 0) Die("pthread_create");
  pthread_join(thread, nullptr);
  if (reached_after_commit) {
    std::fprintf(stderr, "FAIL: the thread was not ended inside the driver\n");
    return 1;
  }
  if (c.exit_in_fetch == reached_after_fetch) {
    std::fprintf(stderr, "FAIL: the thread ended in the wrong call\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main() {
  if (std::getenv("QF_DSN") == nullptr || std::getenv("QF_DRIVER_PATH") == nullptr) {
    std::fprintf(stderr,
                 "FAIL: QF_DSN and QF_DRIVER_PATH must be set (with ODBCSYSINI and ODBCINI), "
                 "normally by scripts/test.sh; by hand: . build/test-env/env.sh\n");
    return 1;
  }
  struct Named {
    const char* name;
    Case c;
  };
  const Named cases[] = {{"open (SQLFetch)", {true}}, {"end (SQLEndTran)", {false}}};
  int failures = 0;
  for (const Named& named : cases) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) Die("fork");
    if (pid == 0) std::_Exit(RunCase(named.c));
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) Die("waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      std::printf("ok: thread ended by pthread_exit in the collector's enter, %s\n", named.name);
    } else if (WIFSIGNALED(status)) {
      ++failures;
      std::printf(
          "FAIL: thread ended by pthread_exit in the collector's enter, %s: process killed by "
          "signal %d (%s); a catch (...) swallowed the forced unwind (see stderr)\n",
          named.name, WTERMSIG(status), strsignal(WTERMSIG(status)));
    } else {
      ++failures;
      std::printf("FAIL: %s: exit status %d\n", named.name, WEXITSTATUS(status));
    }
  }
  return failures == 0 ? 0 : 1;
}
