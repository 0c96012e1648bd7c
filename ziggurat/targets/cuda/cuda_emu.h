// CUDA emulation for CPUs: compile a generated `.cu` file with a plain C++20 compiler.
//
//   g++ -std=c++20 -DZG_CUDA_EMU -include cuda_emu.h -x c++ -shared -fPIC -pthread k.cu
//
// The point is to execute generated kernels where there is no GPU, and to run them
// again under ThreadSanitizer so that a missing barrier is a test failure rather
// than a silent wrong answer on some future GPU. The model:
//
// * A launch runs its blocks one after another, in order (x fastest); the threads of
//   one block run concurrently as OS threads, reused from block to block.
// * `__shared__` is `static`: blocks never overlap, so a function-local static array
//   is exactly one block's shared memory. Dynamic shared memory is one zeroed,
//   16-byte aligned buffer per launch.
// * `__syncthreads()` is a block barrier, warp operations use a per-warp barrier.
//   Both are built on a pthread mutex and acquire/release atomics, which
//   ThreadSanitizer understands, so it sees the happens-before edges the GPU
//   guarantees and no others. A thread that returns from the kernel leaves both
//   barriers (as exited threads do on the GPU), so `if (i >= n) return;` never
//   deadlocks. A barrier that waits longer than ZG_EMU_DEADLOCK_SECONDS (default 60,
//   0 = forever) aborts, naming the block.
// * Launches are serialised (from several host threads too): each kernel's `__shared__`
//   statics exist once.
// * A warp is 32 consecutive linear thread ids (x fastest). Shuffles exchange
//   values through a per-warp slot array between two warp barriers; the mask argument
//   is not checked (every lane of the warp is assumed to take part).
// * WMMA fragments hold the whole tile in every thread (`x[i]` is element i of the
//   tile in row-major order); loads read the whole tile in every lane, stores are made
//   by lane 0 between two warp barriers.
// * Worker threads get ZG_EMU_STACK_KIB KiB of stack (default 256), enough for 1024
//   threads per block.
//
// Runtime calls (cudaMalloc, cudaMemcpy, events, ...) act on host memory and the wall
// clock; launches are synchronous.

#ifndef ZG_CUDA_EMU_H
#define ZG_CUDA_EMU_H

#ifndef ZG_CUDA_EMU
#define ZG_CUDA_EMU 1
#endif

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

// ---------------------------------------------------------------------------------
// Keywords and qualifiers
// ---------------------------------------------------------------------------------

#define __global__
#define __device__
#define __host__
#define __constant__
#define __grid_constant__
#define __managed__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// Blocks run one at a time, so a function-local static is one block's shared memory.
#define __shared__ static

#define ZG_DYNAMIC_SHARED(name) unsigned char *name = ::zg_emu::dynamic_shared()
#define ZG_LAUNCH(kernel, grid, block, shared, ...) \
  ::zg_emu::launch(kernel, grid, block, shared __VA_OPT__(, ) __VA_ARGS__)

static constexpr int warpSize = 32;

// ---------------------------------------------------------------------------------
// Vector types and dim3
// ---------------------------------------------------------------------------------

#define ZG_EMU_VECTORS(T, name, align2, align4)                                        \
  struct name##1 { T x; };                                                             \
  struct __align__(align2) name##2 { T x, y; };                                        \
  struct name##3 { T x, y, z; };                                                       \
  struct __align__(align4) name##4 { T x, y, z, w; };                                  \
  inline name##1 make_##name##1(T x) { return {x}; }                                   \
  inline name##2 make_##name##2(T x, T y) { return {x, y}; }                           \
  inline name##3 make_##name##3(T x, T y, T z) { return {x, y, z}; }                   \
  inline name##4 make_##name##4(T x, T y, T z, T w) { return {x, y, z, w}; }

ZG_EMU_VECTORS(signed char, char, 2, 4)
ZG_EMU_VECTORS(unsigned char, uchar, 2, 4)
ZG_EMU_VECTORS(short, short, 4, 8)
ZG_EMU_VECTORS(unsigned short, ushort, 4, 8)
ZG_EMU_VECTORS(int, int, 8, 16)
ZG_EMU_VECTORS(unsigned int, uint, 8, 16)
ZG_EMU_VECTORS(float, float, 8, 16)
#undef ZG_EMU_VECTORS

struct __align__(16) double2 { double x, y; };
struct __align__(16) longlong2 { long long x, y; };
struct __align__(16) ulonglong2 { unsigned long long x, y; };
inline double2 make_double2(double x, double y) { return {x, y}; }
inline longlong2 make_longlong2(long long x, long long y) { return {x, y}; }
inline ulonglong2 make_ulonglong2(unsigned long long x, unsigned long long y) { return {x, y}; }

struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1)
      : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

// Built-in index variables: thread-local, set by the launch for each worker thread.
inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;

// ---------------------------------------------------------------------------------
// Runtime types and errors (the host API itself is further down)
// ---------------------------------------------------------------------------------

enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorNotReady = 600,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorLaunchFailure = 719,
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

enum cudaFuncAttribute {
  cudaFuncAttributeMaxDynamicSharedMemorySize = 8,
  cudaFuncAttributePreferredSharedMemoryCarveout = 9,
};

struct CUstream_st {};
typedef CUstream_st *cudaStream_t;

struct CUevent_st {
  std::chrono::steady_clock::time_point time;
  bool recorded = false;
};
typedef CUevent_st *cudaEvent_t;

// ---------------------------------------------------------------------------------
// Launch state and barriers
// ---------------------------------------------------------------------------------

