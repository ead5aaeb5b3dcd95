//! Light levels of 10-bit limited-range code values, and the visibility thresholds CAMBI
//! derives from them once per extractor.

use super::options::Eotf;

/// Lowest and highest code value of 10-bit limited ("TV") range luma.
const FOOT: i32 = 64;
const HEAD: i32 = 940;
/// Largest 10-bit code value.
const MAX_CODE: i32 = 1023;

const BT1886_GAMMA: f64 = 2.4;
const BT1886_WHITE: f64 = 300.0;
const BT1886_BLACK: f64 = 0.01;

/// Light in cd/m² of a 10-bit limited-range luma code value (clipped to the range first).
pub(super) fn luminance(code: i32, eotf: Eotf) -> f64 {
    let clipped = code.clamp(FOOT, HEAD);
    let normalized = f64::from(clipped - FOOT) / f64::from(HEAD - FOOT);
    match eotf {
        Eotf::Bt1886 => bt1886(normalized),
        Eotf::Pq => pq(normalized),
    }
}

fn bt1886(v: f64) -> f64 {
    let white = BT1886_WHITE.powf(1.0 / BT1886_GAMMA);
    let black = BT1886_BLACK.powf(1.0 / BT1886_GAMMA);
    let gain = (white - black).powf(BT1886_GAMMA);
    let lift = black / (white - black);
    let x = v + lift;
    gain * (if x > 0.0 { x } else { 0.0 }).powf(BT1886_GAMMA)
}

fn pq(v: f64) -> f64 {
    const M1: f64 = 0.1593017578125;
    const M2: f64 = 78.84375;
    const C1: f64 = 0.8359375;
    const C2: f64 = 18.8515625;
    const C3: f64 = 18.6875;
    let root = v.powf(1.0 / M2);
    let numerator = root - C1;
    let numerator = if numerator > 0.0 { numerator } else { 0.0 };
    let denominator = C2 - C3 * root;
    10000.0 * (numerator / denominator).powf(1.0 / M1)
}

/// Whether a step of `diff` code values up from `code` is visible: the light added is
/// more than `tvi_threshold` times the light at `code`.
fn step_is_visible(code: i32, diff: i32, tvi_threshold: f64, eotf: Eotf) -> bool {
    let base = luminance(code, eotf);
    let stepped = luminance(code + diff, eotf);
    stepped - base > tvi_threshold * base
}

/// Where a code value sits relative to the last code value whose `diff` step is visible.
enum Probe {
    /// The step is invisible here: the threshold lies below.
    Above,
    /// Visible here and one code value up: the threshold lies above.
    Below,
    /// Visible here but not one code value up: this is the threshold.
    At,
}

fn probe(code: i32, diff: i32, tvi_threshold: f64, eotf: Eotf) -> Probe {
    if !step_is_visible(code, diff, tvi_threshold, eotf) {
        Probe::Above
    } else if step_is_visible(code + 1, diff, tvi_threshold, eotf) {
        Probe::Below
    } else {
        Probe::At
    }
}

/// The largest code value at which a step of `diff` is still visible, found by the same
/// bisection (same probes, same midpoints) as libvmaf so that ties resolve alike.
/// Returns 0 when no step is visible and 1023 when every one is.
pub(super) fn visibility_threshold(diff: i32, tvi_threshold: f64, eotf: Eotf) -> i32 {
    let mut low = FOOT;
    let mut high = HEAD - diff - 1;
    match probe(low, diff, tvi_threshold, eotf) {
        Probe::Above => return 0,
        Probe::At => return low,
        Probe::Below => {}
    }
    match probe(high, diff, tvi_threshold, eotf) {
        Probe::Below => return MAX_CODE,
        Probe::At => return high,
        Probe::Above => {}
    }
    // Visibility falls as light rises, so `low` stays visible-below and `high` invisible;
    // the bound on steps only guards against a non-monotonic transfer function.
    for _ in 0..64 {
        let mid = low + (high - low) / 2;
        match probe(mid, diff, tvi_threshold, eotf) {
            Probe::Above => high = mid,
            Probe::Below => low = mid,
            Probe::At => return mid,
        }
    }
    low
}

/// The smallest code value whose light reaches `threshold` cd/m², or 0 when the bottom
/// of the range already does. `None` when no code value reaches it (libvmaf would search
/// forever).
pub(super) fn visible_luma_floor(threshold: f64, eotf: Eotf) -> Option<u16> {
    let code = (FOOT..=HEAD).find(|&code| luminance(code, eotf) >= threshold)?;
    let code = if code == FOOT { 0 } else { code };
    Some(u16::try_from(code).expect("10-bit code value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_ends_give_black_and_white() {
        assert!((luminance(FOOT, Eotf::Bt1886) - BT1886_BLACK).abs() < 1e-12);
        assert!((luminance(HEAD, Eotf::Bt1886) - BT1886_WHITE).abs() < 1e-9);
        assert!((luminance(HEAD, Eotf::Pq) - 10000.0).abs() < 1e-6);
        assert_eq!(luminance(0, Eotf::Pq), 0.0);
    }

    #[test]
    fn thresholds_grow_with_the_step() {
        let t: Vec<i32> = (1..=4)
            .map(|d| visibility_threshold(d, 0.019, Eotf::Bt1886))
            .collect();
        assert!(t.windows(2).all(|w| w[0] <= w[1]), "{t:?}");
        for (d, &code) in t.iter().enumerate() {
            let d = d as i32 + 1;
            assert!(step_is_visible(code, d, 0.019, Eotf::Bt1886));
            assert!(!step_is_visible(code + 1, d, 0.019, Eotf::Bt1886));
        }
    }

    #[test]
    fn luma_floor() {
        assert_eq!(visible_luma_floor(0.0, Eotf::Bt1886), Some(0));
        let floor = visible_luma_floor(1.0, Eotf::Bt1886).unwrap();
        assert!(luminance(i32::from(floor), Eotf::Bt1886) >= 1.0);
        assert!(luminance(i32::from(floor) - 1, Eotf::Bt1886) < 1.0);
    }
}
