// Integer ADM.

#include "portable.h"

#define VMAFX_ADM_KERNELS(X)
