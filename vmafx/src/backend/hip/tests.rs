//! Without ROCm every entry point must fail with a reason, never panic; with hiprtc
//! the kernels must compile offline; with an AMD GPU they must equal the CPU.
//!
//! Set `VMAFX_REQUIRE_HIPRTC=1` to make a missing hiprtc fail the compile tests instead
//! of skipping them (CI installs ROCm's hiprtc).

use super::compile::{compile, options};
use super::ffi::{self, Rtc};
use super::{devices, open};
use crate::backend::compute::{contract, source};
use crate::error::Error;

/// An architecture ROCm 5.2 and later compile for (ROCm 5.2's hiprtc aborts on names it
/// does not know, so the test keeps to one every release supports).
const OFFLINE_ARCH: &str = "gfx90a";

fn hiprtc() -> Option<&'static Rtc> {
    let found = ffi::runtime().and_then(|runtime| runtime.rtc());
    match found {
        Ok(rtc) => Some(rtc),
        Err(reason) if std::env::var_os("VMAFX_REQUIRE_HIPRTC").is_some() => {
            panic!("VMAFX_REQUIRE_HIPRTC is set but hiprtc is unavailable: {reason}")
        }
        Err(reason) => {
            eprintln!("skipped: hiprtc unavailable ({reason})");
            None
        }
    }
}

#[test]
fn a_missing_runtime_is_an_error_not_a_panic() {
    let error = ffi::load(&["libvmafx-no-such-hip.so"], &["libvmafx-no-such-rtc.so"])
        .err()
        .expect("a library that does not exist cannot load");
    assert!(error.contains("ROCm runtime not found"), "{error}");
    assert!(error.contains("libvmafx-no-such-hip.so"), "{error}");
}

#[test]
fn without_a_device_listing_and_opening_say_why() {
    match devices() {
        Ok(names) if !names.is_empty() => eprintln!("hip devices: {names:?}"),
        Ok(_) => assert!(open(0).is_err()),
        Err(reason) => {
            assert!(reason.starts_with("hip: "), "{reason}");
            let error = open(0).unwrap_err();
            assert!(
                matches!(&error, Error::Backend(m) if m.starts_with("hip: ")),
                "{error}"
            );
        }
    }
    assert!(open(1 << 20).is_err());
}

#[test]
fn compile_options_keep_floating_point_unfused() {
    let options = options("gfx90a:sramecc+:xnack-");
    assert!(options.contains(&"--offload-arch=gfx90a:sramecc+:xnack-".to_string()));
    assert!(options.contains(&"-ffp-contract=off".to_string()));
    assert!(options.contains(&"-std=c++17".to_string()));
}

#[test]
fn the_kernels_compile_offline() {
    let Some(rtc) = hiprtc() else { return };
    let code = compile(rtc, &source::translation_unit(), OFFLINE_ARCH).unwrap();
    // A code object (ELF) or a clang offload bundle holding one.
    assert!(
        code.starts_with(b"\x7fELF") || code.starts_with(b"__CLANG_OFFLOAD_BUNDLE__"),
        "{:?}",
        &code[..code.len().min(32)]
    );
    // Every listed kernel is in it under its own (unmangled) name.
    for name in source::kernel_names() {
        let symbol = format!("{name}.kd");
        assert!(
            code.windows(symbol.len()).any(|w| w == symbol.as_bytes()),
            "{name} missing from the code object"
        );
    }
}

#[test]
fn a_compile_error_comes_with_the_compiler_log() {
    let Some(rtc) = hiprtc() else { return };
    let broken = format!(
        "{}\nVMAFX_KERNEL void broken(uint32_t *out) {{ *out = undeclared_name; }}\n",
        source::translation_unit()
    );
    let error = compile(rtc, &broken, OFFLINE_ARCH).unwrap_err().to_string();
    assert!(error.contains("hip: hiprtc:"), "{error}");
    assert!(error.contains("undeclared_name"), "{error}");
}

/// The first device, or `None` (printing why) when there is none.
fn first_device() -> Option<std::sync::Arc<dyn crate::backend::compute::ComputeDevice>> {
    contract::first_device(crate::backend::BackendKind::Hip, devices(), open)
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
