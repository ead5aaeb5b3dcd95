//! Eigenvalues of a symmetric matrix in single precision, the way libvmaf's SpEED
//! computes them (after GSL's `symmtd` and `eigen_symm`): Householder reduction to a
//! tridiagonal matrix, then implicit symmetric QR steps with Wilkinson shifts.
//!
//! The float/double mix of every expression is libvmaf's (its `sqrt` takes and
//! returns double; its constants are double), so results agree bit for bit.

/// Relative size below which a subdiagonal element counts as zero.
const EIGENVALUE_EPS: f64 = 1e-6;
/// QR steps after which the iteration stops even if not converged.
const MAX_ITERATIONS: usize = 500;

/// `sqrt` of a float through double, as C's `sqrt(float)` rounds back.
fn sqrt_f32(x: f32) -> f32 {
    f64::from(x).sqrt() as f32
}

fn hypotenuse(x: f32, y: f32) -> f32 {
    sqrt_f32(x * x + y * y)
}

fn sign(x: f32) -> f32 {
    if x >= 0.0 {
        1.0
    } else {
        -1.0
    }
}

/// The eigenvalues of the symmetric `size` x `size` matrix `a` (row-major), in the
/// order the iteration leaves them (not sorted).
pub(super) fn symmetric_eigenvalues(a: &[f32], size: usize) -> Vec<f32> {
    if size == 1 {
        return vec![a[0]];
    }
    let mut work = a[..size * size].to_vec();
    let (mut diagonal, mut subdiagonal) = tridiagonalize(&mut work, size);
    tridiagonal_eigenvalues(&mut diagonal, &mut subdiagonal);
    diagonal
}

/// Householder vector for column `col` below row `start`: scales `A[start+1.., col]`
/// into the vector (leading 1 implied), puts beta in `A[start, col]`, returns tau.
fn householder(a: &mut [f32], col: usize, start: usize, size: usize) -> f32 {
    if size - start == 1 {
        return 0.0;
    }
    let mut norm = 0.0f32;
    for i in start + 1..size {
        norm += a[i * size + col] * a[i * size + col];
    }
    let norm = sqrt_f32(norm);
    if norm == 0.0 {
        return 0.0;
    }
    let alpha = a[start * size + col];
    let beta = -sign(alpha) * hypotenuse(alpha, norm);
    let tau = (beta - alpha) / beta;
    let s = alpha - beta;
    if s != 0.0 {
        for i in start..size {
            a[i * size + col] /= s;
        }
        a[start * size + col] = beta;
    }
    tau
}

/// Reduces symmetric `a` in place; returns its diagonal and subdiagonal.
fn tridiagonalize(a: &mut [f32], size: usize) -> (Vec<f32>, Vec<f32>) {
    let mut v = vec![0.0f32; size];
    let mut x = vec![0.0f32; size];
    for i in 0..size.saturating_sub(2) {
        let tau = householder(a, i, i + 1, size);
        for j in i + 1..size {
            v[j] = a[j * size + i];
        }
        if tau != 0.0 {
            let start = i + 1;
            a[start * size + i] = v[start];
            v[start] = 1.0;
            // x = tau A v
            for r in start..size {
                let mut acc = 0.0f32;
                for c in start..size {
                    acc += tau * a[r * size + c] * v[c];
                }
                x[r] = acc;
            }
            // x -= (tau / 2) (x . v) v
            let mut xv = 0.0f32;
            for r in start..size {
                xv += x[r] * v[r];
            }
            let alpha = (-0.5 * f64::from(tau) * f64::from(xv)) as f32;
            for r in start..size {
                x[r] += alpha * v[r];
            }
            // A -= x v' + v x'
            for r in start..size {
                for c in start..size {
                    a[r * size + c] -= x[r] * v[c] + v[r] * x[c];
                }
            }
        }
    }
    let diagonal = (0..size).map(|i| a[i * size + i]).collect();
    let subdiagonal = (0..size - 1).map(|i| a[(i + 1) * size + i]).collect();
    (diagonal, subdiagonal)
}

fn chop_small_elements(d: &[f32], sd: &mut [f32]) {
    for i in 0..sd.len() {
        let bound = EIGENVALUE_EPS * f64::from(d[i].abs() + d[i + 1].abs());
        if f64::from(sd[i].abs()) < bound {
            sd[i] = 0.0;
        }
    }
}

/// Eigenvalue of the trailing 2x2 block closer to its last diagonal element.
fn trailing_eigenvalue(d: &[f32], sd: &[f32]) -> f32 {
    let n = d.len();
    let (ta, tb, tab) = (d[n - 2], d[n - 1], sd[n - 2]);
    let dt = (f64::from(ta - tb) / 2.0) as f32;
    if dt > 0.0 {
        tb - tab * (tab / (dt + hypotenuse(dt, tab)))
    } else if dt == 0.0 {
        tb - tab.abs()
    } else {
        tb + tab * (tab / (-dt + hypotenuse(dt, tab)))
    }
}

