// CPython's collector, reached through the C API the host process already
// exports: the Debian python3 executable exports it, other builds export it
// from libpython3.X.so (--enable-shared). Nothing here links libpython; every
// symbol is found with dlsym(RTLD_DEFAULT), so the library loads into processes
// without Python and costs them one failed lookup per bulk window.
//
// Versions 3.8 to 3.14; anything else (Py_GetVersion()) counts as no collector.
// What differs between them and how it is handled:
//  - Finalization is _Py_IsFinalizing up to 3.12, Py_IsFinalizing from 3.13:
//    whichever exists is used.
//  - threshold0 defaults to 700 up to 3.12 and 2000 from 3.13. Nothing here
//    assumes a default; settings are read before they are changed.
//  - 3.14.0 to 3.14.4 shipped an incremental collector in which the thresholds
//    mean other things (threshold1 is a percentage of the young generation
//    scanned per increment rather than a count of young collections, and
//    threshold2 is ignored); 3.14.5 went back to the generational collector.
//    All three values are read and written back as they are, so a restore is
//    exact whichever collector runs; policies only scale threshold0, which
//    kept its meaning (the size of the young generation).
//  - Free-threaded builds (3.13t, 3.14t) take the same calls: PyGILState_Ensure
//    attaches the thread state instead of taking a GIL. Only new references
//    are used, never borrowed ones, so nothing depends on the GIL pinning an
//    object.
//  - There is no C API for thresholds (and PyGC_Enable/Disable only exist from
//    3.10), so the `gc` module's functions are called.
//
// Calls go through the stable-ABI functions (Py_IncRef rather than the
// Py_INCREF macro, and so on) because object layouts differ between versions
// and between default and free-threaded builds.
#include <cxxabi.h>
#include <dlfcn.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string_view>
#include <vector>

#include "gc-policy/collector.h"

namespace quietfetch::gc {
namespace {

// CPython's types, opaque except for PyMethodDef whose layout is part of the
// stable ABI. Named as in Python.h so the calls below read like CPython code.
struct PyObject;
using PyCFunction = PyObject* (*)(PyObject* self, PyObject* args);
struct PyMethodDef {
  const char* ml_name;
  PyCFunction ml_meth;
  int ml_flags;
  const char* ml_doc;
};
constexpr int kMethVarargs = 0x0001;
constexpr int kPyEq = 2;  // Py_EQ for PyObject_RichCompareBool

struct Api {
  // Named after the C API functions they point to (LookupAll has the exact
  // symbol names).
  int (*is_initialized)();
  const char* (*get_version)();
  int (*is_finalizing)();  // Py_IsFinalizing or _Py_IsFinalizing
  void* (*gil_this_thread_state)();
  int (*gil_ensure)();  // returns the PyGILState_STATE enum, an int
  void (*gil_release)(int state);
  PyObject* (*import_module)(const char* name);
  // PyObject_CallMethod is variadic: calling it through a pointer declared
  // variadic is well defined, through any other type it is not.
  PyObject* (*call_method)(PyObject* object, const char* name, const char* format, ...);
  PyObject* (*get_attr_string)(PyObject* object, const char* name);
  int (*is_true)(PyObject* object);
  int (*rich_compare_bool)(PyObject* a, PyObject* b, int op);
  long long (*long_as_long_long)(PyObject* object);
  ssize_t (*sequence_size)(PyObject* object);
  PyObject* (*sequence_get_item)(PyObject* object, ssize_t i);
  PyObject* (*mapping_get_item_string)(PyObject* object, const char* key);
  int (*list_append)(PyObject* list, PyObject* item);
  PyObject* (*unicode_from_string)(const char* text);
  PyObject* (*err_occurred)();
  void (*err_clear)();
  void (*err_fetch)(PyObject** type, PyObject** value, PyObject** traceback);
  void (*err_restore)(PyObject* type, PyObject* value, PyObject* traceback);
  void (*inc_ref)(PyObject* object);
  void (*dec_ref)(PyObject* object);  // accepts NULL
  // PyCFunction_NewEx, or PyCMethod_New with a null class when only it exists.
  PyObject* (*cfunction_new_ex)(PyMethodDef* def, PyObject* self, PyObject* module);
  PyObject* (*cmethod_new)(PyMethodDef* def, PyObject* self, PyObject* module, void* cls);
  PyObject* none;  // &_Py_NoneStruct, i.e. Py_None

