//! The committed SPIR-V must be what `vmafx/kernels/vulkan/build.sh` makes of the sources.

use std::path::Path;
use std::process::Command;

#[test]
fn committed_spirv_matches_the_sources() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("kernels/vulkan/build.sh");
    let Ok(output) = Command::new("bash").arg(&script).arg("--check").output() else {
        eprintln!("skipped: bash not available");
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprint!("{stdout}{stderr}");
    match output.status.code() {
        Some(0) => {}
        // No glslc installed: nothing to compare against.
        Some(2) => eprintln!("skipped: glslc not installed"),
        _ => panic!("vmafx/kernels/vulkan/spv is stale: run vmafx/kernels/vulkan/build.sh"),
    }
}