/// Givens rotation (c, s) that zeroes `b` against `a`.
fn givens(a: f32, b: f32) -> (f32, f32) {
    if b == 0.0 {
        (1.0, 0.0)
    } else if b.abs() > a.abs() {
        let t = -a / b;
        let s1 = (1.0 / f64::from(1.0 + t * t).sqrt()) as f32;
        (s1 * t, s1)
    } else {
        let t = -b / a;
        let c1 = (1.0 / f64::from(1.0 + t * t).sqrt()) as f32;
        (c1, c1 * t)
    }
}

/// One implicit shifted QR step on an unreduced tridiagonal block.
fn qr_step(d: &mut [f32], sd: &mut [f32]) {
    let n = d.len();
    let mut mu = trailing_eigenvalue(d, sd);
    if EIGENVALUE_EPS * f64::from(mu.abs()) > f64::from(d[0].abs() + sd[0].abs()) {
        mu = 0.0;
    }
    let mut x = d[0] - mu;
    let mut z = sd[0];
    let mut bk = 0.0f32;
    let mut zk = 0.0f32;
    let mut ap = d[0];
    let mut bp = sd[0];
    let mut aq = d[1];
    if n == 2 {
        let (c, s) = givens(x, z);
        let ap1 = c * (c * ap - s * bp) + s * (s * aq - c * bp);
        let bp1 = c * (s * ap + c * bp) - s * (s * bp + c * aq);
        let aq1 = s * (s * ap + c * bp) + c * (s * bp + c * aq);
        d[0] = ap1;
        sd[0] = bp1;
        d[1] = aq1;
        return;
    }
    let mut bq = sd[1];
    for k in 0..n - 1 {
        let (c, s) = givens(x, z);
        let bk1 = c * bk - s * zk;
        let ap1 = c * (c * ap - s * bp) + s * (s * aq - c * bp);
        let bp1 = c * (s * ap + c * bp) - s * (s * bp + c * aq);
        let zp1 = -s * bq;
        let aq1 = s * (s * ap + c * bp) + c * (s * bp + c * aq);
        let bq1 = c * bq;
        let ak = ap1;
        bk = bp1;
        zk = zp1;
        ap = aq1;
        bp = bq1;
        if k < n - 2 {
            aq = d[k + 2];
        }
        if k + 3 < n {
            bq = sd[k + 2];
        }
        d[k] = ak;
        if k > 0 {
            sd[k - 1] = bk1;
        }
        if k < n - 2 {
            sd[k + 1] = bp;
        }
        x = bk;
        z = zk;
    }
    d[n - 1] = ap;
    sd[n - 2] = bk;
}

/// Diagonalises the tridiagonal matrix (d, sd) in place; its eigenvalues end in `d`.
fn tridiagonal_eigenvalues(d: &mut [f32], sd: &mut [f32]) {
    chop_small_elements(d, sd);
    let mut b = d.len() - 1;
    let mut iterations = 0;
    while b > 0 && iterations < MAX_ITERATIONS {
        if sd[b - 1] == 0.0 {
            b -= 1;
            continue;
        }
        let mut a = b - 1;
        while a > 0 && sd[a - 1] != 0.0 {
            a -= 1;
        }
        let (block_d, block_sd) = (&mut d[a..=b], &mut sd[a..b]);
        qr_step(block_d, block_sd);
        chop_small_elements(block_d, block_sd);
        iterations += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<f32>) -> Vec<f32> {
        v.sort_by(f32::total_cmp);
        v
    }

    #[test]
    fn diagonal_and_two_by_two() {
        let e = sorted(symmetric_eigenvalues(
            &[3.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0],
            3,
        ));
        assert_eq!(e, [1.0, 2.0, 3.0]);
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        let e = sorted(symmetric_eigenvalues(&[2.0, 1.0, 1.0, 2.0], 2));
        assert!(
            (e[0] - 1.0).abs() < 1e-6 && (e[1] - 3.0).abs() < 1e-6,
            "{e:?}"
        );
        assert_eq!(symmetric_eigenvalues(&[7.0], 1), [7.0]);
    }

    #[test]
    fn covariance_like_matrix_keeps_trace_and_spectrum() {
        // A x A' for a fixed A: symmetric, positive semi-definite.
        let n = 6;
        let a: Vec<f32> = (0..n * n)
            .map(|i| ((i * 37 % 11) as f32 - 5.0) / 3.0)
            .collect();
        let mut m = vec![0.0f32; n * n];
        for r in 0..n {
            for c in 0..n {
                m[r * n + c] = (0..n).map(|k| a[r * n + k] * a[c * n + k]).sum();
            }
        }
        let e = symmetric_eigenvalues(&m, n);
        let trace: f32 = (0..n).map(|i| m[i * n + i]).sum();
        let sum: f32 = e.iter().sum();
        assert!((trace - sum).abs() < 1e-3 * trace, "{trace} vs {sum}");
        assert!(e.iter().all(|&v| v > -1e-3), "{e:?}");
        // Each eigenvalue makes m - lambda I singular: check via the power of the
        // smallest one on the trace of squares, sum(lambda^2) = ||m||_F^2.
        let frobenius: f32 = m.iter().map(|v| v * v).sum();
        let squares: f32 = e.iter().map(|v| v * v).sum();
        assert!((frobenius - squares).abs() < 1e-3 * frobenius);
    }
}
