// The drop-in headers compile as C++ and declare C linkage.
#include <libvmaf/libvmaf.h>
#include <libvmaf/version.h>

#include <cstdio>
#include <cstring>

int main()
{
    const char *version = vmaf_version();
    VmafConfiguration cfg = VmafConfiguration();
    VmafContext *vmaf = nullptr;
    int ok = version != nullptr && std::strncmp(version, "3.", 2) == 0 &&
             vmaf_init(&vmaf, cfg) == 0 && vmaf_close(vmaf) == 0;
    std::printf("cxx_header: %d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
