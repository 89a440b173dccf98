// LeakSanitizer suppressions compiled into the test executable, so sanitizer
// builds judge quietfetch alone: psqlODBC and the driver manager leak small
// allocations (psqlODBC on every statement prepared but never executed) that
// are not ours to fix. libquietfetch.so is deliberately not listed.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:psqlodbcw.so\n"
         "leak:psqlodbca.so\n"
         "leak:libodbc.so\n"
         "leak:libodbcinst.so\n";
}
