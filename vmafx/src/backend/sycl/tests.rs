//! Without the kernel library (or without a GPU) every entry point must fail with a
//! reason, never panic; with an Intel GPU the kernels must equal the CPU.

use std::ffi::OsString;

use super::ffi::{self, LIBRARY_NAME};
use super::{devices, open};
use crate::backend::compute::{ComputeDevice, ComputeMotion, DeviceBuffer, KernelArg, LaunchShape};
use crate::error::Error;
use crate::feature::motion::MotionSad;
use crate::test_support::pictures::{narrow, pair, plane};

#[test]
fn a_missing_library_is_an_error_not_a_panic() {
    let error = ffi::load(OsString::from("/nonexistent/libvmafx_sycl.so"))
        .err()
        .expect("a library that does not exist cannot load");
    assert!(error.contains("/nonexistent/libvmafx_sycl.so"), "{error}");
}

#[test]
fn without_the_library_or_a_gpu_listing_and_opening_say_why() {
    match devices() {
        Ok(names) if !names.is_empty() => eprintln!("sycl devices: {names:?}"),
        Ok(_) => assert!(open(0).is_err()),
        Err(reason) => {
            assert!(reason.starts_with("sycl: "), "{reason}");
            if std::env::var_os(ffi::LIBRARY_VARIABLE).is_none() {
                // Not found by name: the message says how to build it.
                let loaded = ffi::library().is_ok();
                assert!(
                    loaded || reason.contains("kernels/sycl/build.sh"),
                    "{reason}"
                );
                assert!(loaded || reason.contains(LIBRARY_NAME), "{reason}");
            }
            let error = open(0).unwrap_err();
            assert!(
                matches!(&error, Error::Backend(m) if m.starts_with("sycl: ")),
                "{error}"
            );
        }
    }
    assert!(open(1 << 20).is_err());
}

/// The first device, or `None` (printing why) when there is none.
fn first_device() -> Option<std::sync::Arc<dyn ComputeDevice>> {
    match devices() {
        Ok(names) if !names.is_empty() => Some(open(0).unwrap()),
        Ok(_) => {
            eprintln!("skipped: no SYCL GPU");
            None
        }
        Err(reason) => {
            eprintln!("skipped: no SYCL GPU ({reason})");
            None
        }
    }
}

#[test]
fn copies_and_launch_errors_on_a_device() {
    let Some(device) = first_device() else { return };
    let mut queue = device.queue().unwrap();
    let buffer = DeviceBuffer::new(&device, 4096).unwrap();
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 7) as u8).collect();
    queue.upload(&buffer, &data).unwrap();
    let mut back = vec![0u8; 4096];
    queue.download(&buffer, &mut back).unwrap();
    assert_eq!(back, data);
    queue.zero(&buffer).unwrap();
    queue.download(&buffer, &mut back).unwrap();
    assert!(back.iter().all(|&b| b == 0));
    let shape = LaunchShape::covering(1, 1, [1, 1]);
    let error = queue
        .launch("no_such_kernel", shape, &[KernelArg::U32(0)])
        .unwrap_err();
    assert!(error.to_string().contains("no kernel named"), "{error}");
    let error = queue.launch("motion_sad", shape, &[]).unwrap_err();
    assert!(error.to_string().contains("wrong number"), "{error}");
}

#[test]
fn motion_on_a_device_equals_the_cpu() {
    let Some(device) = first_device() else { return };
    for (w, h, depth) in [(3, 3, 8), (101, 37, 10), (352, 288, 8), (1920, 1080, 8)] {
        let mut gpu = ComputeMotion::new(&device, w, h, depth).unwrap();
        for seed in 0..3 {
            let (a, b) = pair(w, h, depth, seed, 11 + seed);
            let (na, nb) = (narrow(&a), narrow(&b));
            let earlier = plane(&a, &na, w, h, w, depth);
            let current = plane(&b, &nb, w, h, w, depth);
            let expected = MotionSad::new(w, h, depth)
                .unwrap()
                .sad(earlier, current)
                .unwrap();
            assert_eq!(gpu.sad(earlier, current).unwrap(), expected, "{w}x{h}");
        }
    }
}