  PyObject* NewFunction(PyMethodDef* def) const {
    return cfunction_new_ex != nullptr ? cfunction_new_ex(def, nullptr, nullptr)
                                       : cmethod_new(def, nullptr, nullptr, nullptr);
  }
};

template <typename T>
bool Lookup(const char* name, T& out) {
  void* address = dlsym(RTLD_DEFAULT, name);
  out = reinterpret_cast<T>(address);
  return address != nullptr;
}

bool LookupAll(Api& api) {
  if (!Lookup("Py_IsFinalizing", api.is_finalizing) &&
      !Lookup("_Py_IsFinalizing", api.is_finalizing)) {
    return false;
  }
  // Only one of the two constructors is needed.
  const bool have_new_ex = Lookup("PyCFunction_NewEx", api.cfunction_new_ex);
  const bool have_cmethod = Lookup("PyCMethod_New", api.cmethod_new);
  return (have_new_ex || have_cmethod) && Lookup("Py_IsInitialized", api.is_initialized) &&
         Lookup("Py_GetVersion", api.get_version) &&
         Lookup("PyGILState_GetThisThreadState", api.gil_this_thread_state) &&
         Lookup("PyGILState_Ensure", api.gil_ensure) &&
         Lookup("PyGILState_Release", api.gil_release) &&
         Lookup("PyImport_ImportModule", api.import_module) &&
         Lookup("PyObject_CallMethod", api.call_method) &&
         Lookup("PyObject_GetAttrString", api.get_attr_string) &&
         Lookup("PyObject_IsTrue", api.is_true) &&
         Lookup("PyObject_RichCompareBool", api.rich_compare_bool) &&
         Lookup("PyLong_AsLongLong", api.long_as_long_long) &&
         Lookup("PySequence_Size", api.sequence_size) &&
         Lookup("PySequence_GetItem", api.sequence_get_item) &&
         Lookup("PyMapping_GetItemString", api.mapping_get_item_string) &&
         Lookup("PyList_Append", api.list_append) &&
         Lookup("PyUnicode_FromString", api.unicode_from_string) &&
         Lookup("PyErr_Occurred", api.err_occurred) && Lookup("PyErr_Clear", api.err_clear) &&
         Lookup("PyErr_Fetch", api.err_fetch) && Lookup("PyErr_Restore", api.err_restore) &&
         Lookup("Py_IncRef", api.inc_ref) && Lookup("Py_DecRef", api.dec_ref) &&
         Lookup("_Py_NoneStruct", api.none);
}

// "3.11.7 (main, ...) [GCC ...]" -> 3, 11. Pre-releases ("3.14.0a1") too.
bool ParseVersion(const char* text, int* major, int* minor) {
  if (text == nullptr) return false;
  int* parts[] = {major, minor};
  const char* p = text;
  for (int i = 0; i < 2; ++i) {
    if (*p < '0' || *p > '9') return false;
    int value = 0;
    while (*p >= '0' && *p <= '9' && value < 1000) value = value * 10 + (*p++ - '0');
    *parts[i] = value;
    if (i == 0 && *p++ != '.') return false;
  }
  return true;
}

constexpr int kOldestMinor = 8;
constexpr int kNewestMinor = 14;

// Python calls this adapter makes on the current thread. A collection that
// starts inside one of them (up to 3.11 any allocation can start one) must
// not run the hook: the window manager may be holding its own lock around the
// call that allocated.
thread_local int t_calls_in_progress = 0;

// PyGILState_Ensure results, innermost last, so nested Enter/Leave pairs on
// one thread release in the right order.
thread_local std::vector<int> t_gil_states;

std::atomic<Collector::Hook> collection_hook{nullptr};
std::atomic<Collector::ExitHook> exit_hook{nullptr};

// One Python call or series of calls made by this adapter: an exception that
// was already pending (possible when the caller holds the GIL) is kept aside
// and put back, and any exception the calls raise is cleared, so the
// interpreter never sees a state it did not have.
class CallScope {
 public:
  explicit CallScope(const Api& api) : api_(api) {
    ++t_calls_in_progress;
    api_.err_fetch(&type_, &value_, &traceback_);
  }
  ~CallScope() {
    api_.err_clear();
    api_.err_restore(type_, value_, traceback_);
    --t_calls_in_progress;
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  const Api& api_;
  PyObject* type_ = nullptr;
  PyObject* value_ = nullptr;
  PyObject* traceback_ = nullptr;
};

// Owns one new reference.
class Ref {
 public:
  Ref(const Api& api, PyObject* object) : api_(api), object_(object) {}
  ~Ref() { api_.dec_ref(object_); }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  PyObject* get() const { return object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  const Api& api_;
  PyObject* object_;
};

bool ToInt64(const Api& api, PyObject* object, int64_t* out) {
  if (object == nullptr) return false;
  const long long value = api.long_as_long_long(object);
  if (value == -1 && api.err_occurred() != nullptr) return false;
  *out = value;
  return true;
}

// Item `key` of a mapping as an integer.
bool GetInt64(const Api& api, PyObject* mapping, const char* key, int64_t* out) {
  Ref item(api, api.mapping_get_item_string(mapping, key));
  return ToInt64(api, item.get(), out);
}

class CPythonCollector final : public Collector {
 public:
  std::string_view Name() const override { return "cpython"; }
  bool Present() const override { return Resolved() && api_.is_initialized() != 0; }

