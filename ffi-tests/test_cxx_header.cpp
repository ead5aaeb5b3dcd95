// The header compiles as C++ (inside extern "C", with VmafxStatus an enum of int32_t)
// and its functions link and run from C++.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "vmafx.h"

static_assert(sizeof(VmafxStatus) == sizeof(std::int32_t), "VmafxStatus is 32 bits");
static_assert(std::is_enum<VmafxStatus>::value, "VmafxStatus is an enum in C++");
static_assert(std::is_standard_layout<VmafxOptions>::value, "plain C structure");
static_assert(std::is_standard_layout<VmafxPicture>::value, "plain C structure");
static_assert(sizeof(VmafxFrameFormat) == 16, "four 32-bit fields");

int main() {
    VmafxOptions options;
    if (vmafx_options_init(&options) != VMAFX_STATUS_OK ||
        options.struct_size != sizeof(VmafxOptions)) {
        std::fprintf(stderr, "vmafx_options_init failed\n");
        return 1;
    }
    VmafxStatus status = vmafx_options_init(nullptr);
    if (status != VMAFX_STATUS_NULL_POINTER || std::strlen(vmafx_last_error()) == 0) {
        std::fprintf(stderr, "NULL options not reported\n");
        return 1;
    }
    std::printf("cxx_header: vmafx %s, %s\n", vmafx_version(), vmafx_status_str(status));
    std::printf("cxx_header: 3 passed, 0 failed\n");
    return 0;
}
