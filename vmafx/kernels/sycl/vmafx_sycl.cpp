// The SYCL backend's kernel library: the kernels of vmafx/kernels/cuda compiled as SYCL 2020
// device code (through portable.h's SYCL branch), behind a small C ABI that
// vmafx/src/backend/sycl loads at run time. Built by vmafx/kernels/sycl/build.sh with DPC++.
//
// C ABI (every function returns a status unless noted; no exception leaves it):
//   0 VMAFX_SYCL_OK, 1 VMAFX_SYCL_ERROR (text from vmafx_sycl_last_error),
//   2 VMAFX_SYCL_UNKNOWN_KERNEL, 3 VMAFX_SYCL_WRONG_ARGUMENTS.
//
//   uint32_t vmafx_sycl_abi_version(void)                              -> VMAFX_SYCL_ABI
//   const char *vmafx_sycl_last_error(void)       this thread's last error message
//   int vmafx_sycl_device_count(size_t *count)                          GPU devices
//   int vmafx_sycl_device_info(size_t index, char *name, size_t capacity, int *usable)
//   int vmafx_sycl_open(size_t index, void **device)          a context on GPU `index`
//   void vmafx_sycl_close(void *device)
//   int vmafx_sycl_malloc_device(void *device, size_t bytes, uint64_t *address)
//   int vmafx_sycl_free(void *device, uint64_t address)
//   int vmafx_sycl_malloc_host(void *device, size_t bytes, void **pointer)   pinned
//   int vmafx_sycl_free_host(void *device, void *pointer)
//   int vmafx_sycl_queue_create(void *device, void **queue)           in-order queue
//   void vmafx_sycl_queue_destroy(void *queue)                     waits, then frees
//   int vmafx_sycl_memcpy(void *queue, void *to, const void *from, size_t bytes)
//   int vmafx_sycl_memset(void *queue, uint64_t address, int value, size_t bytes)
//   int vmafx_sycl_wait(void *queue)          waits; reports asynchronous errors
//   int vmafx_sycl_launch(void *queue, const char *name, const uint32_t grid[3],
//                         const uint32_t block[3], const uint64_t *args, size_t count)
//
// Launches use CUDA's convention: `grid` blocks of `block` threads, x first. SYCL's
// fastest index is the last, so x is dimension 2 and y dimension 1 (portable.h reads
// them that way). Each argument comes as a 64-bit word holding the parameter's bits.

#include <sycl/sycl.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../cuda/portable.h"

#include "../cuda/adm.cu"
#include "../cuda/motion.cu"
#include "../cuda/vif.cu"

#define VMAFX_SYCL_ABI 1u

constexpr int VMAFX_SYCL_OK = 0;
constexpr int VMAFX_SYCL_ERROR = 1;
constexpr int VMAFX_SYCL_UNKNOWN_KERNEL = 2;
constexpr int VMAFX_SYCL_WRONG_ARGUMENTS = 3;

