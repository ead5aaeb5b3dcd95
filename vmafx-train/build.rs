//! Links Debian's libsvm (`libsvm-dev`): the nu-SVR solver the trainer calls.

fn main() {
    println!("cargo:rustc-link-lib=dylib=svm");
    println!("cargo:rerun-if-changed=build.rs");
}
