// Exact IEEE-754 binary64 arithmetic on integers, for the few places where the CPU
// reference computes in double precision per pixel (VIF's gain and noise terms, ADM's
// angle test and enhancement gain).
//
// Vulkan only promises that double-precision instructions are as accurate as single
// precision ones, and many devices have no doubles at all, so every operation here is
// done on 64-bit integers with round-to-nearest-even, exactly as an IEEE double unit
// would. Only non-negative, finite, normal values occur on these paths (callers carry
// signs themselves); no subnormals, infinities or NaNs are produced or accepted.
//
// A value is `m * 2^e` with `m == 0` (zero) or `2^52 <= m < 2^53`.

#ifndef VMAFX_SOFTFLOAT_GLSL
#define VMAFX_SOFTFLOAT_GLSL

struct Soft {
    uint64_t m;
    int e;
};

// An unsigned 128-bit integer.
struct U128 {
    uint64_t hi;
    uint64_t lo;
};

const uint64_t SOFT_HIDDEN_BIT = 1ul << 52;
const uint64_t SOFT_FRACTION_MASK = SOFT_HIDDEN_BIT - 1ul;

// Index of the highest set bit, -1 for zero.
int msb64(uint64_t x) {
    uint hi = uint(x >> 32);
    return hi != 0u ? 32 + findMSB(hi) : findMSB(uint(x));
}

int u128_msb(U128 a) {
    return a.hi != 0ul ? 64 + msb64(a.hi) : msb64(a.lo);
}

// Shifts by 0..127; GLSL leaves shifts by the full width undefined, so each case is
// spelled out.
U128 u128_shl(U128 a, int s) {
    if (s == 0) {
        return a;
    }
    if (s >= 64) {
        return U128(a.lo << (s - 64), 0ul);
    }
    return U128((a.hi << s) | (a.lo >> (64 - s)), a.lo << s);
}

U128 u128_shr(U128 a, int s) {
    if (s == 0) {
        return a;
    }
    if (s >= 64) {
        return U128(0ul, a.hi >> (s - 64));
    }
    return U128(a.hi >> s, (a.lo >> s) | (a.hi << (64 - s)));
}

U128 u128_add(U128 a, U128 b) {
    uint64_t lo = a.lo + b.lo;
    uint64_t carry = lo < a.lo ? 1ul : 0ul;
    return U128(a.hi + b.hi + carry, lo);
}

// a - b for a >= b.
U128 u128_sub(U128 a, U128 b) {
    uint64_t borrow = a.lo < b.lo ? 1ul : 0ul;
    return U128(a.hi - b.hi - borrow, a.lo - b.lo);
}

bool u128_less(U128 a, U128 b) {
    return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
}

// The full 106-bit product of two mantissas below 2^53.
U128 mul_53x53(uint64_t a, uint64_t b) {
    uint64_t a_lo = a & 0xFFFFFFFFul;
    uint64_t a_hi = a >> 32;
    uint64_t b_lo = b & 0xFFFFFFFFul;
    uint64_t b_hi = b >> 32;
    uint64_t low = a_lo * b_lo;
    // Both cross products are below 2^53, so their sum cannot overflow.
    uint64_t cross = a_lo * b_hi + a_hi * b_lo;
    uint64_t lo = low + (cross << 32);
    uint64_t carry = lo < low ? 1ul : 0ul;
    return U128(a_hi * b_hi + (cross >> 32) + carry, lo);
}

// The exact value `v * 2^e` rounded to `significant` (24 or 53) significant bits, nearest,
// ties to even; returned with its mantissa widened to the 53-bit form.
Soft soft_round(U128 v, int e, int significant) {
    int top = u128_msb(v);
    if (top < 0) {
        return Soft(0ul, 0);
    }
    int drop = top - (significant - 1);
    uint64_t mantissa;
    if (drop <= 0) {
        // Fewer bits than the precision: exact.
        mantissa = v.lo << (-drop);
    } else {
        U128 kept = u128_shr(v, drop);
        mantissa = kept.lo;
        U128 rest = u128_sub(v, u128_shl(kept, drop));
        U128 halfway = u128_shl(U128(0ul, 1ul), drop - 1);
        bool above = u128_less(halfway, rest);
        bool tie = rest.hi == halfway.hi && rest.lo == halfway.lo;
        if (above || (tie && (mantissa & 1ul) != 0ul)) {
            mantissa += 1ul;
            if (mantissa == (1ul << significant)) {
                mantissa >>= 1;
                drop += 1;
            }
        }
    }
    int widen = 53 - significant;
    return Soft(mantissa << widen, e + drop - widen);
}

