//! The order in which reports list metrics: libvmaf's, so that CSV readers going by
//! column and diffs of JSON files line up with libvmaf's output.
//!
//! libvmaf lists a metric where its feature collector first received a value for it.
//! That order follows from when each extractor first writes each feature:
//!
//! 1. Values written while frame 0 is extracted, extractor by extractor in registration
//!    order (the models' features first, model by model, then the `--feature`s), each
//!    extractor's values in the order it writes them.
//! 2. Values first written while frame 1 is extracted (`float_motion`'s `motion3`, which
//!    it writes one frame late).
//! 3. Values written when the run is flushed (`motion`'s `integer_motion2` and
//!    `integer_motion3`), again in registration order.
//! 4. The models' scores, model by model, after every feature.
//!
//! With a thread pool (libvmaf's `--threads N`, N >= 1) the extractors libvmaf flags as
//! temporal (`psnr`, `float_motion`, `speed_temporal`) run on the calling thread before
//! the frame is handed to the pool, so within each step their features come before the
//! others'.
//!
//! The rule is stated over libvmaf's feature names alone, so it holds for any extractor:
//! one that writes every feature of a frame while extracting it, in its listed order,
//! needs no entry in the tables below.

use crate::feature::registry;

/// Which of libvmaf's two metric orders a report follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ReportOrder {
    /// libvmaf's order without a thread pool: its default, and `--threads 0`.
    #[default]
    Serial,
    /// libvmaf's order with a thread pool (`--threads N`, N >= 1): the features of its
    /// temporal extractors (`psnr`, `float_motion`, `speed_temporal`) come first.
    Threaded,
}

/// One feature column, as the scorer's layout holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FeatureColumn<'a> {
    /// libvmaf's name of the feature, internal (`VMAF_feature_motion2_score`) or short
    /// (`psnr_y`), without option suffixes.
    pub feature: &'a str,
    /// Position of the extractor that computes it, in registration order.
    pub extractor: usize,
}

/// When libvmaf's extractor first writes a feature during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FirstWrite {
    /// While extracting frame 0.
    FirstFrame,
    /// While extracting frame 1.
    SecondFrame,
    /// When the run is flushed, after the last frame.
    Flush,
}

/// Features libvmaf writes first after frame 0, by short name.
const LATE_FEATURES: &[(&str, FirstWrite)] = &[
    ("motion3", FirstWrite::SecondFrame),
    ("integer_motion2", FirstWrite::Flush),
    ("integer_motion3", FirstWrite::Flush),
];

/// Features an extractor writes at frame 0 ahead of those listed before them:
/// `float_motion` writes `motion2` (zero) before its debug value `motion`.
const WRITTEN_FIRST: &[&str] = &["motion2"];

/// Features of the extractors libvmaf flags `VMAF_FEATURE_EXTRACTOR_TEMPORAL`, by short
/// name (`psnr`'s, `float_motion`'s and `speed_temporal`'s).
const TEMPORAL_FEATURES: &[&str] = &[
    "psnr_y",
    "psnr_cb",
    "psnr_cr",
    "mse_y",
    "mse_cb",
    "mse_cr",
    "motion",
    "motion2",
    "motion3",
    "speed_temporal",
];

/// The column indices of `columns` in libvmaf's report order.
pub(super) fn report_order(columns: &[FeatureColumn<'_>], order: ReportOrder) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..columns.len()).collect();
    // A stable sort: columns of equal key keep the layout's order, which is already the
    // registration order and, within an extractor, the order it lists its features.
    indices.sort_by_key(|&i| {
        let column = &columns[i];
        let name = registry::alias(column.feature);
        let first_write = LATE_FEATURES
            .iter()
            .find(|(late, _)| *late == name)
            .map_or(FirstWrite::FirstFrame, |(_, when)| *when);
        let pooled = order == ReportOrder::Threaded && !TEMPORAL_FEATURES.contains(&name);
        let written_later_in_call = !WRITTEN_FIRST.contains(&name);
        (first_write, pooled, column.extractor, written_later_in_call)
    });
    indices
}

#[cfg(test)]
#[path = "column_order_tests.rs"]
mod tests;