namespace zg_emu {

[[noreturn]] inline void fail(const char *message) {
  fprintf(stderr, "zg_emu: %s\n", message);
  fflush(stderr);
  abort();
}

inline long env_long(const char *name, long fallback) {
  const char *text = getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char *end = nullptr;
  long value = strtol(text, &end, 10);
  return (end != nullptr && *end == '\0' && value >= 0) ? value : fallback;
}

// A reusable barrier whose party count can shrink while it is in use (a thread that
// has returned from the kernel leaves). Arrivals are counted under a mutex; the last
// arriver bumps a generation word with a release store and the others wait for it to
// change with acquire loads, sleeping on a futex. ThreadSanitizer thus sees every
// arrival happen before every departure, and woken threads need not queue on a lock.
class Barrier {
 public:
  Barrier() { pthread_mutex_init(&mutex_, nullptr); }
  ~Barrier() { pthread_mutex_destroy(&mutex_); }
  Barrier(const Barrier &) = delete;
  Barrier &operator=(const Barrier &) = delete;

  // Set the party count; only while no thread is waiting.
  void reset(unsigned parties) {
    pthread_mutex_lock(&mutex_);
    parties_ = parties;
    arrived_ = 0;
    pthread_mutex_unlock(&mutex_);
  }

  // Wait for every party; `on_complete` runs in the last arriver before the others go.
  void wait(long timeout_seconds, void (*on_complete)(void *) = nullptr, void *context = nullptr) {
    pthread_mutex_lock(&mutex_);
    uint32_t generation = generation_.load(std::memory_order_relaxed);
    if (++arrived_ >= parties_) {
      if (on_complete != nullptr) on_complete(context);
      release_locked();
      pthread_mutex_unlock(&mutex_);
      return;
    }
    pthread_mutex_unlock(&mutex_);
    wait_for_release(generation, timeout_seconds);
  }

  // Stop taking part (the thread returned), releasing the others if they all wait.
  void leave() {
    pthread_mutex_lock(&mutex_);
    if (parties_ > 0) --parties_;
    if (arrived_ > 0 && arrived_ >= parties_) release_locked();
    pthread_mutex_unlock(&mutex_);
  }

 private:
  [[noreturn]] static void deadlocked() {
    static std::atomic<bool> reported{false};
    if (!reported.exchange(true)) {
      fprintf(stderr,
              "zg_emu: a barrier (__syncthreads or a warp operation) in block (%u, %u, %u) "
              "waited longer than ZG_EMU_DEADLOCK_SECONDS: its threads disagree on which "
              "barriers they reach\n",
              blockIdx.x, blockIdx.y, blockIdx.z);
      fflush(stderr);
      abort();
    }
    for (;;) pause();
  }

  static double now_seconds() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
  }

  void wait_for_release(uint32_t generation, long timeout_seconds) {
    const double deadline = now_seconds() + double(timeout_seconds);
    while (generation_.load(std::memory_order_acquire) == generation) {
      timespec slice{1, 0};
      if (timeout_seconds > 0) {
        double left = deadline - now_seconds();
        if (left <= 0) deadlocked();
        if (left < 1.0) slice = timespec{0, long(left * 1e9) + 1};
      }
#ifdef __linux__
      syscall(SYS_futex, reinterpret_cast<uint32_t *>(&generation_), FUTEX_WAIT_PRIVATE,
              generation, &slice, nullptr, 0);
#else
      sched_yield();
#endif
    }
  }

  void release_locked() {
    arrived_ = 0;
    generation_.fetch_add(1, std::memory_order_release);
#ifdef __linux__
    syscall(SYS_futex, reinterpret_cast<uint32_t *>(&generation_), FUTEX_WAKE_PRIVATE, INT32_MAX,
            nullptr, nullptr, 0);
#endif
  }

  pthread_mutex_t mutex_;
  unsigned parties_ = 0;
  unsigned arrived_ = 0;
  std::atomic<uint32_t> generation_{0};
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
};

struct Warp {
  Barrier barrier;
  unsigned size = 0;   // threads actually in this warp (the last one may be partial)
  uint64_t slots[32];  // one exchange slot per lane
};

struct Launch {
  dim3 grid, block;
  unsigned threads = 0;
  long timeout = 60;
  void (*body)(void *) = nullptr;  // runs the kernel with its arguments
  void *context = nullptr;
  unsigned char *dynamic_shared = nullptr;
  Barrier block_barrier;           // __syncthreads
  Barrier block_end;               // every thread between two blocks
  std::unique_ptr<Warp[]> warps;
  uint3 next_block{0, 0, 0};       // the block the workers run next
  bool done = false;               // no block left
};

struct ThreadState {
  Launch *launch = nullptr;
  Warp *warp = nullptr;
  unsigned lane = 0;
};
inline thread_local ThreadState self;

inline ThreadState &current(const char *what) {
  if (self.launch == nullptr) {
    fprintf(stderr, "zg_emu: %s called outside a kernel\n", what);
    abort();
  }
  return self;
}

inline unsigned char *dynamic_shared() {
  return current("dynamic shared memory").launch->dynamic_shared;
}

}  // namespace zg_emu

// ---------------------------------------------------------------------------------
// Block and warp synchronisation
// ---------------------------------------------------------------------------------

inline void __syncthreads() {
  zg_emu::Launch *launch = zg_emu::current("__syncthreads").launch;
  launch->block_barrier.wait(launch->timeout);
}

inline void __syncwarp(unsigned /*mask*/ = 0xffffffffu) {
  zg_emu::ThreadState &me = zg_emu::current("__syncwarp");
  me.warp->barrier.wait(me.launch->timeout);
}

inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_system() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

namespace zg_emu {

// Publish `value` in this lane's slot and return lane `source`'s (own value if `source`
// is negative or not a thread of this warp).
template <class T>
inline T warp_exchange(T value, int source) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>,
                "warp shuffles take values of at most 8 bytes");
  ThreadState &me = current("a warp shuffle");
  Warp &warp = *me.warp;
  uint64_t bits = 0;
  memcpy(&bits, &value, sizeof(T));
  warp.slots[me.lane] = bits;
  warp.barrier.wait(me.launch->timeout);
  T result = value;
  if (source >= 0 && static_cast<unsigned>(source) < warp.size) {
    memcpy(&result, &warp.slots[source], sizeof(T));
  }
  warp.barrier.wait(me.launch->timeout);
  return result;
}