  bool Enter() override {
    if (!Present() || api_.is_finalizing() != 0) return false;
    // A thread Python has never seen must not get a thread state from us: it
    // would never be cleared, and such threads (driver worker threads, C
    // threads of the application) have no business holding the GIL.
    if (api_.gil_this_thread_state() == nullptr) return false;
    const int state = api_.gil_ensure();
    try {
      t_gil_states.push_back(state);
    } catch (...) {
      api_.gil_release(state);
      return false;
    }
    return true;
  }

  void Leave() override {
    if (t_gil_states.empty()) return;  // unbalanced: releasing would corrupt the GIL
    const int state = t_gil_states.back();
    t_gil_states.pop_back();
    api_.gil_release(state);
  }

  bool Read(Settings* settings) override {
    CallScope scope(api_);
    PyObject* gc = GcModule();
    if (gc == nullptr) return false;
    Ref thresholds(api_, api_.call_method(gc, "get_threshold", nullptr));
    Ref enabled(api_, api_.call_method(gc, "isenabled", nullptr));
    if (!thresholds || !enabled || api_.sequence_size(thresholds.get()) != 3) return false;
    Settings read;
    int64_t* fields[] = {&read.threshold0, &read.threshold1, &read.threshold2};
    for (int i = 0; i < 3; ++i) {
      Ref item(api_, api_.sequence_get_item(thresholds.get(), i));
      if (!ToInt64(api_, item.get(), fields[i])) return false;
    }
    const int is_enabled = api_.is_true(enabled.get());
    if (is_enabled < 0) return false;
    read.enabled = is_enabled != 0;
    *settings = read;
    return true;
  }

  bool Write(const Settings& settings) override {
    CallScope scope(api_);
    PyObject* gc = GcModule();
    if (gc == nullptr) return false;
    Ref set(api_, api_.call_method(gc, "set_threshold", "LLL",
                                   static_cast<long long>(settings.threshold0),
                                   static_cast<long long>(settings.threshold1),
                                   static_cast<long long>(settings.threshold2)));
    if (!set) return false;
    Ref toggled(api_, api_.call_method(gc, settings.enabled ? "enable" : "disable", nullptr));
    return static_cast<bool>(toggled);
  }

