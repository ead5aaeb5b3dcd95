//! Scalar reference kernels of integer VIF: the per-scale statistics and the
//! low-pass-and-decimate step between scales.
//!
//! Every integer width, rounding constant and shift follows libvmaf's fixed-point design,
//! so the sums (and hence the scores) are bit-for-bit those of its scalar code.

use super::tables::{radius, Log2Table, FILTERS, MAX_RADIUS, SIGMA_NSQ, VARIANCE_GUARD};
use crate::frame::{Plane, Sample};

/// A sample type the kernels accept, with its widest exact product.
pub trait VifSample: Sample {
    /// `acc[x] += coeff * a[x] * b[x]` over a row, exactly.
    fn mac_product(acc: &mut [u64], a: &[Self], b: &[Self], coeff: u32);
}

impl VifSample for u8 {
    #[inline]
    fn mac_product(acc: &mut [u64], a: &[u8], b: &[u8], coeff: u32) {
        // 8-bit products of scale-0 taps stay below 2^32, as in the reference's 32-bit sums.
        for ((s, &a), &b) in acc.iter_mut().zip(a).zip(b) {
            let product = coeff.wrapping_mul(u32::from(a)).wrapping_mul(u32::from(b));
            *s = s.wrapping_add(u64::from(product));
        }
    }
}

impl VifSample for u16 {
    #[inline]
    fn mac_product(acc: &mut [u64], a: &[u16], b: &[u16], coeff: u32) {
        for ((s, &a), &b) in acc.iter_mut().zip(a).zip(b) {
            let weighted = coeff.wrapping_mul(u32::from(a));
            *s = s.wrapping_add(u64::from(weighted) * u64::from(b));
        }
    }
}

/// Columns filtered per pass: the accumulators of one pass stay in the L1 cache.
const CHUNK: usize = 256;

/// Rounding of a vertical filter pass: `(sum + round) >> shift`.
#[derive(Debug, Clone, Copy)]
pub struct Rounding {
    round: u64,
    shift: u32,
}

impl Rounding {
    const Q16: Rounding = Rounding {
        round: 1 << 15,
        shift: 16,
    };

    fn by_shift(shift: u32) -> Self {
        let round = if shift == 0 { 0 } else { 1 << (shift - 1) };
        Self { round, shift }
    }

    /// The constant added before the shift.
    pub fn round(self) -> u64 {
        self.round
    }

    /// The right shift.
    pub fn shift(self) -> u32 {
        self.shift
    }

    #[inline]
    fn apply(self, sum: u64) -> u64 {
        (sum + self.round) >> self.shift
    }
}

/// The vertical roundings of one scale. Scale 0 brings samples of any bit depth to a
/// 16-bit range (means) and to the 8-bit squared range scaled by 2^16 (second moments);
/// later scales already hold 16-bit means and simply drop the Q16 filter gain.
#[derive(Debug, Clone, Copy)]
pub struct VerticalRounding {
    mean: Rounding,
    square: Rounding,
}

impl VerticalRounding {
    /// Rounding of the filtered means.
    pub fn mean(self) -> Rounding {
        self.mean
    }

    /// Rounding of the filtered second moments.
    pub fn square(self) -> Rounding {
        self.square
    }

    /// The roundings for `scale` of a `bit_depth`-bit input.
    pub fn new(scale: usize, bit_depth: u8) -> Self {
        if scale == 0 {
            let bpc = u32::from(bit_depth);
            Self {
                mean: Rounding::by_shift(bpc),
                square: Rounding::by_shift(2 * (bpc - 8)),
            }
        } else {
            Self {
                mean: Rounding::Q16,
                square: Rounding::Q16,
            }
        }
    }
}

/// Index of padded position `index` (which may lie up to a filter radius outside
/// `0..len`) after mirroring about the first and last sample, the edge itself not
/// repeated. Positions further out than `len - 1` are mirrored again, which is what
/// the reference's in-place padding yields for planes smaller than the filter.
/// Needs `len >= 2`.
#[inline]
pub fn mirror(index: isize, len: usize) -> usize {
    let last = len as isize - 1;
    let mut i = index;
    loop {
        if i < 0 {
            i = -i;
        } else if i > last {
            i = 2 * last - i;
        } else {
            return i as usize;
        }
    }
}

/// Fills the `MAX_RADIUS`-wide margins of a padded row whose samples sit at
/// `MAX_RADIUS..MAX_RADIUS + width`, mirroring `reach` samples on each side.
#[inline]
pub fn pad_row<T: Copy>(row: &mut [T], width: usize, reach: usize) {
    for k in 1..=reach {
        let left = mirror(-(k as isize), width);
        row[MAX_RADIUS - k] = row[MAX_RADIUS + left];
        let right = mirror((width - 1 + k) as isize, width);
        row[MAX_RADIUS + width - 1 + k] = row[MAX_RADIUS + right];
    }
}

