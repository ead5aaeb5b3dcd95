//! VMAFX: the VMAF video quality metric, frame for frame equal to libvmaf.
//!
//! Score a pair of files:
//! ```no_run
//! use vmafx::{io::InputKind, Model, ScoreJob, ScorerBuilder, PoolMethod};
//!
//! let scorer = ScorerBuilder::new().model(Model::builtin("vmaf_v0.6.1")?).threads(0);
//! let outcome = ScoreJob::new("ref.y4m", "dist.y4m", InputKind::Y4m).run(scorer, |_| {})?;
//! println!("VMAF {:.3}", outcome.report.pooled_score("vmaf", PoolMethod::Mean).unwrap());
//! # Ok::<(), vmafx::Error>(())
//! ```
//!
//! Or push frames you already hold with [`Scorer::push`] and call [`Scorer::finish`].
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod backend;
#[cfg(feature = "bench")]
pub mod bench;
mod cpu;
pub mod error;
// The extractors keep a complete API of their own (option getters, names, score types)
// for the tests and the `bench` feature, so without that feature parts of it go unused.
// Builds with every feature (CI's clippy) still lint their private items.
#[cfg_attr(not(feature = "bench"), allow(dead_code, unused_imports))]
mod feature;
pub mod frame;
pub mod io;
mod job;
pub mod model;
pub mod pool;
pub mod report;
mod scorer;
mod simd;
#[cfg(test)]
mod test_support;

pub use backend::{BackendChoice, BackendKind};
pub use error::{Error, Result};

/// Checks the `VMAFX_CPU` environment variable: `Ok` when it is unset, empty, or one of
/// `scalar`, `avx2`, `avx512`; otherwise an error naming those values. (The library itself
/// runs the scalar kernels on a value it cannot read, after one warning.)
pub fn check_cpu_env() -> Result<()> {
    cpu::env_cap().map(|_| ())
}
pub use feature::request::FeatureRequest;

/// The metrics VMAFX computes: each one's descriptor (libvmaf's names, options with
/// their types, defaults and ranges, outputs in libvmaf's order), found by name.
pub mod metrics {
    pub use crate::feature::descriptor::{MetricDescriptor, Output, TemporalContext, Timing};
    pub use crate::feature::options::{OptionKind, OptionSpec, OptionValue, OptionValues};
    pub use crate::feature::registry::{alias, all, metric, names, providing};
}
pub use frame::{ChromaSubsampling, Frame, FrameFormat, FrameView, Plane, PlaneRef};
pub use job::{JobOutcome, OpenedPair, ScoreJob};
pub use model::Model;
pub use pool::{percentile, Percentile, PoolMethod, Pooled};
pub use report::{FrameRecord, Report, ReportFormat};
pub use scorer::{ReportOrder, Scorer, ScorerBuilder, DEFAULT_MODEL_NAME, MAX_THREADS};

/// The version string written into reports.
pub const VERSION: &str = concat!("vmafx ", env!("CARGO_PKG_VERSION"));
