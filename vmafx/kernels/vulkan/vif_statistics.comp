// VIF statistics, pass 2: horizontal filtering of the pass-1 rows, then per pixel the
// local variances and covariance and the information terms, summed per workgroup into
// four 64-bit partials (num_log, den_log, num_non_log, den_non_log). The host adds the
// partials and forms the scale's numerator and denominator.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"
#include "include/vif_common.glsl"
#include "include/softfloat.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params {
    uint width;
    uint height;
    uint groups_x;
    uint gain_limit_lo;  // IEEE bits of the enhancement gain limit (a double)
    uint gain_limit_hi;
    uint eps_lo;         // IEEE bits of the variance guard 65536 * 1e-10 (a double)
    uint eps_hi;
} p;

layout(std430, binding = 0) readonly buffer Mu1 { uint mu1[]; };
layout(std430, binding = 1) readonly buffer Mu2 { uint mu2[]; };
layout(std430, binding = 2) readonly buffer RefSq { uint ref_sq[]; };
layout(std430, binding = 3) readonly buffer DisSq { uint dis_sq[]; };
layout(std430, binding = 4) readonly buffer RefDis { uint ref_dis[]; };
// log2(i) * 2048, rounded, for i in 32768..65535 (other entries unused).
layout(std430, binding = 5) readonly buffer Log2Table { uint log2_table[]; };
layout(std430, binding = 6) writeonly buffer Partials { int64_t partials[]; };

// The model's noise variance, 2.0 in 8-bit units, scaled by 2^16.
const uint SIGMA_NSQ = 131072u;

shared int64_t reduction[4][256];

// log2(v) * 2048 from the 16 leading bits of v (v >= 2^15).
int log2_u32(uint v) {
    int shift = findMSB(v) - 15;
    return int(log2_table[v >> uint(shift)]) + 2048 * shift;
}

int log2_u64(uint64_t v) {
    int shift = msb64(v) - 15;
    return int(log2_table[uint(v >> uint(shift))]) + 2048 * shift;
}

uint64_t join(uint lo, uint hi) {
    return (uint64_t(hi) << 32) | uint64_t(lo);
}

// The information terms of one pixel, added to the four sums.
void accumulate(int sigma1_sq, int sigma2_sq, int sigma12, inout int64_t sums[4]) {
    if (sigma1_sq < int(SIGMA_NSQ)) {
        // Too flat for the log model: a linear stand-in.
        sums[2] += int64_t(sigma2_sq);
        sums[3] += 1l;
        return;
    }
    sums[1] += int64_t(log2_u32(uint(sigma1_sq) + SIGMA_NSQ) - 2048 * 17);
    if (sigma12 <= 0 || sigma2_sq <= 0) {
        return;
    }
    // The reference's double-precision steps, rounded exactly as IEEE doubles:
    // gain = sigma12 / (sigma1_sq + eps), noise = trunc(sigma2_sq - gain * sigma12),
    // signal = trunc(min(gain, limit)^2 * sigma1_sq).
    Soft variance = soft_from_u64(uint64_t(sigma1_sq));
    Soft covariance = soft_from_u64(uint64_t(sigma12));
    Soft distorted_variance = soft_from_u64(uint64_t(sigma2_sq));
    Soft eps = soft_from_bits(join(p.eps_lo, p.eps_hi));
    Soft limit = soft_from_bits(join(p.gain_limit_lo, p.gain_limit_hi));
    Soft gain = soft_div(covariance, soft_add(variance, eps));
    Soft explained = soft_mul(gain, covariance);
    uint noise = 0u;
    if (soft_less(explained, distorted_variance)) {
        noise = uint(soft_trunc(soft_sub(distorted_variance, explained)));
    }
    Soft limited = soft_less(gain, limit) ? gain : limit;
    uint64_t signal = soft_trunc(soft_mul(soft_mul(limited, limited), variance));
    uint noise_total = noise + SIGMA_NSQ;
    uint64_t total = signal + uint64_t(noise_total);
    sums[0] += int64_t(log2_u64(total) - log2_u64(uint64_t(noise_total)));
}

void main() {
    uint x = gl_GlobalInvocationID.x;
    uint y = gl_GlobalInvocationID.y;
    uint lane = gl_LocalInvocationIndex;
    int64_t sums[4] = int64_t[4](0l, 0l, 0l, 0l);
    if (x < p.width && y < p.height) {
        uint sum_mu1 = 0u;
        uint sum_mu2 = 0u;
        uint64_t sum_xx = 0ul;
        uint64_t sum_yy = 0ul;
        uint64_t sum_xy = 0ul;
        for (int k = 0; k < TAPS; k++) {
            uint c = coefficient(k);
            uint at = y * p.width + vif_tap(int(x) - REACH + k, int(p.width));
            sum_mu1 += c * mu1[at];
            sum_mu2 += c * mu2[at];
            sum_xx += uint64_t(c) * uint64_t(ref_sq[at]);
            sum_yy += uint64_t(c) * uint64_t(dis_sq[at]);
            sum_xy += uint64_t(c) * uint64_t(ref_dis[at]);
        }
        // Products of Q16 means, back to the second moments' scale with rounding.
        uint mu1_sq = uint((uint64_t(sum_mu1) * uint64_t(sum_mu1) + 2147483648ul) >> 32);
        uint mu2_sq = uint((uint64_t(sum_mu2) * uint64_t(sum_mu2) + 2147483648ul) >> 32);
        uint mu1_mu2 = uint((uint64_t(sum_mu1) * uint64_t(sum_mu2) + 2147483648ul) >> 32);
        int sigma1_sq = int(uint((sum_xx + 32768ul) >> 16) - mu1_sq);
        int sigma2_sq = max(int(uint((sum_yy + 32768ul) >> 16) - mu2_sq), 0);
        int sigma12 = int(uint((sum_xy + 32768ul) >> 16) - mu1_mu2);
        accumulate(sigma1_sq, sigma2_sq, sigma12, sums);
    }
    for (int k = 0; k < 4; k++) {
        reduction[k][lane] = sums[k];
    }
    barrier();
    for (uint stride = 128u; stride > 0u; stride >>= 1) {
        if (lane < stride) {
            for (int k = 0; k < 4; k++) {
                reduction[k][lane] += reduction[k][lane + stride];
            }
        }
        barrier();
    }
    if (lane == 0u) {
        uint group = gl_WorkGroupID.y * p.groups_x + gl_WorkGroupID.x;
        for (int k = 0; k < 4; k++) {
            partials[group * 4u + uint(k)] = reduction[k][0];
        }
    }
}