/// Source rows of the vertical taps centred on row `y` of a `height`-row plane.
#[inline]
fn tap_rows(y: usize, reach: usize, height: usize) -> impl Iterator<Item = usize> {
    let first = y as isize - reach as isize;
    (0..=2 * reach).map(move |t| mirror(first + t as isize, height))
}

/// The four sums of one scale from which its numerator and denominator follow.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScaleSums {
    /// Sum of the fixed-point log2 information terms of the numerator.
    pub num_log: i64,
    /// Sum of the fixed-point log2 terms of the denominator.
    pub den_log: i64,
    /// Sum of the distorted variances where the reference is too flat for the log model.
    pub num_non_log: i64,
    /// Number of those flat pixels.
    pub den_non_log: i64,
}

impl ScaleSums {
    /// Numerator and denominator, as the single-precision values the reference keeps.
    pub fn num_den(&self) -> (f32, f32) {
        let num = self.num_log as f64 / 2048.0
            + (self.den_non_log as f64 - (self.num_non_log as f64 / 16384.0) / 65025.0);
        let den = self.den_log as f64 / 2048.0 + self.den_non_log as f64;
        (num as f32, den as f32)
    }
}

/// Row buffers of the statistics pass, sized for the widest scale.
pub struct StatScratch {
    sum_mu1: Vec<u32>,
    sum_mu2: Vec<u32>,
    sum_ref: Vec<u64>,
    sum_dis: Vec<u64>,
    sum_ref_dis: Vec<u64>,
    mu1: Vec<u32>,
    mu2: Vec<u32>,
    ref_sq: Vec<u32>,
    dis_sq: Vec<u32>,
    ref_dis: Vec<u32>,
}

impl StatScratch {
    /// Buffers for rows of up to `width` samples.
    pub fn new(width: usize) -> Self {
        let padded = width + 2 * MAX_RADIUS;
        Self {
            sum_mu1: vec![0; CHUNK],
            sum_mu2: vec![0; CHUNK],
            sum_ref: vec![0; CHUNK],
            sum_dis: vec![0; CHUNK],
            sum_ref_dis: vec![0; CHUNK],
            mu1: vec![0; padded],
            mu2: vec![0; padded],
            ref_sq: vec![0; padded],
            dis_sq: vec![0; padded],
            ref_dis: vec![0; padded],
        }
    }

    /// Zeroes the first `len` entries of the accumulators.
    fn clear_sums(&mut self, len: usize) {
        self.sum_mu1[..len].fill(0);
        self.sum_mu2[..len].fill(0);
        self.sum_ref[..len].fill(0);
        self.sum_dis[..len].fill(0);
        self.sum_ref_dis[..len].fill(0);
    }
}

/// Parameters of one scale's statistics.
pub struct StatParams<'a> {
    /// Scale index, 0..4.
    pub scale: usize,
    /// Vertical roundings for that scale.
    pub rounding: VerticalRounding,
    /// The largest gain `g` credited to an enhancing distortion.
    pub gain_limit: f64,
    /// Fixed-point log2.
    pub log2: &'a Log2Table,
}

/// Accumulates the VIF sums of one scale over two equally sized planes.
pub fn scale_statistics<T: VifSample>(
    reference: Plane<'_, T>,
    distorted: Plane<'_, T>,
    params: &StatParams<'_>,
    scratch: &mut StatScratch,
) -> ScaleSums {
    let filter = FILTERS[params.scale];
    let reach = radius(params.scale);
    let (width, height) = (reference.width(), reference.height());
    let mut sums = ScaleSums::default();
    for y in 0..height {
        vertical_moments(reference, distorted, y, filter, params.rounding, scratch);
        for row in [
            &mut scratch.mu1,
            &mut scratch.mu2,
            &mut scratch.ref_sq,
            &mut scratch.dis_sq,
            &mut scratch.ref_dis,
        ] {
            pad_row(row, width, reach);
        }
        for start in (0..width).step_by(CHUNK) {
            let len = CHUNK.min(width - start);
            horizontal_moments(scratch, start, len, filter);
            let s = &*scratch;
            for x in 0..len {
                let local = LocalMoments::new(
                    s.sum_mu1[x],
                    s.sum_mu2[x],
                    s.sum_ref[x],
                    s.sum_dis[x],
                    s.sum_ref_dis[x],
                );
                local.accumulate_into(&mut sums, params);
            }
        }
    }
    sums
}

/// `acc[x] += coeff * src[x]`.
#[inline]
fn mac_u32(acc: &mut [u32], src: &[u32], coeff: u32) {
    for (a, &v) in acc.iter_mut().zip(src) {
        *a = a.wrapping_add(coeff.wrapping_mul(v));
    }
}