// The predicates of every lane of the warp as a lane mask.
inline unsigned warp_ballot(bool predicate) {
  ThreadState &me = current("a warp vote");
  Warp &warp = *me.warp;
  warp.slots[me.lane] = predicate ? 1u : 0u;
  warp.barrier.wait(me.launch->timeout);
  unsigned mask = 0;
  for (unsigned lane = 0; lane < warp.size; ++lane) {
    if (warp.slots[lane] != 0) mask |= 1u << lane;
  }
  warp.barrier.wait(me.launch->timeout);
  return mask;
}

inline unsigned lane_id() { return current("a warp operation").lane; }

}  // namespace zg_emu

template <class T>
inline T __shfl_sync(unsigned /*mask*/, T var, int src_lane, int width = warpSize) {
  int lane = static_cast<int>(zg_emu::lane_id());
  int base = lane & ~(width - 1);
  return zg_emu::warp_exchange(var, base + (src_lane & (width - 1)));
}

template <class T>
inline T __shfl_up_sync(unsigned /*mask*/, T var, unsigned delta, int width = warpSize) {
  int lane = static_cast<int>(zg_emu::lane_id());
  bool inside = (lane & (width - 1)) >= static_cast<int>(delta);
  return zg_emu::warp_exchange(var, inside ? lane - static_cast<int>(delta) : -1);
}

template <class T>
inline T __shfl_down_sync(unsigned /*mask*/, T var, unsigned delta, int width = warpSize) {
  int lane = static_cast<int>(zg_emu::lane_id());
  bool inside = (lane & (width - 1)) + static_cast<int>(delta) < width;
  return zg_emu::warp_exchange(var, inside ? lane + static_cast<int>(delta) : -1);
}

template <class T>
inline T __shfl_xor_sync(unsigned /*mask*/, T var, int lane_mask, int width = warpSize) {
  int lane = static_cast<int>(zg_emu::lane_id());
  int source = lane ^ lane_mask;
  // Earlier groups of `width` lanes may be read, later ones not.
  int group_end = (lane & ~(width - 1)) + width;
  return zg_emu::warp_exchange(var, source < group_end ? source : -1);
}

inline unsigned __ballot_sync(unsigned mask, int predicate) {
  return zg_emu::warp_ballot(predicate != 0) & mask;
}
inline int __any_sync(unsigned mask, int predicate) {
  return (zg_emu::warp_ballot(predicate != 0) & mask) != 0;
}
inline int __all_sync(unsigned mask, int predicate) {
  unsigned active = zg_emu::warp_ballot(true) & mask;
  return (zg_emu::warp_ballot(predicate != 0) & active) == active;
}
inline unsigned __activemask() {
  zg_emu::ThreadState &me = zg_emu::current("__activemask");
  return me.warp->size >= 32 ? 0xffffffffu : (1u << me.warp->size) - 1u;
}

// ---------------------------------------------------------------------------------
// bfloat16 and half
// ---------------------------------------------------------------------------------

namespace zg_emu {

// Round-to-nearest-even, NaN to the canonical 0x7fff (as CUDA does).
inline unsigned short float_to_bf16_bits(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return 0x7fffu;
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<unsigned short>(bits >> 16);
}

inline float bf16_bits_to_float(unsigned short bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

}  // namespace zg_emu

struct __nv_bfloat16_raw {
  unsigned short x;
};

struct __align__(2) __nv_bfloat16 {
  unsigned short __x;
  __nv_bfloat16() = default;
  __nv_bfloat16(float value) : __x(zg_emu::float_to_bf16_bits(value)) {}
  __nv_bfloat16(__nv_bfloat16_raw raw) : __x(raw.x) {}
  operator float() const { return zg_emu::bf16_bits_to_float(__x); }
  operator __nv_bfloat16_raw() const { return {__x}; }
};
typedef __nv_bfloat16 nv_bfloat16;

struct __align__(4) __nv_bfloat162 {
  __nv_bfloat16 x, y;
};

inline __nv_bfloat16 __float2bfloat16(float value) { return __nv_bfloat16(value); }
inline __nv_bfloat16 __float2bfloat16_rn(float value) { return __nv_bfloat16(value); }
inline float __bfloat162float(__nv_bfloat16 value) { return static_cast<float>(value); }
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 value) { return value.__x; }
inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short bits) {
  return __nv_bfloat16(__nv_bfloat16_raw{bits});
}
inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b) { return {a, b}; }

#define ZG_EMU_HALF_OPS(T)                                                                  \
  inline T operator+(T a, T b) { return T(static_cast<float>(a) + static_cast<float>(b)); } \
  inline T operator-(T a, T b) { return T(static_cast<float>(a) - static_cast<float>(b)); } \
  inline T operator*(T a, T b) { return T(static_cast<float>(a) * static_cast<float>(b)); } \
  inline T operator/(T a, T b) { return T(static_cast<float>(a) / static_cast<float>(b)); } \
  inline T operator-(T a) { return T(-static_cast<float>(a)); }                              \
  inline T &operator+=(T &a, T b) { return a = a + b; }                                     \
  inline T &operator-=(T &a, T b) { return a = a - b; }                                     \
  inline T &operator*=(T &a, T b) { return a = a * b; }                                     \
  inline T &operator/=(T &a, T b) { return a = a / b; }                                     \
  inline bool operator==(T a, T b) { return static_cast<float>(a) == static_cast<float>(b); } \
  inline bool operator!=(T a, T b) { return static_cast<float>(a) != static_cast<float>(b); } \
  inline bool operator<(T a, T b) { return static_cast<float>(a) < static_cast<float>(b); }  \
  inline bool operator<=(T a, T b) { return static_cast<float>(a) <= static_cast<float>(b); } \
  inline bool operator>(T a, T b) { return static_cast<float>(a) > static_cast<float>(b); }  \
  inline bool operator>=(T a, T b) { return static_cast<float>(a) >= static_cast<float>(b); } \
  inline T __hadd(T a, T b) { return a + b; }                                               \
  inline T __hsub(T a, T b) { return a - b; }                                               \
  inline T __hmul(T a, T b) { return a * b; }                                               \
  inline T __hdiv(T a, T b) { return a / b; }                                               \
  inline T __hneg(T a) { return -a; }                                                       \
  inline T __hfma(T a, T b, T c) {                                                          \
    return T(fmaf(static_cast<float>(a), static_cast<float>(b), static_cast<float>(c)));   \
  }                                                                                         \
  inline T __hmax(T a, T b) { return T(fmaxf(static_cast<float>(a), static_cast<float>(b))); } \
  inline T __hmin(T a, T b) { return T(fminf(static_cast<float>(a), static_cast<float>(b))); }

