// The live tests' connection string: the test server from the environment
// written by scripts/pg.sh (QF_PG_*), plus optional extra keywords. Empty when
// the environment is missing, so a test can say so instead of failing to
// connect somewhere else.
#ifndef QUIETFETCH_ORM_BRIDGE_SRC_TEST_CONNECTION_H_
#define QUIETFETCH_ORM_BRIDGE_SRC_TEST_CONNECTION_H_

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"

namespace quietfetch::orm {

inline std::string ConnectionString(std::string_view extra = "") {
  std::string out;
  const std::pair<const char*, const char*> vars[] = {{"QF_PG_HOST", "Server"},
                                                      {"QF_PG_PORT", "Port"},
                                                      {"QF_PG_USER", "UID"},
                                                      {"QF_PG_PASSWORD", "PWD"},
                                                      {"QF_PG_DATABASE", "Database"}};
  for (const auto& [env, keyword] : vars) {
    const char* value = std::getenv(env);
    if (value == nullptr) return "";
    absl::StrAppend(&out, keyword, "={", value, "};");
  }
  absl::StrAppend(&out, "ConnectTimeout=10;", absl::string_view(extra.data(), extra.size()));
  return out;
}

}  // namespace quietfetch::orm

#endif  // QUIETFETCH_ORM_BRIDGE_SRC_TEST_CONNECTION_H_