  int64_t Collections() override {
    CallScope scope(api_);
    PyObject* gc = GcModule();
    if (gc == nullptr) return -1;
    Ref stats(api_, api_.call_method(gc, "get_stats", nullptr));
    if (!stats) return -1;
    const ssize_t generations = api_.sequence_size(stats.get());
    if (generations < 0) return -1;
    int64_t total = 0;
    for (ssize_t i = 0; i < generations; ++i) {
      Ref generation(api_, api_.sequence_get_item(stats.get(), i));
      int64_t collections = 0;
      if (!generation || !GetInt64(api_, generation.get(), "collections", &collections)) {
        return -1;
      }
      total += collections;
    }
    return total;
  }

  bool InstallHook(Hook hook) override {
    collection_hook.store(hook, std::memory_order_release);
    if (hook_installed_.load(std::memory_order_acquire)) return true;
    CallScope scope(api_);
    PyObject* gc = GcModule();
    if (gc == nullptr) return false;
    // Compared against each callback's phase; created once, never freed.
    if (stop_.load(std::memory_order_acquire) == nullptr) {
      PyObject* stop = api_.unicode_from_string("stop");
      if (stop == nullptr) return false;
      PyObject* expected = nullptr;
      if (!stop_.compare_exchange_strong(expected, stop)) api_.dec_ref(stop);
    }
    Ref callbacks(api_, api_.get_attr_string(gc, "callbacks"));
    Ref function(api_, api_.NewFunction(&gc_callback_def_));
    if (!callbacks || !function) return false;
    // Under the GIL (Enter()), so two threads cannot both get here first,
    // except on free-threaded builds, where the exchange decides.
    bool expected = false;
    if (!hook_installed_.compare_exchange_strong(expected, true)) return true;
    if (api_.list_append(callbacks.get(), function.get()) != 0) {
      hook_installed_.store(false);
      return false;
    }
    return true;
  }

  bool AtExit(ExitHook hook) override {
    exit_hook.store(hook, std::memory_order_release);
    if (exit_installed_.load(std::memory_order_acquire)) return true;
    CallScope scope(api_);
    Ref atexit(api_, api_.import_module("atexit"));
    Ref function(api_, api_.NewFunction(&exit_def_));
    if (!atexit || !function) return false;
    bool expected = false;
    if (!exit_installed_.compare_exchange_strong(expected, true)) return true;
    Ref registered(api_, api_.call_method(atexit.get(), "register", "O", function.get()));
    if (!registered) {
      exit_installed_.store(false);
      return false;
    }
    return true;
  }

  bool Finalizing() const override { return Resolved() && api_.is_finalizing() != 0; }

  // Resolves the C API once the process has one. Until Python appears (an
  // embedding application may load it after the driver) each call costs one
  // dlsym; after that, an atomic load.
  bool Resolve() {
    const int state = state_.load(std::memory_order_acquire);
    if (state != kUnresolved) return state == kResolved;
    if (dlsym(RTLD_DEFAULT, "Py_IsInitialized") == nullptr) return false;
    std::call_once(once_, [this] {
      Api api{};
      int major = 0;
      int minor = 0;
      const bool usable = LookupAll(api) && ParseVersion(api.get_version(), &major, &minor) &&
                          major == 3 && minor >= kOldestMinor && minor <= kNewestMinor;
      if (usable) api_ = api;
      state_.store(usable ? kResolved : kRefused, std::memory_order_release);
    });
    return state_.load(std::memory_order_acquire) == kResolved;
  }

 private:
  enum : int { kUnresolved, kResolved, kRefused };

  bool Resolved() const { return state_.load(std::memory_order_acquire) == kResolved; }

  // The gc module, imported once and kept (a strong reference, never
  // released: the module lives as long as the interpreter anyway). Called
  // with the GIL held. Not under a lock of ours: an import may wait for
  // Python's import lock and let other threads run.
  PyObject* GcModule() {
    PyObject* module = gc_.load(std::memory_order_acquire);
    if (module != nullptr) return module;
    PyObject* imported = api_.import_module("gc");
    if (imported == nullptr) return nullptr;
    PyObject* expected = nullptr;
    if (gc_.compare_exchange_strong(expected, imported, std::memory_order_acq_rel)) {
      return imported;
    }
    api_.dec_ref(imported);
    return expected;
  }

