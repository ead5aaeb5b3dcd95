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
//! libvmaf's AVX2 and AVX-512 covariance kernels sum in another order (with FMA);
//! rounded to single precision, their covariances have matched the scalar order's.
//!
//! libvmaf's behaviours kept on purpose: `speed_chroma` works on the chroma planes
//! at half the luma size rounded down (an odd size drops the last column or row);
//! when exactly one of two compared planes has a singular covariance the score is
//! 0, and `speed_chroma_uv` then takes the other channel's score; `speed_temporal`
//! never applies `speed_max_val`. Where libvmaf fails (planes decimating to less
//! than one block, 4:0:0 for chroma) or reads memory it never wrote (a prescale
//! within 1e-3 of 1 that still changes the size), the extractors refuse at `new`.

mod chroma;
mod covariance;
mod descriptor;
mod dimensions;
mod eigen;
mod engine;
mod estimate;
mod options;
mod prepare;
mod solve;
mod temporal;

pub use chroma::{SpeedChromaExtractor, SpeedChromaScores};
pub use descriptor::{CHROMA_DESCRIPTOR, TEMPORAL_DESCRIPTOR};
pub use options::{SpeedChromaOptions, SpeedCommonOptions, SpeedTemporalOptions};
pub use temporal::{SpeedTemporalExtractor, SpeedTemporalScores};

#[cfg(test)]
mod tests;
