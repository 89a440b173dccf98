// Sanitizer defaults compiled into the test executable. They only take effect
// in sanitizer builds, and ASAN_OPTIONS / LSAN_OPTIONS from the environment
// still override them flag by flag.

// AddressSanitizer keeps freed memory in a quarantine of 256 MB by default,
// which alone would break the streaming test's 64 MB bound on RSS growth;
// 16 MB still exceeds what any other test frees, so use-after-free detection
// in the driver is not weakened where it matters.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=16"; }

// psqlODBC and the driver manager leak small allocations (psqlODBC on every
// statement prepared but never executed) that are not ours to fix, so
// sanitizer builds judge quietfetch alone. libquietfetch.so is deliberately
// not listed.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:psqlodbcw.so\n"
         "leak:psqlodbca.so\n"
         "leak:libodbc.so\n"
         "leak:libodbcinst.so\n";
}
