//! A device is checked before it scores anything: small synthetic pairs go through its
//! VIF, ADM and motion kernels and must give the CPU extractors' values exactly. A
//! device whose compiler or hardware computes differently is refused with the reason,
//! rather than trusted to produce different scores.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use super::{ComputeAdm, ComputeDevice, ComputeMotion, ComputeVif};
use crate::error::{Error, Result};
use crate::feature::adm::{AdmExtractor, AdmOnDevice, AdmOptions, AdmPlan};
use crate::feature::motion::MotionSad;
use crate::feature::vif::{VifExtractor, VifOnDevice, VifOptions, VifPlan};
use crate::frame::{Plane, PlaneRef};

/// The checked sizes and depths: an odd size at 10 bits and an even one at 8, each
/// large enough for every ADM level and VIF scale.
const CASES: [(usize, usize, u8); 2] = [(83, 61, 10), (96, 64, 8)];

/// Scores the synthetic pairs on `device` and on the CPU; an error unless they agree.
pub fn self_check(device: &Arc<dyn ComputeDevice>) -> Result<()> {
    for (width, height, depth) in CASES {
        let (reference, distorted) = pictures(width, height, depth);
        let narrow = |v: &[u16]| v.iter().map(|&s| s as u8).collect::<Vec<u8>>();
        let (reference8, distorted8) = (narrow(&reference), narrow(&distorted));
        let r = plane(&reference, &reference8, width, height, depth)?;
        let d = plane(&distorted, &distorted8, width, height, depth)?;
        let what = format!("{width}x{height} {depth}-bit");

        let vif_options = VifOptions::default();
        let cpu = VifExtractor::new(width, height, depth, vif_options)?.extract(r, d)?;
        let gpu = vif_on(device, width, height, depth, vif_options)?.extract(r, d)?;
        agree(device, "VIF", &what, format!("{cpu:?}"), format!("{gpu:?}"))?;

        let adm_options = AdmOptions::default();
        let cpu = AdmExtractor::new(width, height, depth, adm_options)?.extract(r, d)?;
        let gpu = adm_on(device, width, height, depth, adm_options)?.extract(r, d)?;
        agree(device, "ADM", &what, format!("{cpu:?}"), format!("{gpu:?}"))?;

        let cpu = MotionSad::new(width, height, depth)?.sad(r, d)?;
        let gpu = ComputeMotion::new(device, width, height, depth)?.sad(r, d)?;
        agree(device, "motion", &what, cpu.to_string(), gpu.to_string())?;
    }
    Ok(())
}

/// Integer VIF on `device` as the scorer runs it: the metric's plan, the device's sums
/// and the metric's finishing.
pub(crate) fn vif_on(
    device: &Arc<dyn ComputeDevice>,
    width: usize,
    height: usize,
    depth: u8,
    options: VifOptions,
) -> Result<VifOnDevice<ComputeVif>> {
    let plan = VifPlan::new(width, height, depth, options)?;
    Ok(VifOnDevice::new(plan, ComputeVif::new(device, &plan)?))
}

/// Integer ADM on `device` as the scorer runs it.
pub(crate) fn adm_on(
    device: &Arc<dyn ComputeDevice>,
    width: usize,
    height: usize,
    depth: u8,
    options: AdmOptions,
) -> Result<AdmOnDevice<ComputeAdm>> {
    let plan = AdmPlan::new(width, height, depth, options)?;
    let sums = ComputeAdm::new(device, &plan)?;
    Ok(AdmOnDevice::new(plan, sums))
}

/// `device` once it has passed [`self_check`]; the result is remembered per backend and
/// device name for the life of the process, so scorers after the first pay nothing.
pub fn checked(device: Arc<dyn ComputeDevice>) -> Result<Arc<dyn ComputeDevice>> {
    static PASSED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let key = format!("{}/{}", device.backend(), device.name());
    let passed = |set: &BTreeSet<String>| set.contains(&key);
    if passed(&PASSED.lock().unwrap_or_else(PoisonError::into_inner)) {
        return Ok(device);
    }
    self_check(&device)?;
    PASSED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key);
    Ok(device)
}

