//! Pooling of per-frame scores into one number per metric.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// How a metric is pooled over frames: libvmaf's four methods, and percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolMethod {
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Arithmetic mean.
    Mean,
    /// `n / Σ 1/(x+1) − 1`, libvmaf's harmonic mean (shifted by one so zeros are allowed).
    HarmonicMean,
    /// A percentile of the values, linearly interpolated (see [`percentile`]). Not one of
    /// libvmaf's methods, so reports in libvmaf's layouts do not list it.
    Percentile(Percentile),
}

impl PoolMethod {
    /// libvmaf's four methods, in the order libvmaf writes them.
    pub const ALL: [PoolMethod; 4] = [Self::Min, Self::Max, Self::Mean, Self::HarmonicMean];

    /// The name reports and flags use: libvmaf's key (`mean`, `harmonic_mean`, ...), or
    /// `p` and the percentile (`p5`, `p99.9`).
    pub fn name(self) -> Cow<'static, str> {
        match self {
            Self::Min => "min".into(),
            Self::Max => "max".into(),
            Self::Mean => "mean".into(),
            Self::HarmonicMean => "harmonic_mean".into(),
            Self::Percentile(p) => format!("p{}", p.value()).into(),
        }
    }
}

impl std::str::FromStr for PoolMethod {
    type Err = Error;

    /// `min`, `max`, `mean`, `harmonic_mean`, or `p` followed by a percentile from 0 to
    /// 100 (`p5`, `p50`, `p99.9`).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "min" => Ok(Self::Min),
            "max" => Ok(Self::Max),
            "mean" => Ok(Self::Mean),
            "harmonic_mean" => Ok(Self::HarmonicMean),
            _ => match s.strip_prefix('p').map(str::parse::<f64>) {
                Some(Ok(p)) => Percentile::new(p).map(Self::Percentile),
                _ => Err(Error::InvalidOption(format!(
                    "unknown pooling method {s:?} (expected min, max, mean, harmonic_mean \
                     or a percentile such as p5)"
                ))),
            },
        }
    }
}

/// A percentile from 0 to 100.
#[derive(Debug, Clone, Copy)]
pub struct Percentile(f64);

impl Percentile {
    /// The percentile `p`; an error unless `0 <= p <= 100`.
    pub fn new(p: f64) -> Result<Self> {
        if (0.0..=100.0).contains(&p) {
            // `+ 0.0` turns -0 into 0, so equal percentiles have equal bits.
            Ok(Self(p + 0.0))
        } else {
            Err(Error::InvalidOption(format!(
                "percentile {p} is not between 0 and 100"
            )))
        }
    }

    /// The percentile, 0 to 100.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl PartialEq for Percentile {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Percentile {}

impl std::hash::Hash for Percentile {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

/// The `p`-th percentile of `values` as numpy's `percentile` computes it by default
/// (`method="linear"`): sort the `n` values, take the fractional rank
/// `r = p / 100 · (n − 1)` and interpolate linearly between the values at ranks
/// `floor(r)` and `floor(r) + 1`. So `p0` is the minimum, `p100` the maximum and `p50`
/// the median; one value is every percentile of itself. The arithmetic follows numpy's
/// so that results agree to the last bit. `None` when there are no values; NaN when
/// one of them is NaN (numpy gives NaN too).
pub fn percentile(values: impl IntoIterator<Item = f64>, p: Percentile) -> Option<f64> {
    let mut sorted: Vec<f64> = values.into_iter().collect();
    if sorted.is_empty() {
        return None;
    }
    if sorted.iter().any(|v| v.is_nan()) {
        return Some(f64::NAN);
    }
    sorted.sort_by(f64::total_cmp);
    let last = sorted.len() - 1;
    let rank = p.value() / 100.0 * last as f64;
    let below = (rank.floor() as usize).min(last);
    let above = (below + 1).min(last);
    let t = rank - below as f64;
    let (a, b) = (sorted[below], sorted[above]);
    let difference = b - a;
    // numpy's lerp: from the nearer end, which keeps the result inside [a, b].
    Some(if t >= 0.5 {
        b - difference * (1.0 - t)
    } else {
        a + difference * t
    })
}

/// libvmaf's four pooled values of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
    /// libvmaf's harmonic mean.
    pub harmonic_mean: f64,
}

impl Pooled {
    /// Pools `values` in order; `None` when there are none. The sums run in frame order,
    /// as libvmaf's do, so the results agree to the last bit.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let mut count = 0u64;
        let (mut min, mut max, mut sum, mut inverse_sum) = (0.0, 0.0, 0.0, 0.0);
        for v in values {
            sum += v;
            inverse_sum += 1.0 / (v + 1.0);
            if count == 0 || v < min {
                min = v;
            }
            if count == 0 || v > max {
                max = v;
            }
            count += 1;
        }
        (count > 0).then(|| Self {
            min,
            max,
            mean: sum / count as f64,
            harmonic_mean: count as f64 / inverse_sum - 1.0,
        })
    }

    /// The value for one of libvmaf's methods; `None` for a percentile, which needs the
    /// frames (see [`crate::Report::pooled_score`]).
    pub fn get(&self, method: PoolMethod) -> Option<f64> {
        match method {
            PoolMethod::Min => Some(self.min),
            PoolMethod::Max => Some(self.max),
            PoolMethod::Mean => Some(self.mean),
            PoolMethod::HarmonicMean => Some(self.harmonic_mean),
            PoolMethod::Percentile(_) => None,
        }
    }
}

#[cfg(test)]
#[path = "pool_tests.rs"]
mod tests;
