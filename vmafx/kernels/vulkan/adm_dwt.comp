// ADM: one level of the fixed-point Daubechies-2 analysis. Each invocation computes one
// sample of the four bands (approximation, then h, v, d detail) from the 4x4 input
// samples under it, mirrored at the borders.
//
// Level 0 reads the picture's samples and works in 16 bits (the vertical pass centres
// and rounds by `bits`, wrapping in 32 bits as the reference does); levels 1..3 read the
// previous approximation and work in 64 bits with per-level roundings.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params {
    uint in_width;
    uint in_height;
    uint sample_kind;
    uint level;
    uint bits;
} p;

layout(std430, binding = 0) readonly buffer Source { uint source_words[]; };
// Four planes of band_width * band_height values: approximation, h, v, d.
layout(std430, binding = 1) writeonly buffer Bands { int bands[]; };

DEFINE_SAMPLE_READER(source_sample, source_words)

const int LO[4] = int[4](15826, 27411, 7345, -4240);
const int HI[4] = int[4](-4240, -7345, 27411, -15826);
const int LO_SUM = 46342;

// Vertical add, vertical shift, horizontal add, horizontal shift of levels 1..3.
const int64_t COARSE_V_ADD[3] = int64_t[3](0l, 32768l, 32768l);
const uint COARSE_V_SHIFT[3] = uint[3](0u, 16u, 16u);
const int64_t COARSE_H_ADD[3] = int64_t[3](16384l, 32768l, 16384l);
const uint COARSE_H_SHIFT[3] = uint[3](15u, 16u, 15u);

// -1 -> 1, n -> n-1, n+1 -> n-2.
uint mirror(int i, int len) {
    return uint(i < 0 ? -i : (i >= len ? 2 * len - 1 - i : i));
}

void main() {
    uint band_width = (p.in_width + 1u) / 2u;
    uint band_height = (p.in_height + 1u) / 2u;
    uint j = gl_GlobalInvocationID.x;
    uint i = gl_GlobalInvocationID.y;
    if (j >= band_width || i >= band_height) {
        return;
    }
    uint rows[4];
    uint columns[4];
    for (int k = 0; k < 4; k++) {
        rows[k] = mirror(2 * int(i) - 1 + k, int(p.in_height)) * p.in_width;
        columns[k] = mirror(2 * int(j) - 1 + k, int(p.in_width));
    }
    int approx;
    int h;
    int v;
    int d;
    if (p.level == 0u) {
        int half_range = 1 << (p.bits - 1u);
        int centring = LO_SUM * half_range;
        int lo[4];
        int hi[4];
        for (int c = 0; c < 4; c++) {
            int sum_lo = 0;
            int sum_hi = 0;
            for (int k = 0; k < 4; k++) {
                int s = int(source_sample(rows[k] + columns[c], p.sample_kind));
                sum_lo += LO[k] * s;
                sum_hi += HI[k] * s;
            }
            lo[c] = as_i16((sum_lo - centring + half_range) >> p.bits);
            hi[c] = as_i16((sum_hi + half_range) >> p.bits);
        }
        int a_lo = 0;
        int a_hi = 0;
        int b_lo = 0;
        int b_hi = 0;
        for (int k = 0; k < 4; k++) {
            a_lo += LO[k] * lo[k];
            b_lo += HI[k] * lo[k];
            a_hi += LO[k] * hi[k];
            b_hi += HI[k] * hi[k];
        }
        approx = as_i16((a_lo + 32768) >> 16);
        v = as_i16((b_lo + 32768) >> 16);
        h = as_i16((a_hi + 32768) >> 16);
        d = as_i16((b_hi + 32768) >> 16);
    } else {
        uint l = p.level - 1u;
        int lo[4];
        int hi[4];
        for (int c = 0; c < 4; c++) {
            int64_t sum_lo = 0l;
            int64_t sum_hi = 0l;
            for (int k = 0; k < 4; k++) {
                int64_t s = int64_t(int(source_words[rows[k] + columns[c]]));
                sum_lo += int64_t(LO[k]) * s;
                sum_hi += int64_t(HI[k]) * s;
            }
            lo[c] = int((sum_lo + COARSE_V_ADD[l]) >> COARSE_V_SHIFT[l]);
            hi[c] = int((sum_hi + COARSE_V_ADD[l]) >> COARSE_V_SHIFT[l]);
        }
        int64_t a_lo = 0l;
        int64_t a_hi = 0l;
        int64_t b_lo = 0l;
        int64_t b_hi = 0l;
        for (int k = 0; k < 4; k++) {
            a_lo += int64_t(LO[k]) * int64_t(lo[k]);
            b_lo += int64_t(HI[k]) * int64_t(lo[k]);
            a_hi += int64_t(LO[k]) * int64_t(hi[k]);
            b_hi += int64_t(HI[k]) * int64_t(hi[k]);
        }
        approx = int((a_lo + COARSE_H_ADD[l]) >> COARSE_H_SHIFT[l]);
        v = int((b_lo + COARSE_H_ADD[l]) >> COARSE_H_SHIFT[l]);
        h = int((a_hi + COARSE_H_ADD[l]) >> COARSE_H_SHIFT[l]);
        d = int((b_hi + COARSE_H_ADD[l]) >> COARSE_H_SHIFT[l]);
    }
    uint n = band_width * band_height;
    uint o = i * band_width + j;
    bands[o] = approx;
    bands[n + o] = h;
    bands[2u * n + o] = v;
    bands[3u * n + o] = d;
}
