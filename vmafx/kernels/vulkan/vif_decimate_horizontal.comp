// VIF decimation, pass 2: the vertically filtered rows filtered horizontally at every
// second column, rounded by 16 bits: the next scale's (SCALE's) samples.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/vif_common.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params {
    uint width;       // of the source scale
    uint height;
} p;

layout(std430, binding = 0) readonly buffer RowsReference { uint rows_reference[]; };
layout(std430, binding = 1) readonly buffer RowsDistorted { uint rows_distorted[]; };
layout(std430, binding = 2) writeonly buffer NextReference { uint next_reference[]; };
layout(std430, binding = 3) writeonly buffer NextDistorted { uint next_distorted[]; };

void main() {
    uint out_width = p.width / 2u;
    uint ox = gl_GlobalInvocationID.x;
    uint oy = gl_GlobalInvocationID.y;
    if (ox >= out_width || oy >= p.height / 2u) {
        return;
    }
    uint sum_a = 0u;
    uint sum_b = 0u;
    for (int k = 0; k < TAPS; k++) {
        uint at = oy * p.width + vif_tap(int(2u * ox) - REACH + k, int(p.width));
        sum_a += coefficient(k) * rows_reference[at];
        sum_b += coefficient(k) * rows_distorted[at];
    }
    uint o = oy * out_width + ox;
    next_reference[o] = uint((uint64_t(sum_a) + 32768ul) >> 16) & 0xFFFFu;
    next_distorted[o] = uint((uint64_t(sum_b) + 32768ul) >> 16) & 0xFFFFu;
}
