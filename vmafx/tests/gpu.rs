//! The GPU test suite: every conformance pair scored on each GPU backend this build has
//! (CUDA, HIP, SYCL; Vulkan when it finds a hardware device), against the CPU backend in
//! the same run: every value of every frame must be equal bit for bit, for a model with
//! the default gain limits and one (`vmaf_v0.6.1neg`) with its limits set to one.
//!
//! A backend that cannot start is skipped with its reason printed. `VMAFX_REQUIRE_GPU`
//! (a comma-separated list of backend names) turns those skips into failures, for runs
//! on machines that do have the GPU.
//!
//! Timings do not belong here: `vmafx-bench backends` measures fps side by side.

mod common;

use std::path::Path;
use std::time::Instant;

use serde_json::Value;
use vmafx::backend::{self, BackendKind};
use vmafx::io::InputKind;
use vmafx::{Model, Report, ScoreJob, ScorerBuilder};

fn required() -> Vec<String> {
    std::env::var("VMAFX_REQUIRE_GPU")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn score(dir: &Path, pair: &Value, model: &str, backend: BackendKind) -> Report {
    let scorer = ScorerBuilder::new()
        .model(Model::builtin(model).expect("built-in model"))
        .backend(backend)
        .threads(2);
    let job = ScoreJob::new(
        dir.join(pair["ref"].as_str().expect("ref")),
        dir.join(pair["dist"].as_str().expect("dist")),
        InputKind::Y4m,
    );
    job.run(scorer, |_| {})
        .unwrap_or_else(|e| panic!("{} on {backend}: {e}", pair["name"]))
        .report
}

/// Scores every pair on `kind` and on the CPU; panics on the first difference.
fn check_backend(dir: &Path, kind: BackendKind) {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut frames = 0;
    let started = Instant::now();
    for pair in manifest["pairs"].as_array().expect("pairs") {
        let name = pair["name"].as_str().expect("name");
        for model in ["vmaf_v0.6.1", "vmaf_v0.6.1neg"] {
            let gpu = score(dir, pair, model, kind);
            let cpu = score(dir, pair, model, BackendKind::Cpu);
            assert!(
                gpu.backend.starts_with(kind.name()),
                "{name}: ran on {}",
                gpu.backend
            );
            assert_eq!(gpu.metrics, cpu.metrics, "{name} {model}");
            assert_eq!(gpu.frames.len(), cpu.frames.len(), "{name} {model}");
            for (g, c) in gpu.frames.iter().zip(&cpu.frames) {
                for ((metric, a), b) in gpu.metrics.iter().zip(&g.values).zip(&c.values) {
                    assert_eq!(
                        a.to_bits(),
                        b.to_bits(),
                        "{name} {model} frame {} {metric}: {kind} {a} vs cpu {b}",
                        g.index
                    );
                }
            }
            frames += gpu.frames.len();
        }
    }
    eprintln!(
        "{kind}: {frames} frames of every conformance pair equal to the CPU's, bit for bit ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn every_gpu_backend_equals_the_cpu_on_the_conformance_pairs() {
    let required = required();
    let Some(dir) = common::corpus_dir() else {
        assert!(
            required.is_empty(),
            "VMAFX_REQUIRE_GPU is set but the corpus is missing"
        );
        eprintln!("skipped: conformance corpus not found");
        return;
    };
    for kind in [
        BackendKind::Cuda,
        BackendKind::Hip,
        BackendKind::Sycl,
        BackendKind::Vulkan,
    ] {
        let probe = backend::probe(kind);
        let wanted = required.iter().any(|r| r == kind.name());
        // lavapipe (a CPU rasteriser) is covered by CI's Vulkan conformance run.
        let software =
            kind == BackendKind::Vulkan && probe.devices.iter().all(|d| d.contains("llvmpipe"));
        match probe.unavailable {
            Some(reason) => {
                assert!(!wanted, "{kind} is required but cannot start: {reason}");
                eprintln!("skipped: {reason}");
            }
            None if software && !wanted => {
                eprintln!(
                    "skipped: {kind}: only a software device ({:?})",
                    probe.devices
                )
            }
            None => check_backend(&dir, kind),
        }
    }
}