// A non-negative integer as a double (rounded when it has more than 53 bits).
Soft soft_from_u64(uint64_t x) {
    return soft_round(U128(0ul, x), 0, 53);
}

// A non-negative integer rounded to single precision, as a C `(float)` conversion does.
Soft soft_f32_from_u64(uint64_t x) {
    return soft_round(U128(0ul, x), 0, 24);
}

// A positive normal double from its IEEE bits.
Soft soft_from_bits(uint64_t bits) {
    int biased = int((bits >> 52) & 0x7FFul);
    return Soft((bits & SOFT_FRACTION_MASK) | SOFT_HIDDEN_BIT, biased - 1075);
}

// A positive normal float from its IEEE bits, in the 53-bit form.
Soft soft_from_f32_bits(uint bits) {
    int biased = int((bits >> 23) & 0xFFu);
    uint64_t mantissa = uint64_t((bits & 0x7FFFFFu) | 0x800000u);
    return Soft(mantissa << 29, biased - 150 - 29);
}

bool soft_is_zero(Soft a) {
    return a.m == 0ul;
}

bool soft_less(Soft a, Soft b) {
    if (a.m == 0ul || b.m == 0ul) {
        return b.m != 0ul && a.m == 0ul;
    }
    return a.e != b.e ? a.e < b.e : a.m < b.m;
}

Soft soft_mul(Soft a, Soft b) {
    if (a.m == 0ul || b.m == 0ul) {
        return Soft(0ul, 0);
    }
    return soft_round(mul_53x53(a.m, b.m), a.e + b.e, 53);
}

// a / b for b > 0: 53 quotient bits by restoring division, then round to nearest even.
Soft soft_div(Soft a, Soft b) {
    if (a.m == 0ul) {
        return Soft(0ul, 0);
    }
    uint64_t rest = a.m;
    int e = a.e - b.e - 52;
    if (rest < b.m) {
        // Bring the ratio into [1, 2); below 2^54, so no bit is lost.
        rest <<= 1;
        e -= 1;
    }
    uint64_t quotient = 0ul;
    for (int i = 0; i < 53; i++) {
        quotient <<= 1;
        if (rest >= b.m) {
            rest -= b.m;
            quotient |= 1ul;
        }
        rest <<= 1;
    }
    // `rest` is now twice the remainder: compare it with the divisor for the rounding.
    if (rest > b.m || (rest == b.m && (quotient & 1ul) != 0ul)) {
        quotient += 1ul;
        if (quotient == (1ul << 53)) {
            quotient >>= 1;
            e += 1;
        }
    }
    return Soft(quotient, e);
}

// Aligns the smaller operand under the larger one; returns false when the smaller one is
// too small to change the rounded result (then the larger one is the answer). The
// aligned values are exact: at most 53 + 54 bits.
bool soft_align(Soft big, Soft small, out U128 wide_big, out U128 wide_small) {
    int gap = big.e - small.e;
    wide_small = U128(0ul, small.m);
    wide_big = U128(0ul, big.m);
    if (small.m == 0ul || gap >= 55) {
        return false;
    }
    wide_big = u128_shl(wide_big, gap);
    return true;
}

// a + b for a, b >= 0.
Soft soft_add(Soft a, Soft b) {
    if (a.m == 0ul) {
        return b;
    }
    if (b.m == 0ul) {
        return a;
    }
    bool a_bigger = a.e >= b.e;
    Soft big = a_bigger ? a : b;
    Soft small = a_bigger ? b : a;
    U128 wide_big;
    U128 wide_small;
    if (!soft_align(big, small, wide_big, wide_small)) {
        return big;
    }
    return soft_round(u128_add(wide_big, wide_small), small.e, 53);
}

// a - b for a > b >= 0.
Soft soft_sub(Soft a, Soft b) {
    U128 wide_a;
    U128 wide_b;
    if (!soft_align(a, b, wide_a, wide_b)) {
        return a;
    }
    return soft_round(u128_sub(wide_a, wide_b), b.e, 53);
}

// Truncation toward zero of a value below 2^63.
uint64_t soft_trunc(Soft a) {
    if (a.m == 0ul || a.e <= -53) {
        return 0ul;
    }
    return a.e >= 0 ? a.m << a.e : a.m >> (-a.e);
}

// IEEE bits of a value (for tests).
uint64_t soft_to_bits(Soft a) {
    if (a.m == 0ul) {
        return 0ul;
    }
    return (uint64_t(a.e + 1075) << 52) | (a.m & SOFT_FRACTION_MASK);
}

#endif
