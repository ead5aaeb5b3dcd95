//! The per-pixel VIF information terms (numerator and denominator), computed from the
//! local means, variances and covariance of the reference and distorted pictures.

/// Coefficients of the polynomial that approximates `log2(1 + x)` on `[0, 1)`.
const LOG2_POLY: [f32; 9] = [
    -0.012671635276421_f64 as f32,
    0.064841182402670_f64 as f32,
    -0.157048836463065_f64 as f32,
    0.257167726303123_f64 as f32,
    -0.353800560300520_f64 as f32,
    0.480131410397451_f64 as f32,
    -0.721314327952201_f64 as f32,
    1.442694803896991_f64 as f32,
    0.0,
];

/// Fast `log2`: exponent from the bits, mantissa through a polynomial (libvmaf's
/// approximation, which the scores depend on).
pub(super) fn log2_approx(x: f32) -> f32 {
    if x == 0.0 {
        return f32::NEG_INFINITY;
    }
    if x < 0.0 {
        return f32::NAN;
    }
    let bits = x.to_bits();
    let exponent = ((bits & 0x7F80_0000) >> 23) as i32;
    let mantissa = f32::from_bits((bits & 0x007F_FFFF) | 0x3F80_0000);
    let t = mantissa - 1.0;
    let mut poly = 0.0f32;
    for c in LOG2_POLY {
        poly = poly * t + c;
    }
    (exponent - 127) as f32 + poly
}

/// Constants of the statistic for one set of options.
#[derive(Debug, Clone, Copy)]
pub(super) struct Statistic {
    sigma_nsq: f64,
    gain_limit: f32,
    sigma_max_inv: f32,
}

/// Variances below this count as zero.
const EPS: f32 = 1.0e-10;

impl Statistic {
    /// `sigma_nsq` is the neural noise variance, `enhn_gain_limit` caps the gain `g`.
    pub(super) fn new(sigma_nsq: f64, enhn_gain_limit: f64) -> Self {
        let sigma_sq = (sigma_nsq as f32).powf(2.0);
        Self {
            sigma_nsq,
            gain_limit: enhn_gain_limit as f32,
            sigma_max_inv: (f64::from(sigma_sq) / (255.0 * 255.0)) as f32,
        }
    }

    /// (numerator, denominator) terms of one pixel from the filtered moments:
    /// means `mu1`, `mu2`, and the filtered `ref^2`, `dis^2`, `ref*dis`.
    #[inline]
    pub(super) fn pixel(&self, mu1: f32, mu2: f32, xx: f32, yy: f32, xy: f32) -> (f32, f32) {
        let sigma1_sq = xx - mu1 * mu1;
        let sigma2_sq = yy - mu2 * mu2;
        let sigma12 = xy - mu1 * mu2;

        let sigma1_sq = if sigma1_sq > 0.0 { sigma1_sq } else { 0.0 };
        let sigma2_sq = if sigma2_sq > 0.0 { sigma2_sq } else { 0.0 };
        let sigma1_flat = sigma1_sq < EPS;
        let sigma1_used = if sigma1_flat { 0.0 } else { sigma1_sq };

        // Low reference variance: the term is fixed, the logarithms are not needed.
        if f64::from(sigma1_used) < self.sigma_nsq {
            return (1.0 - sigma2_sq * self.sigma_max_inv, 1.0);
        }

        let mut g = sigma12 / (sigma1_sq + EPS);
        let mut sv_sq = sigma2_sq - g * sigma12;
        if sigma1_flat {
            g = 0.0;
            sv_sq = sigma2_sq;
        }
        if sigma2_sq < EPS {
            g = 0.0;
            sv_sq = 0.0;
        }
        if g < 0.0 {
            sv_sq = sigma2_sq;
            g = 0.0;
        }
        let sv_sq = if sv_sq > EPS { sv_sq } else { EPS };
        let g = if g < self.gain_limit {
            g
        } else {
            self.gain_limit
        };

        let num = if sigma12 < 0.0 {
            0.0
        } else {
            let gain = f64::from(g * g * sigma1_used) / (f64::from(sv_sq) + self.sigma_nsq);
            log2_approx((1.0 + gain) as f32)
        };
        let den = log2_approx((1.0 + f64::from(sigma1_used) / self.sigma_nsq) as f32);
        (num, den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_is_close() {
        for &x in &[1.0f32, 1.5, 2.0, 3.0, 10.0, 1000.0, 0.25] {
            assert!((log2_approx(x) - x.log2()).abs() < 1e-4, "{x}");
        }
        assert_eq!(log2_approx(1.0), 0.0);
        assert_eq!(log2_approx(0.0), f32::NEG_INFINITY);
    }

    #[test]
    fn identical_pixels_carry_full_information() {
        let s = Statistic::new(2.0, 100.0);
        let (num, den) = s.pixel(10.0, 10.0, 150.0, 150.0, 150.0);
        assert_eq!(num, den);
    }
}
