// ADM decoupling: splits each distorted detail coefficient into the part restored from
// the reference (k * reference, 0 <= k <= 1, through fixed-point reciprocals) and the
// additive impairment. Where the (h, v) vectors of both pictures lie within one degree,
// a restored part may be amplified up to the enhancement gain limit. One invocation per
// band position, all three orientations.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"
#include "include/softfloat.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params {
    uint width;
    uint height;
    uint coarse;         // 0: 16-bit level 0, 1: 32-bit levels 1..3
    uint gain_limit_lo;  // IEEE bits of the enhancement gain limit (a double)
    uint gain_limit_hi;
    uint cos_sq_bits;    // IEEE bits of cos(1 degree)^2 (a float)
} p;

layout(std430, binding = 0) readonly buffer Reference { int reference[]; };
layout(std430, binding = 1) readonly buffer Distorted { int distorted[]; };
// Three planes each (h, v, d).
layout(std430, binding = 2) writeonly buffer Restored { int restored_bands[]; };
layout(std430, binding = 3) writeonly buffer Additive { int additive_bands[]; };

// 2^30 / d truncated toward zero, for 0 < |d| <= 32768.
int64_t reciprocal(int d) {
    int magnitude = int((1u << 30) / magnitude32(d));
    return int64_t(d < 0 ? -magnitude : magnitude);
}

// Signed 64-bit value as an unsigned magnitude (2^63 for the most negative value).
uint64_t magnitude64(int64_t v) {
    return v < 0l ? uint64_t(-v) : uint64_t(v);
}

// Whether the distorted (h, v) vector lies within one degree of the reference one:
// dot >= 0 and dot^2 >= cos^2 * |o|^2 * |t|^2, with each integer rounded to a float
// and the products formed in doubles, as the reference does.
bool within_one_degree(int oh, int ov, int th, int tv) {
    int64_t dot = int64_t(oh) * int64_t(th) + int64_t(ov) * int64_t(tv);
    int64_t o_mag = int64_t(oh) * int64_t(oh) + int64_t(ov) * int64_t(ov);
    int64_t t_mag = int64_t(th) * int64_t(th) + int64_t(tv) * int64_t(tv);
    if (dot < 0l) {
        return false;
    }
    // The reference also divides each float by 4096; that scales both sides alike.
    Soft d = soft_f32_from_u64(uint64_t(dot));
    Soft lhs = soft_mul(d, d);
    Soft o = soft_f32_from_u64(magnitude64(o_mag));
    Soft t = soft_f32_from_u64(magnitude64(t_mag));
    Soft rhs = soft_mul(soft_mul(soft_from_f32_bits(p.cos_sq_bits), o), t);
    if (soft_is_zero(rhs) || ((o_mag < 0l) != (t_mag < 0l))) {
        return true; // the right side is zero or negative
    }
    return !soft_less(lhs, rhs);
}

// The restored value after the gain limit: inside one degree, a restored part may grow
// to gain * restored (truncated toward zero) but not past the distorted value.
//
// Signs are tested on 32-bit values only: Mesa 22's lavapipe miscompiles comparisons
// of a sign-extended int with a 64-bit constant, so no such comparison is written.
int limit_gain(int restored, bool k_positive, int reference_value, int distorted_value, bool aligned) {
    if (!aligned || !k_positive || reference_value == 0) {
        return restored;
    }
    Soft gain = soft_from_bits((uint64_t(p.gain_limit_hi) << 32) | uint64_t(p.gain_limit_lo));
    // |restored| * gain < 2^38: exact in 64 bits after truncation.
    uint64_t amplified = soft_trunc(soft_mul(soft_from_u64(uint64_t(magnitude32(restored))), gain));
    // Truncating min(x, t) equals min(trunc(x), t) for an integer t (and alike for max);
    // a magnitude past 32 bits loses to t either way, so it is saturated first.
    int magnitude = amplified > 2147483647ul ? 2147483647 : int(amplified);
    int signed_amplified = restored < 0 ? -magnitude : magnitude;
    return reference_value > 0 ? min(signed_amplified, distorted_value)
                               : max(signed_amplified, distorted_value);
}

// distorted / reference in Q15 for 32-bit coefficients, through the reciprocal of the
// reference's 15 most significant bits.
int64_t coarse_ratio(int reference_value, int distorted_value) {
    if (reference_value == 0) {
        return 32768l;
    }
    uint magnitude = magnitude32(reference_value);
    uint top_bits = magnitude;
    uint dropped = 0u;
    if (magnitude >= 32768u) {
        dropped = uint(findMSB(magnitude)) - 14u;
        top_bits = ((magnitude + (1u << (dropped - 1u))) >> dropped) & 0xFFFFu;
    }
    int64_t sign = reference_value < 0 ? -1l : 1l;
    // The reference forms this rounding term in a 32-bit int: 2^31 wraps negative.
    int64_t round_half = int64_t(int(1u << (14u + dropped)));
    return (reciprocal(int(top_bits)) * int64_t(distorted_value) * sign + round_half) >> (15u + dropped);
}

void main() {
    uint j = gl_GlobalInvocationID.x;
    uint i = gl_GlobalInvocationID.y;
    if (j >= p.width || i >= p.height) {
        return;
    }
    uint n = p.width * p.height;
    uint at = i * p.width + j;
    int o[3];
    int t[3];
    for (int b = 0; b < 3; b++) {
        o[b] = reference[uint(b + 1) * n + at];
        t[b] = distorted[uint(b + 1) * n + at];
    }
    bool aligned = within_one_degree(o[0], o[1], t[0], t[1]);
    for (int b = 0; b < 3; b++) {
        int restored;
        int additive;
        if (p.coarse == 0u) {
            int ratio = o[b] == 0 ? 32768 : int((reciprocal(o[b]) * int64_t(t[b]) + 16384l) >> 15);
            int k = clamp(ratio, 0, 32768);
            restored = as_i16((k * o[b] + 16384) >> 15);
            restored = as_i16(limit_gain(restored, k > 0, o[b], t[b], aligned));
            additive = as_i16(t[b] - restored);
        } else {
            int k = int(clamp(coarse_ratio(o[b], t[b]), 0l, 32768l));
            restored = int((int64_t(k) * int64_t(o[b]) + 16384l) >> 15);
            restored = limit_gain(restored, k > 0, o[b], t[b], aligned);
            additive = t[b] - restored;
        }
        restored_bands[uint(b) * n + at] = restored;
        additive_bands[uint(b) * n + at] = additive;
    }
}