ZG_EMU_HALF_OPS(__nv_bfloat16)

#ifdef __FLT16_MAX__
// IEEE half through the compiler's _Float16, whose conversions round to nearest even.
struct __half_raw {
  unsigned short x;
};

struct __align__(2) __half {
  unsigned short __x;
  __half() = default;
  __half(float value) : __x(std::bit_cast<unsigned short>(static_cast<_Float16>(value))) {}
  __half(__half_raw raw) : __x(raw.x) {}
  operator float() const { return static_cast<float>(std::bit_cast<_Float16>(__x)); }
  operator __half_raw() const { return {__x}; }
};
typedef __half half;

struct __align__(4) __half2 {
  __half x, y;
};

inline __half __float2half(float value) { return __half(value); }
inline __half __float2half_rn(float value) { return __half(value); }
inline float __half2float(__half value) { return static_cast<float>(value); }
inline unsigned short __half_as_ushort(__half value) { return value.__x; }
inline __half __ushort_as_half(unsigned short bits) { return __half(__half_raw{bits}); }

ZG_EMU_HALF_OPS(__half)
#endif
#undef ZG_EMU_HALF_OPS

// ---------------------------------------------------------------------------------
// Integer, bit and memory intrinsics
// ---------------------------------------------------------------------------------

// Signed 4 x int8 dot product plus accumulator.
inline int __dp4a(int a, int b, int c) {
  for (int i = 0; i < 4; ++i) {
    c += static_cast<int>(static_cast<int8_t>(a >> (8 * i))) *
         static_cast<int>(static_cast<int8_t>(b >> (8 * i)));
  }
  return c;
}
inline unsigned __dp4a(unsigned a, unsigned b, unsigned c) {
  for (int i = 0; i < 4; ++i) c += ((a >> (8 * i)) & 0xffu) * ((b >> (8 * i)) & 0xffu);
  return c;
}
inline int __dp4a(char4 a, char4 b, int c) {
  return c + a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}
inline unsigned __dp4a(uchar4 a, uchar4 b, unsigned c) {
  return c + unsigned(a.x) * b.x + unsigned(a.y) * b.y + unsigned(a.z) * b.z + unsigned(a.w) * b.w;
}

inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned>(x)); }
inline int __clzll(long long x) {
  return x == 0 ? 64 : __builtin_clzll(static_cast<unsigned long long>(x));
}
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned __brev(unsigned x) {
  unsigned r = 0;
  for (int i = 0; i < 32; ++i) r |= ((x >> i) & 1u) << (31 - i);
  return r;
}
inline unsigned long long __brevll(unsigned long long x) {
  return (static_cast<unsigned long long>(__brev(static_cast<unsigned>(x))) << 32) |
         __brev(static_cast<unsigned>(x >> 32));
}
inline int __mulhi(int a, int b) { return static_cast<int>((int64_t(a) * b) >> 32); }
inline unsigned __umulhi(unsigned a, unsigned b) {
  return static_cast<unsigned>((uint64_t(a) * b) >> 32);
}
inline long long __mul64hi(long long a, long long b) {
  return static_cast<long long>((static_cast<__int128>(a) * b) >> 64);
}
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
  return static_cast<unsigned long long>((static_cast<unsigned __int128>(a) * b) >> 64);
}
inline int __mul24(int a, int b) { return (a << 8 >> 8) * (b << 8 >> 8); }
inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
  uint64_t bytes = (uint64_t(y) << 32) | x;
  unsigned r = 0;
  for (int i = 0; i < 4; ++i) {
    r |= unsigned((bytes >> (8 * ((s >> (4 * i)) & 7u))) & 0xffu) << (8 * i);
  }
  return r;
}
inline unsigned __funnelshift_l(unsigned lo, unsigned hi, unsigned shift) {
  return static_cast<unsigned>((((uint64_t(hi) << 32) | lo) << (shift & 31u)) >> 32);
}
inline unsigned __funnelshift_r(unsigned lo, unsigned hi, unsigned shift) {
  return static_cast<unsigned>((((uint64_t(hi) << 32) | lo) >> (shift & 31u)));
}

inline int __float_as_int(float x) { return std::bit_cast<int>(x); }
inline unsigned __float_as_uint(float x) { return std::bit_cast<unsigned>(x); }
inline float __int_as_float(int x) { return std::bit_cast<float>(x); }
inline float __uint_as_float(unsigned x) { return std::bit_cast<float>(x); }
inline long long __double_as_longlong(double x) { return std::bit_cast<long long>(x); }
inline double __longlong_as_double(long long x) { return std::bit_cast<double>(x); }

