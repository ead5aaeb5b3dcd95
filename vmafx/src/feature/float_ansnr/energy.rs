//! Signal and noise energies of two filtered pictures.

/// `(Σ r², Σ (r − d)²)` over two packed pictures of rows `width` long.
///
/// Single precision throughout: each row is summed on its own, then the row sums are
/// added in order, as libvmaf does.
pub(super) fn signal_and_noise(reference: &[f32], distorted: &[f32], width: usize) -> (f32, f32) {
    let mut signal = 0.0f32;
    let mut noise = 0.0f32;
    for (r, d) in reference
        .chunks_exact(width)
        .zip(distorted.chunks_exact(width))
    {
        let mut row_signal = 0.0f32;
        let mut row_noise = 0.0f32;
        for (&a, &b) in r.iter().zip(d) {
            row_signal += a * a;
            row_noise += (a - b) * (a - b);
        }
        signal += row_signal;
        noise += row_noise;
    }
    (signal, noise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_energies() {
        let r = [1.0f32, 2.0, 3.0, 4.0];
        let d = [1.0f32, 0.0, 3.0, 1.0];
        assert_eq!(signal_and_noise(&r, &d, 2), (30.0, 13.0));
    }
}