namespace {

thread_local std::string last_error;

int fail(const std::string &message) {
    last_error = message;
    return VMAFX_SYCL_ERROR;
}

// Runs `body` with every exception turned into an error status and message.
template <typename Body> int guarded(const char *what, Body &&body) {
    try {
        return body();
    } catch (const std::exception &e) { // sycl::exception included
        return fail(std::string(what) + ": " + e.what());
    } catch (...) {
        return fail(std::string(what) + ": unknown exception");
    }
}

const char *backend_name(sycl::backend backend) {
    switch (backend) {
    case sycl::backend::ext_oneapi_level_zero:
        return "level_zero";
    case sycl::backend::opencl:
        return "opencl";
    case sycl::backend::ext_oneapi_cuda:
        return "cuda";
    case sycl::backend::ext_oneapi_hip:
        return "hip";
    default:
        return "other";
    }
}

// The GPUs, Level Zero ones first (the same GPU may also appear through OpenCL).
const std::vector<sycl::device> &gpus() {
    static const std::vector<sycl::device> devices = [] {
        std::vector<sycl::device> all = sycl::device::get_devices(sycl::info::device_type::gpu);
        std::stable_partition(all.begin(), all.end(), [](const sycl::device &d) {
            return d.get_backend() == sycl::backend::ext_oneapi_level_zero;
        });
        return all;
    }();
    return devices;
}

// What the kernels need: 64-bit atomics for their sums, doubles where the CPU uses
// them, and device and host USM for buffers and staging.
bool usable(const sycl::device &d) {
    return d.has(sycl::aspect::fp64) && d.has(sycl::aspect::atomic64) &&
           d.has(sycl::aspect::usm_device_allocations) &&
           d.has(sycl::aspect::usm_host_allocations);
}

struct Device {
    sycl::device device;
    sycl::context context;
};

// Errors the runtime reports asynchronously, kept until the next wait.
struct AsyncErrors {
    std::mutex lock;
    std::string first;
};

struct Queue {
    std::shared_ptr<AsyncErrors> errors;
    sycl::queue queue;
};

// The parameters of one launch, copied into the kernel.
template <std::size_t N> struct Words {
    uint64_t word[N == 0 ? 1 : N];
};

template <typename T> struct always_false : std::false_type {};

// A kernel parameter from the 64-bit word that holds its bits.
template <typename T> inline T from_word(uint64_t word) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(static_cast<uintptr_t>(word));
    } else if constexpr (sizeof(T) == 8) {
        return sycl::bit_cast<T>(word);
    } else if constexpr (sizeof(T) == 4) {
        return sycl::bit_cast<T>(static_cast<uint32_t>(word));
    } else {
        static_assert(always_false<T>::value, "kernel parameters are 32 or 64 bits");
    }
}

template <typename... Params, typename Call, std::size_t N, std::size_t... I>
inline void invoke(const Call &call, const Words<N> &words, std::index_sequence<I...>) {
    call(from_word<Params>(words.word[I])...);
}

// Submits `call` (which calls one kernel with its parameters `Params`) over `range`.
// `signature` only carries the parameter types.
template <typename... Params, typename Call>
int submit(sycl::queue &queue, const sycl::nd_range<3> &range, const uint64_t *args,
           std::size_t count, void (*signature)(Params...), Call call) {
    (void)signature;
    if (count != sizeof...(Params)) {
        last_error = "wrong number of kernel arguments";
        return VMAFX_SYCL_WRONG_ARGUMENTS;
    }
    Words<sizeof...(Params)> words{};
    std::copy(args, args + count, words.word);
    queue.parallel_for(range, [=](sycl::nd_item<3>) {
        invoke<Params...>(call, words, std::index_sequence_for<Params...>{});
    });
    return VMAFX_SYCL_OK;
}

} // namespace

