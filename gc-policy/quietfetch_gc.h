/* quietfetch gc-policy C API: glue in other languages (or C) drives the same
 * process-wide windows the driver uses. Every function is safe to call from
 * any thread; none calls into a collector unless a window opens or ends.
 * Returns 0 on success, -1 on error with a message in
 * quietfetch_gc_last_error() (per thread). Exported by the gc-policy shared
 * library libquietfetch_gc.so and by the driver library itself, so a process
 * that loads the driver shares one state with glue that dlopens it. */
#ifndef QUIETFETCH_GC_POLICY_QUIETFETCH_GC_H_
#define QUIETFETCH_GC_POLICY_QUIETFETCH_GC_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quietfetch_gc_window quietfetch_gc_window;

typedef struct quietfetch_gc_settings {
  int32_t enabled;
  int64_t threshold0, threshold1, threshold2;
} quietfetch_gc_settings;

typedef struct quietfetch_gc_window_stats {
  char policy[16];
  char end_reason[24];
  int64_t rows;
  double duration_ms;
  int64_t collections; /* -1 unknown */
  quietfetch_gc_settings before, during, after;
  int32_t touched, first, restored, left_alone;
} quietfetch_gc_window_stats;

typedef struct quietfetch_gc_process_stats {
  char collector[32];
  int64_t windows_opened, windows_open, nests, writes, restores, left_alone;
  int64_t collector_entries, untouchable, collections_in_windows, capped;
  int32_t hook_installed;
} quietfetch_gc_process_stats;

/* A window owner with a policy: options as "policy=raise;threshold=auto;..."
 * (see policy.h ParsePolicyConfig); NULL or "" means the defaults. NULL on
 * bad options. */
quietfetch_gc_window* quietfetch_gc_window_new(const char* options);
/* Rows fetched by the owner's current result; opens the window when the
 * result reaches bulk_rows. */
int quietfetch_gc_window_add_rows(quietfetch_gc_window* window, int64_t rows);
/* Opens the window now, whatever the row count. */
int quietfetch_gc_window_begin(quietfetch_gc_window* window, int64_t rows);
/* Ends it (no-op if not open); fills `stats` if not NULL. */
int quietfetch_gc_window_end(quietfetch_gc_window* window, quietfetch_gc_window_stats* stats);
int quietfetch_gc_window_is_open(const quietfetch_gc_window* window);
/* Ends an open window, then frees. NULL is ignored. */
void quietfetch_gc_window_free(quietfetch_gc_window* window);

int quietfetch_gc_process_stats_get(quietfetch_gc_process_stats* stats);

/* A collector the application registers (its own runtime's). Function
 * pointers get `context`; enter/leave may be NULL (no locking needed);
 * collections may be NULL (unknown). Return 0 on success. Registering
 * replaces detection; NULL unregisters. Fails while a window is open. */
typedef struct quietfetch_gc_collector {
  const char* name;
  void* context;
  int (*enter)(void* context);
  void (*leave)(void* context);
  int (*read)(void* context, quietfetch_gc_settings* settings);
  int (*write)(void* context, const quietfetch_gc_settings* settings);
  int64_t (*collections)(void* context);
} quietfetch_gc_collector;
int quietfetch_gc_register_collector(const quietfetch_gc_collector* collector);

const char* quietfetch_gc_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* QUIETFETCH_GC_POLICY_QUIETFETCH_GC_H_ */
