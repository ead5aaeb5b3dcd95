// Motion, pass 1: the difference of two luma planes filtered vertically with the 5-tap
// blur, rounded to `bit_depth` fewer bits. One invocation per pixel.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_GOOGLE_include_directive : require
#include "include/common.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(push_constant) uniform Params {
    uint width;
    uint height;
    uint sample_kind;
    uint bit_depth;
} p;

layout(std430, binding = 0) readonly buffer Earlier { uint earlier_words[]; };
layout(std430, binding = 1) readonly buffer Current { uint current_words[]; };
layout(std430, binding = 2) writeonly buffer Filtered { int filtered[]; };

DEFINE_SAMPLE_READER(earlier_sample, earlier_words)
DEFINE_SAMPLE_READER(current_sample, current_words)

const int64_t TAPS[5] = int64_t[5](3571l, 16004l, 26386l, 16004l, 3571l);

// Reflection about the first and last sample, the edge not repeated.
uint mirror(int i, int size) {
    return uint(i < 0 ? -i : (i >= size ? 2 * size - i - 2 : i));
}

void main() {
    uint x = gl_GlobalInvocationID.x;
    uint y = gl_GlobalInvocationID.y;
    if (x >= p.width || y >= p.height) {
        return;
    }
    int64_t sum = 0l;
    for (int k = 0; k < 5; k++) {
        uint row = mirror(int(y) + k - 2, int(p.height));
        uint at = row * p.width + x;
        int difference = int(earlier_sample(at, p.sample_kind)) - int(current_sample(at, p.sample_kind));
        sum += TAPS[k] * int64_t(difference);
    }
    filtered[y * p.width + x] = int((sum + signed_round_term(p.bit_depth)) >> p.bit_depth);
}