// Cache-hinted loads and stores are plain memory accesses here.
template <class T> inline T __ldg(const T *p) { return *p; }
template <class T> inline T __ldcg(const T *p) { return *p; }
template <class T> inline T __ldca(const T *p) { return *p; }
template <class T> inline T __ldcs(const T *p) { return *p; }
template <class T> inline T __ldlu(const T *p) { return *p; }
template <class T> inline T __ldcv(const T *p) { return *p; }
template <class T> inline void __stcg(T *p, T v) { *p = v; }
template <class T> inline void __stcs(T *p, T v) { *p = v; }
template <class T> inline void __stwb(T *p, T v) { *p = v; }
template <class T> inline void __stwt(T *p, T v) { *p = v; }

inline long long clock64() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
inline void __nanosleep(unsigned) {}
[[noreturn]] inline void __trap() { zg_emu::fail("__trap() called"); }

// ---------------------------------------------------------------------------------
// Atomics (GCC builtins, which ThreadSanitizer instruments)
// ---------------------------------------------------------------------------------

#define ZG_EMU_ATOMIC_INT(T)                                                               \
  inline T atomicAdd(T *p, T v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }    \
  inline T atomicSub(T *p, T v) { return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); }    \
  inline T atomicAnd(T *p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); }    \
  inline T atomicOr(T *p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }      \
  inline T atomicXor(T *p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); }    \
  inline T atomicExch(T *p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }  \
  inline T atomicCAS(T *p, T expected, T desired) {                                       \
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST,           \
                                __ATOMIC_SEQ_CST);                                        \
    return expected;                                                                      \
  }                                                                                       \
  inline T atomicMin(T *p, T v) {                                                         \
    T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);                                         \
    while (v < old && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST,   \
                                                   __ATOMIC_SEQ_CST)) {                   \
    }                                                                                     \
    return old;                                                                           \
  }                                                                                       \
  inline T atomicMax(T *p, T v) {                                                         \
    T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);                                         \
    while (v > old && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST,   \
                                                   __ATOMIC_SEQ_CST)) {                   \
    }                                                                                     \
    return old;                                                                           \
  }

ZG_EMU_ATOMIC_INT(int)
ZG_EMU_ATOMIC_INT(unsigned int)
ZG_EMU_ATOMIC_INT(unsigned long long)
ZG_EMU_ATOMIC_INT(long long)
#undef ZG_EMU_ATOMIC_INT

namespace zg_emu {
template <class F, class Op>
inline F atomic_float_update(F *p, Op op) {
  F old;
  __atomic_load(p, &old, __ATOMIC_SEQ_CST);
  F desired;
  do {
    desired = op(old);
  } while (!__atomic_compare_exchange(p, &old, &desired, false, __ATOMIC_SEQ_CST,
                                      __ATOMIC_SEQ_CST));
  return old;
}
}  // namespace zg_emu

inline float atomicAdd(float *p, float v) {
  return zg_emu::atomic_float_update(p, [v](float old) { return old + v; });
}
inline double atomicAdd(double *p, double v) {
  return zg_emu::atomic_float_update(p, [v](double old) { return old + v; });
}
inline float atomicExch(float *p, float v) {
  float old;
  __atomic_exchange(p, &v, &old, __ATOMIC_SEQ_CST);
  return old;
}
inline unsigned short atomicCAS(unsigned short *p, unsigned short expected,
                                unsigned short desired) {
  __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return expected;
}

// ---------------------------------------------------------------------------------
// Math: <cmath> provides expf, sqrtf, tanhf, fmaxf, ...; these are CUDA's extras.
// ---------------------------------------------------------------------------------

