//! Daala's integer 8×8 forward DCT, the transform libvmaf's `psnr_hvs` uses.
//!
//! A lifting implementation: every rotation is a rounded fixed-point multiply-and-shift,
//! so the result is exact and reproducible. Inputs of up to 12 bits stay far from `i32`
//! overflow (2-D outputs stay within ±8·4095).

/// `x / 2` rounded toward zero, the unbiased shift Daala's butterflies use.
#[inline]
fn half(x: i32) -> i32 {
    (x + i32::from(x < 0)) >> 1
}

/// `x · multiplier / 2^shift`, rounded half up, as one lifting step.
#[inline]
fn lift(x: i32, multiplier: i32, shift: u32) -> i32 {
    (x * multiplier + (1 << (shift - 1))) >> shift
}

/// One 8-point type-II DCT of `x`.
fn fdct8(x: [i32; 8]) -> [i32; 8] {
    // The inputs enter in bit-reversed-like order.
    let [mut t0, mut t4, mut t2, mut t6, mut t7, mut t3, mut t5, mut t1] = x;
    // +1/-1 butterflies.
    t1 = t0 - t1;
    let t1h = half(t1);
    t0 -= t1h;
    t4 += t5;
    let t4h = half(t4);
    t5 -= t4h;
    t3 = t2 - t3;
    t2 -= half(t3);
    t6 += t7;
    let t6h = half(t6);
    t7 = t6h - t7;
    // Embedded 4-point type-II DCT.
    t0 += t6h;
    t6 = t0 - t6;
    t2 = t4h - t2;
    t4 = t2 - t4;
    // Its embedded 2-point type-II DCT: rotation by pi/4 (tan(pi/8), sin(pi/4)).
    t0 -= lift(t4, 13573, 15);
    t4 += lift(t0, 11585, 14);
    t0 -= lift(t4, 13573, 15);
    // Its embedded 2-point type-IV DST: rotation by 3pi/8.
    t6 -= lift(t2, 21895, 15);
    t2 += lift(t6, 15137, 14);
    t6 -= lift(t2, 21895, 15);
    // Embedded 4-point type-IV DST.
    t3 += lift(t5, 19195, 15);
    t5 += lift(t3, 11585, 14);
    t3 -= lift(t5, 7489, 13);
    t7 = half(t5) - t7;
    t5 -= t7;
    t3 = t1h - t3;
    t1 -= t3;
    // Rotation by pi/16.
    t7 += lift(t1, 3227, 15);
    t1 -= lift(t7, 6393, 15);
    t7 += lift(t1, 3227, 15);
    // Rotation by 3pi/16.
    t5 += lift(t3, 2485, 13);
    t3 -= lift(t5, 18205, 15);
    t5 += lift(t3, 2485, 13);
    [t0, t1, t2, t3, t4, t5, t6, t7]
}

/// The 2-D DCT of a row-major 8×8 block: output `[v * 8 + u]` holds vertical frequency
/// `v` and horizontal frequency `u`.
///
/// Each pass transforms the columns of its input and writes them as rows, so two passes
/// transform both directions and restore the orientation.
pub(super) fn fdct8x8(block: &[i32; 64]) -> [i32; 64] {
    let pass = |input: &[i32; 64]| {
        let mut output = [0i32; 64];
        for (column, row) in output.chunks_exact_mut(8).enumerate() {
            let samples = std::array::from_fn(|k| input[k * 8 + column]);
            row.copy_from_slice(&fdct8(samples));
        }
        output
    };
    pass(&pass(block))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_rounds_toward_zero() {
        assert_eq!([half(5), half(-5), half(4), half(-4)], [2, -2, 2, -2]);
    }

    #[test]
    fn flat_block_has_only_dc() {
        let out = fdct8x8(&[100; 64]);
        assert_eq!(out[0], 800);
        assert!(out[1..].iter().all(|&c| c == 0), "{out:?}");
    }

    #[test]
    fn extreme_12_bit_blocks_do_not_overflow() {
        // Checkerboards, stripes and flat extremes (debug builds trap on overflow).
        let patterns: [fn(usize, usize) -> bool; 4] = [
            |i, j| (i + j) % 2 == 0,
            |i, _| i % 2 == 0,
            |_, j| j < 4,
            |_, _| true,
        ];
        for pattern in patterns {
            let block = std::array::from_fn(|k| if pattern(k / 8, k % 8) { 4095 } else { 0 });
            let out = fdct8x8(&block);
            assert!(out.iter().all(|c| c.abs() <= 8 * 4095 + 8), "{out:?}");
        }
    }

    #[test]
    fn one_dimensional_basis_matches_the_dct() {
        // A horizontal cosine of frequency 1 lands (almost) only in coefficient 1.
        let wave: [i32; 8] = std::array::from_fn(|n| {
            (1000.0 * ((2 * n + 1) as f64 * std::f64::consts::PI / 16.0).cos()).round() as i32
        });
        let out = fdct8(wave);
        assert!((out[1] - 2000).abs() <= 2, "{out:?}");
        for (k, &c) in out.iter().enumerate().filter(|&(k, _)| k != 1) {
            assert!(c.abs() <= 2, "coefficient {k}: {out:?}");
        }
    }
}
