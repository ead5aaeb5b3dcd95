//! Integer ADM on a GPU: what a backend implements (each level's integer row sums) and
//! the wrapper that turns them into scores through [`AdmPlan::finish`].

use crate::error::Result;
use crate::frame::PlaneRef;

use super::plan::AdmPlan;
use super::{check_pair, AdmScores};

/// One level's integer sums, one entry per scored row, by orientation: what the CPU
/// levels add along a row before rounding the row's sum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdmLevelSums {
    /// The reference's cube sums (the denominator).
    pub(crate) den: Vec<[u64; 3]>,
    /// The masked detail-loss excesses: `i64` sums, as two's-complement words.
    pub(crate) loss: Vec<[u64; 3]>,
    /// The masked AIM excesses, likewise; left empty when AIM is skipped.
    pub(crate) aim: Vec<[u64; 3]>,
}

/// The integer sums of the four levels of one frame pair, finest first; a skipped
/// level 0 is left as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdmSums {
    pub(crate) levels: [AdmLevelSums; 4],
}

/// Sets `rows` from device words that hold `groups` partial triples per row, added
/// (wrapping) into one triple per row as the CPU adds along a row.
#[cfg_attr(
    not(any(feature = "vulkan", feature = "compute")),
    allow(dead_code)
)]
pub(crate) fn gather_rows(
    rows: &mut Vec<[u64; 3]>,
    words: impl IntoIterator<Item = u64>,
    groups: usize,
) {
    rows.clear();
    let per_row = 3 * groups;
    let (mut row, mut taken) = ([0u64; 3], 0);
    for word in words {
        row[taken % 3] = row[taken % 3].wrapping_add(word);
        taken += 1;
        if taken == per_row {
            rows.push(row);
            (row, taken) = ([0u64; 3], 0);
        }
    }
}

/// Integer ADM computed on a device: the row sums [`super::AdmExtractor`]'s levels
/// form, bit for bit.
pub(crate) trait AdmDevice: Send {
    /// Fills `sums` with the sums of one pair of luma planes, already checked against
    /// the plan.
    fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
        sums: &mut AdmSums,
    ) -> Result<()>;
}

impl<D: AdmDevice + ?Sized> AdmDevice for Box<D> {
    fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
        sums: &mut AdmSums,
    ) -> Result<()> {
        (**self).sums(reference, distorted, sums)
    }
}

/// Integer ADM on a device: the plan, the device's sums, and the CPU's finishing. Its
/// scores equal [`super::AdmExtractor`]'s bit for bit.
pub(crate) struct AdmOnDevice<D> {
    plan: AdmPlan,
    device: D,
    sums: AdmSums,
}

impl<D: AdmDevice> AdmOnDevice<D> {
    /// Scores pairs of `plan` on `device`, which was made for that plan.
    pub fn new(plan: AdmPlan, device: D) -> Self {
        Self {
            plan,
            device,
            sums: AdmSums::default(),
        }
    }

    /// Scores one pair of luma planes of the plan's size and bit depth.
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<AdmScores> {
        let plan = &self.plan;
        check_pair(
            plan.width(),
            plan.height(),
            plan.bit_depth(),
            &reference,
            &distorted,
        )?;
        self.device.sums(reference, distorted, &mut self.sums)?;
        Ok(self.plan.finish(&self.sums))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathered_rows_add_every_group_of_a_row() {
        let mut rows = vec![[9; 3]];
        let words = [1, 2, 3, 10, 20, 30, u64::MAX, 0, 5, 1, 1, 1];
        gather_rows(&mut rows, words, 2);
        assert_eq!(rows, [[11, 22, 33], [0, 1, 6]]);
        gather_rows(&mut rows, [4, 5, 6, 7], 1);
        assert_eq!(rows, [[4, 5, 6]]);
    }
}
