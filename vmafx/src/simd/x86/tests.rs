//! The vocabulary's order-sensitive and edge-case operations against plain Rust, on
//! every instruction set this processor runs.

use proptest::prelude::*;

use super::{Avx2, Avx512, Simd};
use crate::cpu::CpuLevel;

/// What the checked operations give for lanes `a` and `b` (the first `LANES` of each).
#[derive(Debug, PartialEq)]
struct Results {
    apply_sign: Vec<i32>,
    narrow16: Vec<i16>,
    pack_in_order: Vec<i16>,
    widened_in_order: Vec<i32>,
    blend_odd: Vec<i32>,
    sum32: u32,
    sum64: i64,
}

/// The results computed with `S`.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
unsafe fn vector_results<S: Simd>(a: &[i32; 16], b: &[i32; 16]) -> Results {
    let n = S::LANES;
    let mut lanes = [0i32; 32];
    let mut halves = [0i16; 32];
    // SAFETY: `S` is enabled; every store fits the 32-lane buffers.
    unsafe {
        let (va, vb) = (S::load(a.as_ptr()), S::load(b.as_ptr()));
        S::store(lanes.as_mut_ptr(), S::apply_sign(va, vb));
        let apply_sign = lanes[..n].to_vec();
        S::store_half(halves.as_mut_ptr(), S::narrow16(va));
        let narrow16 = halves[..n].to_vec();
        S::store(halves.as_mut_ptr(), S::pack_in_order(va, vb));
        let pack_in_order = halves[..2 * n].to_vec();
        // `a` read as 16-bit samples, sign-extended through the unpack order.
        let wide = (
            S::srai::<16>(S::interleave_lo(va, va)),
            S::srai::<16>(S::interleave_hi(va, va)),
        );
        let (first, second) = S::unpacked_in_order(wide.0, wide.1);
        S::store(lanes.as_mut_ptr(), first);
        S::store(lanes.as_mut_ptr().add(n), second);
        let widened_in_order = lanes[..2 * n].to_vec();
        S::store(lanes.as_mut_ptr(), S::blend_odd(va, vb));
        let blend_odd = lanes[..n].to_vec();
        Results {
            apply_sign,
            narrow16,
            pack_in_order,
            widened_in_order,
            blend_odd,
            sum32: S::sum32(va),
            sum64: S::sum64(va),
        }
    }
}

/// The results in plain Rust.
fn scalar_results(a: &[i32; 16], b: &[i32; 16], n: usize) -> Results {
    let (a, b) = (&a[..n], &b[..n]);
    let saturate = |v: &i32| (*v).clamp(i16::MIN.into(), i16::MAX.into()) as i16;
    let samples: Vec<i16> = a
        .iter()
        .flat_map(|v| [*v as i16, (*v >> 16) as i16])
        .collect();
    Results {
        apply_sign: a
            .iter()
            .zip(b)
            .map(|(&x, &s)| match s.signum() {
                -1 => x.wrapping_neg(),
                0 => 0,
                _ => x,
            })
            .collect(),
        narrow16: a.iter().map(|&v| v as i16).collect(),
        pack_in_order: a.iter().chain(b).map(saturate).collect(),
        widened_in_order: samples.iter().map(|&s| i32::from(s)).collect(),
        blend_odd: (0..n)
            .map(|i| if i % 2 == 0 { a[i] } else { b[i] })
            .collect(),
        sum32: a.iter().fold(0u32, |s, &v| s.wrapping_add(v as u32)),
        sum64: a
            .chunks(2)
            .map(|p| i64::from(p[0] as u32) | (i64::from(p[1]) << 32))
            .fold(0i64, i64::wrapping_add),
    }
}

/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
unsafe fn avx2_results(a: &[i32; 16], b: &[i32; 16]) -> Results {
    unsafe { vector_results::<Avx2>(a, b) }
}

/// # Safety
/// The processor must support AVX-512 F and BW.
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn avx512_results(a: &[i32; 16], b: &[i32; 16]) -> Results {
    unsafe { vector_results::<Avx512>(a, b) }
}

fn lane() -> impl Strategy<Value = i32> {
    prop_oneof![
        any::<i32>(),
        -70_000i32..70_000,
        prop::sample::select(vec![0, 1, -1, i32::MIN, i32::MAX, 32767, -32768, 65535]),
    ]
}

proptest! {
    #[test]
    fn vocabulary_matches_plain_rust(a in prop::array::uniform16(lane()), b in prop::array::uniform16(lane())) {
        if CpuLevel::Avx2.is_supported() {
            // SAFETY: checked just above.
            let got = unsafe { avx2_results(&a, &b) };
            prop_assert_eq!(got, scalar_results(&a, &b, 8));
        }
        if CpuLevel::Avx512.is_supported() {
            // SAFETY: checked just above.
            let got = unsafe { avx512_results(&a, &b) };
            prop_assert_eq!(got, scalar_results(&a, &b, 16));
        }
    }
}
