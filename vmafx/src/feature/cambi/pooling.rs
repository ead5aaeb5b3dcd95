//! From c-values to a score: the mean of the largest per scale, then a weighted sum over
//! scales.

/// Weight of each of the five scales, finest first.
pub(super) const SCALE_WEIGHTS: [i32; 5] = [16, 8, 4, 2, 1];

/// Mean of the largest `topk` share of `values` (at least one value), as libvmaf takes
/// it: the same selection algorithm leaves the same values in the same order at the
/// front, and they are summed in that order in double precision. Reorders `values`.
pub(super) fn mean_of_largest(values: &mut [f32], topk: f64) -> f64 {
    let n = values.len();
    let count = ((topk * n as f64) as i64).clamp(1, n as i64) as usize;
    select_largest(values, count);
    let sum = values[..count]
        .iter()
        .fold(0.0f64, |sum, &v| sum + f64::from(v));
    sum / count as f64
}

/// Hoare-partition quickselect in descending order: afterwards no value before index `k`
/// is smaller than `values[k]` and none after it is larger. Does nothing when `k` is the
/// length.
fn select_largest(values: &mut [f32], k: usize) {
    if k == values.len() {
        return;
    }
    let k = k as isize;
    let mut left: isize = 0;
    let mut right = values.len() as isize - 1;
    let at = |values: &[f32], i: isize| values[i as usize];
    while left < right {
        let pivot = at(values, k);
        let mut i = left;
        let mut j = right;
        loop {
            while at(values, i) > pivot {
                i += 1;
            }
            while at(values, j) < pivot {
                j -= 1;
            }
            if i <= j {
                values.swap(i as usize, j as usize);
                i += 1;
                j -= 1;
            }
            if i > j {
                break;
            }
        }
        if j < k {
            left = i;
        }
        if k < i {
            right = j;
        }
    }
}

/// Weighted sum of the per-scale scores, divided by the pixel count of a window.
pub(super) fn combine_scales(scores: &[f64; 5], window: usize) -> f64 {
    let sum = scores
        .iter()
        .zip(SCALE_WEIGHTS)
        .fold(0.0f64, |sum, (&s, w)| sum + s * f64::from(w));
    let side = 2 * (window / 2) + 1;
    sum / (side * side) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_the_largest_values() {
        let original = [0.5f32, 3.0, 0.0, 7.0, 1.0, 7.0, 2.0, 0.0, 4.0];
        for k in 1..=original.len() {
            let mut values = original;
            select_largest(&mut values, k);
            let mut front = values[..k].to_vec();
            front.sort_by(|a, b| b.partial_cmp(a).unwrap());
            let mut sorted = original.to_vec();
            sorted.sort_by(|a, b| b.partial_cmp(a).unwrap());
            assert_eq!(front, sorted[..k], "k = {k}");
        }
    }

    #[test]
    fn mean_of_top_share() {
        let mut values = [1.0f32, 0.0, 4.0, 2.0, 0.0];
        assert_eq!(mean_of_largest(&mut values, 0.4), 3.0);
        let mut values = [1.0f32, 0.0, 4.0, 2.0, 0.0];
        assert_eq!(mean_of_largest(&mut values, 0.0001), 4.0);
        let mut values = [1.0f32, 0.0, 4.0, 2.0, 0.0];
        assert_eq!(mean_of_largest(&mut values, 1.0), 1.4);
    }

    #[test]
    fn scale_weighting() {
        let scores = [1.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(combine_scales(&scores, 3), 31.0 / 9.0);
        assert_eq!(combine_scales(&scores, 4), 31.0 / 25.0);
    }
}
