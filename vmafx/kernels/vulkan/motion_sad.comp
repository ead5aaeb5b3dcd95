// Motion, pass 2: the vertically filtered difference filtered horizontally, rounded by 16
// bits; the absolute values are summed per row in 32 bits (wrapping, as the reference's
// row totals do). Each workgroup writes one partial total per row it covers.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"

layout(local_size_x = 64, local_size_y = 4) in;

layout(push_constant) uniform Params {
    uint width;
    uint height;
    uint groups_x;
} p;

layout(std430, binding = 0) readonly buffer Filtered { int filtered[]; };
layout(std430, binding = 1) writeonly buffer Partials { uint partials[]; };

const int64_t TAPS[5] = int64_t[5](3571l, 16004l, 26386l, 16004l, 3571l);

shared uint row_totals[4][64];

uint mirror(int i, int size) {
    return uint(i < 0 ? -i : (i >= size ? 2 * size - i - 2 : i));
}

void main() {
    uint x = gl_GlobalInvocationID.x;
    uint y = gl_GlobalInvocationID.y;
    uint lx = gl_LocalInvocationID.x;
    uint ly = gl_LocalInvocationID.y;
    uint value = 0u;
    if (x < p.width && y < p.height) {
        int64_t sum = 0l;
        for (int k = 0; k < 5; k++) {
            uint column = mirror(int(x) + k - 2, int(p.width));
            sum += TAPS[k] * int64_t(filtered[y * p.width + column]);
        }
        value = magnitude32(int((sum + 32768l) >> 16));
    }
    row_totals[ly][lx] = value;
    barrier();
    for (uint stride = 32u; stride > 0u; stride >>= 1) {
        if (lx < stride) {
            row_totals[ly][lx] += row_totals[ly][lx + stride];
        }
        barrier();
    }
    if (lx == 0u && y < p.height) {
        partials[y * p.groups_x + gl_WorkGroupID.x] = row_totals[ly][0];
    }
}
