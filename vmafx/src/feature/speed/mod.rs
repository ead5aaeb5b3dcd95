//! SpEED-QA (spatial efficient entropic differencing), as libvmaf's `speed_chroma`
//! and `speed_temporal` extractors compute it.
//!
//! A plane is low-pass filtered, decimated 16x and stripped of its local mean; the
//! result is modelled block by block (5x5) as a Gaussian scale mixture whose
//! covariance, variance scales and entropies are estimated; the score is the mean
//! absolute difference of the variance-weighted entropies of reference and
//! distorted. `speed_chroma` applies it to the U and V planes of each frame,
//! `speed_temporal` to the difference of consecutive luma frames.
//!
//! Everything runs in libvmaf's mix of single and double precision, in its order.

mod chroma;
mod covariance;
mod dimensions;
mod eigen;
mod engine;
mod estimate;
mod options;
mod prepare;
mod solve;
mod temporal;

pub use chroma::{SpeedChromaExtractor, SpeedChromaScores};
pub use options::{SpeedChromaOptions, SpeedCommonOptions, SpeedTemporalOptions};
pub use temporal::{SpeedTemporalExtractor, SpeedTemporalScores};

#[cfg(test)]
mod tests;
