//! Pooling of per-frame scores into one number per metric.

/// The ways libvmaf pools a metric over frames.
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
}

impl PoolMethod {
    /// Every method, in the order libvmaf writes them.
    pub const ALL: [PoolMethod; 4] = [Self::Min, Self::Max, Self::Mean, Self::HarmonicMean];

    /// The key libvmaf's reports use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Min => "min",
            Self::Max => "max",
            Self::Mean => "mean",
            Self::HarmonicMean => "harmonic_mean",
        }
    }
}

impl std::str::FromStr for PoolMethod {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "min" => Ok(Self::Min),
            "max" => Ok(Self::Max),
            "mean" => Ok(Self::Mean),
            "harmonic_mean" => Ok(Self::HarmonicMean),
            _ => Err(crate::Error::InvalidOption(format!(
                "unknown pooling method {s:?} (expected min, max, mean or harmonic_mean)"
            ))),
        }
    }
}

/// All four pooled values of one metric.
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

    /// The value for one method.
    pub fn get(&self, method: PoolMethod) -> f64 {
        match method {
            PoolMethod::Min => self.min,
            PoolMethod::Max => self.max,
            PoolMethod::Mean => self.mean,
            PoolMethod::HarmonicMean => self.harmonic_mean,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_like_libvmaf() {
        let p = Pooled::of([1.0, 3.0, 0.0]).unwrap();
        assert_eq!(p.min, 0.0);
        assert_eq!(p.max, 3.0);
        assert!((p.mean - 4.0 / 3.0).abs() < 1e-15);
        let expected = 3.0 / (0.5 + 0.25 + 1.0) - 1.0;
        assert!((p.harmonic_mean - expected).abs() < 1e-15);
        assert!(Pooled::of(std::iter::empty()).is_none());
    }

    #[test]
    fn parses_method_names() {
        for m in PoolMethod::ALL {
            assert_eq!(m.name().parse::<PoolMethod>().unwrap(), m);
        }
        assert!("median".parse::<PoolMethod>().is_err());
    }
}
