//! What every compute device must do, as checks each backend's tests run on its device
//! (and the emulator's tests on the emulator): copies and launch errors behave, and the
//! three extractors give the CPU's values bit for bit.

use std::sync::Arc;

use super::LaunchShape;
use super::{adm_on, vif_on, ComputeDevice, ComputeMotion, DeviceBuffer, KernelArg};
use crate::feature::adm::AdmExtractor;
use crate::feature::motion::MotionSad;
use crate::feature::vif::{VifExtractor, VifOptions};
use crate::test_support::adm_cases::{adm_bits, adm_options};
use crate::test_support::pictures::{narrow, pair, plane, with_stride};

/// The first device a backend lists, for its device tests; `None`, after printing why,
/// where it lists none. `VMAFX_REQUIRE_<BACKEND>` (e.g. `VMAFX_REQUIRE_CUDA=1`) makes
/// that a failure, for runs on machines that have the GPU.
#[cfg(any(feature = "cuda", feature = "hip", feature = "sycl"))]
pub fn first_device(
    backend: crate::backend::BackendKind,
    devices: std::result::Result<Vec<String>, String>,
    open: impl FnOnce(usize) -> crate::Result<Arc<dyn ComputeDevice>>,
) -> Option<Arc<dyn ComputeDevice>> {
    let reason = match devices {
        Ok(names) if !names.is_empty() => {
            return Some(open(0).expect("a listed device opens"));
        }
        Ok(_) => format!("no {backend} device"),
        Err(reason) => format!("no {backend} device ({reason})"),
    };
    let variable = format!("VMAFX_REQUIRE_{}", backend.name().to_ascii_uppercase());
    let required = std::env::var(&variable).is_ok_and(|v| !v.is_empty() && v != "0");
    assert!(!required, "{variable} is set but there is {reason}");
    eprintln!("skipped: {reason}");
    None
}

/// Uploads come back as sent (also when a buffer is refilled before the queue waits),
/// `zero` clears, an oversized upload is refused, and a launch of an unknown kernel or
/// with the wrong parameters is an error rather than garbage on the device.
pub fn queue_contract(device: &Arc<dyn ComputeDevice>) {
    let mut queue = device.queue().unwrap();
    let buffer = DeviceBuffer::new(device, 1000).unwrap();
    let data: Vec<u8> = (0..1000).map(|i| (i * 7 % 251) as u8).collect();
    for round in 0..3u8 {
        let first: Vec<u8> = data.iter().map(|b| b.wrapping_add(round)).collect();
        let second: Vec<u8> = data.iter().map(|b| b.wrapping_mul(round + 3)).collect();
        queue.upload(&buffer, &first).unwrap();
        queue.upload(&buffer, &second).unwrap();
        let mut out = vec![0; 1000];
        queue.download(&buffer, &mut out).unwrap();
        assert_eq!(out, second, "round {round}");
    }
    queue.zero(&buffer).unwrap();
    let mut out = vec![1; 600];
    queue.download(&buffer, &mut out).unwrap();
    assert!(out.iter().all(|&b| b == 0));
    assert!(queue.upload(&buffer, &[0; 1001]).is_err());

    let shape = LaunchShape::covering(1, 1, [1, 1]);
    let error = queue.launch("no_such_kernel", shape, &[]).unwrap_err();
    assert!(error.to_string().contains("no kernel named"), "{error}");
    let error = queue
        .launch("motion_sad", shape, &[KernelArg::Buffer(&buffer)])
        .unwrap_err();
    assert!(error.to_string().contains("takes parameters"), "{error}");
}

/// VIF, ADM and motion on the device equal the CPU extractors on synthetic pairs of
/// several sizes (odd, padded rows, up to 1080p) and depths, scoring each extractor
/// twice so that one frame's sums cannot leak into the next.
pub fn extractors_equal_the_cpu(device: &Arc<dyn ComputeDevice>) {
    let cases = [
        (33, 33, 8),
        (101, 37, 10),
        (176, 144, 12),
        (352, 288, 8),
        (97, 61, 16),
        (1920, 1080, 8),
    ];
    for (k, (w, h, depth)) in cases.into_iter().enumerate() {
        let seed = k as u64 + 1;
        let pad = k % 3;
        let (a, b) = pair(w, h, depth, seed % 4, seed);
        let (a, b) = (
            with_stride(&a, w, w + pad, 7),
            with_stride(&b, w, w + pad, 9),
        );
        let (na, nb) = (narrow(&a), narrow(&b));
        let r = plane(&a, &na, w, h, w + pad, depth);
        let d = plane(&b, &nb, w, h, w + pad, depth);
        let what = format!("{w}x{h} {depth}-bit");

        let vif_options = VifOptions {
            enhn_gain_limit: if k % 2 == 0 { 100.0 } else { 1.0 },
            ..VifOptions::default()
        };
        let want = VifExtractor::new(w, h, depth, vif_options)
            .unwrap()
            .extract(r, d)
            .unwrap();
        let mut vif = vif_on(device, w, h, depth, vif_options).unwrap();
        for _ in 0..2 {
            let got = vif.extract(r, d).unwrap();
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "VIF {what}");
        }

        let adm_options = adm_options(k as u64);
        let want = AdmExtractor::new(w, h, depth, adm_options)
            .unwrap()
            .extract(r, d)
            .unwrap();
        let mut adm = adm_on(device, w, h, depth, adm_options).unwrap();
        for _ in 0..2 {
            let got = adm.extract(r, d).unwrap();
            assert_eq!(
                adm_bits(&got),
                adm_bits(&want),
                "ADM {what} {adm_options:?}"
            );
        }

        let want = MotionSad::new(w, h, depth).unwrap().sad(r, d).unwrap();
        let mut motion = ComputeMotion::new(device, w, h, depth).unwrap();
        for _ in 0..2 {
            assert_eq!(motion.sad(r, d).unwrap(), want, "motion {what}");
        }
    }
}
