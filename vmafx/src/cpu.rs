//! The instruction-set level kernels may use, decided once per process.
//!
//! `VMAFX_CPU=scalar|avx2|avx512|neon` caps the level (handy for tests and bug reports);
//! a cap above what the processor supports is lowered to what it supports.

use std::sync::OnceLock;

use crate::error::{Error, Result};

/// Kernel variants, from the portable reference upwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CpuLevel {
    /// Plain Rust: the reference every other level must equal.
    Scalar,
    /// x86_64 with AVX2 (and FMA, BMI2 — not used in arithmetic that must be exact).
    Avx2,
    /// x86_64 with AVX-512 F/BW/DQ/VL.
    Avx512,
    /// aarch64 with NEON.
    Neon,
}

impl CpuLevel {
    /// The name `VMAFX_CPU` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
            Self::Neon => "neon",
        }
    }

    /// Every level this processor can run, lowest first.
    pub fn supported() -> Vec<CpuLevel> {
        let mut levels = vec![Self::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                levels.push(Self::Avx2);
                let avx512 = std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512bw")
                    && std::is_x86_feature_detected!("avx512dq")
                    && std::is_x86_feature_detected!("avx512vl");
                if avx512 {
                    levels.push(Self::Avx512);
                }
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            if std::arch::is_aarch64_feature_detected!("neon") {
                levels.push(Self::Neon);
            }
        }
        levels
    }

    /// The best supported level not above `cap`.
    pub fn capped(cap: CpuLevel) -> CpuLevel {
        Self::supported()
            .into_iter()
            .filter(|l| *l <= cap)
            .max()
            .unwrap_or(Self::Scalar)
    }
}

impl std::str::FromStr for CpuLevel {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scalar" | "c" | "none" => Ok(Self::Scalar),
            "avx2" => Ok(Self::Avx2),
            "avx512" => Ok(Self::Avx512),
            "neon" => Ok(Self::Neon),
            other => Err(Error::InvalidOption(format!(
                "unknown CPU level {other:?} (expected scalar, avx2, avx512 or neon)"
            ))),
        }
    }
}

/// The level kernels use in this process: the best supported one, capped by `VMAFX_CPU`.
/// An unreadable `VMAFX_CPU` falls back to scalar, the safe choice, rather than failing.
pub fn level() -> CpuLevel {
    static LEVEL: OnceLock<CpuLevel> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let best = CpuLevel::supported()
            .into_iter()
            .max()
            .unwrap_or(CpuLevel::Scalar);
        match std::env::var("VMAFX_CPU") {
            Ok(cap) => cap
                .parse()
                .map(CpuLevel::capped)
                .unwrap_or(CpuLevel::Scalar),
            Err(_) => best,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_is_always_supported_and_capping_never_raises() {
        let supported = CpuLevel::supported();
        assert_eq!(supported[0], CpuLevel::Scalar);
        assert_eq!(CpuLevel::capped(CpuLevel::Scalar), CpuLevel::Scalar);
        for level in supported {
            assert!(CpuLevel::capped(level) <= level);
            assert_eq!(level.name().parse::<CpuLevel>().unwrap(), level);
        }
        assert!("sse9".parse::<CpuLevel>().is_err());
    }
}
