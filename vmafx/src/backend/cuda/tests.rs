//! The CUDA backend's tests. Without a GPU they check that probing fails with a reason
//! instead of a panic; with NVRTC (no GPU needed) that the whole kernel source compiles
//! for the A100 (sm_80) and the H100 (sm_90), and with `ptxas` that the PTX assembles;
//! with a GPU that the kernels give the CPU's values.
//!
//! Missing pieces make a test print "skipped: ..." and pass, unless
//! `VMAFX_REQUIRE_NVRTC=1`, `VMAFX_REQUIRE_PTXAS=1` or `VMAFX_REQUIRE_CUDA=1` asks for
//! them (`vmafx/kernels/cuda/check.sh` sets the first two).

use std::path::PathBuf;

use super::compile::{self, Target};
use super::{devices, open};
use crate::backend::compute::{contract, source};
use crate::error::Error;

/// Whether the environment variable asks for a piece to be present.
fn required(variable: &str) -> bool {
    std::env::var(variable).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Skips (returns `None`) or, when `variable` requires it, fails.
fn skip<T>(variable: &str, why: &str) -> Option<T> {
    assert!(!required(variable), "{variable} is set but {why}");
    eprintln!("skipped: {why}");
    None
}

/// The first device, or `None` (printing why) when there is none.
fn device() -> Option<std::sync::Arc<dyn crate::backend::compute::ComputeDevice>> {
    contract::first_device(crate::backend::BackendKind::Cuda, devices(), open)
}

#[test]
fn without_a_device_probing_and_opening_are_errors_with_reasons() {
    let Err(reason) = devices() else {
        eprintln!("skipped: a CUDA device is present");
        return;
    };
    assert!(reason.starts_with("cuda: "), "{reason}");
    eprintln!("devices(): {reason}");
    match open(0) {
        Err(Error::Backend(why)) => assert!(why.starts_with("cuda: "), "{why}"),
        other => panic!("open(0) gave {other:?}"),
    }
}

#[test]
fn the_kernels_compile_for_the_a100_and_the_h100() {
    if let Err(why) = compile::nvrtc_ready() {
        skip::<()>("VMAFX_REQUIRE_NVRTC", &why);
        return;
    }
    let (major, minor) = compile::version().unwrap();
    let supported = compile::supported_archs().unwrap();
    eprintln!("NVRTC {major}.{minor}, architectures {supported:?}");
    let unit = source::translation_unit();
    let names = source::kernel_names();
    let ptxas = ptxas();
    for sm in [80, 90] {
        assert!(supported.contains(&sm), "NVRTC lacks sm_{sm}");
        let image = compile::compile(&unit, Target::Ptx(sm)).unwrap();
        let ptx = image.ptx().expect("PTX text");
        for name in &names {
            assert!(
                ptx.contains(&format!(".entry {name}(")),
                "sm_{sm}: no .entry {name}"
            );
        }
        // `--fmad=false`: floating-point operations stay unfused, as on the CPU.
        assert!(
            !ptx.contains("fma.rn.f"),
            "sm_{sm}: PTX holds a fused multiply-add"
        );
        let cubin = compile::compile(&unit, Target::Cubin(sm)).unwrap();
        assert!(
            cubin.bytes.starts_with(b"\x7fELF"),
            "sm_{sm}: not an ELF CUBIN"
        );
        for name in &names {
            let found = cubin
                .bytes
                .windows(name.len())
                .any(|w| w == name.as_bytes());
            assert!(found, "sm_{sm}: CUBIN lacks {name}");
        }
        eprintln!(
            "sm_{sm}: {} kernels, PTX {} bytes, CUBIN {} bytes",
            names.len(),
            ptx.len(),
            cubin.bytes.len()
        );
        match &ptxas {
            Some(ptxas) => assemble(ptxas, ptx, sm),
            None if sm == 90 => {
                skip::<()>("VMAFX_REQUIRE_PTXAS", "ptxas not found (PATH, VMAFX_PTXAS)");
            }
            None => {}
        }
    }
}

#[test]
fn a_compile_error_carries_the_log() {
    if compile::nvrtc_ready().is_err() {
        eprintln!("skipped: no NVRTC");
        return;
    }
    let error = compile::compile("VMAFX_KERNEL void broken(", Target::Ptx(80))
        .unwrap_err()
        .to_string();
    assert!(error.contains("NVRTC_ERROR_COMPILATION"), "{error}");
    assert!(error.contains("log:") && error.contains("error"), "{error}");
}

#[test]
fn floating_point_stays_unfused() {
    if compile::nvrtc_ready().is_err() {
        eprintln!("skipped: no NVRTC");
        return;
    }
    // NVRTC fuses this into one fma.rn.f64 by default; the CPU rounds twice.
    let source = "extern \"C\" __global__ void f(double *p) { p[0] = p[1] * p[2] + p[3]; }";
    let image = compile::compile(source, Target::Ptx(90)).unwrap();
    let ptx = image.ptx().unwrap();
    assert!(
        ptx.contains("mul.rn.f64") && ptx.contains("add.rn.f64"),
        "{ptx}"
    );
    assert!(!ptx.contains("fma"), "{ptx}");
}

/// `ptxas`: `VMAFX_PTXAS`, else the first on `PATH`.
fn ptxas() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("VMAFX_PTXAS").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("ptxas"))
        .find(|candidate| candidate.is_file())
}

/// Assembles `ptx` for `sm_{sm}` with `ptxas`, which must succeed.
fn assemble(ptxas: &PathBuf, ptx: &str, sm: u32) {
    let dir = std::env::temp_dir().join(format!("vmafx-cuda-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join(format!("kernels_{sm}.ptx"));
    std::fs::write(&input, ptx).unwrap();
    let output = std::process::Command::new(ptxas)
        .arg(format!("-arch=sm_{sm}"))
        .arg("-v")
        .arg("-o")
        .arg(dir.join(format!("kernels_{sm}.cubin")))
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", ptxas.display()));
    let log = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "ptxas sm_{sm} failed:\n{log}");
    eprintln!("ptxas sm_{sm}: ok\n{}", log.trim_end());
}

#[test]
fn buffers_round_trip_and_launches_are_checked() {
    let Some(device) = device() else { return };
    assert_eq!(device.backend(), crate::backend::BackendKind::Cuda);
    contract::queue_contract(&device);
}

#[test]
fn the_extractors_on_the_gpu_equal_the_cpu() {
    let Some(device) = device() else { return };
    contract::extractors_equal_the_cpu(&device);
}
