// Test kernel: applies one soft-float operation to each record, so that tests can hold
// the emulation equal to the host's IEEE doubles. Not used for scoring.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/softfloat.glsl"

layout(local_size_x = 64) in;

layout(push_constant) uniform Params {
    uint count;
} p;

// Records of (operation, a, b), each a 64-bit word.
layout(std430, binding = 0) readonly buffer Records { uint64_t records[]; };
layout(std430, binding = 1) writeonly buffer Results { uint64_t results[]; };

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= p.count) {
        return;
    }
    uint op = uint(records[3u * i]);
    uint64_t a = records[3u * i + 1u];
    uint64_t b = records[3u * i + 2u];
    uint64_t r = 0ul;
    if (op == 0u) {
        r = soft_to_bits(soft_add(soft_from_bits(a), soft_from_bits(b)));
    } else if (op == 1u) {
        r = soft_to_bits(soft_sub(soft_from_bits(a), soft_from_bits(b)));
    } else if (op == 2u) {
        r = soft_to_bits(soft_mul(soft_from_bits(a), soft_from_bits(b)));
    } else if (op == 3u) {
        r = soft_to_bits(soft_div(soft_from_bits(a), soft_from_bits(b)));
    } else if (op == 4u) {
        r = soft_trunc(soft_from_bits(a));
    } else if (op == 5u) {
        r = soft_to_bits(soft_f32_from_u64(a));
    } else if (op == 6u) {
        r = soft_to_bits(soft_from_u64(a));
    } else if (op == 7u) {
        r = soft_less(soft_from_bits(a), soft_from_bits(b)) ? 1ul : 0ul;
    }
    results[i] = r;
}