extern "C" {

uint32_t vmafx_sycl_abi_version(void) { return VMAFX_SYCL_ABI; }

const char *vmafx_sycl_last_error(void) { return last_error.c_str(); }

int vmafx_sycl_device_count(size_t *count) {
    return guarded("listing GPUs", [&] {
        *count = gpus().size();
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_device_info(size_t index, char *name, size_t capacity, int *is_usable) {
    return guarded("describing a GPU", [&] {
        const auto &devices = gpus();
        if (index >= devices.size()) {
            return fail("no GPU " + std::to_string(index));
        }
        const sycl::device &d = devices[index];
        const std::string text = d.get_info<sycl::info::device::name>() + " (" +
                                 backend_name(d.get_backend()) + ")";
        if (capacity > 0) {
            const std::size_t n = std::min(text.size(), capacity - 1);
            std::memcpy(name, text.data(), n);
            name[n] = '\0';
        }
        *is_usable = usable(d) ? 1 : 0;
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_open(size_t index, void **device) {
    return guarded("opening a GPU", [&] {
        const auto &devices = gpus();
        if (index >= devices.size()) {
            return fail("no GPU " + std::to_string(index));
        }
        *device = new Device{devices[index], sycl::context(devices[index])};
        return VMAFX_SYCL_OK;
    });
}

void vmafx_sycl_close(void *device) { delete static_cast<Device *>(device); }

int vmafx_sycl_malloc_device(void *device, size_t bytes, uint64_t *address) {
    return guarded("malloc_device", [&] {
        auto *d = static_cast<Device *>(device);
        void *memory = sycl::malloc_device(std::max<size_t>(bytes, 1), d->device, d->context);
        if (memory == nullptr) {
            return fail("malloc_device: out of device memory (" + std::to_string(bytes) +
                        " bytes)");
        }
        *address = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(memory));
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_free(void *device, uint64_t address) {
    return guarded("free", [&] {
        sycl::free(reinterpret_cast<void *>(static_cast<uintptr_t>(address)),
                   static_cast<Device *>(device)->context);
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_malloc_host(void *device, size_t bytes, void **pointer) {
    return guarded("malloc_host", [&] {
        *pointer = sycl::malloc_host(std::max<size_t>(bytes, 1),
                                     static_cast<Device *>(device)->context);
        if (*pointer == nullptr) {
            return fail("malloc_host: out of pinned memory (" + std::to_string(bytes) +
                        " bytes)");
        }
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_free_host(void *device, void *pointer) {
    return guarded("free_host", [&] {
        sycl::free(pointer, static_cast<Device *>(device)->context);
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_queue_create(void *device, void **queue) {
    return guarded("creating a queue", [&] {
        auto *d = static_cast<Device *>(device);
        auto errors = std::make_shared<AsyncErrors>();
        auto handler = [errors](sycl::exception_list list) {
            for (const std::exception_ptr &e : list) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception &error) {
                    const std::lock_guard<std::mutex> hold(errors->lock);
                    if (errors->first.empty()) {
                        errors->first = error.what();
                    }
                }
            }
        };
        *queue = new Queue{errors, sycl::queue(d->context, d->device, handler,
                                               sycl::property::queue::in_order{})};
        return VMAFX_SYCL_OK;
    });
}

void vmafx_sycl_queue_destroy(void *queue) {
    auto *q = static_cast<Queue *>(queue);
    try {
        q->queue.wait();
    } catch (...) {
        // Nothing to report to; the queue goes anyway.
    }
    delete q;
}

int vmafx_sycl_memcpy(void *queue, void *to, const void *from, size_t bytes) {
    return guarded("memcpy", [&] {
        static_cast<Queue *>(queue)->queue.memcpy(to, from, bytes);
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_memset(void *queue, uint64_t address, int value, size_t bytes) {
    return guarded("memset", [&] {
        static_cast<Queue *>(queue)->queue.memset(
            reinterpret_cast<void *>(static_cast<uintptr_t>(address)), value, bytes);
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_wait(void *queue) {
    return guarded("wait", [&] {
        auto *q = static_cast<Queue *>(queue);
        q->queue.wait_and_throw();
        const std::lock_guard<std::mutex> hold(q->errors->lock);
        if (!q->errors->first.empty()) {
            const std::string message = "asynchronous error: " + q->errors->first;
            q->errors->first.clear();
            return fail(message);
        }
        return VMAFX_SYCL_OK;
    });
}

int vmafx_sycl_launch(void *queue, const char *name, const uint32_t grid[3],
                      const uint32_t block[3], const uint64_t *args, size_t count) {
    return guarded(name, [&] {
        sycl::queue &q = static_cast<Queue *>(queue)->queue;
        const sycl::range<3> local(block[2], block[1], block[0]);
        const sycl::range<3> global(size_t(grid[2]) * block[2], size_t(grid[1]) * block[1],
                                    size_t(grid[0]) * block[0]);
        const sycl::nd_range<3> range(global, local);
#define VMAFX_SYCL_LAUNCH(kernel)                                                            \
    if (std::strcmp(name, #kernel) == 0) {                                                   \
        return submit(q, range, args, count, static_cast<decltype(&kernel)>(nullptr),        \
                      [](auto... a) { kernel(a...); });                                      \
    }
        VMAFX_MOTION_KERNELS(VMAFX_SYCL_LAUNCH)
        VMAFX_VIF_KERNELS(VMAFX_SYCL_LAUNCH)
        VMAFX_ADM_KERNELS(VMAFX_SYCL_LAUNCH)
#undef VMAFX_SYCL_LAUNCH
        last_error = std::string("no kernel named ") + name;
        return VMAFX_SYCL_UNKNOWN_KERNEL;
    });
}

} // extern "C"
