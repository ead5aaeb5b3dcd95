//! The instruction-set level kernels may use, decided once per process. This is the one
//! place that asks the processor what it supports: kernels ask [`CpuLevel::is_supported`]
//! and [`CpuLevel::has_dot_product`], never the processor directly.
//!
//! `VMAFX_CPU=scalar|avx2|avx512` caps the level (handy for tests and bug reports); a
//! cap above what the processor supports is lowered to what it supports. Other
//! processors run the scalar reference.

use std::io::Write;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// Kernel variants, from the portable reference upwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CpuLevel {
    /// Plain Rust: the reference every other level must equal.
    Scalar,
    /// x86_64 with AVX2 (and FMA, BMI2 — not used in arithmetic that must be exact).
    Avx2,
    /// x86_64 with AVX-512 F/BW/DQ/VL (and AVX2, POPCNT).
    Avx512,
}

/// What the processor supports, detected once.
#[derive(Debug)]
struct Detected {
    /// Supported levels, lowest first.
    levels: Vec<CpuLevel>,
    /// AVX-VNNI: fused 16-bit dot products on 256-bit vectors.
    avx_vnni: bool,
    /// AVX512-VNNI: fused 16-bit dot products on 512-bit vectors.
    avx512_vnni: bool,
}

fn detected() -> &'static Detected {
    static DETECTED: OnceLock<Detected> = OnceLock::new();
    DETECTED.get_or_init(detect)
}

#[cfg(target_arch = "x86_64")]
fn detect() -> Detected {
    use std::is_x86_feature_detected as has;
    let mut levels = vec![CpuLevel::Scalar];
    let avx2 = has!("avx2") && has!("fma");
    let avx512 = avx2
        && has!("avx512f")
        && has!("avx512bw")
        && has!("avx512dq")
        && has!("avx512vl")
        && has!("popcnt");
    if avx2 {
        levels.push(CpuLevel::Avx2);
    }
    if avx512 {
        levels.push(CpuLevel::Avx512);
    }
    Detected {
        levels,
        avx_vnni: avx2 && has!("avxvnni"),
        avx512_vnni: avx512 && has!("avx512vnni"),
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> Detected {
    Detected {
        levels: vec![CpuLevel::Scalar],
        avx_vnni: false,
        avx512_vnni: false,
    }
}

impl CpuLevel {
    /// The name `VMAFX_CPU` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
        }
    }

    /// Every level this processor can run, lowest first.
    pub fn supported() -> Vec<CpuLevel> {
        detected().levels.clone()
    }

    /// Whether this processor runs every instruction of this level.
    pub fn is_supported(self) -> bool {
        detected().levels.contains(&self)
    }

    /// Whether this processor, at this level, fuses 16-bit dot products into their
    /// accumulation (`vpdpwssd`: AVX-VNNI at AVX2, AVX512-VNNI at AVX-512).
    pub fn has_dot_product(self) -> bool {
        let d = detected();
        match self {
            Self::Scalar => false,
            Self::Avx2 => d.avx_vnni,
            Self::Avx512 => d.avx512_vnni,
        }
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
            other => Err(Error::InvalidOption(format!(
                "unknown CPU level {other:?} (expected scalar, avx2 or avx512)"
            ))),
        }
    }
}

/// The cap `VMAFX_CPU` sets: `None` when it is unset or empty, an error naming the valid
/// values when it is not one of them.
pub fn env_cap() -> Result<Option<CpuLevel>> {
    parse_cap(std::env::var_os("VMAFX_CPU").as_deref())
}

/// Reads a `VMAFX_CPU` value (`None`: the variable is unset).
fn parse_cap(value: Option<&std::ffi::OsStr>) -> Result<Option<CpuLevel>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let text = value.to_str().ok_or_else(|| {
        Error::InvalidOption("VMAFX_CPU is not valid text (expected scalar, avx2 or avx512)".into())
    })?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        Error::InvalidOption(format!(
            "VMAFX_CPU={text:?} is not a CPU level (expected scalar, avx2 or avx512)"
        ))
    })
}

/// The level kernels use in this process: the best supported one, capped by `VMAFX_CPU`.
/// An unreadable `VMAFX_CPU` falls back to scalar, the safe choice, with one warning on
/// standard error (programs that want an error call [`env_cap`] first).
pub fn level() -> CpuLevel {
    static LEVEL: OnceLock<CpuLevel> = OnceLock::new();
    *LEVEL.get_or_init(|| match env_cap() {
        Ok(Some(cap)) => CpuLevel::capped(cap),
        Ok(None) => CpuLevel::supported()
            .into_iter()
            .max()
            .unwrap_or(CpuLevel::Scalar),
        Err(error) => {
            // Runs once per process, inside the `OnceLock`. A closed stderr must not stop
            // scoring, so the write's own failure is ignored.
            let _ = writeln!(
                std::io::stderr(),
                "vmafx: warning: {error}; running the scalar kernels"
            );
            CpuLevel::Scalar
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
            assert!(level.is_supported());
            assert!(CpuLevel::capped(level) <= level);
            assert_eq!(level.name().parse::<CpuLevel>().unwrap(), level);
        }
        assert!("sse9".parse::<CpuLevel>().is_err());
        assert!("neon".parse::<CpuLevel>().is_err());
        assert!(!CpuLevel::Scalar.has_dot_product());
    }

    #[test]
    fn cap_values() {
        use std::ffi::OsStr;
        assert_eq!(parse_cap(None).unwrap(), None);
        assert_eq!(parse_cap(Some(OsStr::new(""))).unwrap(), None);
        assert_eq!(
            parse_cap(Some(OsStr::new("AVX2"))).unwrap(),
            Some(CpuLevel::Avx2)
        );
        assert_eq!(
            parse_cap(Some(OsStr::new("scalar"))).unwrap(),
            Some(CpuLevel::Scalar)
        );
        let error = parse_cap(Some(OsStr::new("junk"))).unwrap_err().to_string();
        assert!(
            error.contains("VMAFX_CPU") && error.contains("scalar, avx2 or avx512"),
            "{error}"
        );
    }
}
