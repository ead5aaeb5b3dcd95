//! Options of the two SpEED extractors, with libvmaf's defaults and ranges.
//!
//! `speed_chroma` and `speed_temporal` share five options; chroma adds
//! `speed_weight_var_mode`, temporal adds `speed_use_ref_diff`.

use crate::error::{Error, Result};
use crate::feature::float_common::ResampleMethod;
use crate::feature::float_vif::kernel::is_valid_kernelscale;

/// The options both extractors accept, named as libvmaf names them.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedCommonOptions {
    /// `speed_kernelscale` (alias `ks`): stretch of the Gaussian filters, 0.1..=4 and
    /// one of the factors VIF accepts. Default 1.
    pub speed_kernelscale: f64,
    /// `speed_prescale` (alias `ps`): resize factor applied before filtering, 0.1..=4.
    /// Default 1 (no resizing).
    pub speed_prescale: f64,
    /// `speed_prescale_method` (alias `psm`): how the prescale resamples. Default nearest.
    pub speed_prescale_method: ResampleMethod,
    /// `speed_sigma_nn` (alias `snn`): standard deviation of the neural noise, 0.1..=2.
    /// Default 0.29.
    pub speed_sigma_nn: f64,
    /// `speed_nn_floor` (alias `nnf`): noise floor as a fraction of `speed_sigma_nn`,
    /// 0..=1. Default 0.
    pub speed_nn_floor: f64,
    /// `speed_max_val` (alias `mxv`): upper clip of the scores, 0..=1000. Default 1000.
    /// libvmaf's `speed_temporal` accepts it but never applies it.
    pub speed_max_val: f64,
}

impl Default for SpeedCommonOptions {
    fn default() -> Self {
        Self {
            speed_kernelscale: 1.0,
            speed_prescale: 1.0,
            speed_prescale_method: ResampleMethod::Nearest,
            speed_sigma_nn: 0.29,
            speed_nn_floor: 0.0,
            speed_max_val: 1000.0,
        }
    }
}

impl SpeedCommonOptions {
    /// Fails with [`Error::InvalidOption`] when a value lies outside libvmaf's range, or
    /// the kernel scale is not one libvmaf's filters support.
    pub fn validate(&self) -> Result<()> {
        in_range("speed_kernelscale", self.speed_kernelscale, 0.1, 4.0)?;
        in_range("speed_prescale", self.speed_prescale, 0.1, 4.0)?;
        in_range("speed_sigma_nn", self.speed_sigma_nn, 0.1, 2.0)?;
        in_range("speed_nn_floor", self.speed_nn_floor, 0.0, 1.0)?;
        in_range("speed_max_val", self.speed_max_val, 0.0, 1000.0)?;
        if !is_valid_kernelscale(self.speed_kernelscale as f32) {
            return Err(Error::InvalidOption(format!(
                "speed_kernelscale {} is not a supported kernel scale",
                self.speed_kernelscale
            )));
        }
        Ok(())
    }
}

/// Options of `speed_chroma`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpeedChromaOptions {
    /// The options shared with `speed_temporal`.
    pub common: SpeedCommonOptions,
    /// `speed_weight_var_mode` (alias `wvm`): how the block variances weight the
    /// entropies, 0..=6. Default 0.
    pub speed_weight_var_mode: i32,
}

impl SpeedChromaOptions {
    /// Fails with [`Error::InvalidOption`] when a value lies outside libvmaf's range.
    pub fn validate(&self) -> Result<()> {
        self.common.validate()?;
        if !(0..=6).contains(&self.speed_weight_var_mode) {
            return Err(Error::InvalidOption(format!(
                "speed_weight_var_mode {} is outside 0..=6",
                self.speed_weight_var_mode
            )));
        }
        Ok(())
    }
}

/// Options of `speed_temporal`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpeedTemporalOptions {
    /// The options shared with `speed_chroma`.
    pub common: SpeedCommonOptions,
    /// `speed_use_ref_diff` (alias `urd`): compare the distorted frame with the
    /// current reference frame instead of the current distorted one. Default false.
    pub speed_use_ref_diff: bool,
}

impl SpeedTemporalOptions {
    /// Fails with [`Error::InvalidOption`] when a value lies outside libvmaf's range.
    pub fn validate(&self) -> Result<()> {
        self.common.validate()
    }
}

fn in_range(name: &str, value: f64, min: f64, max: f64) -> Result<()> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!(
            "{name} {value} is outside {min}..={max}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(SpeedChromaOptions::default().validate().is_ok());
        assert!(SpeedTemporalOptions::default().validate().is_ok());
        let d = SpeedCommonOptions::default();
        assert_eq!(d.speed_sigma_nn, 0.29);
        assert_eq!(d.speed_max_val, 1000.0);
        assert_eq!(d.speed_prescale_method, ResampleMethod::Nearest);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let bad_common = [
            SpeedCommonOptions {
                speed_kernelscale: 5.0,
                ..Default::default()
            },
            SpeedCommonOptions {
                // Inside 0.1..=4 but not a supported filter stretch.
                speed_kernelscale: 1.3,
                ..Default::default()
            },
            SpeedCommonOptions {
                speed_prescale: 0.05,
                ..Default::default()
            },
            SpeedCommonOptions {
                speed_sigma_nn: 2.5,
                ..Default::default()
            },
            SpeedCommonOptions {
                speed_nn_floor: -0.1,
                ..Default::default()
            },
            SpeedCommonOptions {
                speed_max_val: 1000.5,
                ..Default::default()
            },
            SpeedCommonOptions {
                speed_sigma_nn: f64::NAN,
                ..Default::default()
            },
        ];
        for common in bad_common {
            let temporal = SpeedTemporalOptions {
                common: common.clone(),
                ..Default::default()
            };
            assert!(
                matches!(temporal.validate(), Err(Error::InvalidOption(_))),
                "{common:?}"
            );
        }
        for mode in [-1, 7] {
            let chroma = SpeedChromaOptions {
                speed_weight_var_mode: mode,
                ..Default::default()
            };
            assert!(matches!(chroma.validate(), Err(Error::InvalidOption(_))));
        }
        let model = SpeedChromaOptions {
            common: SpeedCommonOptions {
                speed_sigma_nn: 0.19,
                speed_nn_floor: 0.1,
                speed_max_val: 45.0,
                ..Default::default()
            },
            speed_weight_var_mode: 5,
        };
        assert!(model.validate().is_ok());
    }
}
