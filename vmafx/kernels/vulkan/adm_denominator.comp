// ADM denominator: the cubed magnitudes of the reference's detail over the scored
// region, summed per row and orientation into 64-bit workgroup partials (wrapping, as
// the reference's unsigned sums). Level 0 cubes exactly; levels 1..3 square and cube
// with the reference's intermediate shifts.
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
    uint coarse;
    uint square_shift;
    uint cube_shift;
    uint groups_x;
} p;

// Four planes: approximation, h, v, d.
layout(std430, binding = 0) readonly buffer Reference { int reference[]; };
layout(std430, binding = 1) writeonly buffer Partials { uint64_t partials[]; };

shared uint64_t reduction[3][4][64];

void main() {
    uint lx = gl_LocalInvocationID.x;
    uint ly = gl_LocalInvocationID.y;
    uint j = p.left + gl_GlobalInvocationID.x;
    uint i = p.top + gl_GlobalInvocationID.y;
    uint64_t cubes[3] = uint64_t[3](0ul, 0ul, 0ul);
    if (j < p.right && i < p.bottom) {
        uint n = p.width * p.height;
        for (uint o = 0u; o < 3u; o++) {
            uint64_t m = uint64_t(magnitude32(reference[(o + 1u) * n + i * p.width + j]));
            if (p.coarse == 0u) {
                cubes[o] = m * m * m;
            } else {
                // The reference adds 2^shift (not half of it) before this shift.
                uint64_t square = (m * m + (1ul << p.square_shift)) >> p.square_shift;
                cubes[o] = (square * m + round_term(p.cube_shift)) >> p.cube_shift;
            }
        }
    }
    for (int o = 0; o < 3; o++) {
        reduction[o][ly][lx] = cubes[o];
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