inline float __expf(float x) { return expf(x); }
inline float __exp10f(float x) { return powf(10.0f, x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __log10f(float x) { return log10f(x); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanf(float x) { return tanf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline void __sincosf(float x, float *s, float *c) { *s = sinf(x); *c = cosf(x); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float __fadd_rn(float x, float y) { return x + y; }
inline float __fsub_rn(float x, float y) { return x - y; }
inline float __fmul_rn(float x, float y) { return x * y; }
inline float __fdiv_rn(float x, float y) { return x / y; }
inline float __fmaf_rn(float x, float y, float z) { return fmaf(x, y, z); }
inline double __dadd_rn(double x, double y) { return x + y; }
inline double __dmul_rn(double x, double y) { return x * y; }
inline double __fma_rn(double x, double y, double z) { return fma(x, y, z); }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float rcbrtf(float x) { return 1.0f / cbrtf(x); }
inline float __saturatef(float x) { return x > 0.0f ? (x < 1.0f ? x : 1.0f) : 0.0f; }
inline float normcdff(float x) { return 0.5f * erfcf(-x * static_cast<float>(M_SQRT1_2)); }
inline double normcdf(double x) { return 0.5 * erfc(-x * M_SQRT1_2); }
inline int __float2int_rn(float x) { return static_cast<int>(nearbyintf(x)); }
inline int __float2int_rz(float x) { return static_cast<int>(x); }
inline int __float2int_rd(float x) { return static_cast<int>(floorf(x)); }
inline int __float2int_ru(float x) { return static_cast<int>(ceilf(x)); }
inline unsigned __float2uint_rn(float x) { return static_cast<unsigned>(nearbyintf(x)); }
inline float __int2float_rn(int x) { return static_cast<float>(x); }


// min and max as CUDA overloads them (integers, mixed signedness, floats).
#define ZG_EMU_MINMAX(R, A, B)                                                             \
  inline R min(A a, B b) { return static_cast<R>(a) < static_cast<R>(b) ? static_cast<R>(a) \
                                                                          : static_cast<R>(b); } \
  inline R max(A a, B b) { return static_cast<R>(a) > static_cast<R>(b) ? static_cast<R>(a) \
                                                                          : static_cast<R>(b); }
ZG_EMU_MINMAX(int, int, int)
ZG_EMU_MINMAX(unsigned int, unsigned int, unsigned int)
ZG_EMU_MINMAX(unsigned int, int, unsigned int)
ZG_EMU_MINMAX(unsigned int, unsigned int, int)
ZG_EMU_MINMAX(long, long, long)
ZG_EMU_MINMAX(unsigned long, unsigned long, unsigned long)
ZG_EMU_MINMAX(unsigned long, long, unsigned long)
ZG_EMU_MINMAX(unsigned long, unsigned long, long)
ZG_EMU_MINMAX(long long, long long, long long)
ZG_EMU_MINMAX(unsigned long long, unsigned long long, unsigned long long)
ZG_EMU_MINMAX(unsigned long long, long long, unsigned long long)
ZG_EMU_MINMAX(unsigned long long, unsigned long long, long long)
#undef ZG_EMU_MINMAX
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
inline double min(double a, double b) { return fmin(a, b); }
inline double max(double a, double b) { return fmax(a, b); }
inline double min(float a, double b) { return fmin(a, b); }
inline double max(float a, double b) { return fmax(a, b); }
inline double min(double a, float b) { return fmin(a, b); }
inline double max(double a, float b) { return fmax(a, b); }

// ---------------------------------------------------------------------------------
// WMMA: every thread holds the whole tile; lane 0 stores it.
// ---------------------------------------------------------------------------------

namespace nvcuda {
namespace wmma {

struct row_major {};
struct col_major {};
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
namespace precision {
struct tf32 {};
}  // namespace precision

enum layout_t { mem_row_major, mem_col_major };

template <class T> struct storage_of { using type = T; };
template <> struct storage_of<precision::tf32> { using type = float; };

template <class Use, int M, int N, int K> struct tile_shape;
template <int M, int N, int K> struct tile_shape<matrix_a, M, N, K> {
  static constexpr int rows = M, cols = K;
};
template <int M, int N, int K> struct tile_shape<matrix_b, M, N, K> {
  static constexpr int rows = K, cols = N;
};
template <int M, int N, int K> struct tile_shape<accumulator, M, N, K> {
  static constexpr int rows = M, cols = N;
};

template <class Use, int M, int N, int K, class T, class Layout = void>
class __align__(8) fragment {
 public:
  static constexpr int rows = tile_shape<Use, M, N, K>::rows;
  static constexpr int cols = tile_shape<Use, M, N, K>::cols;
  enum { num_elements = rows * cols, num_storage_elements = rows * cols };
  using element_type = T;
  using storage_element_type = typename storage_of<T>::type;
  storage_element_type x[num_elements];
};

template <class Use, int M, int N, int K, class T, class Layout, class V>
inline void fill_fragment(fragment<Use, M, N, K, T, Layout> &f, const V &value) {
  using S = typename fragment<Use, M, N, K, T, Layout>::storage_element_type;
  S v = static_cast<S>(value);
  for (int i = 0; i < f.num_elements; ++i) f.x[i] = v;
}

namespace detail {
template <class F, class P>
inline void load_tile(F &f, const P *p, unsigned ldm, bool row_major_memory) {
  for (int r = 0; r < F::rows; ++r) {
    for (int c = 0; c < F::cols; ++c) {
      size_t at = row_major_memory ? size_t(r) * ldm + c : size_t(c) * ldm + r;
      f.x[r * F::cols + c] = p[at];
    }
  }
}

template <class L> constexpr bool is_row_major = std::is_same_v<L, row_major>;

// The value a tensor core multiplies: TF32 inputs lose their low 13 mantissa bits.
template <class T, class S> inline auto multiplicand(S v) {
  if constexpr (std::is_same_v<T, precision::tf32>) {
    return std::bit_cast<float>(std::bit_cast<uint32_t>(v) & ~0x1fffu);
  } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
    return static_cast<float>(v);
#ifdef __FLT16_MAX__
  } else if constexpr (std::is_same_v<T, __half>) {
    return static_cast<float>(v);
#endif
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<int>(v);
  } else {
    return v;
  }
}
}  // namespace detail

template <class Use, int M, int N, int K, class T, class Layout, class P>
inline void load_matrix_sync(fragment<Use, M, N, K, T, Layout> &f, const P *p, unsigned ldm) {
  static_assert(!std::is_same_v<Use, accumulator>,
                "load_matrix_sync of an accumulator takes a layout_t");
  detail::load_tile(f, p, ldm, detail::is_row_major<Layout>);
}

template <int M, int N, int K, class T, class P>
inline void load_matrix_sync(fragment<accumulator, M, N, K, T> &f, const P *p, unsigned ldm,
                             layout_t layout) {
  detail::load_tile(f, p, ldm, layout == mem_row_major);
}

template <int M, int N, int K, class T, class P>
inline void store_matrix_sync(P *p, const fragment<accumulator, M, N, K, T> &f, unsigned ldm,
                              layout_t layout) {
  using F = fragment<accumulator, M, N, K, T>;
  zg_emu::ThreadState &me = zg_emu::current("store_matrix_sync");
  me.warp->barrier.wait(me.launch->timeout);
  if (me.lane == 0) {
    for (int r = 0; r < F::rows; ++r) {
      for (int c = 0; c < F::cols; ++c) {
        size_t at = layout == mem_row_major ? size_t(r) * ldm + c : size_t(c) * ldm + r;
        p[at] = static_cast<P>(f.x[r * F::cols + c]);
      }
    }
  }
  me.warp->barrier.wait(me.launch->timeout);
}

template <int M, int N, int K, class TA, class LA, class TB, class LB, class TC, class TD>
inline void mma_sync(fragment<accumulator, M, N, K, TD> &d,
                     const fragment<matrix_a, M, N, K, TA, LA> &a,
                     const fragment<matrix_b, M, N, K, TB, LB> &b,
                     const fragment<accumulator, M, N, K, TC> &c, bool /*satf*/ = false) {
  using Acc = std::conditional_t<std::is_integral_v<TD>, int,
                                 std::conditional_t<std::is_same_v<TD, double>, double, float>>;
  Acc out[M * N];
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      Acc sum = static_cast<Acc>(c.x[i * N + j]);
      for (int k = 0; k < K; ++k) {
        sum += static_cast<Acc>(detail::multiplicand<TA>(a.x[i * K + k])) *
               static_cast<Acc>(detail::multiplicand<TB>(b.x[k * N + j]));
      }
      out[i * N + j] = sum;
    }
  }
  for (int i = 0; i < M * N; ++i) d.x[i] = static_cast<TD>(out[i]);
}

// Round to TF32 (10 mantissa bits), nearest with ties away from zero, as cvt.rna does.
inline float __float_to_tf32(float x) {
  uint32_t bits = std::bit_cast<uint32_t>(x);
  if ((bits & 0x7f800000u) != 0x7f800000u) bits = (bits + 0x1000u) & ~0x1fffu;
  return std::bit_cast<float>(bits);
}

}  // namespace wmma
}  // namespace nvcuda

// ---------------------------------------------------------------------------------
// Host runtime API
// ---------------------------------------------------------------------------------

namespace zg_emu {
inline thread_local cudaError_t last_error = cudaSuccess;
inline cudaError_t record(cudaError_t error) {
  if (error != cudaSuccess) last_error = error;
  return error;
}
}  // namespace zg_emu

inline const char *cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInitializationError: return "initialization error";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorNotReady: return "device not ready";
    case cudaErrorLaunchOutOfResources: return "too many resources requested for launch";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
  }
  return "unrecognized error code";
}