  // gc.callbacks entry: callback(phase, info). Never raises, returns None.
  static PyObject* OnCollection(PyObject* self, PyObject* args);
  // atexit entry: no arguments (the varargs tuple is empty). Returns None.
  static PyObject* OnExit(PyObject* self, PyObject* args);

  Api api_{};
  std::once_flag once_;
  std::atomic<int> state_{kUnresolved};
  std::atomic<PyObject*> gc_{nullptr};
  std::atomic<PyObject*> stop_{nullptr};
  std::atomic<bool> hook_installed_{false};
  std::atomic<bool> exit_installed_{false};

  // Static storage: CPython keeps pointers to these for the life of the
  // process (the library is linked with -z nodelete for the same reason).
  static PyMethodDef gc_callback_def_;
  static PyMethodDef exit_def_;
};

PyMethodDef CPythonCollector::gc_callback_def_ = {
    "quietfetch_gc_callback", &CPythonCollector::OnCollection, kMethVarargs,
    "quietfetch: adjusts the gc policy after each collection inside a bulk-fetch window"};
PyMethodDef CPythonCollector::exit_def_ = {
    "quietfetch_gc_atexit", &CPythonCollector::OnExit, kMethVarargs,
    "quietfetch: restores the gc settings if a bulk-fetch window is still open"};

CPythonCollector& Instance() {
  // Leaked on purpose: CPython may call into it during its own finalization,
  // after this library's static destructors would have run.
  static CPythonCollector* const instance = new CPythonCollector;
  return *instance;
}

// Runs `hook`, letting nothing escape into the interpreter except the forced
// unwinding that ends a thread (pthread_exit), which must never be swallowed.
// no_sanitize_undefined: see c_api.cc's Barrier.
template <typename F>
__attribute__((no_sanitize_undefined)) void RunHook(F&& hook) {
  try {
    hook();
  } catch (abi::__forced_unwind&) {
    throw;
  } catch (...) {
  }
}

PyObject* CPythonCollector::OnCollection(PyObject* self, PyObject* args) {
  CPythonCollector& collector = Instance();
  const Api& api = collector.api_;
  const Hook hook = collection_hook.load(std::memory_order_acquire);
  PyObject* stop = collector.stop_.load(std::memory_order_acquire);
  if (hook != nullptr && stop != nullptr && t_calls_in_progress == 0) {
    CollectionInfo info;
    bool is_stop = false;
    {
      CallScope scope(api);
      Ref phase(api, api.sequence_get_item(args, 0));
      Ref details(api, api.sequence_get_item(args, 1));
      int64_t generation = 0;
      is_stop = phase && details && api.rich_compare_bool(phase.get(), stop, kPyEq) == 1 &&
                GetInt64(api, details.get(), "generation", &generation) &&
                GetInt64(api, details.get(), "collected", &info.collected) &&
                GetInt64(api, details.get(), "uncollectable", &info.uncollectable);
      info.generation = static_cast<int>(generation);
    }
    // Outside the scope: the hook enters the collector and makes its own calls.
    if (is_stop) RunHook([&] { hook(info); });
  }
  api.inc_ref(api.none);
  return api.none;
}

PyObject* CPythonCollector::OnExit(PyObject* self, PyObject* args) {
  const Api& api = Instance().api_;
  if (const ExitHook hook = exit_hook.load(std::memory_order_acquire)) {
    RunHook([&] { hook(); });
  }
  api.inc_ref(api.none);
  return api.none;
}

}  // namespace

Collector* CPythonCollectorIfPresent() {
  CPythonCollector& collector = Instance();
  if (!collector.Resolve() || !collector.Present()) return nullptr;
  return &collector;
}

}  // namespace quietfetch::gc
