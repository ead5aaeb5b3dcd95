// Helpers shared by every kernel: sample access and border mirroring.

#ifndef VMAFX_COMMON_GLSL
#define VMAFX_COMMON_GLSL

// How a plane's samples are laid out in a buffer of 32-bit words.
const uint SAMPLES_U8 = 0u;  // four 8-bit samples per word, little-endian
const uint SAMPLES_U16 = 1u; // two 16-bit samples per word, little-endian
const uint SAMPLES_U32 = 2u; // one sample (or signed value) per word

// Declares `uint NAME(uint index, uint kind)`, reading sample `index` of buffer array
// WORDS (buffers cannot be passed to functions in GLSL).
#define DEFINE_SAMPLE_READER(NAME, WORDS)                                   \
    uint NAME(uint index, uint kind) {                                      \
        if (kind == SAMPLES_U8) {                                           \
            return (WORDS[index >> 2] >> ((index & 3u) * 8u)) & 0xFFu;      \
        }                                                                   \
        if (kind == SAMPLES_U16) {                                          \
            return (WORDS[index >> 1] >> ((index & 1u) * 16u)) & 0xFFFFu;   \
        }                                                                   \
        return WORDS[index];                                                \
    }

// The low 16 bits of `v`, sign-extended: C's `(int16_t)` conversion.
int as_i16(int v) {
    return (v << 16) >> 16;
}

// |v| as an unsigned value: 2^31 for the most negative int, defined without relying on
// abs() of that value. As an int again it is C's wrapping absolute value.
uint magnitude32(int v) {
    return v < 0 ? 0u - uint(v) : uint(v);
}

// `1 << (shift - 1)`, or 0 for a zero shift: the rounding term of a right shift.
uint64_t round_term(uint shift) {
    return shift == 0u ? 0ul : (1ul << (shift - 1u));
}

int64_t signed_round_term(uint shift) {
    return shift == 0u ? 0l : (1l << (shift - 1u));
}

#endif