/// `acc[x] += coeff * src[x]`, widened.
#[inline]
fn mac_u64(acc: &mut [u64], src: &[u32], coeff: u32) {
    for (a, &v) in acc.iter_mut().zip(src) {
        *a = a.wrapping_add(u64::from(coeff) * u64::from(v));
    }
}

/// `acc[x] += coeff * a[x]` over samples.
#[inline]
fn mac_samples<T: Sample>(acc: &mut [u32], a: &[T], coeff: u32) {
    for (s, &a) in acc.iter_mut().zip(a) {
        let a: u32 = a.into();
        *s = s.wrapping_add(coeff.wrapping_mul(a));
    }
}

/// Vertically filtered means and second moments of row `y`, written to the centres of
/// the padded scratch rows.
fn vertical_moments<T: VifSample>(
    reference: Plane<'_, T>,
    distorted: Plane<'_, T>,
    y: usize,
    filter: &[u16],
    rounding: VerticalRounding,
    s: &mut StatScratch,
) {
    let width = reference.width();
    let reach = filter.len() / 2;
    let (mean, square) = (rounding.mean, rounding.square);
    for start in (0..width).step_by(CHUNK) {
        let len = CHUNK.min(width - start);
        s.clear_sums(len);
        for (&coeff, row) in filter.iter().zip(tap_rows(y, reach, reference.height())) {
            let coeff = u32::from(coeff);
            let a = &reference.row(row)[start..start + len];
            let b = &distorted.row(row)[start..start + len];
            mac_samples(&mut s.sum_mu1, a, coeff);
            mac_samples(&mut s.sum_mu2, b, coeff);
            T::mac_product(&mut s.sum_ref, a, a, coeff);
            T::mac_product(&mut s.sum_dis, b, b, coeff);
            T::mac_product(&mut s.sum_ref_dis, a, b, coeff);
        }
        // Means are kept as 16-bit values and second moments as 32-bit ones; the
        // truncating casts only matter for samples above the declared bit depth.
        let out = MAX_RADIUS + start..MAX_RADIUS + start + len;
        for (x, o) in out.enumerate() {
            s.mu1[o] = u32::from(mean.apply(u64::from(s.sum_mu1[x])) as u16);
            s.mu2[o] = u32::from(mean.apply(u64::from(s.sum_mu2[x])) as u16);
            s.ref_sq[o] = square.apply(s.sum_ref[x]) as u32;
            s.dis_sq[o] = square.apply(s.sum_dis[x]) as u32;
            s.ref_dis[o] = square.apply(s.sum_ref_dis[x]) as u32;
        }
    }
}

/// Horizontal filter pass over columns `start..start + len` of the padded vertical
/// results, into the first `len` entries of the `sum_*` rows.
fn horizontal_moments(s: &mut StatScratch, start: usize, len: usize, filter: &[u16]) {
    let first = start + MAX_RADIUS - filter.len() / 2;
    s.clear_sums(len);
    for (tap, &coeff) in filter.iter().enumerate() {
        let coeff = u32::from(coeff);
        let window = first + tap..first + tap + len;
        mac_u32(&mut s.sum_mu1, &s.mu1[window.clone()], coeff);
        mac_u32(&mut s.sum_mu2, &s.mu2[window.clone()], coeff);
        mac_u64(&mut s.sum_ref, &s.ref_sq[window.clone()], coeff);
        mac_u64(&mut s.sum_dis, &s.dis_sq[window.clone()], coeff);
        mac_u64(&mut s.sum_ref_dis, &s.ref_dis[window], coeff);
    }
}

/// Local variances and covariance of one pixel, after both filter passes.
struct LocalMoments {
    sigma1_sq: i32,
    sigma2_sq: i32,
    sigma12: i32,
}

impl LocalMoments {
    /// From the filtered Q16 means and the filtered second moments.
    #[inline]
    fn new(mu1: u32, mu2: u32, xx: u64, yy: u64, xy: u64) -> Self {
        // Products of Q16 means, brought back to the second moments' scale with rounding.
        let product = |a: u32, b: u32| ((u64::from(a) * u64::from(b) + (1 << 31)) >> 32) as u32;
        let q16 = |v: u64| ((v + (1 << 15)) >> 16) as u32;
        let sigma1_sq = q16(xx).wrapping_sub(product(mu1, mu1)) as i32;
        let sigma2_sq = q16(yy).wrapping_sub(product(mu2, mu2)) as i32;
        let sigma12 = q16(xy).wrapping_sub(product(mu1, mu2)) as i32;
        Self {
            sigma1_sq,
            sigma2_sq: sigma2_sq.max(0),
            sigma12,
        }
    }

