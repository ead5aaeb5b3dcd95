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

/// [`mean_of_largest`] without reordering `values` where that gives the same result, and
/// by [`mean_of_largest`] otherwise.
///
/// The sum libvmaf takes depends on the order quickselect leaves the values in only
/// through rounding. When the values to sum are non-negative multiples of some power of
/// two `p` and their total stays below `2^53 p`, every partial sum in every order and
/// grouping is exact, so the sum is the same whatever the order. Then the `count`
/// largest values (a unique multiset) are found by their bit patterns, which order
/// non-negative floats as their values, and summed in several lanes.
#[inline(always)]
pub(super) fn mean_of_largest_unordered(values: &mut [f32], topk: f64) -> f64 {
    let n = values.len();
    let count = ((topk * n as f64) as i64).clamp(1, n as i64) as usize;
    match exact_sum_of_largest(values, count) {
        Some(sum) => sum / count as f64,
        None => mean_of_largest(values, topk),
    }
}

/// Lanes of the sums over all values, wide enough for the widest vectors.
const LANES: usize = 16;

/// The exact sum of the `count` largest of `values`, or `None` when some value is
/// negative or not finite, or when the sum might need rounding in some order.
#[inline(always)]
fn exact_sum_of_largest(values: &[f32], count: usize) -> Option<f64> {
    const FINITE_LIMIT: u32 = 0x7f80_0000;
    let mut highest = [0u32; LANES];
    let mut nonzero = [0u32; LANES];
    let (chunks, tail) = values.as_chunks::<LANES>();
    for chunk in chunks {
        for ((h, n), v) in highest.iter_mut().zip(&mut nonzero).zip(chunk) {
            let bits = v.to_bits();
            *h = (*h).max(bits);
            *n += u32::from(bits != 0);
        }
    }
    let mut nonzero_count: usize = nonzero.iter().map(|&n| n as usize).sum();
    let mut highest_bits = highest.into_iter().max().unwrap_or(0);
    for v in tail {
        highest_bits = highest_bits.max(v.to_bits());
        nonzero_count += usize::from(v.to_bits() != 0);
    }
    // Negative values and -0.0 have the sign bit; NaN and infinities reach the limit.
    if highest_bits >= FINITE_LIMIT {
        return None;
    }
    let threshold = if nonzero_count <= count {
        0
    } else {
        kth_largest_bits(values, count)
    };
    let selected = |v: f32| if v.to_bits() > threshold { f64::from(v) } else { 0.0 };
    let mut sums = [0.0f64; LANES];
    let mut above = [0u32; LANES];
    for chunk in chunks {
        for ((s, a), &v) in sums.iter_mut().zip(&mut above).zip(chunk) {
            *s += selected(v);
            *a += u32::from(v.to_bits() > threshold);
        }
    }
    let mut sum = sums.iter().sum::<f64>();
    let mut above_count: usize = above.iter().map(|&a| a as usize).sum();
    for &v in tail {
        sum += selected(v);
        above_count += usize::from(v.to_bits() > threshold);
    }
    let copies = count - above_count;
    let threshold_value = f64::from(f32::from_bits(threshold));
    sum += copies as f64 * threshold_value;
    if sum == 0.0 {
        return Some(0.0);
    }
    // The smallest power of two `unit` with `sum < 2^52 unit`. Had the total been 2^53
    // units or more, `sum` would still exceed 2^52 units whatever rounding it took; so
    // the total is below 2^53 units, and if every summand is a whole number of units,
    // no partial sum rounded and `sum` is the total.
    let sum_exponent = ((sum.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let per_unit = 2f64.powi(52 - (sum_exponent + 1));
    let whole_units = |v: f64| {
        let units = v * per_unit;
        units == units.floor()
    };
    let mut fractional = [false; LANES];
    for chunk in chunks {
        for (f, &v) in fractional.iter_mut().zip(chunk) {
            *f |= !whole_units(selected(v));
        }
    }
    let fractional = fractional.iter().any(|&f| f)
        || tail.iter().any(|&v| !whole_units(selected(v)))
        || !whole_units(threshold_value);
    (!fractional).then_some(sum)
}

/// The bit pattern of the `count`-th largest of `values` (1-based), all non-negative:
/// a radix selection on the upper then the lower 16 bits.
fn kth_largest_bits(values: &[f32], count: usize) -> u32 {
    let mut histogram = vec![0u32; 1 << 16];
    for &v in values {
        histogram[(v.to_bits() >> 16) as usize] += 1;
    }
    let (upper, remaining) = bucket_holding(&histogram, count);
    histogram.iter_mut().for_each(|h| *h = 0);
    for &v in values {
        let bits = v.to_bits();
        if bits >> 16 == upper {
            histogram[(bits & 0xffff) as usize] += 1;
        }
    }
    let (lower, _) = bucket_holding(&histogram, remaining);
    (upper << 16) | lower
}

/// Walking `histogram` from its top bucket down, the bucket in which the `rank`-th value
/// lies, and that value's rank within the bucket.
fn bucket_holding(histogram: &[u32], rank: usize) -> (u32, usize) {
    let mut remaining = rank;
    for (bucket, &n) in histogram.iter().enumerate().rev() {
        let n = n as usize;
        if remaining <= n {
            return (bucket as u32, remaining);
        }
        remaining -= n;
    }
    (0, remaining)
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
    fn unordered_sum_is_taken_only_when_exact() {
        // Typical c-values: the sum is exact, the threshold found by its bits.
        let values = [0.5f32, 4.0 / 3.0, 0.0, 9.0, 4.0 / 3.0, 2.25, 0.0];
        assert_eq!(
            exact_sum_of_largest(&values, 3),
            Some(9.0 + 2.25 + f64::from(4.0f32 / 3.0))
        );
        assert_eq!(exact_sum_of_largest(&values, 6), Some(values.iter().map(|&v| f64::from(v)).sum::<f64>()));
        // A huge value next to one with a fine fraction: some order would round.
        let values = [1e30f32, 1.0 / 3.0, 2.0];
        assert_eq!(exact_sum_of_largest(&values, 3), None);
        assert_eq!(exact_sum_of_largest(&values, 1), Some(f64::from(1e30f32)));
        // Negative, infinite and NaN values are left to the reference.
        for bad in [-1.0f32, -0.0, f32::INFINITY, f32::NAN] {
            assert_eq!(exact_sum_of_largest(&[1.0, bad], 1), None);
        }
        let mut values = [1e30f32, 1.0 / 3.0, 2.0];
        assert_eq!(
            mean_of_largest_unordered(&mut values.clone(), 1.0).to_bits(),
            mean_of_largest(&mut values, 1.0).to_bits()
        );
    }

    #[test]
    fn scale_weighting() {
        let scores = [1.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(combine_scales(&scores, 3), 31.0 / 9.0);
        assert_eq!(combine_scales(&scores, 4), 31.0 / 25.0);
    }
}
