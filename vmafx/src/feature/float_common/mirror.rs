//! Whole-sample mirroring at picture borders, the way the float filters extend a picture:
//! the edge sample is not repeated (`-1 -> 1`, `n -> n - 2`).

/// Index of tap `position` (which may lie up to one picture size outside) in `0..len`.
///
/// Callers guarantee `len > radius` of their filter, so one reflection always lands inside.
#[inline]
pub(crate) fn reflect(position: isize, len: usize) -> usize {
    let len = len as isize;
    let reflected = if position < 0 {
        -position
    } else if position >= len {
        2 * len - position - 2
    } else {
        position
    };
    reflected as usize
}

/// Copies `row` into `padded[radius..radius + row.len()]` and fills `radius` mirrored
/// samples on each side, so a filter can then read `padded[j..j + width]` for every `j`.
pub(crate) fn pad_row(padded: &mut [f32], radius: usize) {
    let len = padded.len() - 2 * radius;
    for k in 0..radius {
        padded[radius - 1 - k] = padded[radius + reflect(-(k as isize) - 1, len)];
        padded[radius + len + k] = padded[radius + reflect((len + k) as isize, len)];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflects_without_repeating_the_edge() {
        assert_eq!(reflect(-2, 5), 2);
        assert_eq!(reflect(-1, 5), 1);
        assert_eq!(reflect(0, 5), 0);
        assert_eq!(reflect(5, 5), 3);
        assert_eq!(reflect(6, 5), 2);
    }

    #[test]
    fn pads_both_sides() {
        let mut padded = [0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 0.0];
        pad_row(&mut padded, 2);
        assert_eq!(padded, [3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]);
    }
}
