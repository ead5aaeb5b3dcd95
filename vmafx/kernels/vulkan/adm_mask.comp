// ADM contrast masking: for each scored band position, the threshold set by the CSF-
// weighted masker's 3x3 neighbourhood (all three orientations), and the cubed excess of
// the CSF-weighted target over it. Excesses are summed per row and orientation into
// 64-bit workgroup partials; the host rounds each row's sum down and adds the rows.
//
// For the detail-loss numerator the masker is the additive impairment and the target the
// restored part; for AIM the two swap.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"

layout(local_size_x = 64, local_size_y = 4) in;

layout(push_constant) uniform Params {
    uint width;
    uint height;
    uint top;
    uint bottom;
    uint left;
    uint right;
    uint coarse;  // 0: 16-bit level 0, 1: 32-bit levels 1..3
    uint weight[3];
    uint cube_shift[3];
    uint groups_x;
} p;

// Three planes each (h, v, d).
layout(std430, binding = 0) readonly buffer Masker { int masker[]; };
layout(std430, binding = 1) readonly buffer Target { int target[]; };
layout(std430, binding = 2) writeonly buffer Partials { int64_t partials[]; };

shared int64_t reduction[3][4][64];

// Level 0: weighting rounding (add, shift), threshold alignment and square shift.
const int FINE_WEIGHT_ADD[3] = int[3](16384, 16384, 65535);
const uint FINE_WEIGHT_SHIFT[3] = uint[3](15u, 15u, 17u);
const uint FINE_THRESHOLD_SHIFT[3] = uint[3](10u, 10u, 12u);
const uint FINE_SQUARE_SHIFT[3] = uint[3](29u, 29u, 30u);
// Levels 1..3 round their 1/15 and 1/30 shares with -2^31 (a wrapped 2^31).
const int64_t COARSE_SHARE_ROUND = -2147483648l;

int weighted(uint o, int c) {
    if (p.coarse == 0u) {
        return as_i16((int(p.weight[o]) * c + FINE_WEIGHT_ADD[o]) >> FINE_WEIGHT_SHIFT[o]);
    }
    return int((int64_t(p.weight[o]) * int64_t(c) + 134217728l) >> 28);
}

// A neighbour's share of the threshold (1/30 of its weighted magnitude).
int share(uint o, int c) {
    int w = weighted(o, c);
    if (p.coarse == 0u) {
        return as_i16((4369 * int(magnitude32(w)) + 2048) >> 12);
    }
    return int((143165577l * int64_t(int(magnitude32(w))) + COARSE_SHARE_ROUND) >> 32);
}

// The centre's own share (1/15 of its weighted magnitude).
int self_share(uint o, int c) {
    int w = weighted(o, c);
    if (p.coarse == 0u) {
        return as_i16((8738 * int(magnitude32(w)) + 2048) >> 12);
    }
    return int((286331153l * int64_t(int(magnitude32(w))) + COARSE_SHARE_ROUND) >> 32);
}

int64_t excess_cubed(uint o, int c, int threshold) {
    int x;
    uint square_shift;
    if (p.coarse == 0u) {
        x = int(magnitude32(c * int(p.weight[o]))) - (threshold << FINE_THRESHOLD_SHIFT[o]);
        square_shift = FINE_SQUARE_SHIFT[o];
    } else {
        x = int(magnitude32(weighted(o, c))) - threshold;
        square_shift = 30u;
    }
    int64_t x64 = int64_t(max(x, 0));
    int square = int((x64 * x64 + (1l << (square_shift - 1u))) >> square_shift);
    uint shift = p.cube_shift[o];
    return (int64_t(square) * x64 + signed_round_term(shift)) >> shift;
}

void main() {
    uint lx = gl_LocalInvocationID.x;
    uint ly = gl_LocalInvocationID.y;
    uint j = p.left + gl_GlobalInvocationID.x;
    uint i = p.top + gl_GlobalInvocationID.y;
    int64_t excess[3] = int64_t[3](0l, 0l, 0l);
    if (j < p.right && i < p.bottom) {
        uint n = p.width * p.height;
        // The first row and column mirror to 1; the last ones repeat themselves.
        uint rows[3] = uint[3](i == 0u ? 1u : i - 1u, i, i + 1u == p.height ? i : i + 1u);
        uint columns[3] = uint[3](j == 0u ? 1u : j - 1u, j, j + 1u == p.width ? j : j + 1u);
        int threshold = 0;
        for (uint o = 0u; o < 3u; o++) {
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    threshold += share(o, masker[o * n + rows[r] * p.width + columns[c]]);
                }
            }
        }
        for (uint o = 0u; o < 3u; o++) {
            int centre = masker[o * n + i * p.width + j];
            threshold = threshold - share(o, centre) + self_share(o, centre);
        }
        for (uint o = 0u; o < 3u; o++) {
            excess[o] = excess_cubed(o, target[o * n + i * p.width + j], threshold);
        }
    }
    for (int o = 0; o < 3; o++) {
        reduction[o][ly][lx] = excess[o];
    }
    barrier();
    for (uint stride = 32u; stride > 0u; stride >>= 1) {
        if (lx < stride) {
            for (int o = 0; o < 3; o++) {
                reduction[o][ly][lx] += reduction[o][ly][lx + stride];
            }
        }
        barrier();
    }
    if (lx == 0u && i < p.bottom) {
        uint slot = ((i - p.top) * p.groups_x + gl_WorkGroupID.x) * 3u;
        for (int o = 0; o < 3; o++) {
            partials[slot + uint(o)] = reduction[o][ly][0];
        }
    }
}
