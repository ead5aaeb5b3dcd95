//! Compiles the host emulator of the compute kernels when the `gpu-emulator` feature is
//! on; nothing otherwise.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "gpu-emulator")]
    emulator::build();
}

#[cfg(feature = "gpu-emulator")]
mod emulator {
    pub fn build() {
        for file in [
            "emulator/emulator.cpp",
            "cuda/portable.h",
            "cuda/motion.cu",
            "cuda/vif.cu",
            "cuda/adm.cu",
        ] {
            println!("cargo:rerun-if-changed=kernels/{file}");
        }
        cc::Build::new()
            .cpp(true)
            .file("kernels/emulator/emulator.cpp")
            .std("c++17")
            // The kernels' floating point must be the CPU's IEEE operations, unfused.
            .flag("-ffp-contract=off")
            .flag_if_supported("-fno-fast-math")
            .warnings(true)
            .compile("vmafx_kernel_emulator");
    }
}
