//! Without the kernel library (or without a GPU) every entry point must fail with a
//! reason, never panic; with an Intel GPU the kernels must equal the CPU.

use std::ffi::OsString;

use super::ffi::{self, LIBRARY_NAME};
use super::{devices, open};
use crate::backend::compute::contract;
use crate::error::Error;

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
                    loaded || reason.contains("vmafx/kernels/sycl/build.sh"),
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
fn first_device() -> Option<std::sync::Arc<dyn crate::backend::compute::ComputeDevice>> {
    contract::first_device(crate::backend::BackendKind::Sycl, devices(), open)
}

#[test]
fn copies_and_launches_on_a_device() {
    let Some(device) = first_device() else { return };
    contract::queue_contract(&device);
}

#[test]
fn the_extractors_on_a_device_equal_the_cpu() {
    let Some(device) = first_device() else { return };
    contract::extractors_equal_the_cpu(&device);
}
