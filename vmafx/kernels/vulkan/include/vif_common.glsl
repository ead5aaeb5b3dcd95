// Constants of integer VIF: the Q16 Gaussian filter of each scale and border mirroring.
//
// Each VIF kernel is specialised for one scale (specialisation constant 0), so that the
// driver sees a fixed number of taps with constant coefficients and can unroll.

#ifndef VMAFX_VIF_COMMON_GLSL
#define VMAFX_VIF_COMMON_GLSL

layout(constant_id = 0) const uint SCALE = 0u;

// Taps of the scale's filter; each filter sums to 65536.
const int TAPS = SCALE == 0u ? 17 : (SCALE == 1u ? 9 : (SCALE == 2u ? 5 : 3));
const int REACH = TAPS / 2;

const uint FILTER_0[17] = uint[17](489u, 935u, 1640u, 2640u, 3896u, 5274u, 6547u, 7455u,
    7784u, 7455u, 6547u, 5274u, 3896u, 2640u, 1640u, 935u, 489u);
const uint FILTER_1[9] = uint[9](1244u, 3663u, 7925u, 12590u, 14692u, 12590u, 7925u, 3663u, 1244u);
const uint FILTER_2[5] = uint[5](3571u, 16004u, 26386u, 16004u, 3571u);
const uint FILTER_3[3] = uint[3](10904u, 43728u, 10904u);

// Coefficient `k` of the scale's filter.
uint coefficient(int k) {
    if (SCALE == 0u) {
        return FILTER_0[k];
    }
    if (SCALE == 1u) {
        return FILTER_1[k];
    }
    if (SCALE == 2u) {
        return FILTER_2[k];
    }
    return FILTER_3[k];
}

// Reflects `i` into 0..len-1 about the first and last sample (the edge not repeated),
// again and again for planes narrower than the filter. Needs len >= 2.
uint vif_mirror(int i, int len) {
    int last = len - 1;
    for (;;) {
        if (i < 0) {
            i = -i;
        } else if (i > last) {
            i = 2 * last - i;
        } else {
            return uint(i);
        }
    }
    return 0u;
}

// `i` itself when inside 0..len-1 (the common case, without the loop), else mirrored.
uint vif_tap(int i, int len) {
    return (i >= 0 && i < len) ? uint(i) : vif_mirror(i, len);
}

#endif