/// The plane of the right sample type for `depth`.
fn plane<'a>(
    wide: &'a [u16],
    bytes: &'a [u8],
    width: usize,
    height: usize,
    depth: u8,
) -> Result<PlaneRef<'a>> {
    Ok(if depth > 8 {
        PlaneRef::U16(Plane::new(wide, width, height, width)?)
    } else {
        PlaneRef::U8(Plane::new(bytes, width, height, width)?)
    })
}

/// Values are compared through their shortest round-trip text: equal text, equal bits.
fn agree(
    device: &Arc<dyn ComputeDevice>,
    feature: &str,
    case: &str,
    cpu: String,
    gpu: String,
) -> Result<()> {
    if cpu == gpu {
        return Ok(());
    }
    Err(Error::Backend(format!(
        "{}: {} fails its self-check: {feature} of a {case} test pair differs from the CPU's \
         (device {gpu}, CPU {cpu})",
        device.backend(),
        device.name()
    )))
}

/// A textured reference (gradients, a hashed grain, flat blocks) and a distorted copy
/// (blurred, brightened and noisy in turn by region) of `width x height` at `depth` bits.
fn pictures(width: usize, height: usize, depth: u8) -> (Vec<u16>, Vec<u16>) {
    let max = (1u32 << depth) - 1;
    let scale = |v: u32| (v * max / 255) as u16;
    let hash = |x: usize, y: usize| {
        let mut h = (x as u32).wrapping_mul(0x9E37_79B1) ^ (y as u32).wrapping_mul(0x85EB_CA77);
        h ^= h >> 15;
        h = h.wrapping_mul(0x2C1B_3C6D);
        h ^ (h >> 12)
    };
    let reference: Vec<u32> = (0..width * height)
        .map(|i| {
            let (x, y) = (i % width, i / width);
            if (x / 8 + y / 8) % 5 == 0 {
                return 100;
            }
            let gradient = (x * 3 + y * 2) % 160;
            (40 + gradient as u32 + hash(x, y) % 48).min(255)
        })
        .collect();
    let distorted: Vec<u16> = (0..width * height)
        .map(|i| {
            let (x, y) = (i % width, i / width);
            let at = |dx: isize, dy: isize| {
                let xx = (x as isize + dx).clamp(0, width as isize - 1) as usize;
                let yy = (y as isize + dy).clamp(0, height as isize - 1) as usize;
                reference[yy * width + xx]
            };
            let value = match (x * 3 / width + y * 2 / height) % 3 {
                0 => (at(-1, 0) + at(1, 0) + at(0, -1) + at(0, 1) + 4 * at(0, 0)) / 8,
                1 => (at(0, 0) * 5 / 4).min(255),
                _ => (at(0, 0) + hash(y, x) % 21).saturating_sub(10).min(255),
            };
            scale(value)
        })
        .collect();
    (reference.into_iter().map(scale).collect(), distorted)
}

#[cfg(all(test, feature = "gpu-emulator"))]
mod tests {
    use super::*;
    use crate::backend::compute::emulator::EmulatedDevice;

    #[test]
    fn the_emulated_device_passes() {
        self_check(&EmulatedDevice::open()).unwrap();
    }

    #[test]
    fn a_difference_is_reported_with_both_values() {
        let device = EmulatedDevice::open();
        let error = agree(&device, "VIF", "8x8 8-bit", "1.0".into(), "1.5".into()).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("self-check") && text.contains("device 1.5, CPU 1.0"),
            "{text}"
        );
        let (a, b) = pictures(40, 40, 8);
        assert_ne!(a, b);
        assert!(a.iter().chain(&b).all(|&s| s <= 255));
    }
}
