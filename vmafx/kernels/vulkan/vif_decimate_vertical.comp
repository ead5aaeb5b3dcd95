// VIF decimation, pass 1: every second row of both pictures filtered vertically with the
// Gaussian of the next scale (SCALE) and rounded to 16 bits, at every column (pass 2
// keeps every second).
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"
#include "include/vif_common.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params {
    uint width;       // of the source scale
    uint height;
    uint sample_kind;
    uint mean_shift;  // vertical rounding of the source scale
} p;

layout(std430, binding = 0) readonly buffer Reference { uint reference_words[]; };
layout(std430, binding = 1) readonly buffer Distorted { uint distorted_words[]; };
// (height / 2) rows of `width` filtered values each.
layout(std430, binding = 2) writeonly buffer RowsReference { uint rows_reference[]; };
layout(std430, binding = 3) writeonly buffer RowsDistorted { uint rows_distorted[]; };

DEFINE_SAMPLE_READER(reference_sample, reference_words)
DEFINE_SAMPLE_READER(distorted_sample, distorted_words)

void main() {
    uint x = gl_GlobalInvocationID.x;
    uint oy = gl_GlobalInvocationID.y;
    if (x >= p.width || oy >= p.height / 2u) {
        return;
    }
    uint sum_a = 0u;
    uint sum_b = 0u;
    for (int k = 0; k < TAPS; k++) {
        uint at = vif_tap(int(2u * oy) - REACH + k, int(p.height)) * p.width + x;
        sum_a += coefficient(k) * reference_sample(at, p.sample_kind);
        sum_b += coefficient(k) * distorted_sample(at, p.sample_kind);
    }
    uint64_t mean_round = round_term(p.mean_shift);
    uint o = oy * p.width + x;
    rows_reference[o] = uint((uint64_t(sum_a) + mean_round) >> p.mean_shift) & 0xFFFFu;
    rows_distorted[o] = uint((uint64_t(sum_b) + mean_round) >> p.mean_shift) & 0xFFFFu;
}
