// The reference workload's row, mapped once, and how the examples find their
// database. Shared by the three example services.
//
// The connection string is the first command-line argument, or
// QF_ORM_CONNECTION, or built from the QF_PG_* variables that the project's
// test environment exports (scripts/pg.sh).
#ifndef QUIETFETCH_ORM_EXAMPLES_SOME_ENTRY_H_
#define QUIETFETCH_ORM_EXAMPLES_SOME_ENTRY_H_

#include <cstdlib>
#include <string>

#include "quietfetch/orm/connection.h"

// One row of some_entries: id is a uuid4 string (varchar), created_date a
// timestamp without time zone, some_random_number an integer 1..10000.
struct SomeEntry {
  std::string id;
  quietfetch::orm::Timestamp created_date;  // std::chrono::sys_time<microseconds>
  int32_t some_random_number = 0;
};

template <>
struct quietfetch::orm::Mapping<SomeEntry> {
  static constexpr auto kFields =
      Fields(Field("id", &SomeEntry::id), Field("created_date", &SomeEntry::created_date),
             Field("some_random_number", &SomeEntry::some_random_number));
};

inline std::string ExampleConnectionString(int argc, char** argv) {
  if (argc > 1) return argv[1];
  if (const char* conn = std::getenv("QF_ORM_CONNECTION")) return conn;
  std::string out;
  const char* vars[][2] = {{"QF_PG_HOST", "Server"},
                           {"QF_PG_PORT", "Port"},
                           {"QF_PG_USER", "UID"},
                           {"QF_PG_PASSWORD", "PWD"},
                           {"QF_PG_DATABASE", "Database"}};
  for (const auto& [env, keyword] : vars) {
    if (const char* value = std::getenv(env)) out += std::string(keyword) + "={" + value + "};";
  }
  return out;
}

#endif  // QUIETFETCH_ORM_EXAMPLES_SOME_ENTRY_H_