inline const char *cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInitializationError: return "cudaErrorInitializationError";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorNotReady: return "cudaErrorNotReady";
    case cudaErrorLaunchOutOfResources: return "cudaErrorLaunchOutOfResources";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
  }
  return "cudaErrorUnknown";
}

inline cudaError_t cudaGetLastError() {
  cudaError_t error = zg_emu::last_error;
  zg_emu::last_error = cudaSuccess;
  return error;
}
inline cudaError_t cudaPeekAtLastError() { return zg_emu::last_error; }
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
inline cudaError_t cudaDeviceReset() { return cudaSuccess; }
inline cudaError_t cudaGetDeviceCount(int *count) {
  *count = 1;
  return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int device) {
  return device == 0 ? cudaSuccess : zg_emu::record(cudaErrorInvalidDevice);
}
inline cudaError_t cudaGetDevice(int *device) {
  *device = 0;
  return cudaSuccess;
}

// Device memory is host memory, 256-byte aligned like cudaMalloc's.
inline cudaError_t cudaMalloc(void **pointer, size_t bytes) {
  if (pointer == nullptr) return zg_emu::record(cudaErrorInvalidValue);
  *pointer = nullptr;
  if (bytes == 0) return cudaSuccess;
  size_t rounded = (bytes + 255) / 256 * 256;
  *pointer = aligned_alloc(256, rounded);
  return *pointer != nullptr ? cudaSuccess : zg_emu::record(cudaErrorMemoryAllocation);
}
template <class T>
inline cudaError_t cudaMalloc(T **pointer, size_t bytes) {
  return cudaMalloc(reinterpret_cast<void **>(pointer), bytes);
}
inline cudaError_t cudaFree(void *pointer) {
  free(pointer);
  return cudaSuccess;
}
inline cudaError_t cudaMallocHost(void **pointer, size_t bytes) {
  return cudaMalloc(pointer, bytes);
}
template <class T>
inline cudaError_t cudaMallocHost(T **pointer, size_t bytes) {
  return cudaMalloc(reinterpret_cast<void **>(pointer), bytes);
}
inline cudaError_t cudaFreeHost(void *pointer) { return cudaFree(pointer); }

inline cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind) {
  if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault) {
    return zg_emu::record(cudaErrorInvalidMemcpyDirection);
  }
  if (bytes != 0) memmove(dst, src, bytes);
  return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind,
                                   cudaStream_t = nullptr) {
  return cudaMemcpy(dst, src, bytes, kind);
}
inline cudaError_t cudaMemset(void *pointer, int value, size_t bytes) {
  if (bytes != 0) memset(pointer, value, bytes);
  return cudaSuccess;
}
inline cudaError_t cudaMemsetAsync(void *pointer, int value, size_t bytes, cudaStream_t = nullptr) {
  return cudaMemset(pointer, value, bytes);
}
template <class T>
inline cudaError_t cudaMemcpyToSymbol(T &symbol, const void *src, size_t bytes, size_t offset = 0,
                                      cudaMemcpyKind = cudaMemcpyHostToDevice) {
  memcpy(reinterpret_cast<unsigned char *>(&symbol) + offset, src, bytes);
  return cudaSuccess;
}
template <class T>
inline cudaError_t cudaMemcpyFromSymbol(void *dst, const T &symbol, size_t bytes,
                                        size_t offset = 0,
                                        cudaMemcpyKind = cudaMemcpyDeviceToHost) {
  memcpy(dst, reinterpret_cast<const unsigned char *>(&symbol) + offset, bytes);
  return cudaSuccess;
}

template <class F>
inline cudaError_t cudaFuncSetAttribute(F *, cudaFuncAttribute, int) {
  return cudaSuccess;
}

inline cudaError_t cudaStreamCreate(cudaStream_t *stream) {
  *stream = new CUstream_st();
  return cudaSuccess;
}
inline cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  delete stream;
  return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }

// Events time the wall clock; launches are synchronous, so recording is enough.
inline cudaError_t cudaEventCreate(cudaEvent_t *event) {
  if (event == nullptr) return zg_emu::record(cudaErrorInvalidValue);
  *event = new CUevent_st();
  return cudaSuccess;
}
inline cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned) {
  return cudaEventCreate(event);
}
inline cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t = nullptr) {
  if (event == nullptr) return zg_emu::record(cudaErrorInvalidResourceHandle);
  event->time = std::chrono::steady_clock::now();
  event->recorded = true;
  return cudaSuccess;
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  return event == nullptr ? zg_emu::record(cudaErrorInvalidResourceHandle) : cudaSuccess;
}
inline cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end) {
  if (ms == nullptr) return zg_emu::record(cudaErrorInvalidValue);
  if (start == nullptr || end == nullptr) return zg_emu::record(cudaErrorInvalidResourceHandle);
  if (!start->recorded || !end->recorded) return zg_emu::record(cudaErrorNotReady);
  *ms = std::chrono::duration<float, std::milli>(end->time - start->time).count();
  return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete event;
  return cudaSuccess;
}

