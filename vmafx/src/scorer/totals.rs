//! Whole-run counters behind aggregate metrics (psnr's `apsnr_*`): summed over the
//! copies of an extractor for a run's report, kept per segment in parts, and turned
//! into aggregates again once the parts' counters are added up.

use crate::error::{Error, Result};
use crate::feature::descriptor::Extractor;
use crate::feature::request::FeatureRequest;
use crate::frame::FrameFormat;
use crate::report::RunTotals;

use super::devices::Devices;
use super::Scorer;

impl Scorer {
    /// Each totalling extractor's counters, summed over its copies, with the request
    /// that rebuilds it (see [`aggregates_of`]). Call once no frame is in flight.
    pub(super) fn run_totals(&self) -> Vec<RunTotals> {
        self.totalling
            .iter()
            .map(|&slot| RunTotals {
                feature: self.copies.request(slot).spec(),
                totals: summed_totals(self.copies.idle(slot).iter().map(|x| x.run_totals())),
            })
            .collect()
    }

    /// Whole-run values: each extractor's totals summed over all its copies (which
    /// frames went to which copy does not matter), in the order of the extractors.
    pub(super) fn aggregates(&self) -> Vec<(&'static str, f64)> {
        let mut aggregates = Vec::new();
        for &slot in &self.totalling {
            let copies = self.copies.idle(slot);
            let sums = summed_totals(copies.iter().map(|x| x.run_totals()));
            if let Some(copy) = copies.first() {
                aggregates.extend(copy.aggregates(&sums));
            }
        }
        aggregates
    }
}

/// Counters of several copies of one extractor, added element by element.
fn summed_totals(copies: impl Iterator<Item = Vec<u64>>) -> Vec<u64> {
    let mut sums: Vec<u64> = Vec::new();
    for totals in copies {
        sums.resize(totals.len().max(sums.len()), 0);
        for (sum, total) in sums.iter_mut().zip(totals) {
            *sum = sum.saturating_add(total);
        }
    }
    sums
}

/// The aggregate metrics of a run from its extractors' whole-run counters, as
/// [`Scorer::finish`] computes them; `totals` may add up the counters of several
/// segments of one video of `format`.
pub(crate) fn aggregates_of(
    totals: &[RunTotals],
    format: &FrameFormat,
) -> Result<Vec<(&'static str, f64)>> {
    let mut aggregates = Vec::new();
    for entry in totals {
        let request = FeatureRequest::parse(&entry.feature)?;
        match request.build(format, &Devices::Cpu)? {
            Extractor::Spatial(extractor) => {
                aggregates.extend(extractor.aggregates(&entry.totals));
            }
            Extractor::Temporal(_) => {
                return Err(Error::InvalidInput(format!(
                    "{:?} keeps no whole-run totals",
                    entry.feature
                )))
            }
        }
    }
    Ok(aggregates)
}
