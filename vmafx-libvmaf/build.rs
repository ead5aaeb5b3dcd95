//! Gives the shared library libvmaf's soname, `libvmaf.so.3`, so programs linked against
//! libvmaf 3.x load this library in its place.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd"
    ) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libvmaf.so.3");
    }
}
