//! The Gaussian low-pass filters of the four VIF scales (also used by SpEED).

/// Kernel scale factors libvmaf accepts (others are rejected).
const VALID_KERNELSCALES: [f32; 21] = [
    1.0,
    1.0 / 2.0,
    3.0 / 2.0,
    2.0,
    2.0 / 3.0,
    24.0 / 10.0,
    360.0 / 97.0,
    4.0 / 3.0,
    3.5 / 3.0,
    3.75 / 3.0,
    4.25 / 3.0,
    5.0 / 3.0,
    3.0,
    1.0 / 2.25,
    1.4746,
    1.54,
    1.6,
    1.06667,
    0.711111,
    0.740740,
    1.111111,
];

/// Whether `kernelscale` is (within 1e-3) one of the supported factors.
pub(crate) fn is_valid_kernelscale(kernelscale: f32) -> bool {
    VALID_KERNELSCALES
        .iter()
        .any(|&k| f64::from((kernelscale - k).abs()) < 1e-3)
}

/// Taps of the scale-`scale` filter: 17, 9, 5, 3 at kernel scale 1, stretched by
/// `kernelscale` and rounded up to an odd count of at least 3.
pub(crate) fn filter_size(scale: u32, kernelscale: f32) -> usize {
    let base = ((1u32 << (4 - scale)) + 1) as f32;
    let ceiling = f64::from(base * kernelscale).ceil() as i32;
    let odd = if ceiling % 2 == 0 {
        ceiling + 1
    } else {
        ceiling
    };
    odd.max(3) as usize
}

/// The normalised Gaussian filter of one scale; its standard deviation is a fifth of its size.
pub(crate) fn gaussian_filter(scale: u32, kernelscale: f32) -> Vec<f32> {
    let size = filter_size(scale, kernelscale);
    gaussian_kernel(size, size as f32 / 5.0)
}

/// A normalised Gaussian of `size` (odd) taps and standard deviation `stdev`.
pub(crate) fn gaussian_kernel(size: usize, stdev: f32) -> Vec<f32> {
    let centre = (size - 1) / 2;
    let mut taps: Vec<f32> = (0..size)
        .map(|i| gaussian_density(i as f32 - centre as f32, stdev))
        .collect();
    let mut sum = 0.0f32;
    for &t in &taps {
        sum += t;
    }
    for t in &mut taps {
        *t /= sum;
    }
    taps
}

/// The (unnormalised) Gaussian density at `x`, with libvmaf's mix of float and double.
fn gaussian_density(x: f32, stdev: f32) -> f32 {
    let x = f64::from(x);
    let s = f64::from(stdev);
    let num = (-0.5 * x / s * x / s).exp() as f32;
    let den = (1.0 / (s * (2.0 * std::f64::consts::PI).sqrt())) as f32;
    num / den
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sizes() {
        let sizes: Vec<usize> = (0..4).map(|s| filter_size(s, 1.0)).collect();
        assert_eq!(sizes, [17, 9, 5, 3]);
        assert_eq!(filter_size(3, 0.5), 3);
        assert_eq!(filter_size(0, 2.0), 35);
    }

    #[test]
    fn filters_are_normalised_and_symmetric() {
        for scale in 0..4 {
            let f = gaussian_filter(scale, 1.0);
            let sum: f32 = f.iter().sum();
            assert!((sum - 1.0).abs() < 1e-5);
            for k in 0..f.len() {
                assert_eq!(f[k], f[f.len() - 1 - k]);
            }
        }
    }

    #[test]
    fn validates_kernelscale() {
        assert!(is_valid_kernelscale(1.0));
        assert!(is_valid_kernelscale(1.5));
        assert!(!is_valid_kernelscale(1.3));
    }
}
