// Integer VIF: see vif kernels below.

#include "portable.h"

#define VMAFX_VIF_KERNELS(X)