// ---------------------------------------------------------------------------------
// Launch: one OS thread per CUDA thread, reused from block to block
// ---------------------------------------------------------------------------------

namespace zg_emu {

inline bool valid_configuration(dim3 grid, dim3 block) {
  uint64_t threads = uint64_t(block.x) * block.y * block.z;
  return grid.x != 0 && grid.y != 0 && grid.z != 0 && block.x != 0 && block.y != 0 &&
         block.z != 0 && threads <= 1024 && block.x <= 1024 && block.y <= 1024 &&
         block.z <= 64 && grid.x <= 0x7fffffffu && grid.y <= 65535 && grid.z <= 65535;
}

// Runs in the last thread to finish a block, while the others wait: rearm the
// barriers for the next block, or say that the grid is done.
inline void advance_block(void *context) {
  Launch &launch = *static_cast<Launch *>(context);
  uint3 &b = launch.next_block;
  if (++b.x == launch.grid.x) {
    b.x = 0;
    if (++b.y == launch.grid.y) {
      b.y = 0;
      if (++b.z == launch.grid.z) launch.done = true;
    }
  }
  launch.block_barrier.reset(launch.threads);
  unsigned warps = (launch.threads + 31) / 32;
  for (unsigned w = 0; w < warps; ++w) launch.warps[w].barrier.reset(launch.warps[w].size);
}

struct Worker {
  Launch *launch;
  unsigned linear;
};

inline void *worker_main(void *argument) {
  Worker &worker = *static_cast<Worker *>(argument);
  Launch &launch = *worker.launch;
  unsigned linear = worker.linear;
  threadIdx = uint3{linear % launch.block.x, linear / launch.block.x % launch.block.y,
                    linear / (launch.block.x * launch.block.y)};
  blockDim = launch.block;
  gridDim = launch.grid;
  self.launch = &launch;
  self.warp = &launch.warps[linear / 32];
  self.lane = linear % 32;
  while (!launch.done) {
    blockIdx = launch.next_block;
    launch.body(launch.context);
    launch.block_barrier.leave();
    self.warp->barrier.leave();
    launch.block_end.wait(0, advance_block, &launch);
  }
  self = ThreadState{};
  return nullptr;
}

// Launches from several host threads take turns: `__shared__` statics are per kernel.
inline pthread_mutex_t launch_mutex = PTHREAD_MUTEX_INITIALIZER;

inline void run_grid(dim3 grid, dim3 block, size_t shared_bytes, void (*body)(void *),
                     void *context) {
  pthread_mutex_lock(&launch_mutex);
  Launch launch;
  launch.grid = grid;
  launch.block = block;
  launch.threads = block.x * block.y * block.z;
  launch.timeout = env_long("ZG_EMU_DEADLOCK_SECONDS", 60);
  launch.body = body;
  launch.context = context;
  unsigned warps = (launch.threads + 31) / 32;
  launch.warps = std::make_unique<Warp[]>(warps);
  for (unsigned w = 0; w < warps; ++w) {
    launch.warps[w].size = launch.threads - 32 * w < 32 ? launch.threads - 32 * w : 32;
    launch.warps[w].barrier.reset(launch.warps[w].size);
  }
  launch.block_barrier.reset(launch.threads);
  launch.block_end.reset(launch.threads);
  size_t shared_rounded = (shared_bytes + 15) / 16 * 16 + 16;
  launch.dynamic_shared = static_cast<unsigned char *>(aligned_alloc(16, shared_rounded));
  if (launch.dynamic_shared == nullptr) fail("cannot allocate dynamic shared memory");
  memset(launch.dynamic_shared, 0, shared_rounded);

  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, size_t(env_long("ZG_EMU_STACK_KIB", 256)) * 1024);
  auto workers = std::make_unique<Worker[]>(launch.threads);
  auto handles = std::make_unique<pthread_t[]>(launch.threads);
  for (unsigned t = 0; t < launch.threads; ++t) {
    workers[t] = Worker{&launch, t};
    int error = pthread_create(&handles[t], &attributes, worker_main, &workers[t]);
    if (error != 0) {
      fprintf(stderr, "zg_emu: cannot start CUDA thread %u of %u: %s\n", t, launch.threads,
              strerror(error));
      abort();
    }
  }
  pthread_attr_destroy(&attributes);
  for (unsigned t = 0; t < launch.threads; ++t) pthread_join(handles[t], nullptr);
  free(launch.dynamic_shared);
  pthread_mutex_unlock(&launch_mutex);
}

template <class... P, class... A>
inline void launch(void (*kernel)(P...), dim3 grid, dim3 block, size_t shared_bytes,
                   A &&...arguments) {
  static_assert(sizeof...(P) == sizeof...(A), "ZG_LAUNCH: wrong number of kernel arguments");
  if (!valid_configuration(grid, block)) {
    record(cudaErrorInvalidConfiguration);
    return;
  }
  struct Call {
    void (*kernel)(P...);
    std::tuple<P...> parameters;
  } call{kernel, std::tuple<P...>(std::forward<A>(arguments)...)};
  run_grid(grid, block, shared_bytes,
           [](void *context) {
             Call &c = *static_cast<Call *>(context);
             std::apply(c.kernel, c.parameters);
           },
           &call);
}

}  // namespace zg_emu

#endif  // ZG_CUDA_EMU_H
