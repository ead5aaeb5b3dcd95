//! Solving `A X = B` for a square `A` in single precision through a Householder QR
//! decomposition and back substitution, in libvmaf SpEED's order of operations.
//!
//! Two of libvmaf's choices are kept because they change the rounding: each
//! reflection's sign comes from the diagonal of the *original* matrix, and every
//! reflection is applied as a full matrix product.

/// Pivot magnitude below which the system counts as singular.
const PIVOT_EPS: f64 = 1e-6;

/// A singular system (a pivot of R was below 1e-6 in magnitude).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Singular;

/// Row-major product `x` (`rows` x `inner`) times `y` (`inner` x `cols`) into `out`,
/// each element summed over `inner` in order from 0.
fn multiply(x: &[f32], y: &[f32], rows: usize, inner: usize, cols: usize, out: &mut [f32]) {
    out[..rows * cols].fill(0.0);
    for i in 0..rows {
        for k in 0..inner {
            let xik = x[i * inner + k];
            let out_row = &mut out[i * cols..][..cols];
            for (o, &ykj) in out_row.iter_mut().zip(&y[k * cols..][..cols]) {
                *o += xik * ykj;
            }
        }
    }
}

fn norm(v: &[f32]) -> f32 {
    let mut sum = 0.0f32;
    for &x in v {
        sum += x * x;
    }
    (f64::from(sum)).sqrt() as f32
}

/// The factors Q' (so that `Q' A = R`) and R of square `a`.
fn qr(a: &[f32], size: usize) -> (Vec<f32>, Vec<f32>) {
    let n2 = size * size;
    let mut z = a[..n2].to_vec();
    let mut qt = vec![0.0f32; n2];
    for i in 0..size {
        qt[i * size + i] = 1.0;
    }
    let mut reflection = vec![0.0f32; n2];
    let mut product = vec![0.0f32; n2];
    let mut v = vec![0.0f32; size];
    for k in 0..size.saturating_sub(1) {
        // Keep the trailing (size - k) block; the leading part becomes the identity.
        for i in 0..size {
            for j in 0..size {
                if i < k || j < k {
                    z[i * size + j] = if i == j { 1.0 } else { 0.0 };
                }
            }
        }
        for (i, vi) in v.iter_mut().enumerate() {
            *vi = z[i * size + k];
        }
        let column_norm = norm(&v);
        let sign = if a[k * size + k] >= 0.0 { 1.0 } else { -1.0 };
        v[k] += sign * column_norm;
        let length = norm(&v);
        for vi in &mut v {
            *vi /= length;
        }
        for i in 0..size {
            for j in 0..size {
                reflection[i * size + j] = -2.0 * v[i] * v[j];
            }
        }
        for i in 0..size {
            reflection[i * size + i] += 1.0;
        }
        multiply(&reflection, &z, size, size, size, &mut product);
        z.copy_from_slice(&product);
        multiply(&reflection, &qt, size, size, size, &mut product);
        qt.copy_from_slice(&product);
    }
    let mut r = vec![0.0f32; n2];
    multiply(&qt, a, size, size, size, &mut r);
    (qt, r)
}

/// Solves `a x = b` for `a` (`size` x `size`) and `b` (`size` x `cols`), row-major.
/// On [`Singular`], `x` holds whatever rows were solved before the failing pivot.
pub(super) fn solve(
    a: &[f32],
    size: usize,
    b: &[f32],
    cols: usize,
    x: &mut [f32],
) -> Result<(), Singular> {
    let (qt, r) = qr(a, size);
    let mut rhs = vec![0.0f32; size * cols];
    multiply(&qt, b, size, size, cols, &mut rhs);
    for i in (0..size).rev() {
        let pivot = r[i * size + i];
        if f64::from(pivot.abs()) < PIVOT_EPS {
            return Err(Singular);
        }
        for j in 0..cols {
            let mut term = rhs[i * cols + j];
            for k in i + 1..size {
                term -= x[k * cols + j] * r[i * size + k];
            }
            x[i * cols + j] = term / pivot;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system() {
        // [[4, 1, 0], [1, 3, 1], [0, 1, 2]] x = b for two right-hand sides.
        let a = [4.0f32, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 2.0];
        let want = [1.0f32, -2.0, 2.0, 0.5, -1.0, 3.0];
        let mut b = [0.0f32; 6];
        multiply(&a, &want, 3, 3, 2, &mut b);
        let mut x = [0.0f32; 6];
        solve(&a, 3, &b, 2, &mut x).unwrap();
        for (g, w) in x.iter().zip(&want) {
            assert!((g - w).abs() < 1e-5, "{x:?}");
        }
    }

    #[test]
    fn singular_systems_are_reported() {
        let a = [1.0f32, 2.0, 2.0, 4.0];
        let mut x = [0.0f32; 2];
        assert_eq!(solve(&a, 2, &[1.0, 2.0], 1, &mut x), Err(Singular));
    }

    #[test]
    fn product_sums_in_order() {
        let x = [1.0f32, 2.0, 3.0, 4.0];
        let y = [5.0f32, 6.0, 7.0, 8.0];
        let mut out = [0.0f32; 4];
        multiply(&x, &y, 2, 2, 2, &mut out);
        assert_eq!(out, [19.0, 22.0, 43.0, 50.0]);
    }
}
