// VIF statistics, pass 1: vertical filtering of one scale (SCALE). Per pixel: the filtered
// reference and distorted means (kept as 16-bit values) and the filtered second moments
// xx, yy, xy (kept as 32-bit values), each rounded by the scale's shifts.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"
#include "include/vif_common.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params {
    uint width;
    uint height;
    uint sample_kind;
    uint mean_shift;
    uint square_shift;
} p;

layout(std430, binding = 0) readonly buffer Reference { uint reference_words[]; };
layout(std430, binding = 1) readonly buffer Distorted { uint distorted_words[]; };
layout(std430, binding = 2) writeonly buffer Mu1 { uint mu1[]; };
layout(std430, binding = 3) writeonly buffer Mu2 { uint mu2[]; };
layout(std430, binding = 4) writeonly buffer RefSq { uint ref_sq[]; };
layout(std430, binding = 5) writeonly buffer DisSq { uint dis_sq[]; };
layout(std430, binding = 6) writeonly buffer RefDis { uint ref_dis[]; };

DEFINE_SAMPLE_READER(reference_sample, reference_words)
DEFINE_SAMPLE_READER(distorted_sample, distorted_words)

void main() {
    uint x = gl_GlobalInvocationID.x;
    uint y = gl_GlobalInvocationID.y;
    if (x >= p.width || y >= p.height) {
        return;
    }
    // 32-bit sums wrap exactly as the reference's do; the products feeding the 64-bit
    // sums are formed as (coefficient * a) in 32 bits, then widened.
    uint sum_a = 0u;
    uint sum_b = 0u;
    uint64_t sum_aa = 0ul;
    uint64_t sum_bb = 0ul;
    uint64_t sum_ab = 0ul;
    for (int k = 0; k < TAPS; k++) {
        uint at = vif_tap(int(y) - REACH + k, int(p.height)) * p.width + x;
        uint a = reference_sample(at, p.sample_kind);
        uint b = distorted_sample(at, p.sample_kind);
        uint weighted_a = coefficient(k) * a;
        uint weighted_b = coefficient(k) * b;
        sum_a += weighted_a;
        sum_b += weighted_b;
        sum_aa += uint64_t(weighted_a) * uint64_t(a);
        sum_bb += uint64_t(weighted_b) * uint64_t(b);
        sum_ab += uint64_t(weighted_a) * uint64_t(b);
    }
    uint64_t mean_round = round_term(p.mean_shift);
    uint64_t square_round = round_term(p.square_shift);
    uint o = y * p.width + x;
    mu1[o] = uint((uint64_t(sum_a) + mean_round) >> p.mean_shift) & 0xFFFFu;
    mu2[o] = uint((uint64_t(sum_b) + mean_round) >> p.mean_shift) & 0xFFFFu;
    ref_sq[o] = uint((sum_aa + square_round) >> p.square_shift);
    dis_sq[o] = uint((sum_bb + square_round) >> p.square_shift);
    ref_dis[o] = uint((sum_ab + square_round) >> p.square_shift);
}
