//! Y′CbCr samples to CIELAB, as libvmaf's `ciede` converts them: limited-range BT.709
//! to non-linear RGB, the sRGB transfer curve, sRGB/D65 to XYZ, then XYZ to L*a*b*.
//! Intermediate values are `f64`; the three cube-root-like terms and the resulting
//! L*, a*, b* are rounded to `f32` where libvmaf rounds them.

/// A CIELAB colour in `f32`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Lab {
    pub l: f32,
    pub a: f32,
    pub b: f32,
}

/// The per-bit-depth part of the conversion: offsets and gains of limited range.
#[derive(Debug, Clone, Copy)]
pub(super) struct YuvToLab {
    black: f64,
    mid: f64,
    luma_gain: f64,
    chroma_gain: f64,
}

/// Linear-light threshold of the sRGB curve as libvmaf places it (10/255).
pub(super) const LINEAR_KNEE: f64 = 10.0 / 255.0;
/// CIE κ and ε for the L*a*b* companding.
pub(super) const KAPPA: f64 = 24389.0 / 27.0;
pub(super) const EPSILON: f64 = 216.0 / 24389.0;

impl YuvToLab {
    /// The conversion for samples of `bit_depth` bits.
    pub(super) fn new(bit_depth: u8) -> Self {
        let scale = f64::from(1u32 << (bit_depth - 8));
        Self {
            black: 16.0 * scale,
            mid: 128.0 * scale,
            luma_gain: 1.0 / (219.0 * scale),
            chroma_gain: 1.0 / (224.0 * scale),
        }
    }

    /// `(black, mid, luma_gain, chroma_gain)`: the offsets and gains of limited range.
    pub(super) fn constants(&self) -> (f64, f64, f64, f64) {
        (self.black, self.mid, self.luma_gain, self.chroma_gain)
    }

    /// The L*a*b* colour of one Y′CbCr sample triple.
    pub(super) fn lab(&self, y: f64, u: f64, v: f64) -> Lab {
        let y = (y - self.black) * self.luma_gain;
        let u = (u - self.mid) * self.chroma_gain;
        let v = (v - self.mid) * self.chroma_gain;

        let r = linearize(y + 1.28033 * v);
        let g = linearize(y - 0.21482 * u - 0.38059 * v);
        let b = linearize(y + 2.12798 * u);

        let x = r * 0.4124564390896921 + g * 0.357576077643909 + b * 0.18043748326639894;
        let y = r * 0.21267285140562248 + g * 0.715152155287818 + b * 0.07217499330655958;
        let z = r * 0.019333895582329317 + g * 0.119192025881303 + b * 0.9503040785363677;

        let fx = f64::from(compand(x * (1.0 / 0.95047)));
        let fy = f64::from(compand(y));
        let fz = f64::from(compand(z * (1.0 / 1.08883)));
        Lab {
            l: (116.0 * fy - 16.0) as f32,
            a: (500.0 * (fx - fy)) as f32,
            b: (200.0 * (fy - fz)) as f32,
        }
    }
}

/// The sRGB electro-optical transfer function.
fn linearize(c: f64) -> f64 {
    if c > LINEAR_KNEE {
        ((c + 0.055) * (1.0 / 1.055)).powf(2.4)
    } else {
        c * (1.0 / 12.92)
    }
}

/// CIELAB's f(t): a cube root above ε, a line below; rounded to `f32`.
fn compand(t: f64) -> f32 {
    if t > EPSILON {
        t.powf(1.0 / 3.0) as f32
    } else {
        ((KAPPA * t + 16.0) * (1.0 / 116.0)) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_and_black_land_on_the_lightness_axis() {
        let c = YuvToLab::new(8);
        let white = c.lab(235.0, 128.0, 128.0);
        assert!((white.l - 100.0).abs() < 1e-3, "{white:?}");
        assert!(white.a.abs() < 1e-2 && white.b.abs() < 1e-2, "{white:?}");
        let black = c.lab(16.0, 128.0, 128.0);
        assert!(black.l.abs() < 1e-4 && black.a.abs() < 1e-4, "{black:?}");
    }

    #[test]
    fn ten_bit_is_eight_bit_scaled() {
        let (c8, c10) = (YuvToLab::new(8), YuvToLab::new(10));
        assert_eq!(c8.lab(81.0, 90.0, 240.0), c10.lab(324.0, 360.0, 960.0));
    }
}