    /// Adds this pixel's information terms to the scale's sums.
    #[inline]
    fn accumulate_into(&self, sums: &mut ScaleSums, params: &StatParams<'_>) {
        let log2 = params.log2;
        if self.sigma1_sq < SIGMA_NSQ as i32 {
            // Too flat for the log model: a linear stand-in, normalised by 255^2 later.
            sums.num_non_log += i64::from(self.sigma2_sq);
            sums.den_non_log += 1;
            return;
        }
        // log2(1 + sigma1_sq / sigma_nsq), as log2(sigma_nsq + sigma1_sq) - 17.
        let den_arg = (self.sigma1_sq as u32).wrapping_add(SIGMA_NSQ);
        sums.den_log += i64::from(log2.log2_u32(den_arg) - 2048 * 17);
        if self.sigma12 <= 0 || self.sigma2_sq <= 0 {
            return;
        }
        let sigma1_sq = f64::from(self.sigma1_sq);
        let sigma12 = f64::from(self.sigma12);
        let gain = sigma12 / (sigma1_sq + VARIANCE_GUARD);
        // Truncation toward zero (saturating far out of range, where the clamp to 0
        // below gives the reference's result too).
        let noise = (f64::from(self.sigma2_sq) - gain * sigma12) as i32;
        let noise = noise.max(0) as u32;
        let gain = if gain < params.gain_limit {
            gain
        } else {
            params.gain_limit
        };
        let noise_total = noise + SIGMA_NSQ;
        let signal = (gain * gain * sigma1_sq) as i64;
        let total = signal.wrapping_add(i64::from(noise_total)) as u64;
        sums.num_log += i64::from(log2.log2_u64(total) - log2.log2_u64(u64::from(noise_total)));
    }
}

/// Row buffers of the decimation pass.
pub struct DecimateScratch {
    sum_ref: Vec<u32>,
    sum_dis: Vec<u32>,
    ref_row: Vec<u32>,
    dis_row: Vec<u32>,
}

impl DecimateScratch {
    /// Buffers for rows of up to `width` samples.
    pub fn new(width: usize) -> Self {
        let padded = width + 2 * MAX_RADIUS;
        Self {
            sum_ref: vec![0; width],
            sum_dis: vec![0; width],
            ref_row: vec![0; padded],
            dis_row: vec![0; padded],
        }
    }
}

/// Low-pass filters both planes with the filter of `next_scale` and keeps every second
/// sample of every second row, writing `(width / 2) x (height / 2)` packed samples.
pub fn filter_and_decimate<T: Sample>(
    reference: Plane<'_, T>,
    distorted: Plane<'_, T>,
    next_scale: usize,
    rounding: VerticalRounding,
    out_ref: &mut [u16],
    out_dis: &mut [u16],
    s: &mut DecimateScratch,
) {
    let filter = FILTERS[next_scale];
    let reach = filter.len() / 2;
    let (width, height) = (reference.width(), reference.height());
    let out_width = width / 2;
    let out_rows = out_ref.chunks_exact_mut(out_width);
    let out_rows = out_rows.zip(out_dis.chunks_exact_mut(out_width));
    let mean = rounding.mean;
    for ((ref_out, dis_out), y) in out_rows.zip((0..height).step_by(2)) {
        s.sum_ref[..width].fill(0);
        s.sum_dis[..width].fill(0);
        for (&coeff, row) in filter.iter().zip(tap_rows(y, reach, height)) {
            let coeff = u32::from(coeff);
            mac_samples(&mut s.sum_ref, reference.row(row), coeff);
            mac_samples(&mut s.sum_dis, distorted.row(row), coeff);
        }
        let centre = MAX_RADIUS..MAX_RADIUS + width;
        for (x, o) in centre.enumerate() {
            s.ref_row[o] = u32::from(mean.apply(u64::from(s.sum_ref[x])) as u16);
            s.dis_row[o] = u32::from(mean.apply(u64::from(s.sum_dis[x])) as u16);
        }
        pad_row(&mut s.ref_row, width, reach);
        pad_row(&mut s.dis_row, width, reach);
        for (o, x) in (0..out_width).zip((0..width).step_by(2)) {
            let start = x + MAX_RADIUS - reach;
            let taps = start..start + filter.len();
            let (mut a, mut b) = (0u32, 0u32);
            for (&coeff, i) in filter.iter().zip(taps) {
                a = a.wrapping_add(u32::from(coeff).wrapping_mul(s.ref_row[i]));
                b = b.wrapping_add(u32::from(coeff).wrapping_mul(s.dis_row[i]));
            }
            ref_out[o] = Rounding::Q16.apply(u64::from(a)) as u16;
            dis_out[o] = Rounding::Q16.apply(u64::from(b)) as u16;
        }
    }
}
